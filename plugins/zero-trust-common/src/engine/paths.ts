import type { PathNormalization } from '../model/types';

export type { PathNormalization };

// RFC 3986 unreserved characters: their percent-encodings are decoded by BASE
// (https://istio.io/latest/docs/reference/config/security/normalization/).
const unreserved = /[A-Za-z0-9\-._~]/;

/** `%HH` of an unreserved character decoded; any other escape upper-cased. */
function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9a-fA-F]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return unreserved.test(char) ? char : escape.toUpperCase();
  });
}

/** RFC 3986 section 5.2.4, remove_dot_segments, on an absolute path. */
function removeDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/');
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..' && out.length > 1) out.pop();
      // `/a/.` and `/a/b/..` keep their trailing slash.
      if (last) out.push('');
      return;
    }
    out.push(segment);
  });
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

/**
 * A request path as a sidecar or waypoint hands it to its RBAC filter. The query string
 * (and a fragment) is never part of the path Envoy's path matcher reads. Then per the
 * mesh's normalization (listener_builder.go in pilot/pkg/networking/core: BASE, the
 * default, sets Envoy's `normalize_path`; MERGE_SLASHES adds `merge_slashes`;
 * DECODE_AND_MERGE_SLASHES also unescapes `%2F` and `%5C`), in the order
 * https://istio.io/latest/docs/ops/best-practices/security/#understand-path-normalization-in-authorization-policy
 * gives: decode `%2F`/`%5C`, RFC 3986 normalization (unreserved escapes decoded,
 * backslashes made slashes, `.` and `..` resolved), then merge slashes.
 */
export function normalizePath(raw: string, mode: PathNormalization): string {
  let path = raw.replace(/[?#].*$/s, '');
  if (mode === 'NONE') return path;
  if (mode === 'DECODE_AND_MERGE_SLASHES') {
    path = path.replace(/%2f/gi, '/').replace(/%5c/gi, '\\');
  }
  path = removeDotSegments(decodeUnreserved(path).replace(/\\/g, '/'));
  if (mode !== 'BASE') path = path.replace(/\/{2,}/g, '/');
  return path;
}
