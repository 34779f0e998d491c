import {
  ClusterState,
  DestinationRuleInfo,
  NamespaceInfo,
  PeerAuthenticationInfo,
  ServiceInfo,
  WorkloadInfo,
} from '../model/types';
import {
  CompiledPolicy,
  compilePolicy,
  isEnforced,
  policyAppliesTo,
  policyAppliesToGateway,
} from './authorization';
import { DestinationRuleLookup } from './destinationRules';
import { principalOf, spiffeIdOf } from './identity';
import { Membership, deployedGateway, meshMembership } from './membership';
import {
  EffectiveMtls,
  PeerAuthenticationScopes,
  effectiveMtls,
  peerAuthenticationScopes,
} from './peerAuthentication';
import { gatewayPorts } from './gatewayPorts';
import { WorkloadPort, workloadPorts } from './ports';
import { TrustEdge, trustBetween } from './trust';
import { WaypointBinding, WaypointIndex } from './waypoints';

/** One workload with what the engine derives from it, computed once on demand. */
export class WorkloadModel {
  private cachedMembership?: Membership;
  private cachedPorts?: WorkloadPort[];
  private cachedPolicies?: CompiledPolicy[];
  private cachedCandidates?: CompiledPolicy[];
  private cachedScopes?: PeerAuthenticationScopes;
  private cachedMtls?: EffectiveMtls;
  private cachedWaypoint?: WaypointBinding;
  // Every caller entry naming this workload holds these strings: build them once.
  private cachedId?: string;
  private cachedPrincipal?: string;

  /**
   * @param enforceDryRun - read `istio.io/dry-run` policies as if they were enforced:
   *   what the workload would look like once the rollout finishes.
   */
  constructor(
    readonly cluster: ClusterModel,
    readonly workload: WorkloadInfo,
    readonly enforceDryRun = false,
  ) {}

  /** The same workload with its dry-run policies enforced. */
  withDryRunEnforced(): WorkloadModel {
    return new WorkloadModel(this.cluster, this.workload, true);
  }

  /** `CLUSTER/NAMESPACE/NAME`. */
  get id(): string {
    this.cachedId ??= `${this.cluster.name}/${this.workload.namespace}/${this.workload.name}`;
    return this.cachedId;
  }

  get namespace(): string {
    return this.workload.namespace;
  }

  get membership(): Membership {
    this.cachedMembership ??= meshMembership(
      this.cluster.namespaces.get(this.workload.namespace),
      this.workload,
    );
    return this.cachedMembership;
  }

  get inMesh(): boolean {
    return this.membership.mode !== 'none';
  }

  /** The principal its certificate carries, in its cluster's trust domain. */
  get principal(): string {
    this.cachedPrincipal ??= principalOf(
      this.cluster.state.mesh.trustDomain,
      this.workload.namespace,
      this.workload.serviceAccount,
    );
    return this.cachedPrincipal;
  }

  get spiffeId(): string {
    return spiffeIdOf(
      this.cluster.state.mesh.trustDomain,
      this.workload.namespace,
      this.workload.serviceAccount,
    );
  }

  /** Its ports; a gateway's with the protocol its Gateway servers give them (`gatewayPorts`). */
  get ports(): WorkloadPort[] {
    this.cachedPorts ??= gatewayPorts(
      this.cluster,
      this.workload,
      workloadPorts(
        this.workload,
        this.cluster.servicesByNamespace.get(this.workload.namespace) ?? [],
      ),
    );
    return this.cachedPorts;
  }

  /** The AuthorizationPolicies bound to its pods (selector or namespace), dry-run or not. */
  private get boundPolicies(): CompiledPolicy[] {
    if (!this.cachedCandidates && this.isWaypoint) {
      // A waypoint never reads selector policies (ShouldAttachPolicy in
      // pilot/pkg/model/policyattachment.go): its policies are bound with targetRefs.
      this.cachedCandidates = [];
    }
    if (!this.cachedCandidates) {
      const { mesh } = this.cluster.state;
      const candidates = [
        ...(this.cluster.policiesByNamespace.get(this.workload.namespace) ??
          []),
        ...(this.workload.namespace === mesh.rootNamespace
          ? []
          : this.cluster.policiesByNamespace.get(mesh.rootNamespace) ?? []),
      ];
      // A Gateway API gateway's proxy also reads the policies bound to its Gateway.
      const gateway = deployedGateway(this.workload);
      this.cachedCandidates = candidates.filter(p =>
        gateway
          ? policyAppliesToGateway(
              p.policy,
              { namespace: this.workload.namespace, name: gateway.name },
              this.workload.labels,
              mesh.rootNamespace,
            )
          : policyAppliesTo(p.policy, mesh, this.workload),
      );
    }
    return this.cachedCandidates;
  }

