import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
  ScmIntegrations,
} from '@backstage/integration';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  ConditionalCache,
  GithubForge,
  GitlabForge,
  GitopsForge,
  PlainGitForge,
  PullRequestState,
} from '@zero-trust/backstage-plugin-zero-trust-node/forges';
import {
  PlainGitConfig,
  localRepositoryPath,
  readPlainGitConfig,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { PullRequestReader, UntrackableRequestError } from './types';

export interface PullRequestStatesOptions {
  integrations: ScmIntegrationRegistry;
  githubCredentialsProvider: GithubCredentialsProvider;
  plainGit?: PlainGitConfig;
}

/**
 * Reads a recorded pull request's state from the forge it is on, through the same forge
 * classes the scaffolder module opened it with. Only what the configuration reaches is
 * read: a record naming another host or repository is untrackable.
 */
export class PullRequestStates implements PullRequestReader {
  /**
   * The forges as the scaffolder module reaches them: `integrations.github` and
   * `integrations.gitlab` for credentials, `zeroTrust.gitops.plainGit` for plain git.
   */
  static fromConfig(config: Config): PullRequestStates {
    const integrations = ScmIntegrations.fromConfig(config);
    return new PullRequestStates({
      integrations,
      githubCredentialsProvider:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      plainGit: readPlainGitConfig(config),
    });
  }

  /** GitHub's last answers, shared by every read: an unchanged pull request is a 304. */
  private readonly cache = new ConditionalCache();

  constructor(private readonly options: PullRequestStatesOptions) {}

  async read(
    pullRequest: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    return this.forgeFor(pullRequest).readPullRequest(pullRequest, signal);
  }

  /** A forge per read: credentials are asked each time (a GitHub App's token expires). */
  private forgeFor(pr: OnboardingPullRequest): GitopsForge {
    const { integrations } = this.options;
    switch (pr.provider) {
      case 'github': {
        const integration = pr.host
          ? integrations.github.byHost(pr.host)
          : undefined;
        if (!integration) {
          throw new UntrackableRequestError(
            `no GitHub integration is configured for ${pr.host ?? 'its host'}`,
          );
        }
        const parts = pr.repository.split('/');
        const [owner, repo] = parts;
        if (parts.length !== 2 || !owner || !repo || pr.number === undefined) {
          throw new UntrackableRequestError(
            `${pr.repository} #${pr.number} does not name a GitHub pull request`,
          );
        }
        return new GithubForge({
          integration: integration.config,
          credentialsProvider: this.options.githubCredentialsProvider,
          owner,
          repo,
          cache: this.cache,
        });
      }
      case 'gitlab': {
        const integration = pr.host
          ? integrations.gitlab.byHost(pr.host)
          : undefined;
        if (!integration) {
          throw new UntrackableRequestError(
            `no GitLab integration is configured for ${pr.host ?? 'its host'}`,
          );
        }
        if (pr.number === undefined) {
          throw new UntrackableRequestError(
            `${pr.repository} names no merge request`,
          );
        }
        return new GitlabForge({
          integration: integration.config,
          project: pr.repository,
        });
      }
      case 'git':
      default:
        return this.plainGit(pr);
    }
  }

  /**
   * Only the configured local repository is read: a record cannot point the backend at
   * any other folder on its disk.
   */
  private plainGit(pr: OnboardingPullRequest): GitopsForge {
    const { plainGit } = this.options;
    if (!plainGit?.localPath) {
      throw new UntrackableRequestError(
        plainGit
          ? 'zeroTrust.gitops.plainGit.url is not a local repository; only a local one can be followed'
          : 'zeroTrust.gitops.plainGit.url is not configured, so its branches cannot be followed',
      );
    }
    if (localRepositoryPath(pr.repository) !== plainGit.localPath) {
      throw new UntrackableRequestError(
        `${pr.repository} is not the configured zeroTrust.gitops.plainGit.url`,
      );
    }
    return new PlainGitForge(plainGit);
  }
}
