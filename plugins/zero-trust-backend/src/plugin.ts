import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { seedPlainGitRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { CatalogIdentityIndex } from './catalog/CatalogIdentityIndex';
import { createMeshState } from './clusters/createMeshState';
import { zeroTrustPermissions } from './permissions';
import { OnboardingRequests } from './requests/OnboardingRequests';
import { startTracking } from './requests/startTracking';
import { createRouter } from './router/createRouter';
import { ZeroTrustService } from './service/ZeroTrustService';
import { ClusterTelemetry } from './telemetry/ClusterTelemetry';

/**
 * The zero-trust backend plugin: reads the configured clusters, keeps their state
 * current, serves the security API under `/api/zero-trust`, and follows the onboarding
 * requests the scaffolder action records.
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
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, catalog } = deps;
        // The demo's GitOps repository exists before its cluster is first read (the
        // scaffolder module seeds the same repository; whichever starts first does it).
        await seedPlainGitRepository({ config, logger });
        const { mesh, sources } = await createMeshState(config, logger);
        deps.lifecycle.addShutdownHook(() => mesh.stop());
        const store = await startTracking({
          config,
          database: deps.database,
          scheduler: deps.scheduler,
          clusters: sources,
          logger,
        });
        const index = new CatalogIdentityIndex(
          catalog,
          deps.auth,
          logger,
          (config.getOptionalNumber('zeroTrust.catalogRefreshSeconds') ?? 60) *
            1000,
        );

        deps.permissionsRegistry.addPermissions(zeroTrustPermissions);
        const service = new ZeroTrustService(
          mesh,
          index,
          catalog,
          ClusterTelemetry.fromConfig(config, logger),
        );
        deps.httpRouter.use(
          await createRouter({
            service,
            requests: new OnboardingRequests({
              store,
              catalog,
              permissions: deps.permissions,
              auth: deps.auth,
              dryRunEvidence: records => service.withDryRunEvidence(records),
            }),
            catalog,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
          }),
        );
      },
    });
  },
});
