import {
  LabelSelector,
  Labels,
  NetworkPolicyInfo,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from '../model/types';
import type { Caller } from './access';
import type { Decision } from './authorization';
import { Tri, triAnd, triOr } from './match';
import type { ClusterModel, WorkloadModel } from './MeshModel';

/*
 * Kubernetes NetworkPolicy, the second layer under Istio's: a connection must pass both.
 * The rules, from the NetworkPolicy concept page
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/) and the API
 * reference (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/,
 * kubernetes/api networking/v1/types.go):
 * - a pod is isolated for ingress (egress) once some policy of its namespace selects it
 *   with that policy type; a pod no such policy selects lets everything through;
 * - policies are additive: an isolated pod admits the union of all their rules;
 * - a rule with no `from`/`to` matches every peer, one with no `ports` every port;
 * - a peer's `podSelector` alone selects pods of the policy's namespace, `namespaceSelector`
 *   alone every pod of the namespaces it selects, both together the pods they both select;
 *   `ipBlock` selects addresses (cluster-external ones, pod IPs being ephemeral);
 * - a connection needs the destination's ingress and the source's egress.
 * Pod addresses are not in a snapshot, so an `ipBlock` other than a whole address
 * family can only make the answer CONDITIONAL.
 */

/** ztunnel's HBONE port: ambient traffic arrives on it, whatever the target port. */
export const hbonePort = 15008;

/** A NetworkPolicy layer's answer for one connection on one port. @public */
export interface NetworkVerdict {
  decision: Decision;
  /** `NAMESPACE/NAME` of the NetworkPolicies that decided it. */
  policies: string[];
  /** The end that drops it, for a DENY. */
  blockedAt?: 'ingress' | 'egress';
  /** The port the connection reaches the destination pod on (15008 for HBONE). */
  wirePort?: number;
}

/** A pod as NetworkPolicies see it: where it runs and its labels. */
export interface PodEnd {
  kind: 'pod';
  cluster: ClusterModel;
  namespace: string;
  labels: Labels;
  /** Its container ports, which named policy ports refer to. */
  containerPorts: { name?: string; port: number }[];
}

/** One end of a connection: a pod, or a client whose pod and address are unknown. */
type NetworkEnd = PodEnd | { kind: 'unknown' };

const pods = new WeakMap<WorkloadModel, PodEnd>();

/** A workload's pods as an end. */
export function podEnd(workload: WorkloadModel): PodEnd {
  let end = pods.get(workload);
  if (!end) {
    end = {
      kind: 'pod',
      cluster: workload.cluster,
      namespace: workload.namespace,
      labels: workload.workload.labels,
      containerPorts: workload.workload.containerPorts,
    };
    pods.set(workload, end);
  }
  return end;
}

interface CompiledRule {
  /** Absent: every peer. */
  peers?: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[];
}

/**
 * A rule as it reads for peers of one namespace (or for an unknown end, or a pod of
 * another cluster): what its peers give without looking at the pod's labels, and the pod
 * selectors left to try. Rules none of whose peers can cover such an end are left out.
 */
interface RuleForPeers {
  peers: Tri;
  podSelectors: LabelSelector[];
  ports: NetworkPolicyPort[];
}

interface CompiledNetworkPolicy {
  ref: string;
  info: NetworkPolicyInfo;
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
  /** Per direction, {@link RuleForPeers} by {@link peerPlace}, filled as ends are met. */
  forPeers: {
    ingress: Map<string, RuleForPeers[]>;
    egress: Map<string, RuleForPeers[]>;
  };
  /** The namespaces with workloads whose pods some ingress rule may cover, with those rules. */
  ingressNamespaces?: [string, RuleForPeers[]][];
}

/** A cluster's NetworkPolicies by namespace, and what each workload is selected by. */
interface NetworkIndex {
  cluster: ClusterModel;
  byNamespace: Map<string, CompiledNetworkPolicy[]>;
  namespaceLabels: Map<string, Labels>;
  /** Namespace selector → namespace → whether it selects it. */
  namespaceMatches: Map<LabelSelector, Map<string, boolean>>;
}

const indexes = new WeakMap<ClusterModel, NetworkIndex>();
const selections = new WeakMap<
  WorkloadModel,
  { ingress: CompiledNetworkPolicy[]; egress: CompiledNetworkPolicy[] }
>();

/** Whether labels satisfy a label selector (matchLabels and matchExpressions, ANDed). */
export function labelSelectorMatches(
  selector: LabelSelector,
  labels: Labels,
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      default:
        if (has) return false;
    }
  }
  return true;
}

