import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';

/**
 * The zero-trust backend plugin.
 *
 * It serves no API yet: the cluster sources and the security API arrive with the
 * backend issue. Until then the engine runs through the `zero-trust` CLI.
 *
 * @public
 */
export const zeroTrustPlugin = createBackendPlugin({
  pluginId: 'zero-trust',
  register(env) {
    env.registerInit({
      deps: { logger: coreServices.logger },
      async init({ logger }) {
        logger.info(
          'zero-trust backend has no API yet; use `npx zero-trust` for the engine',
        );
      },
    });
  },
});
