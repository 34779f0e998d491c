/**
 * Readers of the mesh's edges and routes: ServiceEntry, VirtualService, Gateway and
 * Sidecar (networking.istio.io), reduced to the fields the engine reads.
 */
import { isObject } from '../kinds/fields';
import {
  ConnectionPoolInfo,
  GatewayInfo,
  GatewayServerInfo,
  HttpRetryInfo,
  HttpRouteInfo,
  Labels,
  OutlierDetectionInfo,
  ServiceEntryInfo,
  SidecarInfo,
  TrafficPolicyInfo,
  VirtualServiceInfo,
} from './types';

type Json = Record<string, any>;

const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : [];
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : [];
const specOf = (obj: Json): Json => (isObject(obj.spec) ? obj.spec : {});
const where = (obj: Json) => ({
  namespace: String(obj.metadata?.namespace ?? 'default'),
  name: String(obj.metadata?.name),
});

function labels(value: unknown): Labels | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, String(v)]),
  );
}

/** `exportTo` absent or empty means every namespace (`*`). */
function exportTo(spec: Json): string[] {
  const values = strings(spec.exportTo);
  return values.length ? values : ['*'];
}

export function readOutlierDetection(
  value: unknown,
): OutlierDetectionInfo | undefined {
  if (!isObject(value)) return undefined;
  const out: OutlierDetectionInfo = {};
  for (const key of [
    'consecutive5xxErrors',
    'consecutiveGatewayErrors',
    'maxEjectionPercent',
  ] as const) {
    if (Number.isFinite(Number(value[key])) && value[key] !== undefined) {
      out[key] = Number(value[key]);
    }
  }
  for (const key of ['interval', 'baseEjectionTime'] as const) {
    if (typeof value[key] === 'string') out[key] = value[key];
  }
  return out;
}

const numbers = <K extends string>(value: Json, keys: readonly K[]) =>
  Object.fromEntries(
    keys
      .filter(k => value[k] !== undefined && Number.isFinite(Number(value[k])))
      .map(k => [k, Number(value[k])]),
  ) as Partial<Record<K, number>>;

/** `connectionPool`, reduced to the fields the views show; undefined where it sets none. */
export function readConnectionPool(
  value: unknown,
): ConnectionPoolInfo | undefined {
  if (!isObject(value)) return undefined;
  const tcp = isObject(value.tcp)
    ? {
        ...numbers(value.tcp, ['maxConnections'] as const),
        ...(typeof value.tcp.connectTimeout === 'string'
          ? { connectTimeout: value.tcp.connectTimeout }
          : {}),
      }
    : {};
  const http = isObject(value.http)
    ? numbers(value.http, [
        'http1MaxPendingRequests',
        'http2MaxRequests',
        'maxRequestsPerConnection',
        'maxRetries',
      ] as const)
    : {};
  return {
    ...(Object.keys(tcp).length ? { tcp } : {}),
    ...(Object.keys(http).length ? { http } : {}),
  };
}

