import {
  Finding,
  Severity,
  severityRank,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { oneOf } from './args';

const severities = ['low', 'medium', 'high'] as const;

export function parseFailOn(value: string | undefined): Severity | undefined {
  return value === undefined
    ? undefined
    : oneOf(value, severities, '--fail-on', 'high');
}

/** Whether any finding is at or above the threshold. */
export function reachesThreshold(
  findings: Finding[],
  threshold: Severity | undefined,
): boolean {
  if (!threshold) return false;
  return findings.some(
    f => severityRank[f.severity] <= severityRank[threshold],
  );
}