function compile(info: NetworkPolicyInfo): CompiledNetworkPolicy {
  const rules = (list: NetworkPolicyRule[]) =>
    list.map(r => ({
      peers: r.peers.length ? r.peers : undefined,
      ports: r.ports,
    }));
  return {
    ref: `${info.namespace}/${info.name}`,
    info,
    ingress: info.policyTypes.includes('Ingress')
      ? rules(info.ingress)
      : undefined,
    egress: info.policyTypes.includes('Egress')
      ? rules(info.egress)
      : undefined,
    forPeers: { ingress: new Map(), egress: new Map() },
  };
}

function indexOf(cluster: ClusterModel): NetworkIndex | undefined {
  const policies = cluster.state.networkPolicies;
  if (!policies?.length) return undefined;
  let index = indexes.get(cluster);
  if (!index) {
    index = {
      cluster,
      byNamespace: new Map(),
      namespaceLabels: new Map(),
      namespaceMatches: new Map(),
    };
    for (const p of policies) {
      const list = index.byNamespace.get(p.namespace);
      if (list) list.push(compile(p));
      else index.byNamespace.set(p.namespace, [compile(p)]);
    }
    indexes.set(cluster, index);
  }
  return index;
}

/**
 * A namespace's labels, with `kubernetes.io/metadata.name` set to its name as the API
 * server sets it on every namespace ("Targeting a Namespace by its name").
 */
function namespaceLabels(index: NetworkIndex, namespace: string): Labels {
  let labels = index.namespaceLabels.get(namespace);
  if (!labels) {
    labels = {
      ...index.cluster.namespaces.get(namespace)?.labels,
      'kubernetes.io/metadata.name': namespace,
    };
    index.namespaceLabels.set(namespace, labels);
  }
  return labels;
}

function namespaceSelects(
  index: NetworkIndex,
  selector: LabelSelector,
  namespace: string,
): boolean {
  let byNamespace = index.namespaceMatches.get(selector);
  if (!byNamespace)
    index.namespaceMatches.set(selector, (byNamespace = new Map()));
  let result = byNamespace.get(namespace);
  if (result === undefined) {
    result = labelSelectorMatches(selector, namespaceLabels(index, namespace));
    byNamespace.set(namespace, result);
  }
  return result;
}

/** The policies selecting a pod, per direction (empty: not isolated that way). */
function selectingPod(index: NetworkIndex, pod: PodEnd) {
  const candidates = (index.byNamespace.get(pod.namespace) ?? []).filter(p =>
    labelSelectorMatches(p.info.podSelector, pod.labels),
  );
  return {
    ingress: candidates.filter(p => p.ingress),
    egress: candidates.filter(p => p.egress),
  };
}

/** {@link selectingPod} for a workload, computed once. */
function selecting(index: NetworkIndex, workload: WorkloadModel) {
  let found = selections.get(workload);
  if (!found) {
    found = selectingPod(index, podEnd(workload));
    selections.set(workload, found);
  }
  return found;
}

/** An ipBlock: a whole address family without exceptions matches any address; else it depends on the address. */
function ipBlockMatches(block: NonNullable<NetworkPolicyPeer['ipBlock']>): Tri {
  const everything = block.cidr === '0.0.0.0/0' || block.cidr === '::/0';
  return everything && block.except.length === 0 ? 'yes' : 'maybe';
}

/**
 * Where an end stands for a policy of `index`'s cluster, which is all its peers look at
 * besides a pod's labels: its namespace, `?` for an unknown end, `*` for a pod of another
 * cluster (namespace names are never empty nor hold either).
 */
function peerPlace(index: NetworkIndex, end: NetworkEnd): string {
  if (end.kind === 'unknown') return '?';
  return end.cluster === index.cluster ? end.namespace : '*';
}

/**
 * A policy's rules as they read for ends at `place`. A peer's `ipBlock` decides alone;
 * one without any selector covers nothing; an unknown end may be any pod; pods of another
 * cluster reach this one from addresses its selectors never select; else the namespace
 * (the policy's own for a `podSelector` alone) must be selected, then the pod's labels.
 */
