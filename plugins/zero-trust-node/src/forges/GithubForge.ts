import { LoggerService } from '@backstage/backend-plugin-api';
import {
  GithubCredentialsProvider,
  GithubIntegrationConfig,
} from '@backstage/integration';
import { InputError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import { Redactor } from '../git/Redactor';
import { ConditionalCache } from './ConditionalCache';
import { forgeRequest } from './forgeRequest';
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

/** What a new GitHub pull request gets (`zeroTrust.gitops.github`). */
export interface GithubSettings {
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  draft: boolean;
}

export interface GithubForgeOptions {
  integration: GithubIntegrationConfig;
  credentialsProvider: GithubCredentialsProvider;
  owner: string;
  repo: string;
  /** Default: no labels, no reviewers, not a draft. */
  settings?: GithubSettings;
  /** Default: a new one. */
  redactor?: Redactor;
  /** Answers kept for conditional reads; share one across forges that live long. */
  cache?: ConditionalCache;
}

const noSettings: GithubSettings = {
  labels: [],
  reviewers: [],
  teamReviewers: [],
  draft: false,
};

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
 * GitHub (and GitHub Enterprise) through `@backstage/integration`'s credentials (a token
 * or a GitHub App installation token, whichever the integration config gives) and
 * Octokit, for the scaffolder actions and the request tracker alike.
 */
export class GithubForge implements GitopsForge {
  readonly name: string;
  readonly target: ForgeTarget;
  private readonly redactor: Redactor;
  private readonly settings: GithubSettings;
  private readonly cache: ConditionalCache;
  private clientPromise?: Promise<{ octokit: Octokit; token?: string }>;

  constructor(private readonly options: GithubForgeOptions) {
    this.redactor = options.redactor ?? new Redactor();
    this.settings = options.settings ?? noSettings;
    this.cache = options.cache ?? new ConditionalCache();
    this.name = `${options.integration.host}/${options.owner}/${options.repo}`;
    this.target = {
      provider: 'github',
      host: options.integration.host,
      repository: `${options.owner}/${options.repo}`,
    };
  }

  private client() {
    this.clientPromise ??= (async () => {
      const { integration, credentialsProvider, owner, repo } = this.options;
      const { token } = await credentialsProvider.getCredentials({
        url: `https://${integration.host}/${owner}/${repo}`,
      });
      this.redactor.add(token);
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.apiBaseUrl,
        // Octokit's default logger writes to the console; the action logs what matters.
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      return { octokit, token };
    })();
    // A failed credentials lookup is tried again next time.
    this.clientPromise.catch(() => {
      this.clientPromise = undefined;
    });
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

  async remoteAt(cloneUrl: string): Promise<RemoteRepository> {
    const { token } = await this.client();
    const origin = forgeOrigin(cloneUrl, this.options.integration.host);
    return {
      cloneUrl,
      credentials: token
        ? { origin, username: 'x-access-token', password: token }
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
    const { owner, repo } = this.options;
    const { settings } = this;
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
    const { owner, repo } = this.options;
    const { settings, redactor } = this;
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

  /**
   * `GET /repos/{owner}/{repo}/pulls/{pull_number}`: `merged` says whether it was
   * merged, `state` whether it is still open
   * (https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request). Asked with the
   * ETag of the last answer, so an unchanged pull request is a 304, which costs no rate
   * limit
   * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
   */
  async readPullRequest(
    pr: RecordedPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const { owner, repo } = this.options;
    const what = `GitHub (pull request #${pr.number} of ${owner}/${repo})`;
    if (pr.number === undefined) {
      throw new ForgeReadError(`${what}: the record names no number`);
    }
    const { octokit } = await this.client().catch(error => {
      throw new ForgeReadError(
        `no GitHub credentials for ${owner}/${repo}: ${this.redactor.redact(
          String((error as Error).message ?? error),
        )}`,
      );
    });
    const key = `${this.name}#${pr.number}`;
    const cached = this.cache.get(key);
    const body = await forgeRequest(
      what,
      async requestSignal => {
        const { data, headers } = await octokit.rest.pulls.get({
          owner,
          repo,
          pull_number: pr.number!,
          headers: cached ? { 'if-none-match': cached.etag } : {},
          request: { signal: requestSignal },
        });
        if (headers.etag) this.cache.set(key, headers.etag, data);
        return data as unknown as Record<string, unknown>;
      },
      { signal, notModified: cached?.body },
    );
    if (body.merged === true) {
      return { state: 'merged', mergedAt: dateOf(body.merged_at) };
    }
    if (body.state === 'open') return { state: 'open' };
    if (body.state === 'closed') return { state: 'closed' };
    throw new ForgeReadError(`${what} answered an unknown state ${body.state}`);
  }
}

/**
 * The origin of a clone URL on the forge's host: an InputError for anything else (a
 * URL on another host, a local path), which must never get the forge's credentials or
 * its pushes.
 */
export function forgeOrigin(cloneUrl: string, host: string): string {
  let url: URL | undefined;
  try {
    url = new URL(cloneUrl);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.host !== host) {
    throw new InputError(`${cloneUrl} is not a repository on ${host}`);
  }
  return url.origin;
}

/** A forge's timestamp, where it is one. */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
