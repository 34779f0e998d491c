import { Entity } from '@backstage/catalog-model';
import {
  coreExtensionData,
  ExtensionDataRef,
  ExtensionDefinition,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from './alpha';
import { isZeroTrustAvailable } from './conditions';
import { rootRouteRef, selectedTemplateRouteRef } from './routes';

// Builds every extension of the new frontend system: slow to import on a busy machine.
jest.setTimeout(30_000);

/**
 * What an extension gives the app, by data ref: its factory run as the app would run
 * it, with no configuration. (`createExtensionTester` from
 * @backstage/frontend-test-utils does the same; that package is not a dependency.)
 */
function outputOf<T>(
  extension: ExtensionDefinition,
  ref: ExtensionDataRef<T, string, any>,
): T | undefined {
  const factory = (extension as unknown as { factory: Function }).factory;
  const values: Iterable<{ id: string; value: unknown }> = factory({
    node: { spec: { id: 'test', plugin } },
    config: {},
    inputs: {},
    apis: { get: () => undefined },
  });
  return [...values].find(v => v.id === ref.id)?.value as T | undefined;
}

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'reviews', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
  };
}

// Backstage's own annotations name the workloads; an entity without them has none.
const withId = component({ 'backstage.io/kubernetes-id': 'reviews' });
const withSelector = component({
  'backstage.io/kubernetes-label-selector': 'app=reviews',
});
const withBoth = component({
  'backstage.io/kubernetes-id': 'reviews',
  'backstage.io/kubernetes-label-selector': 'app=reviews',
});
const withNeither = component({ 'backstage.io/techdocs-ref': 'dir:.' });
const anApi: Entity = { ...withId, kind: 'API' };

describe('the /alpha plugin', () => {
  it('puts the Security tab on the entity page, the card on its overview, and adds the platform page and the API', () => {
    const placed = {
      'entity-content:zero-trust/security':
        'kind=entity-content,name=security,attachTo=page:catalog/entity@contents',
      'entity-card:zero-trust/summary':
        'kind=entity-card,name=summary,attachTo=entity-content:catalog/overview@cards',
      'page:zero-trust': 'kind=page,attachTo=app/routes@routes',
      'api:zero-trust': 'kind=api,attachTo=root@apis',
    } as const;
    for (const [id, where] of Object.entries(placed)) {
      expect(String(plugin.getExtension(id as keyof typeof placed))).toBe(
        `ExtensionDefinition{${where}}`,
      );
    }
    // getExtension answers only for extensions the plugin has.
    expect(() => plugin.getExtension('page:zero-trust/other' as any)).toThrow(
      /non-existent extension/,
    );
  });

  it('mounts the Security tab at /security and the platform page at /zero-trust', () => {
    const content = plugin.getExtension('entity-content:zero-trust/security');
    expect(outputOf(content, coreExtensionData.routePath)).toBe('/security');
    expect(outputOf(content, EntityContentBlueprint.dataRefs.title)).toBe(
      'Security',
    );
    const page = plugin.getExtension('page:zero-trust');
    expect(outputOf(page, coreExtensionData.routePath)).toBe('/zero-trust');
    expect(outputOf(page, coreExtensionData.routeRef)).toBe(rootRouteRef);
  });

  it('shows the Security tab and the card on components that name their workloads (as the legacy plugin does), and nowhere else', () => {
    const filters = {
      content: outputOf(
        plugin.getExtension('entity-content:zero-trust/security'),
        EntityContentBlueprint.dataRefs.filterFunction,
      ),
      card: outputOf(
        plugin.getExtension('entity-card:zero-trust/summary'),
        EntityCardBlueprint.dataRefs.filterFunction,
      ),
    };
    for (const filter of [filters.content, filters.card]) {
      expect(filter).toEqual(expect.any(Function));
      expect(
        [withId, withSelector, withBoth, withNeither, anApi].map(filter!),
      ).toEqual([true, true, true, false, false]);
    }
    // On components, the legacy plugin's condition agrees.
    for (const entity of [withId, withSelector, withBoth, withNeither]) {
      expect(filters.content!(entity)).toBe(isZeroTrustAvailable(entity));
    }
  });

  it('shares its routes with the legacy plugin, so bindings work in both apps', () => {
    expect(plugin.routes.root).toBe(rootRouteRef);
    expect(plugin.externalRoutes.selectedTemplate).toBe(
      selectedTemplateRouteRef,
    );
  });
});