function rulesForPeers(
  index: NetworkIndex,
  policy: CompiledNetworkPolicy,
  rules: CompiledRule[],
  place: string,
): RuleForPeers[] {
  const out: RuleForPeers[] = [];
  for (const rule of rules) {
    if (!rule.peers) {
      out.push({ peers: 'yes', podSelectors: [], ports: rule.ports });
      continue;
    }
    let peers: Tri = 'no';
    const podSelectors: LabelSelector[] = [];
    for (const peer of rule.peers) {
      if (peer.ipBlock) {
        peers = triOr([peers, ipBlockMatches(peer.ipBlock)]);
      } else if (!peer.podSelector && !peer.namespaceSelector) {
        continue;
      } else if (place === '?') {
        peers = triOr([peers, 'maybe']);
      } else if (place === '*') {
        continue;
      } else if (
        peer.namespaceSelector
          ? namespaceSelects(index, peer.namespaceSelector, place)
          : place === policy.info.namespace
      ) {
        if (peer.podSelector) podSelectors.push(peer.podSelector);
        else peers = 'yes';
      }
    }
    if (peers === 'yes') podSelectors.length = 0;
    if (peers !== 'no' || podSelectors.length) {
      out.push({ peers, podSelectors, ports: rule.ports });
    }
  }
  return out;
}

/** {@link rulesForPeers}, computed once per policy, direction and place. */
function rulesFor(
  index: NetworkIndex,
  policy: CompiledNetworkPolicy,
  way: 'ingress' | 'egress',
  place: string,
): RuleForPeers[] {
  const cache = policy.forPeers[way];
  let rules = cache.get(place);
  if (!rules) {
    rules = rulesForPeers(index, policy, policy[way] ?? [], place);
    cache.set(place, rules);
  }
  return rules;
}

/**
 * Whether a rule's ports cover a connection to `port` on `destination` (whose container
 * port names resolve named ports); `port` undefined: it depends on the port.
 */
function portMatches(
  ports: NetworkPolicyPort[],
  port: number | undefined,
  destination: NetworkEnd,
  protocol: string,
): Tri {
  if (!ports.length) return 'yes';
  return triOr(
    ports.map((p): Tri => {
      // Istio's traffic is TCP; a UDP or SCTP entry admits none of it.
      if (p.protocol !== protocol) return 'no';
      if (p.port === undefined) return 'yes';
      if (port === undefined) return 'maybe';
      if (typeof p.port === 'number') {
        return port >= p.port && port <= (p.endPort ?? p.port) ? 'yes' : 'no';
      }
      if (destination.kind !== 'pod') return 'maybe';
      const named = destination.containerPorts.find(c => c.name === p.port);
      return named?.port === port ? 'yes' : 'no';
    }),
  );
}

/** One direction at one end: undefined where no policy isolates the pod that way. */
function direction(
  index: NetworkIndex,
  policies: CompiledNetworkPolicy[],
  way: 'ingress' | 'egress',
  peer: NetworkEnd,
  destination: NetworkEnd,
  port: number | undefined,
  protocol = 'TCP',
): { result: Tri; policies: string[] } | undefined {
  if (!policies.length) return undefined;
  const place = peerPlace(index, peer);
  let result: Tri = 'no';
  const admitting: string[] = [];
  const maybe: string[] = [];
  for (const policy of policies) {
    let own: Tri = 'no';
    for (const rule of rulesFor(index, policy, way, place)) {
      let peers = rule.peers;
      if (peers !== 'yes' && peer.kind === 'pod') {
        for (const selector of rule.podSelectors) {
          if (labelSelectorMatches(selector, peer.labels)) {
            peers = 'yes';
            break;
          }
        }
      }
      if (peers === 'no') continue;
      const ports = portMatches(rule.ports, port, destination, protocol);
      if (ports === 'no') continue;
      own = peers === 'yes' && ports === 'yes' ? 'yes' : 'maybe';
      if (own === 'yes') break;
    }
    if (own === 'yes') admitting.push(policy.ref);
    if (own === 'maybe') maybe.push(policy.ref);
    if (result !== 'yes' && own !== 'no') result = own;
  }
  if (result === 'yes') return { result, policies: admitting };
  if (result === 'maybe') return { result, policies: maybe };
  return { result, policies: policies.map(p => p.ref) };
}

/**
 * The port a connection reaches the destination pod on. Ambient traffic travels in
 * ztunnel's HBONE tunnel to port 15008, and sidecars receiving it from ambient clients
 * take it there too ("Ambient and Kubernetes NetworkPolicy",
 * https://istio.io/latest/docs/ambient/usage/networkpolicy/); a sidecar's mTLS and a
 * plaintext client reach the target port itself.
 */
