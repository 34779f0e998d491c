import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { CatalogIdentityIndex } from './catalog/CatalogIdentityIndex';
import { createClusterSource } from './clusters/createClusterSource';
import { MeshState } from './clusters/MeshState';
import { readClusterConfigs } from './config/clusterConfig';
import { zeroTrustPermissions } from './permissions';
import { createRouter } from './router/createRouter';
import { ZeroTrustService } from './service/ZeroTrustService';

/**
 * The zero-trust backend plugin: reads the configured clusters, keeps their state
 * current, and serves the security API under `/api/zero-trust`.
 *
 * @public
 */
export const zeroTrustPlugin = createBackendPlugin({
  pluginId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, catalog } = deps;
        const clusters = readClusterConfigs(config);
        const mesh = new MeshState(
          clusters.map(c => ({
            source: createClusterSource(c, logger),
            trustDomain: c.trustDomain,
          })),
          logger,
        );
        deps.lifecycle.addShutdownHook(() => mesh.stop());
        await mesh.start();
        logger.info(
          `reading ${clusters.length} cluster(s): ${
            clusters.map(c => `${c.name} (${c.kind})`).join(', ') || 'none'
          }`,
        );

        const index = new CatalogIdentityIndex(
          catalog,
          deps.auth,
          logger,
          (config.getOptionalNumber('zeroTrust.catalogRefreshSeconds') ?? 60) *
            1000,
        );
        deps.permissionsRegistry.addPermissions(zeroTrustPermissions);
        deps.httpRouter.use(
          await createRouter({
            service: new ZeroTrustService(mesh, index, catalog),
            catalog,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
      },
    });
  },
});
