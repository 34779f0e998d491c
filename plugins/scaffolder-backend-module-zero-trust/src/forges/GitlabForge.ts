import { LoggerService } from '@backstage/backend-plugin-api';
import { GitLabIntegrationConfig } from '@backstage/integration';
import { Gitlab } from '@gitbeaker/rest';
import { GitopsConfig } from '../config';
import { Redactor } from '../redact';
import {
  Checkpoint,
  ForgeTarget,
  GitopsForge,
  PullRequestContent,
  PullRequestRef,
  RemoteRepository,
} from './types';

export interface GitlabForgeOptions {
  integration: GitLabIntegrationConfig;
  /** The project's full path, `group/subgroup/name`. */
  project: string;
  settings: GitopsConfig['gitlab'];
  redactor: Redactor;
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

/** GitLab merge requests with the integration's token (`integrations.gitlab[].token`). */
export class GitlabForge implements GitopsForge {
  readonly name: string;
  readonly target: ForgeTarget;
  private readonly api: InstanceType<typeof Gitlab>;

  constructor(private readonly options: GitlabForgeOptions) {
    const { integration, project, redactor } = options;
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
    const { project, settings } = this.options;
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
    const { project, settings, redactor } = this.options;
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
}
