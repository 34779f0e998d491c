/**
 * Mesh to mesh: a workload's external host (a ServiceEntry's, reached directly or through
 * its egress gateway) that another modelled cluster serves through an ingress gateway, a
 * Gateway server admitting the host on the entry's port and a route to one of its
 * Services. The proxy that originates TLS toward the host (egressTls.ts) and the server's
 * TLS mode decide whether the path is mTLS end to end: a client certificate from a
 * MUTUAL DestinationRule or the mesh's own (ISTIO_MUTUAL), to a server that asks for
 * one (MUTUAL, ISTIO_MUTUAL) or passes the connection through to the service
 * (PASSTHROUGH), as Istio's mutual TLS origination through an egress gateway sets it up
 * (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/#perform-mutual-tls-origination-with-an-egress-gateway)
 * and the Gateway's ServerTLSSettings read it
 * (https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode).
 */
import type { EgressHost } from './egress';
import type { TlsOrigination } from './egressTls';
import type { ExposureView } from './exposure';
import { hostMatches } from './hosts';
import type { MeshModel, WorkloadModel } from './MeshModel';
import { trustBetween } from './trust';
import { workloadEdges, WorkloadEdges } from './workloadEdges';

/** One path from a workload of one cluster to a Service another serves at its ingress. @public */
export interface MeshPath {
  client: {
    cluster: string;
    /** `CLUSTER/NAMESPACE/NAME`. */
    workload: string;
    /** The external host it names, and the ServiceEntry that registers it. */
    host: string;
    serviceEntry: string;
    /** `direct`, or through its egress gateway (`via`). */
    how: 'direct' | 'egress-gateway';
    via?: string;
  };
  /** Who opens TLS toward the server, and with which certificate; absent: no proxy does. */
  origination?: TlsOrigination & {
    /** Where the client certificate comes from, in a sentence. */
    certificate?: string;
  };
  server: {
    cluster: string;
    /** `NAMESPACE/NAME` of the Gateway and `CLUSTER/NAMESPACE/NAME` of its workloads. */
    gateway: string;
    gatewayWorkloads: string[];
    /** The host its route serves, and the port. */
    host: string;
    port: number;
    /** The server's TLS mode: SIMPLE, MUTUAL, ISTIO_MUTUAL, PASSTHROUGH, `none`... */
    tls: string;
    /** `NAMESPACE/NAME` of the Service it routes to, and its workloads. */
    service: string;
    workloads: string[];
  };
  /** Whether the client authenticates with a certificate the server checks, end to end. */
  mtls: boolean;
  /** Why it is not mTLS end to end, or what is not known. */
  gap?: string;
}

const mutual = ['MUTUAL', 'ISTIO_MUTUAL'];

/** Whether the ServiceEntry's ports include the server's. */
const samePort = (h: EgressHost, x: ExposureView) =>
  h.ports.some(p => p.number === x.port);

function certificateOf(
  o: TlsOrigination,
  client: WorkloadModel,
  model: MeshModel,
): string | undefined {
  if (o.mode === 'MUTUAL') {
    return o.clientCertificate
      ? `${o.clientCertificate} (DestinationRule ${o.destinationRule})`
      : `DestinationRule ${o.destinationRule} names none`;
  }
  if (o.mode === 'ISTIO_MUTUAL') {
    const sender = o.gateway ? model.workload(o.gateway) : client;
    return `cluster ${client.cluster.name}'s mesh CA (${
      sender?.spiffeId ?? "the sending proxy's SPIFFE ID"
    })`;
  }
  return undefined;
}

