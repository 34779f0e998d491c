import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GithubCredentialsProvider,
  GithubIntegrationConfig,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';
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

export interface GithubForgeOptions {
  integration: GithubIntegrationConfig;
  credentialsProvider: GithubCredentialsProvider;
  owner: string;
  repo: string;
  settings: GitopsConfig['github'];
  redactor: Redactor;
}

type PullsItem = {
  html_url: string;
  number: number;
  title: string;
  body: string | null;
};

const toRef = (pr: PullsItem): PullRequestRef => ({
  url: pr.html_url,
  number: pr.number,
  title: pr.title,
  body: pr.body ?? '',
});

/**
 * GitHub (and GitHub Enterprise) through `@backstage/integration`'s credentials: a token
 * or a GitHub App installation token, whichever the integration config gives.
 */
export class GithubForge implements GitopsForge {
  readonly name: string;
  readonly target: ForgeTarget;
  private clientPromise?: Promise<{ octokit: Octokit; token?: string }>;

  constructor(private readonly options: GithubForgeOptions) {
    this.name = `${options.integration.host}/${options.owner}/${options.repo}`;
    this.target = {
      provider: 'github',
      host: options.integration.host,
      repository: `${options.owner}/${options.repo}`,
    };
  }

  private client() {
    this.clientPromise ??= (async () => {
      const { integration, credentialsProvider, owner, repo, redactor } =
        this.options;
      const { token } = await credentialsProvider.getCredentials({
        url: `https://${integration.host}/${owner}/${repo}`,
      });
      redactor.add(token);
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.apiBaseUrl,
        // Octokit's default logger writes to the console; the action logs what matters.
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      return { octokit, token };
    })();
    return this.clientPromise;
  }

  async repository(): Promise<RemoteRepository> {
    const { octokit, token } = await this.client();
    const { owner, repo, integration } = this.options;
    const { data } = await octokit.rest.repos.get({ owner, repo });
    // The token goes only to the integration's own host, whatever the API answers.
    const sameHost = new URL(data.clone_url).host === integration.host;
    return {
      cloneUrl: data.clone_url,
      defaultBranch: data.default_branch,
      credentials:
        token && sameHost
          ? {
              origin: new URL(data.clone_url).origin,
              username: 'x-access-token',
              password: token,
            }
          : undefined,
    };
  }

  async findOpenPullRequest(branch: string) {
    const { octokit } = await this.client();
    const { owner, repo } = this.options;
    const { data } = await octokit.rest.pulls.list({
      owner,
      repo,
      state: 'open',
      head: `${owner}:${branch}`,
      per_page: 10,
    });
    return data.length ? toRef(data[0]) : undefined;
  }

  async createPullRequest(options: {
    branch: string;
    base: string;
    content: PullRequestContent;
  }) {
    const { octokit } = await this.client();
    const { owner, repo, settings } = this.options;
    const { data } = await octokit.rest.pulls.create({
      owner,
      repo,
      title: options.content.title,
      body: options.content.body,
      head: options.branch,
      base: options.base,
      draft: settings.draft,
    });
    return toRef(data);
  }

  async updatePullRequest(pr: PullRequestRef, content: PullRequestContent) {
    const { octokit } = await this.client();
    const { owner, repo } = this.options;
    const { data } = await octokit.rest.pulls.update({
      owner,
      repo,
      pull_number: pr.number!,
      title: content.title,
      body: content.body,
    });
    return toRef(data);
  }

  async decoratePullRequest(
    pr: PullRequestRef,
    options: { logger: LoggerService; checkpoint: Checkpoint },
  ) {
    const { octokit } = await this.client();
    const { owner, repo, settings, redactor } = this.options;
    const { logger, checkpoint } = options;
    const number = pr.number!;
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await checkpoint({
          key: `zero-trust.${what}.${this.name}.${number}`,
          fn,
        });
      } catch (error) {
        logger.warn(
          `Could not add ${what} to pull request #${number}: ${redactor.redact(
            String((error as Error).message ?? error),
          )}`,
        );
      }
    };
    if (settings.labels.length) {
      await attempt('labels', async () => {
        await octokit.rest.issues.addLabels({
          owner,
          repo,
          issue_number: number,
          labels: settings.labels,
        });
        logger.info(
          `Labelled pull request #${number}: ${settings.labels.join(', ')}`,
        );
      });
    }
    if (settings.reviewers.length || settings.teamReviewers.length) {
      await attempt('reviewers', async () => {
        await octokit.rest.pulls.requestReviewers({
          owner,
          repo,
          pull_number: number,
          reviewers: settings.reviewers,
          team_reviewers: settings.teamReviewers,
        });
        logger.info(
          `Asked for reviews on pull request #${number}: ${[
            ...settings.reviewers,
            ...settings.teamReviewers.map(t => `team ${t}`),
          ].join(', ')}`,
        );
      });
    }
  }
}
