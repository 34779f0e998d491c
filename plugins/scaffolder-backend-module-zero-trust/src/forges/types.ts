import { LoggerService } from '@backstage/backend-plugin-api';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
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

/** The scaffolder's `ctx.checkpoint`: runs a side effect once per task, even on retry. */
export type Checkpoint = ActionContext<{}>['checkpoint'];

/**
 * Where the change goes. One implementation per kind of forge; the action's flow
 * (clone, generate, commit, push, open or update) is the same for all of them. Every
 * secret a forge obtains goes into the action's Redactor before it is used.
 */
export interface GitopsForge {
  /** Names the repository in log lines and checkpoint keys; never holds a credential. */
  readonly name: string;
  /** The forge, host and repository, as the request's record names them. */
  readonly target: ForgeTarget;
  repository(): Promise<RemoteRepository>;
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
}
