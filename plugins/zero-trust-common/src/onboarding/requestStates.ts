/**
 * Every state of an onboarding request, in the order a request goes through them: the
 * backend's store and query schema and the frontend's filter read this one list.
 * @public
 */
export const onboardingRequestStates = [
  'open',
  'merged',
  'converged',
  'drifted',
  'closed',
  'failed',
] as const;

/**
 * Where an onboarding request stands.
 * - `open`: the pull request is open (plain git: the branch is pushed, not merged).
 * - `merged`: merged into the base branch; the live cluster does not hold the change yet,
 *   and the grace period for the GitOps controller to sync has not passed.
 * - `converged`: merged, and the live cluster holds the namespace labels and every
 *   generated resource with the same spec. Still followed: the loop is closed while
 *   the cluster keeps holding it.
 * - `drifted`: merged, and the live cluster holds something else (see `drift`): after
 *   the grace period, or at once when it had converged. Still followed: it becomes
 *   `converged` once the cluster matches.
 *
 * A merged request is no longer followed once a newer one for the same service is
 * merged; it keeps its last state.
 * - `closed`: closed without merging (plain git: the branch is gone, unmerged). Final.
 * - `failed`: the request cannot be followed at all (see `lastError`), e.g. its
 *   repository is on a host no integration is configured for. Final.
 *
 * @public
 */
export type OnboardingRequestState = (typeof onboardingRequestStates)[number];
