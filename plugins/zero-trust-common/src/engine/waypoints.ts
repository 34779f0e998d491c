import {
  AuthorizationPolicyInfo,
  KubernetesGatewayInfo,
  Labels,
  MeshConfig,
  NamespaceInfo,
  PolicyTargetRef,
  ServiceEntryInfo,
  ServiceInfo,
  WorkloadInfo,
} from '../model/types';
import { CompiledPolicy, isEnforced } from './authorization';
import { principalOf } from './identity';
import { labelSelectorMatches } from './networkPolicy';

/*
 * Ambient waypoints: which waypoint takes a Service's or a pod's traffic, who the
 * waypoint is, and which AuthorizationPolicies it enforces. Each rule follows istiod's
 * code (release 1.31), cited where it is applied; where the docs
 * (https://istio.io/latest/docs/ambient/usage/waypoint/,
 * https://istio.io/latest/docs/ambient/usage/l7-features/) say less, the code decides.
 */

/** The class of Istio's waypoints (constants.WaypointGatewayClassName). @public */
export const waypointClass = 'istio-waypoint';
const gatewayGroup = 'gateway.networking.k8s.io';
const networkingGroup = 'networking.istio.io';
const useWaypointLabel = 'istio.io/use-waypoint';
const useWaypointNamespaceLabel = 'istio.io/use-waypoint-namespace';
const waypointForLabel = 'istio.io/waypoint-for';
/** The label Istio puts on a Gateway's Deployment and pods. */
export const gatewayNameLabel = 'gateway.networking.k8s.io/gateway-name';
const serviceAccountAnnotation = 'gateway.istio.io/service-account';

/** Which traffic a waypoint takes (`istio.io/waypoint-for`). @public */
export type WaypointTraffic = 'service' | 'workload' | 'all' | 'none';

/** A waypoint istiod can hand traffic to. @public */
export interface Waypoint {
  gateway: KubernetesGatewayInfo;
  /** `NAMESPACE/NAME` of the Gateway. */
  ref: string;
  traffic: WaypointTraffic;
  /** Its pods' service account: their own where the snapshot holds them, else the default. */
  serviceAccount: string;
  /** The principal the destination's ztunnel sees for traffic the waypoint forwards. */
  principal: string;
}

/** Why a waypoint a label names is not used. @public */
export interface WaypointProblem {
  kind: 'missing' | 'not ready' | 'attachment denied' | 'traffic type';
  /** `NAMESPACE/NAME` the label names. */
  waypoint: string;
  message: string;
}

/** Which waypoint, if any, takes one Service's or one pod's traffic. @public */
export interface WaypointBinding {
  waypoint?: Waypoint;
  /**
   * The label that named it: `Service label`, `ServiceEntry label`, `pod label` or
   * `namespace label`.
   */
  via?: string;
  /** A waypoint is named, and is not used: its traffic goes straight to ztunnel. */
  problem?: WaypointProblem;
}

const noWaypoint: WaypointBinding = {};

/**
 * `istio.io/use-waypoint` on one object: `none` opts out, a name points at a waypoint in
 * the object's namespace or in `istio.io/use-waypoint-namespace` (GetUseWaypoint in
 * pilot/pkg/serviceregistry/ambient/waypoints.go).
 */
function useWaypoint(
  labels: Labels | undefined,
  defaultNamespace: string,
): { namespace: string; name: string } | 'none' | undefined {
  const name = labels?.[useWaypointLabel];
  if (name === undefined) return undefined;
  if (name === 'none') return 'none';
  return {
    name,
    namespace: labels?.[useWaypointNamespaceLabel] ?? defaultNamespace,
  };
}

/** A Gateway's `istio.io/waypoint-for`, `service` by default (gatewayToWaypointTransform). */
function trafficOf(gateway: KubernetesGatewayInfo): WaypointTraffic {
  const value = gateway.labels[waypointForLabel];
  return value === 'workload' || value === 'all' || value === 'none'
    ? value
    : 'service';
}

const isWaypointGateway = (g: KubernetesGatewayInfo) =>
  g.gatewayClassName === waypointClass;

/** Whether a targetRef names a Gateway API kind (its group written out). */
const gatewayApi = (ref: PolicyTargetRef) => ref.group === gatewayGroup;
/** Whether a targetRef names a core kind (group `''`, absent, or Istio's `core`). */
const core = (ref: PolicyTargetRef) =>
  !ref.group || ref.group === 'core' || ref.group === '';

/** The waypoints of one cluster, and the bindings of its Services and pods. */
export class WaypointIndex {
  private readonly gateways = new Map<string, KubernetesGatewayInfo>();
  private readonly instances = new Map<string, string>();
  private readonly waypoints = new Map<string, Waypoint>();
  private readonly services = new Map<ServiceInfo, WaypointBinding>();
  private readonly serviceEntries = new Map<
    ServiceEntryInfo,
    WaypointBinding
  >();

