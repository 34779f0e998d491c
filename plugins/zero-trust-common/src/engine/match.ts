/**
 * Three-valued logic: a request attribute the query did not give (a method, a JWT
 * claim, a source IP) makes a match `maybe`, and the decision CONDITIONAL.
 */
export type Tri = 'yes' | 'no' | 'maybe';

export function triOr(values: Iterable<Tri>): Tri {
  let result: Tri = 'no';
  for (const v of values) {
    if (v === 'yes') return 'yes';
    if (v === 'maybe') result = 'maybe';
  }
  return result;
}

export function triAnd(values: Iterable<Tri>): Tri {
  let result: Tri = 'yes';
  for (const v of values) {
    if (v === 'no') return 'no';
    if (v === 'maybe') result = 'maybe';
  }
  return result;
}

export function triNot(value: Tri): Tri {
  if (value === 'maybe') return value;
  return value === 'yes' ? 'no' : 'yes';
}

/**
 * Istio's string match for principals, namespaces, hosts and paths: exact,
 * `prefix*`, `*suffix`, or `*` (any non-empty value)
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source).
 */
export function stringMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return value.length > 0;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/**
 * Path match: Istio's string match, plus the path templates `{*}` (one segment) and
 * `{**}` (one or more segments, last) of Istio 1.23+.
 */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('{*')) return stringMatches(pattern, path);
  const patternSegments = pattern.split('/');
  const pathSegments = path.split('/');
  for (let i = 0; i < patternSegments.length; i++) {
    const p = patternSegments[i];
    if (p === '{**}')
      return pathSegments.length > i && pathSegments.slice(i).every(Boolean);
    if (i >= pathSegments.length) return false;
    if (p === '{*}') {
      if (!pathSegments[i]) return false;
    } else if (p !== pathSegments[i]) {
      return false;
    }
  }
  return patternSegments.length === pathSegments.length;
}