/** Whether and why the path is mTLS end to end. */
function judge(
  origination: MeshPath['origination'],
  serverTls: string,
  client: WorkloadModel,
  server: WorkloadModel,
): { mtls: boolean; gap?: string } {
  const mode = origination?.mode;
  if (serverTls === 'none') {
    return {
      mtls: false,
      gap: 'the gateway server takes plaintext: nothing on the way is encrypted by the mesh',
    };
  }
  if (!mode || !mutual.includes(mode)) {
    const what = mode
      ? `${mode} origination presents no client certificate`
      : "no DestinationRule originates TLS: the mesh presents no client certificate (only the application's own TLS, if any)";
    return {
      mtls: false,
      gap:
        serverTls === 'MUTUAL' || serverTls === 'ISTIO_MUTUAL'
          ? `${what}, and the ${serverTls} gateway server requires one: the handshake fails`
          : what,
    };
  }
  if (serverTls === 'SIMPLE' || serverTls === 'OPTIONAL_MUTUAL') {
    return {
      mtls: false,
      gap: `the gateway server is ${serverTls}: it does not require a client certificate, so the client is not authenticated`,
    };
  }
  if (serverTls === 'ISTIO_MUTUAL' && mode === 'ISTIO_MUTUAL') {
    // Only the root decides here, not the trust domain: istiod builds an ISTIO_MUTUAL
    // gateway server's TLS context with no trust domains to match (BuildListenerTLSContext
    // passes an empty list to ApplyToCommonTLSContext, pilot/pkg/networking/core/
    // listener.go), unlike a sidecar's inbound, which validates the peer's trust domain.
    const trust = trustBetween(client.cluster.state, server.cluster.state);
    if (!trust.trusted) {
      return {
        mtls: false,
        gap: `cluster ${server.cluster.name} does not trust cluster ${client.cluster.name}'s root: the gateway refuses the mesh certificate`,
      };
    }
  }
  if (serverTls === 'PASSTHROUGH') {
    return {
      mtls: true,
      gap: 'the gateway passes TLS through: the service, not the gateway, checks the client certificate',
    };
  }
  return { mtls: true };
}

/**
 * Which clusters' external hosts another cluster's gateways may serve, by host name
 * alone (a ServiceEntry host against a Gateway server's or listener's): the clusters
 * whose workloads' edges are worth reading. Most meshes have none.
 */
function candidatePairs(model: MeshModel): Map<string, string[]> {
  const pairs = new Map<string, string[]>();
  if (model.clusters.length < 2) return pairs;
  const served = model.clusters.map(c => ({
    name: c.name,
    hosts: [
      ...(c.state.gateways ?? []).flatMap(g =>
        g.servers.flatMap(s =>
          s.hosts.map(h => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h)),
        ),
      ),
      ...(c.state.kubernetesGateways ?? []).flatMap(g =>
        (g.listeners ?? []).map(l => l.hostname ?? '*'),
      ),
    ],
  }));
  for (const c of model.clusters) {
    const external = (c.state.serviceEntries ?? [])
      .filter(e => e.location === 'MESH_EXTERNAL')
      .flatMap(e => e.hosts);
    const reached = served
      .filter(
        o =>
          o.name !== c.name &&
          o.hosts.some(pattern => external.some(h => hostMatches(pattern, h))),
      )
      .map(o => o.name);
    if (reached.length) pairs.set(c.name, reached);
  }
  return pairs;
}

const cache = new WeakMap<MeshModel, MeshPath[]>();
const edgesCache = new WeakMap<WorkloadModel, WorkloadEdges>();

/** `workloadEdges`, computed once per workload of a model. */
export function cachedWorkloadEdges(w: WorkloadModel): WorkloadEdges {
  let e = edgesCache.get(w);
  if (!e) {
    e = workloadEdges(w);
    edgesCache.set(w, e);
  }
  return e;
}

/**
 * Every mesh-to-mesh path of a model: each sidecar workload's external host (not
 * blocked) that a workload of another cluster is exposed on, through a gateway outside
 * clients reach, on a port the ServiceEntry lists. Computed once per model.
 *
 * @public
 */