  constructor(
    private readonly mesh: MeshConfig,
    private readonly namespaces: Map<string, NamespaceInfo>,
    gateways: KubernetesGatewayInfo[],
    workloads: WorkloadInfo[],
  ) {
    for (const g of gateways) this.gateways.set(`${g.namespace}/${g.name}`, g);
    // A waypoint's identity is its pods' (Waypoint.ServiceAccounts, from the pods that
    // carry the gateway-name label).
    for (const w of workloads) {
      const gateway = w.labels[gatewayNameLabel];
      if (gateway) {
        this.instances.set(`${w.namespace}/${gateway}`, w.serviceAccount);
      }
    }
  }

  /** Every waypoint Gateway, ready or not. */
  all(): KubernetesGatewayInfo[] {
    return [...this.gateways.values()].filter(isWaypointGateway);
  }

  /** The waypoint a Gateway is, or undefined for another kind of Gateway. */
  waypoint(ref: string): Waypoint | undefined {
    const found = this.waypoints.get(ref);
    if (found) return found;
    const gateway = this.gateways.get(ref);
    if (!gateway || !isWaypointGateway(gateway)) return undefined;
    // Istio's deployment controller names the service account after the Gateway unless
    // gateway.istio.io/service-account says otherwise (deploymentcontroller.go); pods
    // in the snapshot say which one they run as.
    const serviceAccount =
      this.instances.get(ref) ??
      gateway.annotations[serviceAccountAnnotation] ??
      gateway.name;
    const waypoint: Waypoint = {
      gateway,
      ref,
      traffic: trafficOf(gateway),
      serviceAccount,
      principal: principalOf(
        this.mesh.trustDomain,
        gateway.namespace,
        serviceAccount,
      ),
    };
    this.waypoints.set(ref, waypoint);
    return waypoint;
  }

  /** Whether a workload is a waypoint's own Deployment or pod. */
  isInstance(workload: WorkloadInfo): boolean {
    const gateway = workload.labels[gatewayNameLabel];
    return (
      gateway !== undefined &&
      this.waypoint(`${workload.namespace}/${gateway}`) !== undefined
    );
  }

  /** The waypoint a Service's traffic goes through (fetchWaypointForService). */
  forService(service: ServiceInfo): WaypointBinding {
    let binding = this.services.get(service);
    if (!binding) {
      binding = this.bind(
        service.namespace,
        service.labels,
        'Service label',
        'service',
      );
      this.services.set(service, binding);
    }
    return binding;
  }

  /**
   * The waypoint a ServiceEntry's hosts' traffic goes through: istiod binds it as it
   * binds a Service's (serviceEntryServiceBuilder calls fetchWaypointForService, in
   * pilot/pkg/serviceregistry/ambient/services.go): the entry's own
   * `istio.io/use-waypoint`, else its namespace's, a waypoint that takes service
   * traffic. Mesh clients then send the hosts' traffic to it (an egress waypoint:
   * https://istio.io/latest/docs/ambient/usage/waypoint/#useawaypoint).
   */
  forServiceEntry(entry: ServiceEntryInfo): WaypointBinding {
    let binding = this.serviceEntries.get(entry);
    if (!binding) {
      binding = this.bind(
        entry.namespace,
        entry.labels,
        'ServiceEntry label',
        'service',
      );
      this.serviceEntries.set(entry, binding);
    }
    return binding;
  }

  /** The waypoint traffic addressed to a pod goes through (fetchWaypointForWorkload). */
  forWorkload(workload: WorkloadInfo): WaypointBinding {
    if (this.isInstance(workload)) return noWaypoint;
    return this.bind(
      workload.namespace,
      workload.labels,
      'pod label',
      'workload',
    );
  }

  /**
   * fetchWaypointForTarget: the object's own label first (a waypoint it names that is
   * missing or not ready leaves it without one: the namespace's is not tried), then its
   * namespace's; then the waypoint must admit the object's namespace and take its kind
   * of traffic.
   */
  private bind(
    namespace: string,
    labels: Labels | undefined,
    ownLabel: string,
    traffic: 'service' | 'workload',
  ): WaypointBinding {
    const own = useWaypoint(labels, namespace);
    if (own === 'none') return noWaypoint;
    let named = own;
    let via = ownLabel;
    if (!named) {
      const fromNamespace = useWaypoint(
        this.namespaces.get(namespace)?.labels,
        namespace,
      );
      if (!fromNamespace || fromNamespace === 'none') return noWaypoint;
      named = fromNamespace;
      via = 'namespace label';
    }
    const ref = `${named.namespace}/${named.name}`;
    const problem = (kind: WaypointProblem['kind'], message: string) => ({
      via,
      problem: { kind, waypoint: ref, message },
    });
    const waypoint = this.waypoint(ref);
    if (!waypoint) {
      const gateway = this.gateways.get(ref);
      return problem(
        'missing',
        gateway
          ? `Gateway ${ref} is of class ${gateway.gatewayClassName}, not ${waypointClass}`
          : `no waypoint Gateway ${ref} exists`,
      );
    }
    // WaypointsCollection skips a Gateway with no status.addresses: not ready yet.
    const { status } = waypoint.gateway;
    if (status && status.addresses === 0) {
      return problem(
        'not ready',
        `waypoint ${ref} is not ready (${
          status.programmed === false
            ? 'its Programmed condition is False'
            : 'its status has no address'
        })`,
      );
    }
    if (!this.admits(waypoint.gateway, namespace)) {
      return problem(
        'attachment denied',
        `waypoint ${ref}'s HBONE listener does not admit namespace ${namespace} (allowedRoutes.namespaces.from: ${waypoint.gateway.allowedRoutes.from})`,
      );
    }
    if (waypoint.traffic !== traffic && waypoint.traffic !== 'all') {
      // A pod that inherits a service waypoint from its namespace simply has none.
      if (traffic === 'workload' && via === 'namespace label') {
        return noWaypoint;
      }
      return problem(
        'traffic type',
        `waypoint ${ref} takes ${waypoint.traffic} traffic (istio.io/waypoint-for), not ${traffic} traffic`,
      );
    }
    return { waypoint, via };
  }

