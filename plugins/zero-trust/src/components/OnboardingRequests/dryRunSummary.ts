import type {
  OnboardingDryRunEvidence,
  OnboardingRequestRecord,
} from '@zero-trust/backstage-plugin-zero-trust-common';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `requests`, `connections` or both, by what the proxies counted. */
function unit(
  e: OnboardingDryRunEvidence,
): 'request' | 'connection' | 'request or connection' {
  const kinds = new Set((e.observations ?? []).map(o => o.protocol));
  if (kinds.size > 1) return 'request or connection';
  return kinds.has('tcp') ? 'connection' : 'request';
}

/** The callers the engine says enforcing the request's dry-run policies would deny. */
export function engineWouldDeny(e: OnboardingDryRunEvidence): string[] {
  return [...new Set(e.workloads.flatMap(w => w.wouldDenyCallers))].sort();
}

/**
 * One sentence on what a dry-run request's policies would have denied, from the
 * proxies' shadow RBAC counts; where there are none to read, why (never a zero that
 * only means "not read"). Undefined for an enforced request or one without evidence.
 */
export function dryRunSummary(
  record: OnboardingRequestRecord,
): { text: string; severity: 'info' | 'warning' | 'error' } | undefined {
  const e = record.dryRun;
  if (record.request.rollout !== 'dry-run' || !e) return undefined;
  if (e.enforced && e.note) {
    return { text: `Dry run over: ${e.note}`, severity: 'info' };
  }
  if (!e.workloads.length && e.note) {
    return { text: `Dry run: ${e.note}`, severity: 'info' };
  }
  const t = e.telemetry;
  if (t.state === 'not-configured') {
    return { text: `Dry run: no counts. ${t.message}`, severity: 'info' };
  }
  if (t.state === 'failed') {
    return {
      text: `Dry run: the counts could not be read. ${t.message}`,
      severity: 'error',
    };
  }
  const source = "(Envoy's shadow RBAC stats)";
  const last = `in the last ${t.window.duration}`;
  if (!e.observations?.length) {
    return {
      text: `Dry run: the proxies reported no dry-run counts ${last} ${source}: no traffic reached the policies, or their stats are not scraped.`,
      severity: 'warning',
    };
  }
  const u = unit(e);
  const denied = e.wouldDeny ?? 0;
  const allowed = e.wouldAllow ?? 0;
  return denied > 0
    ? {
        text: `Dry run: would have denied ${plural(
          denied,
          u,
        )} ${last} ${source}, and allowed ${allowed}.`,
        severity: 'warning',
      }
    : {
        text: `Dry run: would have denied none of ${plural(
          allowed,
          u,
        )} ${last} ${source}.`,
        severity: 'info',
      };
}