export function meshPaths(model: MeshModel): MeshPath[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const edgesOf = cachedWorkloadEdges;
  const out: MeshPath[] = [];
  const pairs = candidatePairs(model);
  if (pairs.size) {
    const servers = new Set([...pairs.values()].flat());
    const exposed = model.workloads
      .filter(s => servers.has(s.cluster.name))
      .flatMap(s =>
        edgesOf(s)
          .exposure.filter(x => x.reach.from !== 'cluster')
          .map(x => ({ s, x })),
      );
    for (const w of model.workloads) {
      const mayReach = pairs.get(w.cluster.name);
      if (!mayReach) continue;
      const egress = edgesOf(w).egress;
      if (!egress) continue;
      for (const h of egress.hosts) {
        if (h.how === 'blocked') continue;
        for (const { s, x } of exposed) {
          if (!mayReach.includes(s.cluster.name)) continue;
          if (!hostMatches(x.host, h.host) || !samePort(h, x)) continue;
          const o = h.tlsOrigination;
          const certificate = o && certificateOf(o, w, model);
          const origination = o
            ? { ...o, ...(certificate ? { certificate } : {}) }
            : undefined;
          out.push({
            client: {
              cluster: w.cluster.name,
              workload: w.id,
              host: h.host,
              serviceEntry: h.serviceEntry,
              how: h.how === 'egress-gateway' ? 'egress-gateway' : 'direct',
              ...(h.via ? { via: h.via.host } : {}),
            },
            ...(origination ? { origination } : {}),
            server: {
              cluster: s.cluster.name,
              gateway: x.gateway,
              gatewayWorkloads: x.gatewayWorkloads,
              host: x.host,
              port: x.port,
              tls: x.tls,
              service: x.service,
              workloads: [s.id],
            },
            ...judge(origination, x.tls, w, s),
          });
        }
      }
    }
  }
  const merged = mergeServerWorkloads(out);
  cache.set(model, merged);
  return merged;
}

/** One path per client and server Service: the Service's workloads together. */
function mergeServerWorkloads(paths: MeshPath[]): MeshPath[] {
  const byKey = new Map<string, MeshPath>();
  for (const p of paths) {
    const key = JSON.stringify([
      p.client.workload,
      p.client.host,
      p.client.serviceEntry,
      p.server.cluster,
      p.server.gateway,
      p.server.host,
      p.server.port,
      p.server.service,
    ]);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, p);
    else if (!seen.server.workloads.includes(p.server.workloads[0])) {
      seen.server.workloads.push(p.server.workloads[0]);
    }
  }
  return [...byKey.values()];
}

/**
 * A workload's edges with its mesh-to-mesh paths: on each external host it reaches, the
 * other clusters' ingress gateways that serve it (`meshPaths`); on each way in, the other
 * clusters' workloads that reach it (`meshClients`).
 *
 * @public
 */
export function withMeshPaths(
  edges: WorkloadEdges,
  w: WorkloadModel,
  paths: MeshPath[],
): WorkloadEdges {
  if (!paths.length) return edges;
  const asClient = paths.filter(p => p.client.workload === w.id);
  const asServer = paths.filter(p => p.server.workloads.includes(w.id));
  if (!asClient.length && !asServer.length) return edges;
  return {
    ...edges,
    ...(edges.egress
      ? {
          egress: {
            ...edges.egress,
            hosts: edges.egress.hosts.map(h => {
              const mine = asClient.filter(
                p =>
                  p.client.host === h.host &&
                  p.client.serviceEntry === h.serviceEntry,
              );
              return mine.length ? { ...h, meshPaths: mine } : h;
            }),
          },
        }
      : {}),
    exposure: edges.exposure.map(x => {
      const mine = asServer.filter(
        p =>
          p.server.gateway === x.gateway &&
          p.server.host === x.host &&
          p.server.port === x.port &&
          p.server.service === x.service,
      );
      return mine.length ? { ...x, meshClients: mine } : x;
    }),
  };
}