  /** Whether it is a waypoint's own Deployment (the `gateway-name` label of a waypoint). */
  get isWaypoint(): boolean {
    return this.cluster.waypoints.isInstance(this.workload);
  }

  /** The waypoint traffic addressed to its pods goes through, where it is ambient. */
  get workloadWaypoint(): WaypointBinding {
    this.cachedWaypoint ??=
      this.membership.mode === 'ambient'
        ? this.cluster.waypoints.forWorkload(this.workload)
        : {};
    return this.cachedWaypoint;
  }

  /** The AuthorizationPolicies its sidecar or ztunnel enforces. */
  get policies(): CompiledPolicy[] {
    this.cachedPolicies ??= this.boundPolicies.filter(
      p =>
        this.enforceDryRun ||
        isEnforced(p.policy, this.membership.mode === 'ambient'),
    );
    return this.cachedPolicies;
  }

  /** Its `istio.io/dry-run` policies that are logged, not enforced. */
  get dryRunPolicies(): CompiledPolicy[] {
    return this.boundPolicies.filter(
      p => !isEnforced(p.policy, this.membership.mode === 'ambient'),
    );
  }

  get peerAuthentications(): PeerAuthenticationScopes {
    this.cachedScopes ??= peerAuthenticationScopes(
      this.cluster.state.mesh,
      this.workload,
      this.cluster.peerAuthenticationsFor(this.workload.namespace),
    );
    return this.cachedScopes;
  }

  get mtls(): EffectiveMtls {
    this.cachedMtls ??= effectiveMtls(this.peerAuthentications);
    return this.cachedMtls;
  }
}

/** One cluster with its indexes. */
export class ClusterModel {
  readonly namespaces = new Map<string, NamespaceInfo>();
  readonly policiesByNamespace = new Map<string, CompiledPolicy[]>();
  readonly destinationRulesByNamespace = new Map<
    string,
    DestinationRuleInfo[]
  >();
  readonly servicesByNamespace = new Map<string, ServiceInfo[]>();
  readonly peerAuthenticationsByNamespace = new Map<
    string,
    PeerAuthenticationInfo[]
  >();
  readonly workloads: WorkloadModel[] = [];
  readonly workloadsByNamespace = new Map<string, WorkloadModel[]>();
  /** `NAMESPACE/NAME` of every service account: declared, used by a workload, or a waypoint's. */
  readonly serviceAccounts = new Set<string>();
  /** The trust domain and its aliases: the identities this cluster's policies rewrite to. */
  readonly trustDomains: string[];
  /** The DestinationRule its clients' proxies use for a service. */
  readonly destinationRules: DestinationRuleLookup;
  /**
   * Keyed by the client's state, not its name: a model reused in a new mesh (below) must
   * not answer with the trust of a client cluster that changed since.
   */
  private readonly trustFrom = new WeakMap<ClusterState, TrustEdge>();
  /** Its ambient waypoints and which Services and pods use them. */
  readonly waypoints: WaypointIndex;
  // Built on first use, once per state: the model is reused while its state is.
  private byId?: Map<string, WorkloadModel>;
  private byPrincipal?: Map<string, WorkloadModel[]>;