export function wirePort(
  caller: Caller,
  server: WorkloadModel,
  port: number | undefined,
): number | undefined {
  const serverMode = server.membership.mode;
  const callerModes = { principal: 'mtls', plaintext: 'none' } as const;
  const callerMode =
    caller.kind === 'workload'
      ? caller.workload.membership.mode
      : callerModes[caller.kind];
  if (serverMode === 'ambient' && callerMode !== 'none') return hbonePort;
  if (callerMode === 'ambient' && serverMode !== 'none') return hbonePort;
  return port;
}

const decisionOf: Record<Tri, Decision> = {
  yes: 'ALLOW',
  maybe: 'CONDITIONAL',
  no: 'DENY',
};

/**
 * Whether the NetworkPolicies let a caller's connection reach a workload's target `port`
 * (undefined: any): the destination's ingress and, for a known source pod, its egress.
 * Undefined where no NetworkPolicy isolates either end.
 *
 * @public
 */
export function networkVerdict(
  caller: Caller,
  server: WorkloadModel,
  port: number | undefined,
): NetworkVerdict | undefined {
  const wire = wirePort(caller, server, port);
  // A bare identity may be a sidecar client, which reaches a sidecar server on the
  // target port, or an ambient one, whose HBONE reaches it on 15008: where the
  // NetworkPolicies tell the two apart, it depends on which.
  if (
    caller.kind === 'principal' &&
    server.membership.mode === 'sidecar' &&
    wire !== hbonePort
  ) {
    const direct = verdictAt(caller, server, wire);
    const tunnelled = verdictAt(caller, server, hbonePort);
    if (!direct || !tunnelled || direct.decision === tunnelled.decision) {
      return direct;
    }
    return {
      decision: 'CONDITIONAL',
      policies: [...new Set([...direct.policies, ...tunnelled.policies])],
    };
  }
  return verdictAt(caller, server, wire);
}

/** The verdict on a connection that reaches the destination pod on `wire`. */
function verdictAt(
  caller: Caller,
  server: WorkloadModel,
  wire: number | undefined,
): NetworkVerdict | undefined {
  const serverIndex = indexOf(server.cluster);
  const client = caller.kind === 'workload' ? caller.workload : undefined;
  const clientIndex = client ? indexOf(client.cluster) : undefined;
  if (!serverIndex && !clientIndex) return undefined;
  const source: NetworkEnd = client ? podEnd(client) : { kind: 'unknown' };
  const destination = podEnd(server);
  const ingress = serverIndex
    ? direction(
        serverIndex,
        selecting(serverIndex, server).ingress,
        'ingress',
        source,
        destination,
        wire,
      )
    : undefined;
  const egress =
    client && clientIndex
      ? direction(
          clientIndex,
          selecting(clientIndex, client).egress,
          'egress',
          destination,
          destination,
          wire,
        )
      : undefined;
  if (!ingress && !egress) return undefined;
  let verdict: NetworkVerdict;
  if (ingress?.result === 'no') {
    verdict = { decision: 'DENY', policies: ingress.policies };
    verdict.blockedAt = 'ingress';
  } else if (egress?.result === 'no') {
    verdict = { decision: 'DENY', policies: egress.policies };
    verdict.blockedAt = 'egress';
  } else if (!ingress || !egress) {
    const side = (ingress ?? egress)!;
    verdict = { decision: decisionOf[side.result], policies: side.policies };
  } else {
    verdict = {
      decision: decisionOf[triAnd([ingress.result, egress.result])],
      policies: [...new Set([...ingress.policies, ...egress.policies])],
    };
  }
  if (wire !== undefined) verdict.wirePort = wire;
  return verdict;
}

/** The stricter of two decisions: both layers must let a connection through. */
export function bothLayers(istio: Decision, network: Decision): Decision {
  if (istio === 'DENY' || network === 'DENY') return 'DENY';
  if (istio === 'CONDITIONAL' || network === 'CONDITIONAL')
    return 'CONDITIONAL';
  return 'ALLOW';
}

/** Words a verdict for a reason: `blocked by network policy NS/NAME (…)`. */
export function describeNetwork(
  verdict: NetworkVerdict,
  caller: Caller,
  server: WorkloadModel,
): string {
  const names = verdict.policies.join(', ');
  const plural = verdict.policies.length > 1 ? 'policies' : 'policy';
  const admit = verdict.policies.length > 1 ? 'admit' : 'admits';
  const on =
    verdict.wirePort === undefined
      ? ''
      : ` on port ${verdict.wirePort}${
          verdict.wirePort === hbonePort ? ' (HBONE)' : ''
        }`;
  let client = 'a plaintext client';
  if (caller.kind === 'workload') client = caller.workload.id;
  if (caller.kind === 'principal') client = caller.principal;
  switch (verdict.decision) {
    case 'DENY':
      return verdict.blockedAt === 'egress'
        ? `blocked by network ${plural} ${names}: ${client}'s egress to ${server.id}${on} is admitted by none of their rules`
        : `blocked by network ${plural} ${names}: ingress from ${client}${on} is admitted by none of their rules`;
    case 'CONDITIONAL':
      return `network ${plural} ${names} ${admit} it${on} depending on the source's address or port`;
    default:
      return `network ${plural} ${names} ${admit} it${on}`;
  }
}

