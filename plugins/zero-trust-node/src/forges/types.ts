import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import { JsonValue } from '@backstage/types';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitCredentials } from '../git/Git';

/** What git needs to reach the repository. */
export interface RemoteRepository {
  cloneUrl: string;
  /** Default: the branch the remote's HEAD names. */
  defaultBranch?: string;
  credentials?: GitCredentials;
}

/**
 * A pull request (GitHub), a merge request (GitLab), or a pushed branch (plain git). A
 * type, not an interface, so that a checkpoint can store it as JSON.
 */
export type PullRequestRef = {
  url: string;
  /** Absent for plain git, which has no pull requests. */
  number?: number;
  title?: string;
  body?: string;
};

export type PullRequestContent = {
  title: string;
  body: string;
};

/** Where the zero-trust backend finds the pull request again, to follow it. */
export type ForgeTarget = Pick<
  OnboardingPullRequest,
  'provider' | 'host' | 'repository'
>;

/**
 * Runs a side effect once per task, even on retry: the scaffolder's `ctx.checkpoint`.
 * Outside a task, `(o) => o.fn()`.
 */
export type Checkpoint = <T extends JsonValue | void>(options: {
  key: string;
  fn: () => Promise<T>;
}) => Promise<T>;

/** What the forge says about a pull request. */
export type PullRequestState =
  | { state: 'open' }
  | { state: 'closed' }
  | {
      state: 'merged';
      /** When the forge says it was merged; absent where it cannot tell (plain git). */
      mergedAt?: Date;
    };

/** What a recorded pull request names: enough to find it again. */
export type RecordedPullRequest = Pick<
  OnboardingPullRequest,
  'number' | 'branch' | 'baseBranch' | 'headSha'
>;

/**
 * The forge could not be read this time (unreachable, an error status, an answer that
 * is not one): the message names the forge and what went wrong, never a credential.
 */
export class ForgeReadError extends CustomErrorBase {}

/**
 * Where the change goes, and where its pull request is followed. One implementation per
 * kind of forge; the flow (clone, write, commit, push, open or update, follow) is the
 * same for all of them. Every secret a forge obtains goes into its Redactor before it
 * is used.
 */
export interface GitopsForge {
  /** Names the repository in log lines and checkpoint keys; never holds a credential. */
  readonly name: string;
  /** The forge, host and repository, as the request's record names them. */
  readonly target: ForgeTarget;
  /** Looks the repository up: where to clone it from, its default branch, credentials. */
  repository(): Promise<RemoteRepository>;
  /**
   * The credentials for a clone URL `repository()` answered before, without asking the
   * forge again (the pull request step pushes the checkout the generate step cloned).
   *
   * @throws InputError where the URL is not on this forge's host
   */
  remoteAt(cloneUrl: string): Promise<RemoteRepository>;
  /** The open pull request whose head is this branch, if any. */
  findOpenPullRequest(branch: string): Promise<PullRequestRef | undefined>;
  createPullRequest(options: {
    branch: string;
    base: string;
    content: PullRequestContent;
  }): Promise<PullRequestRef>;
  updatePullRequest(
    pullRequest: PullRequestRef,
    content: PullRequestContent,
  ): Promise<PullRequestRef>;
  /** Labels and reviewers for a new pull request: a failure is logged, never thrown. */
  decoratePullRequest(
    pullRequest: PullRequestRef,
    options: { logger: LoggerService; checkpoint: Checkpoint },
  ): Promise<void>;
  /**
   * Whether the recorded pull request is open, closed or merged.
   *
   * @throws ForgeReadError where the forge cannot tell this time
   */
  readPullRequest(
    pullRequest: RecordedPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState>;
}