  constructor(readonly state: ClusterState) {
    for (const ns of state.namespaces) this.namespaces.set(ns.name, ns);
    for (const policy of state.authorizationPolicies) {
      push(
        this.policiesByNamespace,
        policy.namespace,
        compilePolicy(policy, state.mesh),
      );
    }
    for (const rule of state.destinationRules) {
      push(this.destinationRulesByNamespace, rule.namespace, rule);
    }
    for (const service of state.services) {
      push(this.servicesByNamespace, service.namespace, service);
    }
    for (const pa of state.peerAuthentications) {
      push(this.peerAuthenticationsByNamespace, pa.namespace, pa);
    }
    for (const sa of state.serviceAccounts) {
      this.serviceAccounts.add(`${sa.namespace}/${sa.name}`);
    }
    for (const workload of state.workloads) {
      const model = new WorkloadModel(this, workload);
      this.workloads.push(model);
      push(this.workloadsByNamespace, workload.namespace, model);
      this.serviceAccounts.add(
        `${workload.namespace}/${workload.serviceAccount}`,
      );
    }
    this.trustDomains = [
      state.mesh.trustDomain,
      ...state.mesh.trustDomainAliases,
    ];
    this.destinationRules = new DestinationRuleLookup(
      state.mesh,
      this.destinationRulesByNamespace,
    );
    this.waypoints = new WaypointIndex(
      state.mesh,
      this.namespaces,
      state.kubernetesGateways ?? [],
      state.workloads,
    );
    // Istio's deployment controller creates each waypoint's ServiceAccount
    // (pilot/pkg/config/kube/gateway/deploymentcontroller.go): it exists though no
    // manifest in a GitOps repository declares it.
    for (const gateway of this.waypoints.all()) {
      const waypoint = this.waypoints.waypoint(
        `${gateway.namespace}/${gateway.name}`,
      );
      if (waypoint) {
        this.serviceAccounts.add(
          `${gateway.namespace}/${waypoint.serviceAccount}`,
        );
      }
    }
  }

  get name(): string {
    return this.state.name;
  }

  /** The PeerAuthentications that can apply in a namespace: its own and the root namespace's. */
  peerAuthenticationsFor(namespace: string): PeerAuthenticationInfo[] {
    const root = this.state.mesh.rootNamespace;
    const own = this.peerAuthenticationsByNamespace.get(namespace) ?? [];
    if (namespace === root) return own;
    return [...own, ...(this.peerAuthenticationsByNamespace.get(root) ?? [])];
  }

  /**
   * Whether an allow-nothing policy (an ALLOW with no rules, no selector, no targetRefs)
   * covers the namespace, on its own or from the root namespace: then a workload without
   * an ALLOW policy of its own admits nobody
   * (https://istio.io/latest/docs/reference/config/security/authorization-policy/).
   */
  hasDefaultDeny(namespace: string): boolean {
    const allowNothing = (ns: string) =>
      (this.policiesByNamespace.get(ns) ?? []).some(
        ({ policy }) =>
          policy.action === 'ALLOW' &&
          !policy.dryRun &&
          !policy.targetRefs &&
          (!policy.selector || !Object.keys(policy.selector).length) &&
          policy.rules.length === 0,
      );
    return (
      allowNothing(namespace) || allowNothing(this.state.mesh.rootNamespace)
    );
  }

  /** Whether its proxies verify the certificates of `client`'s workloads. */
  trusts(client: ClusterModel): TrustEdge {
    let edge = this.trustFrom.get(client.state);
    if (!edge) {
      edge = trustBetween(client.state, this.state);
      this.trustFrom.set(client.state, edge);
    }
    return edge;
  }

  /** Whether a namespace exists: declared, or holding a workload. */
  hasNamespace(name: string): boolean {
    return this.namespaces.has(name) || this.workloadsByNamespace.has(name);
  }

  /** The workload `CLUSTER/NAMESPACE/NAME` of this cluster, if there is one. */
  workload(id: string): WorkloadModel | undefined {
    if (!this.byId) {
      this.byId = new Map();
      for (const w of this.workloads) this.byId.set(w.id, w);
    }
    return this.byId.get(id);
  }

  /** Its workloads whose certificate carries this exact principal. */
  workloadsWithPrincipal(principal: string): WorkloadModel[] | undefined {
    if (!this.byPrincipal) {
      this.byPrincipal = new Map();
      for (const w of this.workloads) {
        // A workload answers to its trust domain and to each alias of it.
        for (const td of this.trustDomains) {
          push(
            this.byPrincipal,
            principalOf(td, w.namespace, w.workload.serviceAccount),
            w,
          );
        }
      }
    }
    return this.byPrincipal.get(principal);
  }

  /** Every principal one of its workloads answers to. */
  principals(): IterableIterator<string> {
    this.workloadsWithPrincipal('');
    return this.byPrincipal!.keys();
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Thrown for a reference that names nothing, or more than one thing. @public */
export class UnknownReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownReferenceError';
  }
}

const clusterModels = new WeakMap<ClusterState, ClusterModel>();

/**
 * One model per cluster state: a mesh built again after a change in one cluster reuses
 * the others' models, their workloads and what is cached on them (each depends on its
 * own cluster's state alone; what depends on two clusters, as `trusts`, is keyed by both
 * states). At ten clusters a change then builds one cluster's model, not ten.
 */
