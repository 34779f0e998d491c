/**
 * What a workload may call outside the mesh: the outbound traffic policy its proxy
 * applies (the mesh's, or its Sidecar's), and each external host the registry holds for
 * it (ServiceEntries exported to its namespace, narrowed by its Sidecar's egress hosts).
 */
import { selectorMatches } from '../model/labels';
import type { EgressDecision } from './egressWaypoints';
import type { TlsOrigination } from './egressTls';
import type { MeshPath } from './meshPaths';
import type { PolicyEnforcement } from './enforcement';
import { hostMatches, sidecarHostsImport } from './hosts';
import {
  MeshConfig,
  ServiceEntryInfo,
  SidecarInfo,
  VirtualServiceInfo,
  WorkloadInfo,
} from '../model/types';

/** @public */
export type OutboundTrafficPolicy = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** One external host a workload's proxy knows of, and whether it may reach it. @public */
export interface EgressHost {
  host: string;
  ports: { number: number; protocol?: string }[];
  /** `NAMESPACE/NAME` of the ServiceEntry that registers it. */
  serviceEntry: string;
  /**
   * `direct`: the proxy sends it straight out; `egress-gateway`: a VirtualService routes
   * it through another host (an egress gateway); `blocked`: the workload's Sidecar does
   * not import it and REGISTRY_ONLY drops what is not imported.
   */
  how: 'direct' | 'egress-gateway' | 'blocked';
  /** For `egress-gateway`: the host it is routed to, and the VirtualService that does it. */
  via?: { host: string; virtualService: string };
  /**
   * The AuthorizationPolicies on the way to the host (its ServiceEntry's waypoint, or
   * the policies bound to the entry that no proxy enforces): egressWaypoints.ts.
   */
  authorization?: EgressAuthorization;
  /** Where TLS toward the host is originated (a DestinationRule's tls mode): egressTls.ts. */
  tlsOrigination?: TlsOrigination;
  /** Another modelled cluster's ingress gateways that serve the host: meshPaths.ts. */
  meshPaths?: MeshPath[];
}

/** The policies a workload's calls to an external host meet. @public */
export interface EgressAuthorization {
  /** `NAMESPACE/NAME` of the ServiceEntry's waypoint; absent: it uses none. */
  waypoint?: string;
  /** Each policy, and where it is enforced (`nowhere` without a waypoint). */
  policies: PolicyEnforcement[];
  /** What the enforced ones decide for this workload, per port; empty without a waypoint. */
  decisions: EgressDecision[];
}

/** @public */
export interface EgressView {
  outboundTrafficPolicy: OutboundTrafficPolicy;
  /** `mesh config`, or `Sidecar NAMESPACE/NAME`. */
  decidedBy: string;
  /** `NAMESPACE/NAME` of the Sidecar whose egress hosts scope what it sees. */
  sidecar?: string;
  /** ALLOW_ANY: any host outside the registry is reachable too (passthrough). */
  anyHost: boolean;
  hosts: EgressHost[];
}

const older = (a: SidecarInfo, b: SidecarInfo) =>
  (a.creationTimestamp ?? '') < (b.creationTimestamp ?? '') ? a : b;

/**
 * The Sidecar that applies to a workload: one in its namespace whose workloadSelector
 * matches it, else its namespace's Sidecar without a selector, else the root namespace's
 * without a selector; the oldest where several qualify
 * (https://istio.io/latest/docs/reference/config/networking/sidecar/).
 */
export function sidecarFor(
  mesh: MeshConfig,
  workload: WorkloadInfo,
  sidecars: SidecarInfo[],
): SidecarInfo | undefined {
  const own = sidecars.filter(s => s.namespace === workload.namespace);
  const pick = (list: SidecarInfo[]) =>
    list.length ? list.reduce(older) : undefined;
  return (
    pick(
      own.filter(
        s =>
          s.workloadSelector &&
          Object.keys(s.workloadSelector).length &&
          selectorMatches(s.workloadSelector, workload.labels),
      ),
    ) ??
    pick(own.filter(s => !s.workloadSelector)) ??
    pick(
      sidecars.filter(
        s => s.namespace === mesh.rootNamespace && !s.workloadSelector,
      ),
    )
  );
}

/** Whether an object exported as `exportTo` from `own` is visible in `namespace`. */
export function exportedTo(
  exportTo: string[],
  own: string,
  namespace: string,
): boolean {
  return exportTo.some(
    e => e === '*' || e === namespace || (e === '.' && own === namespace),
  );
}

