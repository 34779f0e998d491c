/**
 * Who reaches a workload from outside: Istio Gateways (networking.istio.io) bound to
 * gateway pods by selector, and the VirtualServices bound to those Gateways that route
 * a host to the workload's Service
 * (https://istio.io/latest/docs/reference/config/networking/gateway/,
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-gateways).
 */
import { selectorMatches } from '../model/labels';
import {
  GatewayInfo,
  GatewayRouteKind,
  GatewayServerInfo,
  ServiceInfo,
  VirtualServiceInfo,
  WorkloadInfo,
} from '../model/types';
import { serviceHost } from './destinationRules';
import { GatewayReach, gatewayReach } from './gatewayReach';
import { describeMatch, namespacedHostsAdmit } from './hosts';
import type { MeshPath } from './meshPaths';

/** One way in from outside. @public */
export interface ExposureView {
  /** `NAMESPACE/NAME` of the Gateway. */
  gateway: string;
  /** A Gateway API Gateway's class (`istio`); absent: an Istio (networking.istio.io) Gateway. */
  gatewayClass?: string;
  /** The Gateway API listener's name. */
  listener?: string;
  /**
   * `CLUSTER/NAMESPACE/NAME` of the gateway workloads: those its selector binds it to, or
   * (Gateway API) those carrying its `gateway.networking.k8s.io/gateway-name` label.
   */
  gatewayWorkloads: string[];
  /** The host a client names (the VirtualService's host). */
  host: string;
  port: number;
  protocol: string;
  /** SIMPLE, MUTUAL, ISTIO_MUTUAL, PASSTHROUGH, OPTIONAL_MUTUAL, or `none` (no `tls`). */
  tls: string;
  /** The server only redirects plain HTTP to HTTPS. */
  httpsRedirect?: true;
  /**
   * `NAMESPACE/NAME` of the VirtualService that routes the host to the workload, or of the
   * Gateway API route (`routeKind`) istiod converts into one.
   */
  virtualService: string;
  /** The Gateway API route's kind (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute); absent: a VirtualService. */
  routeKind?: GatewayRouteKind;
  /** What the route matches (`uri prefix /api`); absent: every request. */
  match?: string[];
  /** The service it reaches, `NAMESPACE/NAME`. */
  service: string;
  /** `NAMESPACE/NAME` of the AuthorizationPolicies enforced on the gateway workloads. */
  gatewayPolicies: string[];
  /**
   * Whether clients outside the cluster reach the gateway (its workloads' Service):
   * `cluster` is a route through an in-cluster gateway, no way in from outside.
   */
  reach: GatewayReach;
  /** The workloads of other modelled clusters that reach it as an external host: meshPaths.ts. */
  meshClients?: MeshPath[];
}

/** A gateway workload and the policies its proxy enforces, as the caller's model knows them. */
export interface GatewayPod {
  id: string;
  workload: WorkloadInfo;
  policies: string[];
}

/** A Gateway a VirtualService names as `NAMESPACE/NAME` (`NAME` is in its namespace). */
const gatewayRef = (vs: VirtualServiceInfo, g: string) =>
  g.includes('/') ? g : `${vs.namespace}/${g}`;

/** `NAMESPACE/NAME` of each Gateway a VirtualService names. */
function gatewayRefs(vs: VirtualServiceInfo): string[] {
  return vs.gateways.filter(g => g !== 'mesh').map(g => gatewayRef(vs, g));
}

/**
 * Whether a route applies on Gateway `ref`: a match's `gateways` override the
 * VirtualService's (HTTPMatchRequest.gateways, TLSMatchAttributes.gateways,
 * L4MatchAttributes.gateways in istio/api networking/v1alpha3/virtual_service.proto).
 * An egress gateway's VirtualService binds `mesh` and the gateway with one route each:
 * the sidecars' route to the gateway applies on `mesh` only.
 */
const appliesOn = (
  vs: VirtualServiceInfo,
  gateways: string[] | undefined,
  ref: string,
) => !gateways || gateways.some(g => gatewayRef(vs, g) === ref);

/**
 * Whether a server's host (`NAMESPACE/DNS` or `DNS`; `*` and `.` as in the docs) lets a
 * VirtualService of `namespace` bind `host` to it.
 */
function serverAdmits(
  server: GatewayServerInfo,
  gateway: GatewayInfo,
  namespace: string,
  host: string,
): boolean {
  return namespacedHostsAdmit(server.hosts, gateway.namespace, namespace, host);
}

/** A destination host as a VirtualService names it, as the Service it reaches. */
function targetService(
  host: string,
  vs: VirtualServiceInfo,
  services: ServiceInfo[],
): ServiceInfo | undefined {
  return services.find(s => {
    const fqdn = serviceHost(s.namespace, s.name);
    return (
      host === fqdn ||
      host === `${s.name}.${s.namespace}` ||
      host === `${s.name}.${s.namespace}.svc` ||
      (host === s.name && vs.namespace === s.namespace)
    );
  });
}

const httpServerProtocols = ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'];

