/**
 * A service's routes as its callers' proxies get them: the timeout and retries of the
 * VirtualService for its host (Istio's defaults where none), and the outlier detection
 * and connection pool of the DestinationRule they use, by port and subset.
 */
import {
  ConnectionPoolInfo,
  DestinationRuleInfo,
  MeshConfig,
  OutlierDetectionInfo,
  TrafficPolicyInfo,
  ServiceInfo,
  VirtualServiceInfo,
  WorkloadInfo,
} from '../model/types';
import { destinationRuleFor, serviceHost } from './destinationRules';
import { describeMatch } from './hosts';

/**
 * Istio's retry policy for a route without `retries`: 2 retries on
 * `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes`
 * (defaultNumRetries and defaultRetryOn in istio/istio
 * pilot/pkg/networking/core/route/retry/retry.go, Istio 1.24 and later), no per-try
 * timeout. A route without `timeout` has none (Istio disables Envoy's 15s default:
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute).
 *
 * @public
 */
export const istioDefaultRetries = {
  attempts: 2,
  retryOn:
    'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
} as const;

/**
 * The `retryOn` policies under which Envoy retries a request that may have reached the
 * upstream already (it answered 5xx or 409, or reset the stream): `5xx`, `gateway-error`,
 * `reset`, `retriable-4xx`
 * (https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/router_filter#x-envoy-retry-on).
 * The others (`connect-failure`, `refused-stream`, `unavailable`, `cancelled`, ...) retry
 * only what the upstream never processed.
 *
 * @public
 */
