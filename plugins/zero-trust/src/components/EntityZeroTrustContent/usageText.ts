import type {
  CallerUsage,
  NotAllowedCaller,
  PlaintextObservation,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** `1 call`, `1,204 calls`: requests (HTTP, gRPC) or TCP connections, as Istio counts them. */
export function callsText(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'call' : 'calls'}`;
}

/** What a caller's usage cell says first: the count seen, or unused over the window. */
export function usageHeadline(usage: CallerUsage): string {
  return usage.state === 'used'
    ? callsText(usage.count)
    : `unused over ${usage.window.duration}`;
}

/** A refused or unaccounted source: how many of its calls were refused, and what check says. */
export function notAllowedText(c: NotAllowedCaller): string {
  const seen =
    c.denied === undefined
      ? `${callsText(c.count)} (TCP: refusals are not counted)`
      : `${c.denied.toLocaleString('en-US')} of ${callsText(c.count)} refused`;
  const why = c.allowedEntry
    ? 'an allowed caller entry covers it for some requests'
    : 'no allowed caller covers it';
  return `${seen}; ${why}; check today: ${c.decision}`;
}

/** Plaintext seen to the workload, and whether its mTLS mode refuses or accepts it. */
export function plaintextText(p: PlaintextObservation): string {
  return p.verdict === 'refused'
    ? `${callsText(p.count)} without mTLS, refused (mTLS ${p.mode})`
    : `${callsText(p.count)} without mTLS, accepted (mTLS ${p.mode})`;
}