function clusterModel(state: ClusterState): ClusterModel {
  let model = clusterModels.get(state);
  if (!model) {
    model = new ClusterModel(state);
    clusterModels.set(state, model);
  }
  return model;
}

/**
 * Every cluster, with the lookups `check` and `analyze` share. Each lookup asks the
 * clusters' own indexes (built once per cluster state, see {@link clusterModel}), so a
 * mesh built again after a change in one cluster indexes that cluster's workloads, not
 * every cluster's.
 */
export class MeshModel {
  readonly clusters: ClusterModel[];
  /** Lists found in more than one cluster, joined once. */
  private readonly joinedByPrincipal = new Map<string, WorkloadModel[]>();
  private readonly joinedByNamespace = new Map<string, WorkloadModel[]>();

  constructor(states: ClusterState[]) {
    this.clusters = states.map(clusterModel);
  }

  get workloads(): WorkloadModel[] {
    return this.clusters.flatMap(c => c.workloads);
  }

  cluster(name: string): ClusterModel | undefined {
    return this.clusters.find(c => c.name === name);
  }

  /** Workloads whose certificate carries this exact principal, in any cluster. */
  workloadsWithPrincipal(principal: string): WorkloadModel[] {
    return this.joined(this.joinedByPrincipal, principal, c =>
      c.workloadsWithPrincipal(principal),
    );
  }

  /** The workload `CLUSTER/NAMESPACE/NAME`, if there is one. */
  workload(id: string): WorkloadModel | undefined {
    for (const c of this.clusters) {
      if (id.startsWith(c.name) && id[c.name.length] === '/') {
        const found = c.workload(id);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Every principal some workload answers to. */
  principals(): IterableIterator<string> {
    return this.keys(c => c.principals());
  }

  /** Workloads in a namespace of this name, in any cluster. */
  workloadsInNamespace(namespace: string): WorkloadModel[] {
    return this.joined(this.joinedByNamespace, namespace, c =>
      c.workloadsByNamespace.get(namespace),
    );
  }

  namespaceNames(): IterableIterator<string> {
    return this.keys(c => c.workloadsByNamespace.keys());
  }

  /**
   * The clusters' lists for one key, in the clusters' order: one cluster's own list
   * where only it has any (the usual case: each cluster's trust domain is its own).
   */
  private joined(
    cache: Map<string, WorkloadModel[]>,
    key: string,
    of: (c: ClusterModel) => WorkloadModel[] | undefined,
  ): WorkloadModel[] {
    const cached = cache.get(key);
    if (cached) return cached;
    let found: WorkloadModel[] | undefined;
    let joined = false;
    for (const c of this.clusters) {
      const list = of(c);
      if (!list?.length) continue;
      if (!found) {
        found = list;
      } else {
        if (!joined) found = [...found];
        joined = true;
        for (const w of list) found.push(w);
      }
    }
    if (joined) cache.set(key, found!);
    return found ?? [];
  }

  /** Each cluster's keys once, in the clusters' order. */
  private *keys(
    of: (c: ClusterModel) => IterableIterator<string>,
  ): IterableIterator<string> {
    const seen = new Set<string>();
    for (const c of this.clusters) {
      for (const key of of(c)) {
        if (seen.has(key)) continue;
        seen.add(key);
        yield key;
      }
    }
  }

  /**
   * Resolves `NAMESPACE/NAME` or `CLUSTER/NAMESPACE/NAME`. With several clusters a
   * two-part reference must name exactly one workload.
   */
  resolveWorkload(ref: string): WorkloadModel {
    const parts = ref.split('/');
    if (parts.length === 3) {
      const found = this.workload(ref);
      if (!found) throw new UnknownReferenceError(`no workload ${ref}`);
      return found;
    }
    if (parts.length !== 2 || parts.some(p => !p)) {
      throw new UnknownReferenceError(
        `"${ref}" is not a workload reference: use NAMESPACE/NAME or CLUSTER/NAMESPACE/NAME`,
      );
    }
    const matches = this.clusters
      .map(c => c.workload(`${c.name}/${ref}`))
      .filter((w): w is WorkloadModel => w !== undefined);
    if (matches.length === 0)
      throw new UnknownReferenceError(`no workload ${ref}`);
    if (matches.length > 1) {
      throw new UnknownReferenceError(
        `${ref} exists in clusters ${matches
          .map(m => m.cluster.name)
          .join(', ')}: use CLUSTER/NAMESPACE/NAME`,
      );
    }
    return matches[0];
  }
}
