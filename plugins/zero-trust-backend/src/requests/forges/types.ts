import { CustomErrorBase } from '@backstage/errors';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';

/** What the forge says about a pull request. */
export type PullRequestState =
  | { state: 'open' }
  | { state: 'closed' }
  | {
      state: 'merged';
      /** When the forge says it was merged; absent where it cannot tell (plain git). */
      mergedAt?: Date;
    };

/** Reads one kind of forge's pull requests. */
export interface PullRequestReader {
  read(
    pullRequest: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState>;
}

/**
 * The pull request can never be followed as configured (no integration for its host, a
 * repository that is not the configured one): the request is `failed`, not retried.
 * Any other error (the forge unreachable, an answer that is not one) is retried.
 */
export class UntrackableRequestError extends CustomErrorBase {}

/** The forge could not be read this time; the next run tries again. */
export class ForgeReadError extends CustomErrorBase {}
