import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { zeroTrustApiRef, ZeroTrustClient } from '../api';
import { isZeroTrustAvailable } from '../conditions';
import { rootRouteRef, selectedTemplateRouteRef } from '../routes';

/** @alpha */
export const zeroTrustApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: zeroTrustApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ZeroTrustClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Components that name their workloads with one of Backstage's kubernetes annotations:
 * the legacy plugin's `isZeroTrustAvailable`, for components only.
 */
const namesItsWorkloads = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component' &&
  isZeroTrustAvailable(entity);

/** @alpha */
export const zeroTrustEntityContent = EntityContentBlueprint.make({
  name: 'security',
  params: {
    path: '/security',
    title: 'Security',
    filter: namesItsWorkloads,
    loader: () =>
      import('../components/EntityZeroTrustContent').then(m => (
        <m.EntityZeroTrustContent />
      )),
  },
});

/** @alpha */
export const zeroTrustEntityCard = EntityCardBlueprint.make({
  name: 'summary',
  params: {
    type: 'info',
    filter: namesItsWorkloads,
    loader: () =>
      import('../components/EntityZeroTrustCard').then(m => (
        <m.EntityZeroTrustCard />
      )),
  },
});

/** @alpha */
export const zeroTrustPage = PageBlueprint.make({
  params: {
    path: '/zero-trust',
    title: 'Zero trust',
    routeRef: rootRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/ZeroTrustPage').then(m => <m.ZeroTrustPage />),
  },
});

/**
 * The zero-trust plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export const zeroTrustFrontendPlugin = createFrontendPlugin({
  pluginId: 'zero-trust',
  title: 'Zero trust',
  extensions: [
    zeroTrustApi,
    zeroTrustEntityContent,
    zeroTrustEntityCard,
    zeroTrustPage,
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { selectedTemplate: selectedTemplateRouteRef },
});
