/** Severity, worst first. @public */
export type Severity = 'high' | 'medium' | 'low';

/**
 * The order findings are shown in, worst first. A module of its own, so the frontend
 * takes it without the findings catalogue. @public
 */
export const severityRank: Record<Severity, number> = {
  high: 0,
  medium: 1,
  low: 2,
};