/**
 * How a gateway proxy serves a Gateway server's port: `http` for an HTTP server (HTTP,
 * HTTP2, HTTP_PROXY, GRPC, GRPC-WEB) and for HTTPS that terminates TLS (a `tls` block
 * that is not PASSTHROUGH or AUTO_PASSTHROUGH: after SIMPLE or MUTUAL termination the
 * traffic is HTTP), `tcp` for the rest (TCP, TLS, HTTPS passed through). The protocol
 * is the server's `port.protocol`, not the gateway pod's port names (IsHTTPServer and
 * IsHTTPSServerWithTLSTermination in istio/istio pkg/config/gateway/gateway.go, read by
 * buildGatewayTCPBasedFilterChains in pilot/pkg/networking/core/gateway.go to build an
 * HTTP connection manager or a TCP proxy).
 *
 * @public
 */
export function gatewayServerProtocol(
  server: Pick<GatewayServerInfo, 'port' | 'tls'>,
): 'http' | 'tcp' {
  const protocol = server.port.protocol.toUpperCase();
  if (httpServerProtocols.includes(protocol)) return 'http';
  const passthrough =
    server.tls?.mode === 'PASSTHROUGH' ||
    server.tls?.mode === 'AUTO_PASSTHROUGH';
  return protocol === 'HTTPS' && server.tls && !passthrough ? 'http' : 'tcp';
}

/**
 * Which routes a server carries: HTTP routes on HTTP, HTTP2, GRPC and terminated HTTPS
 * servers; TLS routes on passthrough TLS or HTTPS servers; TCP routes on TCP and TLS.
 */
function carries(
  server: GatewayServerInfo,
  kind: 'http' | 'tls' | 'tcp',
): boolean {
  const protocol = server.port.protocol;
  const passthrough =
    server.tls?.mode === 'PASSTHROUGH' ||
    server.tls?.mode === 'AUTO_PASSTHROUGH';
  if (kind === 'http') {
    return (
      ['HTTP', 'HTTP2', 'GRPC'].includes(protocol) ||
      (protocol === 'HTTPS' && !passthrough)
    );
  }
  if (kind === 'tls') {
    return (protocol === 'TLS' || protocol === 'HTTPS') && passthrough;
  }
  return protocol === 'TCP' || protocol === 'TLS' || protocol === 'MONGO';
}

/**
 * Every way in through a Gateway to the Services a workload's ports belong to: for each
 * Gateway whose selector binds it to gateway pods (of any namespace, Istio's default),
 * each VirtualService bound to it whose host a server admits, and each of its routes
 * (HTTP, TLS passthrough, TCP) whose destination is one of the workload's Services.
 *
 * @public
 */
export function exposureOf(
  workloadServices: ServiceInfo[],
  resources: {
    gateways: GatewayInfo[];
    virtualServices: VirtualServiceInfo[];
    services: ServiceInfo[];
    pods: GatewayPod[];
  },
): ExposureView[] {
  const out: ExposureView[] = [];
  const mine = new Set(workloadServices);
  for (const vs of resources.virtualServices) {
    for (const ref of gatewayRefs(vs)) {
      const gateway = resources.gateways.find(
        g => `${g.namespace}/${g.name}` === ref,
      );
      if (!gateway || !Object.keys(gateway.selector).length) continue;
      const pods = resources.pods.filter(p =>
        selectorMatches(gateway.selector, p.workload.labels),
      );
      const routes = [
        ...vs.http.map(r => ({
          kind: 'http' as const,
          destinations: r.destinations,
          // A match naming gateways applies only on those.
          match: r.match?.filter(m => appliesOn(vs, m.gateways, ref)),
        })),
        // TLS and TCP routes carry no request match: each applies whole.
        ...(['tls', 'tcp'] as const).flatMap(kind =>
          vs[kind]
            .filter(r => appliesOn(vs, r.gateways, ref))
            .map(r => ({
              kind,
              destinations: r.destinations,
              match: undefined,
            })),
        ),
      ];
      const reach = gatewayReach(
        resources.services,
        pods.map(p => ({
          namespace: p.workload.namespace,
          labels: p.workload.labels,
        })),
      );
      for (const route of routes) {
        if (route.match && route.match.length === 0) continue;
        for (const d of route.destinations) {
          const service = targetService(d.host, vs, resources.services);
          if (!service || !mine.has(service)) continue;
          for (const server of gateway.servers) {
            if (!carries(server, route.kind)) continue;
            for (const host of vs.hosts) {
              if (!serverAdmits(server, gateway, vs.namespace, host)) continue;
              out.push({
                gateway: ref,
                gatewayWorkloads: pods.map(p => p.id),
                host,
                port: server.port.number,
                protocol: server.port.protocol,
                tls: server.tls?.mode ?? 'none',
                ...(server.tls?.httpsRedirect ? { httpsRedirect: true } : {}),
                virtualService: `${vs.namespace}/${vs.name}`,
                ...(route.match ? { match: describeMatch(route.match) } : {}),
                service: `${service.namespace}/${service.name}`,
                gatewayPolicies: [...new Set(pods.flatMap(p => p.policies))],
                reach,
              });
            }
          }
        }
      }
    }
  }
  const seen = new Set<string>();
  return out.filter(e => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
