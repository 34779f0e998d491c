/**
 * Which Services a sidecar client's proxy has outbound clusters for: its Sidecar's
 * scope (SidecarScope in pilot/pkg/model/sidecar.go, release-1.31). A Service its
 * Sidecar does not import has no cluster, no route and no DestinationRule on that proxy
 * (selectDestinationRules picks rules only for imported services), so a call to it
 * falls through to the virtual outbound listener's catch-all: the PassthroughCluster
 * under ALLOW_ANY, an ORIGINAL_DST cluster with no transport socket, so plain TCP
 * without Istio mTLS; or the BlackHoleCluster under REGISTRY_ONLY, which drops it
 * (buildOutboundCatchAllNetworkFiltersOnly in pilot/pkg/networking/core/listener_builder.go,
 * buildDefaultPassthroughCluster in cluster_builder.go).
 */
import { MeshConfig, ServiceInfo, SidecarInfo } from '../model/types';
import {
  OutboundTrafficPolicy,
  outboundTrafficPolicyOf,
  sidecarFor,
} from './egress';
import { serviceHost } from './destinationRules';
import { sidecarHostsImport } from './hosts';
import { isGatewayWorkload } from './membership';
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

function buildScope(
  mesh: MeshConfig,
  sidecar: SidecarInfo,
  configNamespace: string,
): SidecarScope {
  const hosts = sidecar.egressHosts!;
  const { policy, decidedBy } = outboundTrafficPolicyOf(mesh, sidecar);
  const imported = new Map<ServiceInfo, boolean>();
  return {
    ref: `${sidecar.namespace}/${sidecar.name}`,
    outboundTrafficPolicy: policy,
    policyDecidedBy: decidedBy,
    imports(service) {
      let found = imported.get(service);
      if (found === undefined) {
        found = sidecarHostsImport(
          hosts,
          configNamespace,
          service.namespace,
          serviceHost(service.namespace, service.name),
        );
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
      client.membership.mode === 'sidecar' &&
      !client.isWaypoint &&
      !isGatewayWorkload(client.workload)
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
          scope = buildScope(mesh, sidecar, client.namespace);
          index.scopes.set(key, scope);
        }
      }
    }
    clientScopes.set(client, scope);
  }
  return scope ?? undefined;
}
