import {
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';

import { rootRouteRef } from './routes';

/** @public */
export const zeroTrustPlugin = createPlugin({
  id: 'zero-trust',
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
