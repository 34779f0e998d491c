import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type {
  OnboardingForgeProvider,
  OnboardingPullRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { GithubPullRequests } from './GithubPullRequests';
import { GitlabMergeRequests } from './GitlabMergeRequests';
import { PlainGitBranches } from './PlainGitBranches';
import { PullRequestReader, PullRequestState } from './types';

/** Reads a recorded pull request's state from the forge it is on. */
export class PullRequestStates implements PullRequestReader {
  /**
   * The forges as the scaffolder module reaches them: `integrations.github` and
   * `integrations.gitlab` for credentials, `zeroTrust.gitops.plainGit.url` for plain git.
   */
  static fromConfig(config: Config): PullRequestStates {
    const integrations = ScmIntegrations.fromConfig(config);
    return new PullRequestStates({
      github: new GithubPullRequests(
        integrations,
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      ),
      gitlab: new GitlabMergeRequests(integrations),
      git: new PlainGitBranches(
        config.getOptionalString('zeroTrust.gitops.plainGit.url'),
      ),
    });
  }

  constructor(
    private readonly readers: Record<
      OnboardingForgeProvider,
      PullRequestReader
    >,
  ) {}

  read(
    pullRequest: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    return this.readers[pullRequest.provider].read(pullRequest, signal);
  }
}
