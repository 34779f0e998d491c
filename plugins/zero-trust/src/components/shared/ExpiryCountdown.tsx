import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { certificateExpiry } from '@zero-trust/backstage-plugin-zero-trust-common';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The days left before a certificate ends, as of now: plain beyond 30 days, amber within
 * 30, red within 7 or once past (the thresholds of findings ZT024 and ZT025).
 */
export function ExpiryCountdown(props: { notAfter?: string; now?: number }) {
  const { notAfter } = props;
  const expiry = notAfter
    ? certificateExpiry(notAfter, props.now ?? Date.now())
    : undefined;
  if (!notAfter || !expiry) return <span>end date not known</span>;
  const date = notAfter.slice(0, 10);
  switch (expiry.level) {
    case 'expired':
      return (
        <StatusError>
          expired {plural(-expiry.days, 'day')} ago ({date})
        </StatusError>
      );
    case 'imminent':
      return (
        <StatusError>
          expires in {plural(expiry.days, 'day')} ({date})
        </StatusError>
      );
    case 'soon':
      return (
        <StatusWarning>
          expires in {plural(expiry.days, 'day')} ({date})
        </StatusWarning>
      );
    default:
      return (
        <StatusOK>
          expires in {plural(expiry.days, 'day')} ({date})
        </StatusOK>
      );
  }
}
