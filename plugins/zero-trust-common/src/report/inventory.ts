/**
 * The platform page's inventories of the mesh's edges: every way in from outside
 * (exposure) and every external host with the workloads that may reach it (egress),
 * from the same per-workload edges the Security tab shows.
 */
import { EgressHost, OutboundTrafficPolicy } from '../engine/egress';
import type { GatewayReach } from '../engine/gatewayReach';
import {
  MeshPath,
  cachedWorkloadEdges,
  meshPaths,
  withMeshPaths,
} from '../engine/meshPaths';
import { isGatewayWorkload } from '../engine/membership';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { WorkloadEdges } from '../engine/workloadEdges';
import type { GatewayRouteKind } from '../model/types';

/** One way in from outside, and the workloads it reaches. @public */
export interface ExposureInventoryItem {
  cluster: string;
  /** The host a client names. */
  host: string;
  port: number;
  protocol: string;
  /** SIMPLE, MUTUAL, ISTIO_MUTUAL, PASSTHROUGH, OPTIONAL_MUTUAL, or `none`. */
  tls: string;
  /** The server only redirects plain HTTP to HTTPS. */
  httpsRedirect?: true;
  /** `NAMESPACE/NAME` of the Gateway. */
  gateway: string;
  /** A Gateway API Gateway's class (`istio`); absent: an Istio Gateway. */
  gatewayClass?: string;
  /** The Gateway API listener's name. */
  listener?: string;
  /** `NAMESPACE/NAME` of the VirtualService that routes the host, or of the Gateway API route (`routeKind`). */
  virtualService: string;
  /** The Gateway API route's kind (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute); absent: a VirtualService. */
  routeKind?: GatewayRouteKind;
  /** What the route matches; absent: every request. */
  match?: string[];
  /** The Service it reaches, `NAMESPACE/NAME`. */
  service: string;
  /** `CLUSTER/NAMESPACE/NAME` of the workloads behind the Service. */
  workloads: string[];
  /** The AuthorizationPolicies in the path: on the gateway workloads, and on the workloads. */
  authz: { gateway: string[]; workloads: string[] };
  /** Whether clients outside the cluster reach the gateway: its workloads' Service. */
  reach: GatewayReach;
  /** The workloads of other modelled clusters that reach it (mesh to mesh). */
  meshClients?: MeshPath[];
}

/** One workload that may reach an external host. @public */
export interface EgressCaller {
  /** `CLUSTER/NAMESPACE/NAME`. */
  workload: string;
  how: 'direct' | 'egress-gateway';
  /** For `egress-gateway`: the host it is routed to. */
  via?: string;
  /** Another modelled cluster's ingress gateways that serve the host (mesh to mesh). */
  meshPaths?: MeshPath[];
}

/** One external host a ServiceEntry registers, and who may reach it. @public */
export interface EgressInventoryItem {
  cluster: string;
  host: string;
  ports: { number: number; protocol?: string }[];
  /** `NAMESPACE/NAME` of the ServiceEntry. */
  serviceEntry: string;
  callers: EgressCaller[];
  /** Workloads that see the host but whose Sidecar drops it under REGISTRY_ONLY. */
  blocked: string[];
}

/** The workloads whose proxies pass calls to any host through (ALLOW_ANY). @public */
export interface AnyHostEgress {
  cluster: string;
  /** `mesh config`, or `Sidecar NAMESPACE/NAME`. */
  decidedBy: string;
  outboundTrafficPolicy: OutboundTrafficPolicy;
  workloads: string[];
}

/** Both inventories. @public */
export interface EdgeInventories {
  exposure: ExposureInventoryItem[];
  egress: EgressInventoryItem[];
  anyHost: AnyHostEgress[];
}

const byText = (a: string, b: string) => a.localeCompare(b);

/**
 * Every way in through a Gateway and every external host, over all clusters. Gateway
 * workloads are left out as callers (their egress is the gateway's own routing).
 *
 * @public
 */