export function retriesAfterReached(retryOn: string | undefined): string[] {
  const reached = ['5xx', 'gateway-error', 'reset', 'retriable-4xx'];
  return (retryOn ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(s => reached.includes(s));
}

/** One HTTP route of a service's host. @public */
export interface RouteView {
  /** The service's host, `NAME.NAMESPACE.svc.cluster.local`. */
  host: string;
  /** `NAMESPACE/NAME` of the VirtualService, or absent: Istio's default route. */
  virtualService?: string;
  /** What the route matches (`uri prefix /api`, `method POST`); absent: every request. */
  match?: string[];
  /** The whole request's timeout; null: none (Istio's default). */
  timeout: string | null;
  retries: {
    attempts: number;
    perTryTimeout?: string;
    retryOn?: string;
    /** The route sets none: Istio's default policy applies. */
    istioDefault?: true;
  };
  /** The DestinationRule's outlier detection as the service's callers get it. */
  outlierDetection?: OutlierDetectionInfo & { destinationRule: string };
  /** The DestinationRule's connection pool (its top level) as the service's callers get it. */
  connectionPool?: ConnectionPoolInfo & { destinationRule: string };
  /**
   * Where the DestinationRule's policy differs by Service port (`portLevelSettings`) or
   * by the subset a destination of the route names: the connection pool and outlier
   * detection callers get there (`trafficPolicyFor`).
   */
  trafficPolicies?: (TrafficPolicyInfo & { port: number; subset?: string })[];
}

/**
 * The connection pool and outlier detection a DestinationRule gives one Service port and
 * subset, as istiod merges them (MergeSubsetTrafficPolicy and GetPortLevelTrafficPolicy
 * in istio/istio pilot/pkg/networking/util/util.go, MergeTrafficPolicy in
 * pilot/pkg/model/destination_rule.go): a `portLevelSettings` entry for the port replaces
 * the top level wholesale (what it leaves out is Istio's default, not inherited); a
 * subset's policy then overrides each part it sets, or, where it has an entry for the
 * port, replaces all of them.
 *
 * @public
 */
export function trafficPolicyFor(
  rule: DestinationRuleInfo,
  port: number,
  subset?: string,
): TrafficPolicyInfo {
  const top: TrafficPolicyInfo = rule.portLevelPolicies?.[port] ?? {
    ...(rule.connectionPool ? { connectionPool: rule.connectionPool } : {}),
    ...(rule.outlierDetection
      ? { outlierDetection: rule.outlierDetection }
      : {}),
  };
  const own = subset
    ? rule.subsets?.find(s => s.name === subset)?.trafficPolicy
    : undefined;
  if (!own) return top;
  const atPort = own.portLevelPolicies?.[port];
  if (atPort) return atPort;
  const connectionPool = own.connectionPool ?? top.connectionPool;
  const outlierDetection = own.outlierDetection ?? top.outlierDetection;
  return {
    ...(connectionPool ? { connectionPool } : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
  };
}

/** The per-port and per-subset policies that differ from the rule's top level. */
function differingPolicies(
  rule: DestinationRuleInfo,
  service: ServiceInfo,
  subsets: string[],
): RouteView['trafficPolicies'] {
  const out: NonNullable<RouteView['trafficPolicies']> = [];
  for (const { port } of service.ports) {
    for (const subset of [undefined, ...subsets]) {
      const portLevel = rule.portLevelPolicies?.[port] !== undefined;
      const subsetLevel =
        subset !== undefined &&
        rule.subsets?.find(s => s.name === subset)?.trafficPolicy !== undefined;
      // A subset without a policy of its own gets what the port gets.
      if (subset === undefined ? !portLevel : !subsetLevel) continue;
      out.push({
        port,
        ...(subset ? { subset } : {}),
        ...trafficPolicyFor(rule, port, subset),
      });
    }
  }
  return out.length ? out : undefined;
}

/** Whether a host a VirtualService writes names the service (short names are relative to it). */
function namesHost(
  h: string,
  vs: VirtualServiceInfo,
  host: string,
  service: ServiceInfo,
) {
  if (h === host) return true;
  if (h === `${service.name}.${service.namespace}`) return true;
  if (h === `${service.name}.${service.namespace}.svc`) return true;
  if (!h.includes('.') && vs.namespace === service.namespace) {
    return h === service.name;
  }
  return h.startsWith('*.') && host.endsWith(h.slice(1));
}

/** Whether a VirtualService host names the service. */
function namesService(
  vs: VirtualServiceInfo,
  host: string,
  service: ServiceInfo,
) {
  return vs.hosts.some(h => namesHost(h, vs, host, service));
}

/**
 * The routes of each Service that selects a workload, as a caller elsewhere in the mesh
 * gets them: the first VirtualService for the mesh that names the host, oldest first
 * (Istio keeps one per host on sidecars), each of its HTTP routes, or Istio's default route; and the
 * outlier detection of the DestinationRule a caller without rules of its own uses.
 *
 * @public
 */
export function routesFor(
  mesh: MeshConfig,
  services: ServiceInfo[],
  virtualServices: VirtualServiceInfo[],
  destinationRulesByNamespace: ReadonlyMap<string, DestinationRuleInfo[]>,
): RouteView[] {
  const routes: RouteView[] = [];
  for (const service of services) {
    const host = serviceHost(service.namespace, service.name);
    // A caller in a namespace without rules of its own.
    const caller: WorkloadInfo = {
      kind: 'Pod',
      namespace: '',
      name: '',
      labels: {},
      annotations: {},
      serviceAccount: 'default',
      hostNetwork: false,
      containerPorts: [],
    };
    const rule = destinationRuleFor(
      mesh,
      caller,
      host,
      service.namespace,
      destinationRulesByNamespace,
    );
    const outlier = {
      ...(rule?.outlierDetection
        ? {
            outlierDetection: {
              ...rule.outlierDetection,
              destinationRule: `${rule.namespace}/${rule.name}`,
            },
          }
        : {}),
      ...(rule?.connectionPool
        ? {
            connectionPool: {
              ...rule.connectionPool,
              destinationRule: `${rule.namespace}/${rule.name}`,
            },
          }
        : {}),
    };
    const policies = (subsets: string[]) => {
      const found = rule && differingPolicies(rule, service, subsets);
      return found ? { trafficPolicies: found } : {};
    };
    // The model holds them in Istio's order (oldest, then name: model/creationOrder.ts).
    const vs = virtualServices.find(
      v =>
        v.gateways.includes('mesh') &&
        v.http.length > 0 &&
        namesService(v, host, service),
    );
    if (!vs) {
      routes.push({
        host,
        timeout: null,
        retries: { ...istioDefaultRetries, istioDefault: true },
        ...outlier,
        ...policies([]),
      });
      continue;
    }
    for (const route of vs.http) {
      routes.push({
        host,
        virtualService: `${vs.namespace}/${vs.name}`,
        ...(route.match ? { match: describeMatch(route.match) } : {}),
        timeout: route.timeout ?? null,
        retries: route.retries
          ? { ...route.retries }
          : { ...istioDefaultRetries, istioDefault: true },
        ...outlier,
        ...policies([
          ...new Set(
            route.destinations
              .filter(d => d.subset && namesHost(d.host, vs, host, service))
              .map(d => d.subset!),
          ),
        ]),
      });
    }
  }
  return routes;
}
