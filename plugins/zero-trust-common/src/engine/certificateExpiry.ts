/**
 * How near a CA certificate's end is: `ok` beyond 30 days, `soon` within 30 (finding
 * ZT024), `imminent` within 7 (ZT025), `expired` once past. One home for the thresholds:
 * the findings and the Security tab's countdown both read them.
 *
 * @public
 */
export type ExpiryLevel = 'ok' | 'soon' | 'imminent' | 'expired';

const day = 24 * 3600 * 1000;

/** @public */
export const expiryThresholdDays = { soon: 30, imminent: 7 } as const;

/** A certificate's expiry as of `now`; undefined where `notAfter` is not a date. @public */
export interface CertificateExpiry {
  level: ExpiryLevel;
  /** Whole days left (negative once expired: days since). */
  days: number;
}

/** @public */
export function certificateExpiry(
  notAfter: string,
  now: number,
): CertificateExpiry | undefined {
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return undefined;
  const left = end - now;
  const days = Math.floor(left / day);
  let level: ExpiryLevel = 'ok';
  if (left <= 0) level = 'expired';
  else if (left <= expiryThresholdDays.imminent * day) level = 'imminent';
  else if (left <= expiryThresholdDays.soon * day) level = 'soon';
  return { level, days };
}
