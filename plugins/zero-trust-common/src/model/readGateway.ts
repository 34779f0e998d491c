import { isObject } from '../kinds';
import { labelSelector } from './readNetworkPolicy';
import {
  GatewayListenerInfo,
  GatewayRouteInfo,
  GatewayRouteKind,
  HttpRouteInfo,
  KubernetesGatewayInfo,
  Labels,
  ReferenceGrantInfo,
} from './types';

type Json = Record<string, any>;

function strings(value: unknown): Labels {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

const gatewayGroup = 'gateway.networking.k8s.io';
const objects = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : [];
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const portOf = (value: unknown): number | undefined =>
  Number.isInteger(value) ? (value as number) : undefined;

function allowedNamespaces(
  namespaces: unknown,
): GatewayListenerInfo['allowedNamespaces'] {
  if (!isObject(namespaces)) return { from: 'Same' };
  if (namespaces.from === 'All') return { from: 'All' };
  if (namespaces.from === 'Selector') {
    return { from: 'Selector', selector: labelSelector(namespaces.selector) };
  }
  return { from: 'Same' };
}

/**
 * Who may attach to the waypoint: the `allowedRoutes.namespaces` of its HBONE listener
 * (port 15008), `Same` where there is none or it sets nothing (makeAllowedRoutes and
 * makeWaypointSelector in pilot/pkg/serviceregistry/ambient/waypoints.go).
 */
function allowedRoutes(spec: Json): KubernetesGatewayInfo['allowedRoutes'] {
  const hbone = objects(spec.listeners).find(
    l => l.protocol === 'HBONE' && l.port === 15008,
  );
  return allowedNamespaces(hbone?.allowedRoutes?.namespaces);
}

/**
 * Whether istiod has made the waypoint ready: it uses one only once `status.addresses`
 * is set (gatewayToWaypointTransform in pilot/pkg/serviceregistry/ambient/waypoints.go),
 * and the Gateway API's `Programmed` condition says whether the data plane got it.
 */
function status(obj: Json): KubernetesGatewayInfo['status'] {
  if (!isObject(obj.status)) return undefined;
  const conditions = Array.isArray(obj.status.conditions)
    ? obj.status.conditions.filter(isObject)
    : [];
  const programmed = conditions.find(c => c.type === 'Programmed');
  return {
    ...(programmed ? { programmed: programmed.status === 'True' } : {}),
    addresses: Array.isArray(obj.status.addresses)
      ? obj.status.addresses.length
      : 0,
  };
}

/** One listener, as istiod's buildListener reads it. */
function listener(l: Json): GatewayListenerInfo {
  const tls = isObject(l.tls) ? l.tls : undefined;
  // An empty `allowedRoutes.kinds` narrows nothing: the protocol's kinds
  // (GenerateGatewaySupportedKinds in istio/istio pilot/pkg/config/kube/gatewaycommon/
  // conversion.go intersects only where it lists some).
  const listed = objects(l.allowedRoutes?.kinds);
  const kinds = listed
    .filter(k => (k.group ?? gatewayGroup) === gatewayGroup)
    .map(k => String(k.kind));
  const terminateMode = text(
    isObject(tls?.options)
      ? tls!.options['gateway.istio.io/tls-terminate-mode']
      : undefined,
  );
  return {
    name: String(l.name ?? ''),
    ...(text(l.hostname) ? { hostname: l.hostname } : {}),
    port: Number(l.port),
    protocol: String(l.protocol ?? ''),
    // Terminate is the default mode (buildTLS).
    ...(tls
      ? { tlsMode: tls.mode === 'Passthrough' ? 'Passthrough' : 'Terminate' }
      : {}),
    ...(terminateMode ? { terminateMode } : {}),
    allowedNamespaces: allowedNamespaces(l.allowedRoutes?.namespaces),
    ...(listed.length ? { allowedKinds: kinds } : {}),
  };
}

/** A `gateway.networking.k8s.io` Gateway as the waypoint and ingress rules read it. */
export function readGateway(obj: Json): KubernetesGatewayInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const state = status(obj);
  return {
    namespace: obj.metadata?.namespace ?? 'default',
    name: String(obj.metadata?.name),
    gatewayClassName: String(spec.gatewayClassName ?? ''),
    labels: strings(obj.metadata?.labels),
    annotations: strings(obj.metadata?.annotations),
    allowedRoutes: allowedRoutes(spec),
    ...(state ? { status: state } : {}),
    listeners: objects(spec.listeners).map(listener),
  };
}

/**
 * A path match as istiod converts it (createURIMatch: PathPrefix by default, value `/`
 * by default, a trailing `/` of a prefix dropped).
 */
