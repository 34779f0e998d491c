import plugin from './alpha';
import { rootRouteRef, selectedTemplateRouteRef } from './routes';

describe('the /alpha plugin', () => {
  it('provides the Security tab, the overview card, the platform page and the API', () => {
    for (const id of [
      'entity-content:zero-trust/security',
      'entity-card:zero-trust/summary',
      'page:zero-trust',
      'api:zero-trust',
    ] as const) {
      expect(plugin.getExtension(id)).toBeDefined();
    }
    // getExtension answers only for extensions the plugin has.
    expect(() => plugin.getExtension('page:zero-trust/other' as any)).toThrow(
      /non-existent extension/,
    );
  });

  it('shares its routes with the legacy plugin, so bindings work in both apps', () => {
    expect(plugin.routes.root).toBe(rootRouteRef);
    expect(plugin.externalRoutes.selectedTemplate).toBe(
      selectedTemplateRouteRef,
    );
  });
});