export function edgeInventories(
  model: MeshModel,
  edgesOf: (w: WorkloadModel) => WorkloadEdges = w =>
    withMeshPaths(cachedWorkloadEdges(w), w, meshPaths(model)),
): EdgeInventories {
  const exposure = new Map<string, ExposureInventoryItem>();
  const egress = new Map<string, EgressInventoryItem>();
  const anyHost = new Map<string, AnyHostEgress>();
  for (const w of model.workloads) {
    const edges = edgesOf(w);
    for (const x of edges.exposure) {
      const key = JSON.stringify([
        w.cluster.name,
        x.gateway,
        x.listener,
        x.host,
        x.port,
        x.virtualService,
        x.routeKind,
        x.match,
        x.service,
      ]);
      const item = exposure.get(key) ?? {
        cluster: w.cluster.name,
        host: x.host,
        port: x.port,
        protocol: x.protocol,
        tls: x.tls,
        ...(x.httpsRedirect ? { httpsRedirect: true as const } : {}),
        gateway: x.gateway,
        ...(x.gatewayClass ? { gatewayClass: x.gatewayClass } : {}),
        ...(x.listener ? { listener: x.listener } : {}),
        virtualService: x.virtualService,
        ...(x.routeKind ? { routeKind: x.routeKind } : {}),
        ...(x.match ? { match: x.match } : {}),
        service: x.service,
        workloads: [],
        authz: { gateway: x.gatewayPolicies, workloads: [] },
        reach: x.reach,
      };
      item.workloads.push(w.id);
      for (const p of x.meshClients ?? []) {
        item.meshClients ??= [];
        if (
          !item.meshClients.some(q => q.client.workload === p.client.workload)
        ) {
          item.meshClients.push(p);
        }
      }
      for (const p of w.policies) {
        if (!item.authz.workloads.includes(p.ref)) {
          item.authz.workloads.push(p.ref);
        }
      }
      exposure.set(key, item);
    }
    if (!edges.egress || isGatewayWorkload(w.workload)) continue;
    if (edges.egress.anyHost) {
      const key = `${w.cluster.name}\n${edges.egress.decidedBy}`;
      const item = anyHost.get(key) ?? {
        cluster: w.cluster.name,
        decidedBy: edges.egress.decidedBy,
        outboundTrafficPolicy: edges.egress.outboundTrafficPolicy,
        workloads: [],
      };
      item.workloads.push(w.id);
      anyHost.set(key, item);
    }
    for (const h of edges.egress.hosts) {
      const key = `${w.cluster.name}\n${h.serviceEntry}\n${h.host}`;
      const item = egress.get(key) ?? {
        cluster: w.cluster.name,
        host: h.host,
        ports: h.ports,
        serviceEntry: h.serviceEntry,
        callers: [],
        blocked: [],
      };
      if (h.how === 'blocked') item.blocked.push(w.id);
      else item.callers.push(callerOf(w, h));
      egress.set(key, item);
    }
  }
  return {
    exposure: [...exposure.values()].sort(
      (a, b) =>
        byText(a.cluster, b.cluster) ||
        byText(a.host, b.host) ||
        a.port - b.port ||
        byText(a.service, b.service),
    ),
    egress: [...egress.values()].sort(
      (a, b) =>
        byText(a.cluster, b.cluster) ||
        byText(a.host, b.host) ||
        byText(a.serviceEntry, b.serviceEntry),
    ),
    anyHost: [...anyHost.values()].sort(
      (a, b) =>
        byText(a.cluster, b.cluster) || byText(a.decidedBy, b.decidedBy),
    ),
  };
}

function callerOf(w: WorkloadModel, h: EgressHost): EgressCaller {
  return {
    workload: w.id,
    how: h.how === 'egress-gateway' ? 'egress-gateway' : 'direct',
    ...(h.via ? { via: h.via.host } : {}),
    ...(h.meshPaths ? { meshPaths: h.meshPaths } : {}),
  };
}
