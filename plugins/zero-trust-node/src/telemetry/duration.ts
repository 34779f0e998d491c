// Prometheus's duration syntax
// (https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations).
const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};
const whole = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Whether a string is a Prometheus duration (`7d`, `1h30m`). @public */
export function isPrometheusDuration(value: string): boolean {
  return /\d/.test(value) && whole.test(value);
}

/** A Prometheus duration in milliseconds; throws on anything else. */
export function parsePrometheusDuration(value: string): number {
  if (!isPrometheusDuration(value)) {
    throw new Error(
      `'${value}' is not a Prometheus duration (such as 7d or 36h)`,
    );
  }
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+)(ms|[ywdhms])/g)) {
    total += Number(n) * units[unit];
  }
  return total;
}