/**
 * The outbound traffic policy a sidecar applies: its Sidecar's where it sets one, else
 * the mesh's (initSidecarScopeInternalIndexes in pilot/pkg/model/sidecar.go;
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy).
 */
export function outboundTrafficPolicyOf(
  mesh: MeshConfig,
  sidecar: SidecarInfo | undefined,
): { policy: OutboundTrafficPolicy; decidedBy: string } {
  return sidecar?.outboundTrafficPolicy
    ? {
        policy: sidecar.outboundTrafficPolicy,
        decidedBy: `Sidecar ${sidecar.namespace}/${sidecar.name}`,
      }
    : { policy: mesh.outboundTrafficPolicy, decidedBy: 'mesh config' };
}

/**
 * Whether a Sidecar's `egress.hosts` import a host that lives in `namespace`, for a
 * workload of `workloadNamespace` (`sidecarHostsImport`).
 */
function imports(
  sidecar: SidecarInfo,
  workloadNamespace: string,
  namespace: string,
  host: string,
) {
  return sidecarHostsImport(
    sidecar.egressHosts ?? [],
    workloadNamespace,
    namespace,
    host,
  );
}

/** A VirtualService for the mesh that sends the host to another host: an egress gateway. */
function routedElsewhere(
  host: string,
  namespace: string,
  virtualServices: VirtualServiceInfo[],
): EgressHost['via'] | undefined {
  for (const vs of virtualServices) {
    if (!vs.gateways.includes('mesh')) continue;
    if (!exportedTo(vs.exportTo, vs.namespace, namespace)) continue;
    if (!vs.hosts.some(h => hostMatches(h, host))) continue;
    const destinations = [
      ...vs.http.flatMap(r => r.destinations),
      ...vs.tls.flatMap(r => r.destinations),
      ...vs.tcp.flatMap(r => r.destinations),
    ];
    const other = destinations.find(d => d.host !== host);
    if (other) {
      return {
        host: other.host,
        virtualService: `${vs.namespace}/${vs.name}`,
      };
    }
  }
  return undefined;
}

/**
 * A sidecar workload's egress: the outbound traffic policy (the Sidecar's
 * `outboundTrafficPolicy` where its Sidecar sets one, else the mesh's:
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy)
 * and each MESH_EXTERNAL host of the ServiceEntries exported to its namespace.
 *
 * @public
 */
export function egressFor(
  mesh: MeshConfig,
  workload: WorkloadInfo,
  resources: {
    serviceEntries: ServiceEntryInfo[];
    sidecars: SidecarInfo[];
    virtualServices: VirtualServiceInfo[];
  },
): EgressView {
  const sidecar = sidecarFor(mesh, workload, resources.sidecars);
  const { policy, decidedBy } = outboundTrafficPolicyOf(mesh, sidecar);
  const scoped = sidecar?.egressHosts !== undefined;
  const hosts: EgressHost[] = [];
  for (const entry of resources.serviceEntries) {
    if (entry.location !== 'MESH_EXTERNAL') continue;
    if (!exportedTo(entry.exportTo, entry.namespace, workload.namespace)) {
      continue;
    }
    for (const host of entry.hosts) {
      const hidden =
        scoped && !imports(sidecar!, workload.namespace, entry.namespace, host);
      const via = routedElsewhere(
        host,
        workload.namespace,
        resources.virtualServices,
      );
      const blocked = hidden && policy === 'REGISTRY_ONLY';
      let how: EgressHost['how'] = 'direct';
      if (blocked) how = 'blocked';
      else if (via) how = 'egress-gateway';
      hosts.push({
        host,
        ports: entry.ports.map(p => ({
          number: p.number,
          ...(p.protocol ? { protocol: p.protocol } : {}),
        })),
        serviceEntry: `${entry.namespace}/${entry.name}`,
        how,
        ...(via && !blocked ? { via } : {}),
      });
    }
  }
  hosts.sort((a, b) => a.host.localeCompare(b.host));
  return {
    outboundTrafficPolicy: policy,
    decidedBy,
    ...(scoped ? { sidecar: `${sidecar!.namespace}/${sidecar!.name}` } : {}),
    anyHost: policy === 'ALLOW_ANY',
    hosts,
  };
}
