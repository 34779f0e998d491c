import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createCatalogAnnotateAction } from './actions/catalogAnnotate';
import { createGitopsPullRequestAction } from './actions/gitopsPullRequest';
import { createOnboardGenerateAction } from './actions/onboardGenerate';
import { createPolicyPromoteAction } from './actions/policyPromote';
import { createPolicyTightenAction } from './actions/policyTighten';
import { readTelemetryConfig } from '@zero-trust/backstage-plugin-zero-trust-node/telemetry';
import { readGitopsConfig } from './config';
import { seedPlainGitRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { GitopsRepositories } from './gitops/GitopsRepositories';
import { MeshIdentities } from './onboarding/MeshIdentities';
import { OnboardingRequestRecorder } from './onboarding/OnboardingRequestRecorder';
import { RecordedRequests } from './onboarding/RecordedRequests';
import { EntityWorkloads } from './onboarding/EntityWorkloads';

/**
 * The zero-trust module for the scaffolder: the `zero-trust:onboard:generate`,
 * `zero-trust:gitops:pull-request`, `zero-trust:catalog:annotate`,
 * `zero-trust:policy:promote` and `zero-trust:policy:tighten` actions; the
 * pull request action records each pull request with the zero-trust backend, which
 * follows it. Where `zeroTrust.gitops.plainGit` names a local repository with
 * `seedFrom`, it creates that repository at startup where it is missing (the demo's
 * GitOps remote), as the zero-trust backend does.
 *
 * @public
 */
export const scaffolderModule = createBackendModule({
  moduleId: 'zero-trust',
  pluginId: 'scaffolder',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, discovery, auth, logger, catalog }) {
        const gitops = readGitopsConfig(config);
        const integrations = ScmIntegrations.fromConfig(config);
        const repositories = new GitopsRepositories({
          integrations,
          githubCredentialsProvider:
            DefaultGithubCredentialsProvider.fromIntegrations(integrations),
          config: gitops,
        });
        const identities = new MeshIdentities({ discovery, auth });
        const recorder = new OnboardingRequestRecorder({ discovery, auth });
        const requests = new RecordedRequests({ discovery, auth });
        const workloads = new EntityWorkloads({ discovery, auth });
        const telemetry = readTelemetryConfig(config);
        for (const error of telemetry.errors) logger.warn(error);

        // The backend seeds it too, before it first reads it: whichever starts first.
        await seedPlainGitRepository({ config, logger });

        scaffolder.addActions(
          createOnboardGenerateAction({ repositories, identities }),
          createGitopsPullRequestAction({ repositories, recorder }),
          createCatalogAnnotateAction({ catalog, integrations, repositories }),
          createPolicyPromoteAction({ repositories, requests }),
          createPolicyTightenAction({ repositories, workloads, telemetry }),
        );
      },
    });
  },
});
