/**
 * Which Services a sidecar client's proxy has outbound clusters for: its Sidecar's
 * scope (SidecarScope in pilot/pkg/model/sidecar.go, release-1.31): those its egress
 * hosts import, and the destinations of the VirtualServices they import. A Service its
 * Sidecar does not import has no cluster, no route and no DestinationRule on that proxy
 * (selectDestinationRules picks rules only for imported services), so a call to it
 * falls through to the virtual outbound listener's catch-all: the PassthroughCluster
 * under ALLOW_ANY, an ORIGINAL_DST cluster with no transport socket, so plain TCP
 * without Istio mTLS; or the BlackHoleCluster under REGISTRY_ONLY, which drops it
 * (buildOutboundCatchAllNetworkFiltersOnly in pilot/pkg/networking/core/listener_builder.go,
 * buildDefaultPassthroughCluster in cluster_builder.go).
 */
import { ServiceInfo, SidecarInfo, VirtualServiceInfo } from '../model/types';
import {
  OutboundTrafficPolicy,
  exportedTo,
  outboundTrafficPolicyOf,
  sidecarFor,
} from './egress';
import { serviceHost } from './destinationRules';
import { sidecarHostsImport } from './hosts';
import { hasSidecarProxy } from './membership';
import type { ClusterModel, WorkloadModel } from './MeshModel';

/** A Sidecar as it applies to the proxies of one namespace. */
export interface SidecarScope {
  /** `NAMESPACE/NAME` of the Sidecar. */
  ref: string;
  outboundTrafficPolicy: OutboundTrafficPolicy;
  /** `Sidecar NAMESPACE/NAME`, or `mesh config`. */
  policyDecidedBy: string;
  /** Whether its egress hosts import the Service. */
  imports(service: ServiceInfo): boolean;
}

/** One cluster's Sidecars by namespace, and the scopes built from them. */
interface ClusterSidecars {
  byNamespace: Map<string, SidecarInfo[]>;
  root: SidecarInfo[];
  scopes: Map<string, SidecarScope>;
}

const clusterSidecars = new WeakMap<ClusterModel, ClusterSidecars>();
const clientScopes = new WeakMap<WorkloadModel, SidecarScope | null>();

function indexOf(cluster: ClusterModel): ClusterSidecars {
  let index = clusterSidecars.get(cluster);
  if (!index) {
    const byNamespace = new Map<string, SidecarInfo[]>();
    for (const sidecar of cluster.state.sidecars ?? []) {
      const list = byNamespace.get(sidecar.namespace);
      if (list) list.push(sidecar);
      else byNamespace.set(sidecar.namespace, [sidecar]);
    }
    const root = byNamespace.get(cluster.state.mesh.rootNamespace) ?? [];
    index = { byNamespace, root, scopes: new Map() };
    clusterSidecars.set(cluster, index);
  }
  return index;
}

/**
 * The hosts a scope imports through VirtualServices: the destinations of each mesh
 * VirtualService exported to the namespace that the egress hosts import (by its
 * namespace and one of its hosts), a short destination name being relative to the
 * VirtualService's namespace (collectImportedServices and SelectVirtualServices in
 * pilot/pkg/model/sidecar.go and virtualservice.go, ResolveShortnameToFQDN in
 * pilot/pkg/model/config.go).
 */
function virtualServiceDestinations(
  hosts: string[],
  configNamespace: string,
  virtualServices: VirtualServiceInfo[],
): Set<string> {
  const out = new Set<string>();
  for (const vs of virtualServices) {
    if (!vs.gateways.includes('mesh')) continue;
    if (!exportedTo(vs.exportTo, vs.namespace, configNamespace)) continue;
    if (
      !vs.hosts.some(h =>
        sidecarHostsImport(hosts, configNamespace, vs.namespace, h),
      )
    ) {
      continue;
    }
    const routes = [...vs.http, ...vs.tls, ...vs.tcp];
    for (const { host } of routes.flatMap(r => r.destinations)) {
      out.add(host.includes('.') ? host : serviceHost(vs.namespace, host));
    }
  }
  return out;
}

function buildScope(
  cluster: ClusterModel,
  sidecar: SidecarInfo,
  configNamespace: string,
): SidecarScope {
  const hosts = sidecar.egressHosts!;
  const { mesh } = cluster.state;
  const { policy, decidedBy } = outboundTrafficPolicyOf(mesh, sidecar);
  const imported = new Map<ServiceInfo, boolean>();
  let routed: Set<string> | undefined;
  return {
    ref: `${sidecar.namespace}/${sidecar.name}`,
    outboundTrafficPolicy: policy,
    policyDecidedBy: decidedBy,
    imports(service) {
      let found = imported.get(service);
      if (found === undefined) {
        const host = serviceHost(service.namespace, service.name);
        routed ??= virtualServiceDestinations(
          hosts,
          configNamespace,
          cluster.state.virtualServices ?? [],
        );
        found =
          sidecarHostsImport(hosts, configNamespace, service.namespace, host) ||
          routed.has(host);
        imported.set(service, found);
      }
      return found;
    },
  };
}

/**
 * The scope of a client's Sidecar, where one narrows what it sees; undefined where every
 * Service is in scope. Only a sidecar proxy reads a Sidecar: istiod gives gateways and
 * waypoints (Router, Waypoint) the default scope, and ztunnel none (SetSidecarScope in
 * pilot/pkg/model/context.go, release-1.31); a Sidecar without `egress` imports `*\/*`
 * (initSidecarScopeInternalIndexes). Scopes are shared by the clients of one namespace
 * under one Sidecar and keep each Service's answer.
 */
export function sidecarScopeOf(
  client: WorkloadModel,
): SidecarScope | undefined {
  if (!client.cluster.state.sidecars?.length) return undefined;
  let scope = clientScopes.get(client);
  if (scope === undefined) {
    scope = null;
    if (
      hasSidecarProxy(client.membership, client.workload) &&
      !client.isWaypoint
    ) {
      const index = indexOf(client.cluster);
      const { mesh } = client.cluster.state;
      const candidates = [
        ...(index.byNamespace.get(client.namespace) ?? []),
        ...(client.namespace === mesh.rootNamespace ? [] : index.root),
      ];
      const sidecar = sidecarFor(mesh, client.workload, candidates);
      if (sidecar?.egressHosts !== undefined) {
        const key = `${sidecar.namespace}/${sidecar.name}@${client.namespace}`;
        scope = index.scopes.get(key) ?? null;
        if (!scope) {
          scope = buildScope(client.cluster, sidecar, client.namespace);
          index.scopes.set(key, scope);
        }
      }
    }
    clientScopes.set(client, scope);
  }
  return scope ?? undefined;
}
