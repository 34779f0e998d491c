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
import { PullRequestStates } from './requests/forges/PullRequestStates';
import { OnboardingRequests } from './requests/OnboardingRequests';
import { OnboardingRequestStore } from './requests/OnboardingRequestStore';
import { OnboardingRequestTracker } from './requests/OnboardingRequestTracker';
import { readTrackingConfig } from './requests/trackingConfig';
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
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, catalog } = deps;
        const clusters = readClusterConfigs(config);
        const sources = clusters.map(c => createClusterSource(c, logger));
        const mesh = new MeshState(
          sources.map((source, i) => ({
            source,
            trustDomain: clusters[i].trustDomain,
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
        // Onboarding requests: recorded by the scaffolder action, followed by a task that
        // one replica at a time runs (global scope takes a database lock).
        const tracking = readTrackingConfig(config);
        const store = await OnboardingRequestStore.create({
          database: deps.database,
        });
        const tracker = new OnboardingRequestTracker({
          store,
          pullRequests: PullRequestStates.fromConfig(config),
          clusters: sources,
          logger: logger.child({ task: 'onboarding-requests' }),
          convergeWithinMs: tracking.convergeWithinMinutes * 60_000,
        });
        await deps.scheduler.scheduleTask({
          id: 'zero-trust-onboarding-requests',
          frequency: { seconds: tracking.frequencySeconds },
          timeout: { minutes: 10 },
          scope: 'global',
          fn: async signal => {
            await tracker.run(signal);
          },
        });

        deps.permissionsRegistry.addPermissions(zeroTrustPermissions);
        deps.httpRouter.use(
          await createRouter({
            service: new ZeroTrustService(mesh, index, catalog),
            requests: new OnboardingRequests({
              store,
              catalog,
              permissions: deps.permissions,
              auth: deps.auth,
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