/** Whether a cluster holds any NetworkPolicy. */
export function usesNetworkPolicies(cluster: ClusterModel): boolean {
  return indexOf(cluster) !== undefined;
}

/**
 * Whether a namespace has a default-deny ingress NetworkPolicy: one selecting every pod
 * (`podSelector: {}`), of type Ingress, with no ingress rule ("Default deny all ingress
 * traffic", https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
 */
export function hasNetworkDefaultDeny(
  cluster: ClusterModel,
  namespace: string,
): boolean {
  return (indexOf(cluster)?.byNamespace.get(namespace) ?? []).some(
    p =>
      !p.info.podSelector.matchLabels &&
      !p.info.podSelector.matchExpressions?.length &&
      p.ingress?.length === 0,
  );
}

/**
 * What a workload's ingress NetworkPolicies admit on `port` from a source they cannot
 * place ('maybe' where some rule names pods, 'no' where no rule admits the port at all);
 * undefined where none isolates it.
 */
export function ingressFromAnywhere(
  server: WorkloadModel,
  port: number,
): { result: Tri; policies: string[] } | undefined {
  const index = indexOf(server.cluster);
  if (!index) return undefined;
  return direction(
    index,
    selecting(index, server).ingress,
    'ingress',
    { kind: 'unknown' },
    podEnd(server),
    port,
  );
}

/**
 * The namespaces of a workload's cluster from whose pods its ingress NetworkPolicies may
 * admit a connection reaching it on `port` (some rule's peers may cover a pod there and
 * its ports the port): a pod of any other namespace is dropped at ingress. Undefined
 * where none isolates it for ingress.
 */
export function ingressSourceNamespaces(
  server: WorkloadModel,
  port: number,
): Set<string> | undefined {
  const index = indexOf(server.cluster);
  const policies = index ? selecting(index, server).ingress : [];
  if (!index || !policies.length) return undefined;
  const destination = podEnd(server);
  const found = new Set<string>();
  for (const policy of policies) {
    policy.ingressNamespaces ??= [
      ...index.cluster.workloadsByNamespace.keys(),
    ].flatMap(namespace => {
      const rules = rulesFor(index, policy, 'ingress', namespace);
      return rules.length
        ? [[namespace, rules] as [string, RuleForPeers[]]]
        : [];
    });
    for (const [namespace, rules] of policy.ingressNamespaces) {
      if (found.has(namespace)) continue;
      if (
        rules.some(r => portMatches(r.ports, port, destination, 'TCP') !== 'no')
      ) {
        found.add(namespace);
      }
    }
  }
  return found;
}

/**
 * Whether a workload's egress NetworkPolicies let it reach a pod (which may stand for one
 * the snapshot lacks, such as istiod or the cluster DNS) on `port` over `protocol`;
 * undefined where none isolates it for egress.
 */
export function egressTo(
  client: WorkloadModel,
  destination: PodEnd,
  port: number,
  protocol: string,
): { result: Tri; policies: string[] } | undefined {
  const index = indexOf(client.cluster);
  if (!index) return undefined;
  return direction(
    index,
    selecting(index, client).egress,
    'egress',
    destination,
    destination,
    port,
    protocol,
  );
}

/** The NetworkPolicies of a namespace, compiled (for findings). */
export function networkPoliciesIn(
  cluster: ClusterModel,
  namespace: string,
): NetworkPolicyInfo[] {
  return (indexOf(cluster)?.byNamespace.get(namespace) ?? []).map(p => p.info);
}

/** The NetworkPolicies isolating a workload, per direction (for findings). */
export function isolatingPolicies(workload: WorkloadModel): {
  ingress: NetworkPolicyInfo[];
  egress: NetworkPolicyInfo[];
} {
  const index = indexOf(workload.cluster);
  if (!index) return { ingress: [], egress: [] };
  const { ingress, egress } = selecting(index, workload);
  return { ingress: ingress.map(p => p.info), egress: egress.map(p => p.info) };
}