function pathMatch(path: unknown): Record<string, string> {
  const p = isObject(path) ? path : {};
  const value = typeof p.value === 'string' ? p.value : '/';
  if (p.type === 'Exact') return { exact: value };
  if (p.type === 'RegularExpression') return { regex: value };
  return { prefix: value !== '/' ? value.replace(/\/$/, '') : value };
}

/** A gRPC method match as istiod turns it into a path (createGRPCURIMatch). */
function grpcMatch(method: unknown): Record<string, string> | undefined {
  if (!isObject(method)) return undefined;
  const service = text(method.service);
  const name = text(method.method);
  if (!service && !name) return undefined;
  if (method.type === 'RegularExpression') {
    if (!name) return { regex: `/${service}/.+` };
    if (!service) return { regex: `/[^/]+/${name}` };
    return { regex: `/${service}/${name}` };
  }
  if (!name) return { prefix: `/${service}/` };
  if (!service) return { regex: `/[^/]+/${name}` };
  return { exact: `/${service}/${name}` };
}

type RouteMatch = NonNullable<HttpRouteInfo['match']>[number];

/** Route kinds whose rules match nothing but the connection: every one reaches the backends. */
const connectionRouteKinds: GatewayRouteKind[] = ['TLSRoute', 'TCPRoute'];

function routeMatches(
  kind: GatewayRouteKind,
  rule: Json,
): RouteMatch[] | undefined {
  if (connectionRouteKinds.includes(kind)) return undefined;
  const matches = objects(rule.matches);
  if (!matches.length) return undefined;
  return matches.map(m => {
    if (kind === 'GRPCRoute') {
      const uri = grpcMatch(m.method);
      return uri ? { uri } : {};
    }
    return {
      uri: pathMatch(m.path),
      ...(text(m.method) ? { method: { exact: m.method } } : {}),
    };
  });
}

/** A rule that only sends clients to HTTPS: RequestRedirect filters to `https`, no backend. */
function redirectsToHttps(rule: Json): boolean {
  const filters = objects(rule.filters);
  return (
    filters.length > 0 &&
    objects(rule.backendRefs).length === 0 &&
    filters.every(
      f =>
        f.type === 'RequestRedirect' && f.requestRedirect?.scheme === 'https',
    )
  );
}

/**
 * A route's hostnames. A TCPRoute has none: istiod binds it to any host, `*`
 * (TCPRouteCollection in istio/istio pilot/pkg/config/kube/gateway/route_collections.go),
 * whatever a manifest the CRD would prune sets.
 */
function hostnames(kind: GatewayRouteKind, spec: Json): string[] {
  if (kind === 'TCPRoute' || !Array.isArray(spec.hostnames)) return [];
  return spec.hostnames.map(String);
}

/** An HTTPRoute, GRPCRoute, TLSRoute or TCPRoute, its references' defaults applied. */
export function readGatewayRoute(
  kind: GatewayRouteKind,
  obj: Json,
): GatewayRouteInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const namespace = String(obj.metadata?.namespace ?? 'default');
  return {
    kind,
    namespace,
    name: String(obj.metadata?.name),
    hostnames: hostnames(kind, spec),
    parentRefs: objects(spec.parentRefs).map(p => ({
      group: typeof p.group === 'string' ? p.group : gatewayGroup,
      kind: text(p.kind) ?? 'Gateway',
      namespace: text(p.namespace) ?? namespace,
      name: String(p.name),
      ...(text(p.sectionName) ? { sectionName: p.sectionName } : {}),
      ...(portOf(p.port) !== undefined ? { port: p.port } : {}),
    })),
    rules: objects(spec.rules).map(rule => {
      const match = routeMatches(kind, rule);
      return {
        ...(match ? { match } : {}),
        backendRefs: objects(rule.backendRefs).map(b => ({
          group: typeof b.group === 'string' ? b.group : '',
          kind: text(b.kind) ?? 'Service',
          namespace: text(b.namespace) ?? namespace,
          name: String(b.name),
          ...(portOf(b.port) !== undefined ? { port: b.port } : {}),
        })),
        ...(redirectsToHttps(rule) ? { redirectsToHttps: true as const } : {}),
      };
    }),
  };
}

/** A ReferenceGrant: lives in the namespace of what it lets others reference. */
export function readReferenceGrant(obj: Json): ReferenceGrantInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  return {
    namespace: String(obj.metadata?.namespace ?? 'default'),
    name: String(obj.metadata?.name),
    from: objects(spec.from).map(f => ({
      group: String(f.group ?? ''),
      kind: String(f.kind ?? ''),
      namespace: String(f.namespace ?? ''),
    })),
    to: objects(spec.to).map(t => ({
      group: String(t.group ?? ''),
      kind: String(t.kind ?? ''),
      ...(text(t.name) ? { name: t.name } : {}),
    })),
  };
}
