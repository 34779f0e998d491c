import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';

import { zeroTrustApiRef, ZeroTrustClient } from './api';
import { rootRouteRef, selectedTemplateRouteRef } from './routes';

/** @public */
export const zeroTrustPlugin = createPlugin({
  id: 'zero-trust',
  apis: [
    createApiFactory({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZeroTrustClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
  externalRoutes: {
    selectedTemplate: selectedTemplateRouteRef,
  },
});

/**
 * The platform page: clusters, namespace posture and findings across the mesh.
 *
 * @public
 */
export const ZeroTrustPage = zeroTrustPlugin.provide(
  createRoutableExtension({
    name: 'ZeroTrustPage',
    component: () =>
      import('./components/ZeroTrustPage').then(m => m.ZeroTrustPage),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The entity page's Security tab. Show it where `isZeroTrustAvailable(entity)`.
 *
 * @public
 */
export const EntityZeroTrustContent = zeroTrustPlugin.provide(
  createComponentExtension({
    name: 'EntityZeroTrustContent',
    component: {
      lazy: () =>
        import('./components/EntityZeroTrustContent').then(
          m => m.EntityZeroTrustContent,
        ),
    },
  }),
);

/**
 * The overview card: identity, mTLS, caller count and worst finding per workload.
 *
 * @public
 */
export const EntityZeroTrustCard = zeroTrustPlugin.provide(
  createComponentExtension({
    name: 'EntityZeroTrustCard',
    component: {
      lazy: () =>
        import('./components/EntityZeroTrustCard').then(
          m => m.EntityZeroTrustCard,
        ),
    },
  }),
);
