import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabIntegrationConfig } from '@backstage/integration';
import { Gitlab } from '@gitbeaker/rest';
import { Redactor } from '../git/Redactor';
import { forgeRequest } from './forgeRequest';
import { dateOf, forgeOrigin } from './GithubForge';
import {
  Checkpoint,
  ForgeReadError,
  ForgeTarget,
  GitopsForge,
  PullRequestContent,
  PullRequestRef,
  PullRequestState,
  RecordedPullRequest,
  RemoteRepository,
} from './types';

/** What a new GitLab merge request gets (`zeroTrust.gitops.gitlab`). */
export interface GitlabSettings {
  labels: string[];
  reviewers: string[];
}

export interface GitlabForgeOptions {
  integration: GitLabIntegrationConfig;
  /** The project's full path, `group/subgroup/name`. */
  project: string;
  /** Default: no labels, no reviewers. */
  settings?: GitlabSettings;
  /** Default: a new one. */
  redactor?: Redactor;
}

type MergeRequest = {
  web_url: string;
  iid: number;
  title: string;
  description: string | null;
};

const toRef = (mr: MergeRequest): PullRequestRef => ({
  url: mr.web_url,
  number: mr.iid,
  title: mr.title,
  body: mr.description ?? '',
});

/**
 * GitLab merge requests through gitbeaker with the integration's token
 * (`integrations.gitlab[].token`), for the scaffolder actions and the request tracker
 * alike.
 */
export class GitlabForge implements GitopsForge {
  readonly name: string;
  readonly target: ForgeTarget;
  private readonly api: InstanceType<typeof Gitlab>;
  private readonly redactor: Redactor;
  private readonly settings: GitlabSettings;

  constructor(private readonly options: GitlabForgeOptions) {
    const { integration, project } = options;
    const redactor = options.redactor ?? new Redactor();
    this.redactor = redactor;
    this.settings = options.settings ?? { labels: [], reviewers: [] };
    this.name = `${integration.host}/${project}`;
    this.target = {
      provider: 'gitlab',
      host: integration.host,
      repository: project,
    };
    redactor.add(integration.token);
    this.api = new Gitlab({
      host: integration.baseUrl,
      token: integration.token ?? '',
      // Each request gives up after this long, so one slow forge cannot hold a run.
      queryTimeout: 30_000,
    });
  }

  async repository(): Promise<RemoteRepository> {
    const { integration, project } = this.options;
    const data = (await this.api.Projects.show(project)) as unknown as {
      http_url_to_repo: string;
      default_branch?: string;
    };
    const cloneUrl = data.http_url_to_repo;
    const sameHost = new URL(cloneUrl).host === integration.host;
    return {
      cloneUrl,
      defaultBranch: data.default_branch,
      // GitLab takes a token as the password of any user name; `oauth2` is its convention.
      credentials:
        integration.token && sameHost
          ? {
              origin: new URL(cloneUrl).origin,
              username: 'oauth2',
              password: integration.token,
            }
          : undefined,
    };
  }

  async remoteAt(cloneUrl: string): Promise<RemoteRepository> {
    const { integration } = this.options;
    const origin = forgeOrigin(cloneUrl, integration.host);
    return {
      cloneUrl,
      credentials: integration.token
        ? { origin, username: 'oauth2', password: integration.token }
        : undefined,
    };
  }

  async findOpenPullRequest(branch: string) {
    const found = (await this.api.MergeRequests.all({
      projectId: this.options.project,
      sourceBranch: branch,
      state: 'opened',
    })) as unknown as MergeRequest[];
    return found.length ? toRef(found[0]) : undefined;
  }

  async createPullRequest(options: {
    branch: string;
    base: string;
    content: PullRequestContent;
  }) {
    const { project } = this.options;
    const { settings } = this;
    const created = (await this.api.MergeRequests.create(
      project,
      options.branch,
      options.base,
      options.content.title,
      {
        description: options.content.body,
        ...(settings.labels.length
          ? { labels: settings.labels.join(',') }
          : {}),
      },
    )) as unknown as MergeRequest;
    return toRef(created);
  }

  async updatePullRequest(pr: PullRequestRef, content: PullRequestContent) {
    const updated = (await this.api.MergeRequests.edit(
      this.options.project,
      pr.number!,
      { title: content.title, description: content.body },
    )) as unknown as MergeRequest;
    return toRef(updated);
  }

  async decoratePullRequest(
    pr: PullRequestRef,
    options: { logger: LoggerService; checkpoint: Checkpoint },
  ) {
    const { project } = this.options;
    const { settings, redactor } = this;
    if (!settings.reviewers.length) return;
    const number = pr.number!;
    try {
      await options.checkpoint({
        key: `zero-trust.reviewers.${this.name}.${number}`,
        fn: async () => {
          // Merge requests take reviewers by user id; config names them by username.
          const ids: number[] = [];
          for (const username of settings.reviewers) {
            const users = (await this.api.Users.all({
              username,
            })) as unknown as { id: number }[];
            if (!users.length) throw new Error(`no GitLab user ${username}`);
            ids.push(users[0].id);
          }
          await this.api.MergeRequests.edit(project, number, {
            reviewerIds: ids,
          });
          options.logger.info(
            `Asked ${settings.reviewers.join(
              ', ',
            )} to review merge request !${number}`,
          );
        },
      });
    } catch (error) {
      options.logger.warn(
        `Could not add reviewers to merge request !${number}: ${redactor.redact(
          String((error as Error).message ?? error),
        )}`,
      );
    }
  }

  /**
   * `GET /projects/:id/merge_requests/:merge_request_iid`, whose `state` is `opened`,
   * `closed`, `locked` or `merged` (https://docs.gitlab.com/api/merge_requests/#get-single-mr).
   */
  async readPullRequest(
    pr: RecordedPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const { project } = this.options;
    const what = `GitLab (merge request !${pr.number} of ${project})`;
    if (pr.number === undefined) {
      throw new ForgeReadError(`${what}: the record names no number`);
    }
    // gitbeaker takes no signal per request (its client's queryTimeout bounds each one).
    signal?.throwIfAborted();
    const body = (await forgeRequest(
      what,
      () => this.api.MergeRequests.show(project, pr.number!),
      { signal },
    )) as unknown as { state?: string; merged_at?: string | null };
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