/** A traffic policy's connection pool and outlier detection. */
export function readTrafficPolicy(value: unknown): TrafficPolicyInfo {
  if (!isObject(value)) return {};
  const connectionPool = readConnectionPool(value.connectionPool);
  const outlierDetection = readOutlierDetection(value.outlierDetection);
  return {
    ...(connectionPool ? { connectionPool } : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
  };
}

/** `portLevelSettings` by port number; undefined where there is none. */
export function readPortLevelPolicies(
  value: unknown,
): Record<number, TrafficPolicyInfo> | undefined {
  const settings = list(value).filter(s => Number.isInteger(s.port?.number));
  if (!settings.length) return undefined;
  return Object.fromEntries(
    settings.map(s => [s.port.number, readTrafficPolicy(s)]),
  );
}

export function toServiceEntry(obj: Json): ServiceEntryInfo {
  const spec = specOf(obj);
  const selector = labels(spec.workloadSelector?.labels);
  const own = labels(obj.metadata?.labels);
  return {
    ...where(obj),
    ...(own ? { labels: own } : {}),
    hosts: strings(spec.hosts),
    ports: list(spec.ports).map(p => ({
      number: Number(p.number),
      ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
    })),
    location:
      spec.location === 'MESH_INTERNAL' ? 'MESH_INTERNAL' : 'MESH_EXTERNAL',
    resolution: typeof spec.resolution === 'string' ? spec.resolution : 'NONE',
    exportTo: exportTo(spec),
    ...(selector ? { workloadSelector: selector } : {}),
  };
}

function retries(value: unknown): HttpRetryInfo | undefined {
  if (!isObject(value)) return undefined;
  return {
    attempts: Number(value.attempts ?? 0),
    ...(typeof value.perTryTimeout === 'string'
      ? { perTryTimeout: value.perTryTimeout }
      : {}),
    ...(typeof value.retryOn === 'string' ? { retryOn: value.retryOn } : {}),
  };
}

function destinations(route: unknown) {
  return list(route)
    .map(r => (isObject(r.destination) ? r.destination : {}))
    .filter(d => typeof d.host === 'string')
    .map(d => ({
      host: String(d.host),
      ...(Number.isInteger(d.port?.number) ? { port: d.port.number } : {}),
      ...(typeof d.subset === 'string' ? { subset: d.subset } : {}),
    }));
}

function stringMatch(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value).filter(
    ([k, v]) =>
      ['exact', 'prefix', 'regex'].includes(k) && typeof v === 'string',
  );
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function httpRoute(route: Json): HttpRouteInfo {
  const match = list(route.match).map(m => {
    const uri = stringMatch(m.uri);
    const method = stringMatch(m.method);
    return {
      ...(uri ? { uri } : {}),
      ...(method ? { method } : {}),
      ...(Number.isInteger(m.port) ? { port: m.port } : {}),
      ...(Array.isArray(m.gateways) ? { gateways: strings(m.gateways) } : {}),
    };
  });
  const retry = retries(route.retries);
  return {
    ...(typeof route.name === 'string' ? { name: route.name } : {}),
    ...(match.length ? { match } : {}),
    destinations: destinations(route.route),
    ...(typeof route.timeout === 'string' ? { timeout: route.timeout } : {}),
    ...(retry ? { retries: retry } : {}),
  };
}

/**
 * The gateways a `tls` or `tcp` route applies on, where every one of its matches names
 * them: a match's `gateways` override the VirtualService's own, and a match without
 * them takes the VirtualService's (TLSMatchAttributes.gateways, L4MatchAttributes.gateways:
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSMatchAttributes).
 */
function matchGateways(match: unknown): { gateways?: string[] } {
  const matches = list(match);
  if (!matches.length || matches.some(m => !Array.isArray(m.gateways))) {
    return {};
  }
  return { gateways: [...new Set(matches.flatMap(m => strings(m.gateways)))] };
}

export function toVirtualService(obj: Json): VirtualServiceInfo {
  const spec = specOf(obj);
  const gateways = strings(spec.gateways);
  return {
    ...where(obj),
    ...(obj.metadata?.creationTimestamp
      ? { creationTimestamp: String(obj.metadata.creationTimestamp) }
      : {}),
    hosts: strings(spec.hosts),
    gateways: gateways.length ? gateways : ['mesh'],
    exportTo: exportTo(spec),
    http: list(spec.http).map(httpRoute),
    tls: list(spec.tls).map(t => ({
      sniHosts: list(t.match).flatMap(m => strings(m.sniHosts)),
      destinations: destinations(t.route),
      ...matchGateways(t.match),
    })),
    tcp: list(spec.tcp).map(t => ({
      destinations: destinations(t.route),
      ...matchGateways(t.match),
    })),
  };
}

function server(value: Json): GatewayServerInfo {
  const port = isObject(value.port) ? value.port : {};
  const tls = isObject(value.tls) ? value.tls : undefined;
  return {
    port: {
      number: Number(port.number),
      protocol: String(port.protocol ?? 'HTTP').toUpperCase(),
      ...(typeof port.name === 'string' ? { name: port.name } : {}),
    },
    hosts: strings(value.hosts),
    ...(tls
      ? {
          tls: {
            // ServerTLSSettings.mode defaults to PASSTHROUGH (the enum's zero value):
            // https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode
            mode: typeof tls.mode === 'string' ? tls.mode : 'PASSTHROUGH',
            ...(tls.httpsRedirect === true ? { httpsRedirect: true } : {}),
          },
        }
      : {}),
  };
}

export function toGateway(obj: Json): GatewayInfo {
  const spec = specOf(obj);
  return {
    ...where(obj),
    selector: labels(spec.selector) ?? {},
    servers: list(spec.servers).map(server),
  };
}

export function toSidecar(obj: Json): SidecarInfo {
  const spec = specOf(obj);
  const selector = labels(spec.workloadSelector?.labels);
  const egress = list(spec.egress);
  // OutboundTrafficPolicy.Mode's zero value is REGISTRY_ONLY: a block without a mode
  // means it (https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy-Mode).
  const mode = isObject(spec.outboundTrafficPolicy)
    ? spec.outboundTrafficPolicy.mode ?? 'REGISTRY_ONLY'
    : undefined;
  return {
    ...where(obj),
    ...(obj.metadata?.creationTimestamp
      ? { creationTimestamp: String(obj.metadata.creationTimestamp) }
      : {}),
    ...(selector ? { workloadSelector: selector } : {}),
    ...(egress.length
      ? { egressHosts: egress.flatMap(e => strings(e.hosts)) }
      : {}),
    ...(mode === 'ALLOW_ANY' || mode === 'REGISTRY_ONLY'
      ? { outboundTrafficPolicy: mode }
      : {}),
  };
}
