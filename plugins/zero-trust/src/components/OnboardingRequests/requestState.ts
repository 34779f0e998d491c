import type {
  OnboardingDrift,
  OnboardingRequestRecord,
  OnboardingRequestState,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** Each state's name in the status chip. */
export const stateNames: Record<OnboardingRequestState, string> = {
  open: 'Open',
  merged: 'Merged',
  converged: 'Converged',
  drifted: 'Drifted',
  closed: 'Closed',
  failed: 'Failed',
};

/**
 * How many things differ: a missing namespace, label or resource counts once, a
 * resource whose spec differs counts each differing field.
 */
export function differenceCount(drift: OnboardingDrift[]): number {
  return drift.reduce(
    (n, d) =>
      n + (d.type === 'differentSpec' ? Math.max(d.differences.length, 1) : 1),
    0,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the state means for this request, in plain words. */
export function stateHint(
  record: Pick<OnboardingRequestRecord, 'state' | 'drift' | 'pullRequest'>,
): string {
  const branchOnly = record.pullRequest.provider === 'git';
  switch (record.state) {
    case 'open':
      return branchOnly
        ? 'branch pushed; waiting for it to be merged'
        : 'pull request open; waiting for review and merge';
    case 'merged':
      return 'merged; waiting for the cluster to sync';
    case 'converged':
      return 'the cluster holds the change';
    case 'drifted':
      return `the cluster differs: ${plural(
        differenceCount(record.drift),
        'difference',
      )}`;
    case 'closed':
      return branchOnly
        ? 'branch removed without merging'
        : 'closed without merging';
    case 'failed':
      return 'cannot be followed';
    default:
      return '';
  }
}
