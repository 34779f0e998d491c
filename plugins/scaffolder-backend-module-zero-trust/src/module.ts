import { createBackendModule } from '@backstage/backend-plugin-api';

/**
 * The zero-trust module for the scaffolder.
 *
 * It registers no actions yet: `zero-trust:onboard:generate` and
 * `zero-trust:gitops:pull-request` arrive with the scaffolder issue.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  moduleId: 'zero-trust',
  pluginId: 'scaffolder',
  register({ registerInit }) {
    registerInit({
      deps: {},
      async init() {},
    });
  },
});
