import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';

import { zeroTrustApiRef, ZeroTrustClient } from './api';
import { rootRouteRef } from './routes';

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
});

/** @public */
export const ZeroTrustPage = zeroTrustPlugin.provide(
  createRoutableExtension({
    name: 'ZeroTrustPage',
    component: () =>
      import('./components/ZeroTrustPage').then(m => m.ZeroTrustPage),
    mountPoint: rootRouteRef,
  }),
);
