import { Labels } from './types';

/** Whether every selector label is present with the same value (an empty selector selects all). */
export function selectorMatches(
  selector: Labels | undefined,
  labels: Labels,
): boolean {
  if (!selector) return true;
  for (const key of Object.keys(selector)) {
    if (labels[key] !== selector[key]) return false;
  }
  return true;
}

/**
 * `k1=v1,k2=v2`, the form `kubectl` and Backstage's label-selector annotation use.
 *
 * @public
 */
export function formatSelector(selector: Labels): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
