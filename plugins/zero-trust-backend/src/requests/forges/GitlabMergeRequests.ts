import { ScmIntegrationRegistry } from '@backstage/integration';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { dateOf, fetchJson } from './fetchJson';
import {
  ForgeReadError,
  PullRequestReader,
  PullRequestState,
  UntrackableRequestError,
} from './types';

/**
 * GitLab's `GET /projects/:id/merge_requests/:merge_request_iid`, whose `state` is
 * `opened`, `closed`, `locked` or `merged`
 * (https://docs.gitlab.com/api/merge_requests/#get-single-mr), with the integration's
 * token (`integrations.gitlab[].token`).
 */
export class GitlabMergeRequests implements PullRequestReader {
  constructor(private readonly integrations: ScmIntegrationRegistry) {}

  async read(
    pr: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const integration = pr.host
      ? this.integrations.gitlab.byHost(pr.host)
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
    const what = `GitLab (merge request !${pr.number} of ${pr.repository})`;
    const { apiBaseUrl, token } = integration.config;
    const body = await fetchJson(
      // The project's full path, URL-encoded, is its id.
      `${apiBaseUrl}/projects/${encodeURIComponent(
        pr.repository,
      )}/merge_requests/${pr.number}`,
      token ? { 'PRIVATE-TOKEN': token } : {},
      what,
      { signal },
    );
    switch (body.state) {
      case 'merged':
        return { state: 'merged', mergedAt: dateOf(body.merged_at) };
      case 'closed':
        return { state: 'closed' };
      // `locked` is an open merge request in the middle of being merged.
      case 'opened':
      case 'locked':
        return { state: 'open' };
      default:
        throw new ForgeReadError(
          `${what} answered an unknown state ${body.state}`,
        );
    }
  }
}
