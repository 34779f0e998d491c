import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ConditionalCache } from './ConditionalCache';
import { dateOf, fetchJson } from './fetchJson';
import {
  ForgeReadError,
  PullRequestReader,
  PullRequestState,
  UntrackableRequestError,
} from './types';

/**
 * GitHub's `GET /repos/{owner}/{repo}/pulls/{pull_number}`: `merged` says whether it was
 * merged, `state` whether it is still open
 * (https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request). Credentials are the
 * integration's, as `@backstage/integration` gives them: a token or a GitHub App's.
 * Each pull request is asked again with the ETag of its last answer, so an unchanged one
 * costs no rate limit.
 */
export class GithubPullRequests implements PullRequestReader {
  private readonly cache = new ConditionalCache();

  constructor(
    private readonly integrations: ScmIntegrationRegistry,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  async read(
    pr: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const integration = pr.host
      ? this.integrations.github.byHost(pr.host)
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
    const what = `GitHub (pull request #${pr.number} of ${pr.repository})`;
    let token: string | undefined;
    try {
      ({ token } = await this.credentials.getCredentials({
        url: `https://${integration.config.host}/${owner}/${repo}`,
      }));
    } catch (error) {
      throw new ForgeReadError(
        `no GitHub credentials for ${pr.repository}: ${
          (error as Error).message
        }`,
      );
    }
    const body = await fetchJson(
      `${integration.config.apiBaseUrl}/repos/${encodeURIComponent(
        owner,
      )}/${encodeURIComponent(repo)}/pulls/${pr.number}`,
      {
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      what,
      { signal, cache: this.cache },
    );
    if (body.merged === true) {
      return { state: 'merged', mergedAt: dateOf(body.merged_at) };
    }
    if (body.state === 'open') return { state: 'open' };
    if (body.state === 'closed') return { state: 'closed' };
    throw new ForgeReadError(`${what} answered an unknown state ${body.state}`);
  }
}