  /** AllowsAttachmentFromNamespace. */
  private admits(gateway: KubernetesGatewayInfo, namespace: string): boolean {
    const { from, selector } = gateway.allowedRoutes;
    if (from === 'All') return true;
    if (from === 'Selector') {
      const labels = {
        ...this.namespaces.get(namespace)?.labels,
        'kubernetes.io/metadata.name': namespace,
      };
      return selector !== undefined && labelSelectorMatches(selector, labels);
    }
    return gateway.namespace === namespace;
  }
}

/**
 * Whether a targetRef names a ServiceEntry: kind ServiceEntry of group
 * `networking.istio.io` (matchesGroupKind with gvk.ServiceEntry in
 * pilot/pkg/model/policyattachment.go), from the entry's own namespace.
 */
export function namesServiceEntry(
  policy: AuthorizationPolicyInfo,
  ref: PolicyTargetRef,
  entry: ServiceEntryInfo,
): boolean {
  return (
    ref.kind === 'ServiceEntry' &&
    ref.group === networkingGroup &&
    ref.name === entry.name &&
    policy.namespace === entry.namespace
  );
}

/**
 * Whether a policy is bound to a waypoint, for traffic to one Service, one
 * ServiceEntry's hosts, or a pod (ShouldAttachPolicy in pilot/pkg/model/policyattachment.go,
 * for a waypoint proxy): a targetRef to the GatewayClass `istio-waypoint` from the root
 * namespace, to the waypoint's Gateway from its own namespace, to the Service from the
 * Service's namespace (registry Kubernetes), or to the ServiceEntry from the entry's
 * namespace (registry External). A waypoint never reads selectors.
 */
export function boundToWaypoint(
  policy: AuthorizationPolicyInfo,
  waypoint: Waypoint,
  service: ServiceInfo | undefined,
  rootNamespace: string,
  serviceEntry?: ServiceEntryInfo,
): boolean {
  for (const ref of policy.targetRefs ?? []) {
    if (serviceEntry && namesServiceEntry(policy, ref, serviceEntry)) {
      return true;
    }
    if (
      service &&
      core(ref) &&
      ref.kind === 'Service' &&
      ref.name === service.name &&
      policy.namespace === service.namespace
    ) {
      return true;
    }
    if (
      policy.namespace === rootNamespace &&
      gatewayApi(ref) &&
      ref.kind === 'GatewayClass' &&
      ref.name === waypointClass
    ) {
      return true;
    }
    if (
      policy.namespace === waypoint.gateway.namespace &&
      (!ref.namespace || ref.namespace === policy.namespace) &&
      gatewayApi(ref) &&
      ref.kind === 'Gateway' &&
      ref.name === waypoint.gateway.name
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The policies a waypoint enforces for traffic to one Service or one ServiceEntry's hosts
 * (or to a pod, without either), from the namespaces Istio looks in: the root namespace,
 * the waypoint's and the Service's or ServiceEntry's (ListAuthorizationPolicies in
 * pilot/pkg/model/authorization.go). A waypoint is an Envoy: a dry-run policy is logged
 * there as at a sidecar.
 */
export function waypointPolicies(
  policiesByNamespace: Map<string, CompiledPolicy[]>,
  rootNamespace: string,
  waypoint: Waypoint,
  service: ServiceInfo | undefined,
  enforceDryRun: boolean,
  serviceEntry?: ServiceEntryInfo,
): CompiledPolicy[] {
  const namespaces = new Set([
    rootNamespace,
    waypoint.gateway.namespace,
    ...(service ? [service.namespace] : []),
    ...(serviceEntry ? [serviceEntry.namespace] : []),
  ]);
  return [...namespaces]
    .flatMap(ns => policiesByNamespace.get(ns) ?? [])
    .filter(
      p =>
        boundToWaypoint(
          p.policy,
          waypoint,
          service,
          rootNamespace,
          serviceEntry,
        ) &&
        (enforceDryRun || isEnforced(p.policy, false)),
    );
}
