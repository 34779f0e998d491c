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

interface CompiledNetworkPolicy {
  ref: string;
  info: NetworkPolicyInfo;
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
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

/** Whether a peer of a policy in `policyNamespace` (of `index`'s cluster) covers an end. */
function peerMatches(
  index: NetworkIndex,
  peer: NetworkPolicyPeer,
  policyNamespace: string,
  end: NetworkEnd,
): Tri {
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock);
  if (!peer.podSelector && !peer.namespaceSelector) return 'no';
  if (end.kind === 'unknown') return 'maybe';
  // Pods of another cluster reach this one from addresses its selectors never select.
  if (end.cluster !== index.cluster) return 'no';
  const namespaceOk = peer.namespaceSelector
    ? namespaceSelects(index, peer.namespaceSelector, end.namespace)
    : end.namespace === policyNamespace;
  if (!namespaceOk) return 'no';
  return !peer.podSelector || labelSelectorMatches(peer.podSelector, end.labels)
    ? 'yes'
    : 'no';
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
  rulesOf: (p: CompiledNetworkPolicy) => CompiledRule[] | undefined,
  peer: NetworkEnd,
  destination: NetworkEnd,
  port: number | undefined,
  protocol = 'TCP',
): { result: Tri; policies: string[] } | undefined {
  if (!policies.length) return undefined;
  let result: Tri = 'no';
  const admitting: string[] = [];
  const maybe: string[] = [];
  for (const policy of policies) {
    let own: Tri = 'no';
    for (const rule of rulesOf(policy) ?? []) {
      const peers = rule.peers
        ? triOr(
            rule.peers.map(p =>
              peerMatches(index, p, policy.info.namespace, peer),
            ),
          )
        : 'yes';
      own = triOr([
        own,
        triAnd([peers, portMatches(rule.ports, port, destination, protocol)]),
      ]);
      if (own === 'yes') break;
    }
    if (own === 'yes') admitting.push(policy.ref);
    if (own === 'maybe') maybe.push(policy.ref);
    result = triOr([result, own]);
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
  const serverIndex = indexOf(server.cluster);
  const client = caller.kind === 'workload' ? caller.workload : undefined;
  const clientIndex = client ? indexOf(client.cluster) : undefined;
  if (!serverIndex && !clientIndex) return undefined;
  const wire = wirePort(caller, server, port);
  const source: NetworkEnd = client ? podEnd(client) : { kind: 'unknown' };
  const destination = podEnd(server);
  const ingress = serverIndex
    ? direction(
        serverIndex,
        selecting(serverIndex, server).ingress,
        p => p.ingress,
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
          p => p.egress,
          destination,
          destination,
          wire,
        )
      : undefined;
  if (!ingress && !egress) return undefined;
  const verdict = (
    side: NonNullable<typeof ingress>,
    blockedAt?: 'ingress' | 'egress',
  ): NetworkVerdict => ({
    decision: decisionOf[side.result],
    policies: side.policies,
    ...(blockedAt ? { blockedAt } : {}),
    ...(wire !== undefined ? { wirePort: wire } : {}),
  });
  if (ingress?.result === 'no') return verdict(ingress, 'ingress');
  if (egress?.result === 'no') return verdict(egress, 'egress');
  if (!ingress) return verdict(egress!);
  if (!egress) return verdict(ingress);
  return {
    decision: decisionOf[triAnd([ingress.result, egress.result])],
    policies: [...new Set([...ingress.policies, ...egress.policies])],
    ...(wire !== undefined ? { wirePort: wire } : {}),
  };
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
      return `network ${plural} ${names} admit it${on} depending on the source's address or port`;
    default:
      return `network ${plural} ${names} admit it${on}`;
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
    p => p.ingress,
    { kind: 'unknown' },
    podEnd(server),
    port,
  );
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
    p => p.egress,
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
