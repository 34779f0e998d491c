import { Entity } from '@backstage/catalog-model';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  mockApis,
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactElement } from 'react';
import { zeroTrustApiRef, ZeroTrustClient } from '../api';
import { selectedTemplateRouteRef } from '../routes';

/** Where msw answers for the zero-trust backend in tests. */
export const baseUrl = 'http://backstage.test/api/zero-trust';

/** The real client, pointed at msw. */
export function testClient(): ZeroTrustClient {
  return new ZeroTrustClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backstage.test/api/${pluginId}`,
    },
    fetchApi: new MockFetchApi(),
  });
}

/** A catalog Component with Backstage's kubernetes annotations. */
export function component(
  name: string,
  annotations: Record<string, string> = {
    'backstage.io/kubernetes-id': name,
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    // What the catalog adds for spec.owner.
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  };
}

export interface RenderOptions {
  entity?: Entity;
  /** Mount the scaffolder's template route (as the demo app binds it); true by default. */
  withScaffolderRoute?: boolean;
  /** `app.baseUrl`; only read when the scaffolder route is not bound. */
  appBaseUrl?: string;
}

/** Renders inside a test app with the real client, an entity, and the routes links need. */
export function renderWithZeroTrust(
  element: ReactElement,
  options: RenderOptions = {},
) {
  const { entity, withScaffolderRoute = true, appBaseUrl } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [zeroTrustApiRef, testClient()],
        [
          configApiRef,
          mockApis.config({
            data: { app: { baseUrl: appBaseUrl ?? 'http://localhost:3000' } },
          }),
        ],
      ]}
    >
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...(withScaffolderRoute
          ? {
              '/create/templates/:namespace/:templateName':
                selectedTemplateRouteRef,
            }
          : {}),
      },
    },
  );
}
