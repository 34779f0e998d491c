import { CustomErrorBase } from '@backstage/errors';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import type { PullRequestState } from '@zero-trust/backstage-plugin-zero-trust-node/forges';

export type { PullRequestState };

/** Reads a recorded pull request's state from the forge it is on. */
export interface PullRequestReader {
  read(
    pullRequest: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState>;
}

/**
 * The pull request can never be followed as configured (no integration for its host, a
 * repository that is not the configured one): the request is `failed`, not retried.
 * Any other error (the forge unreachable, an answer that is not one: the forge layer's
 * ForgeReadError) is retried.
 */
export class UntrackableRequestError extends CustomErrorBase {}
