/**
 * Istio's host names as its networking resources write them: DNS patterns, the
 * `NAMESPACE/DNS` entries of Gateway servers and Sidecar egress, and a VirtualService
 * route's match as the views describe it. One home for the edges' readers (exposure,
 * egress, routes).
 */
import { VirtualServiceInfo } from '../model/types';

/** A `*.example.com` or `*` host pattern against a host. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  if (host.startsWith('*.')) return pattern.endsWith(host.slice(1));
  return false;
}

/**
 * Whether one of `entries` (`NAMESPACE/DNS` or `DNS`; `*` for any namespace, `.` for the
 * namespace of the resource that holds them, `own`) admits `host` living in `namespace`.
 * The same grammar serves a Gateway server's `hosts` and a Sidecar's `egress.hosts`
 * (istio/api networking/v1alpha3/gateway.proto and sidecar.proto).
 */
export function namespacedHostsAdmit(
  entries: string[],
  own: string,
  namespace: string,
  host: string,
): boolean {
  return entries.some(entry => {
    const slash = entry.indexOf('/');
    const ns = slash < 0 ? '*' : entry.slice(0, slash);
    const dns = slash < 0 ? entry : entry.slice(slash + 1);
    const nsOk =
      ns === '*' || ns === namespace || (ns === '.' && own === namespace);
    return nsOk && hostMatches(dns, host);
  });
}

/**
 * Whether a Sidecar's `egress.hosts` import `host`, living in `namespace`, for the
 * proxies of `configNamespace` (the namespace the Sidecar applies to: a root-namespace
 * Sidecar applies to every namespace without its own, and there `.` is each such
 * namespace, not the root namespace). As istiod reads them in release-1.31
 * (convertIstioListenerToWrapper and selectServices in pilot/pkg/model/sidecar.go): an
 * entry must be `NAMESPACE/DNS` (istiod logs any other and skips it), `~NS/DNS`
 * excludes what it names (a bare `~` is any namespace, so `~/*` excludes everything),
 * and a host is imported when an entry includes it and none excludes it.
 * sidecar.proto calls `.` "the namespace of the sidecar"; the code uses the
 * namespace the scope is built for, which this follows.
 */
export function sidecarHostsImport(
  entries: string[],
  configNamespace: string,
  namespace: string,
  host: string,
): boolean {
  const included: string[] = [];
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    if (slash < 0 || entry.indexOf('/', slash + 1) >= 0) continue;
    if (!entry.startsWith('~')) {
      included.push(entry);
      continue;
    }
    const ns = entry.slice(1, slash) || '*';
    const excluded = `${ns}/${entry.slice(slash + 1)}`;
    if (namespacedHostsAdmit([excluded], configNamespace, namespace, host)) {
      return false;
    }
  }
  return namespacedHostsAdmit(included, configNamespace, namespace, host);
}

/** A route's match conditions as the views list them (`any request` for an empty one). */
export function describeMatch(
  match: NonNullable<VirtualServiceInfo['http'][number]['match']>,
): string[] {
  return match.map(
    m =>
      [
        ...Object.entries(m.uri ?? {}).map(([k, v]) => `uri ${k} ${v}`),
        ...Object.entries(m.method ?? {}).map(([k, v]) => `method ${k} ${v}`),
        ...(m.port ? [`port ${m.port}`] : []),
      ].join(', ') || 'any request',
  );
}
