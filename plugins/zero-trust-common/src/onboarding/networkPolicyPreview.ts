import { allowedCallers, sourceKey } from '../engine/callers';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { hbonePort, isolatingPolicies } from '../engine/networkPolicy';
import { formatSelector, selectorMatches } from '../model/labels';
import {
  NetworkCutOff,
  NetworkPolicyAdmission,
  NetworkPolicyPreview,
  OnboardingPlan,
} from './types';
import { defaultDenyName, ingressPolicyName } from './networkPolicyPlan';

/** The peer shapes `planNetworkPolicy` writes. */
interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
}
interface Rule {
  from?: Peer[];
  ports?: { port: number }[];
}

function admission(
  rule: Rule,
  cluster: MeshModel['clusters'][number],
): NetworkPolicyAdmission {
  const pods: string[] = [];
  const workloads: string[] = [];
  for (const peer of rule.from ?? []) {
    const namespace =
      peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ??
      '';
    const labels = peer.podSelector?.matchLabels;
    pods.push(
      labels
        ? `pods labelled ${formatSelector(labels)} in namespace ${namespace}`
        : `every pod in namespace ${namespace}`,
    );
    for (const w of cluster.workloadsByNamespace.get(namespace) ?? []) {
      if (selectorMatches(labels, w.workload.labels)) workloads.push(w.id);
    }
  }
  return {
    pods,
    workloads: [...new Set(workloads)],
    ports: (rule.ports ?? []).map(p => p.port),
  };
}

/**
 * Callers Istio lets call `after` whose connections NetworkPolicies drop, and did not
 * drop before the change. (Compared with the network-blocked callers before, not the
 * allowed ones: a caller listed today only through a wider source, such as "any
 * authenticated workload" under "anyone", is cut off all the same.)
 */
function cutOff(
  before: WorkloadModel | undefined,
  after: WorkloadModel,
  beforeModel: MeshModel,
  afterModel: MeshModel,
): NetworkCutOff | undefined {
  const blockedBefore = new Set(
    before
      ? allowedCallers(before, beforeModel).blockedByNetwork.map(b =>
          sourceKey(b.source),
        )
      : [],
  );
  const callers = allowedCallers(after, afterModel)
    .blockedByNetwork.filter(b => !blockedBefore.has(sourceKey(b.source)))
    .map(b => ({ label: b.label, ports: b.ports, policies: b.policies }));
  return callers.length ? { workload: after.id, callers } : undefined;
}

/**
 * The NetworkPolicy part of an onboarding: which pods the service's NetworkPolicy admits
 * on which ports, and, from the engine on the cluster before and after, which of the
 * namespace's other workloads the change isolates and which of their callers lose
 * network access.
 */
export function networkPolicyPreview(
  plan: OnboardingPlan,
  beforeModel: MeshModel,
  afterModel: MeshModel,
): NetworkPolicyPreview | undefined {
  const { request } = plan;
  if (!request.networkPolicy) return undefined;
  const { namespace, service } = request;
  const cluster = afterModel.cluster(plan.cluster)!;
  const resource = (name: string) =>
    plan.resources.find(
      r =>
        r.kind === 'NetworkPolicy' &&
        r.metadata.namespace === namespace &&
        r.metadata.name === name,
    );
  const policy = resource(ingressPolicyName(service));
  const rules = (policy?.spec.ingress ?? []) as Rule[];
  const target = new Set(plan.workloads);
  const others = (cluster.workloadsByNamespace.get(namespace) ?? []).filter(
    w =>
      !target.has(w.id) && w.id !== `${plan.cluster}/${namespace}/${service}`,
  );
  const previously = (w: WorkloadModel) => {
    try {
      return beforeModel.resolveWorkload(w.id);
    } catch {
      return undefined;
    }
  };
  const defaultDeny = resource(defaultDenyName);
  return {
    policy: `${namespace}/${ingressPolicyName(service)}`,
    admits: rules.map(rule => admission(rule, cluster)),
    ...(request.dataplane === 'ambient' ? { hbonePort } : {}),
    ...(defaultDeny
      ? {
          defaultDeny: {
            policy: `${namespace}/${defaultDenyName}`,
            isolated: others
              .filter(w => {
                const before = previously(w);
                return !before || !isolatingPolicies(before).ingress.length;
              })
              .map(w => w.id),
          },
        }
      : {}),
    cutOff: others.flatMap(
      w => cutOff(previously(w), w, beforeModel, afterModel) ?? [],
    ),
  };
}

const list = (items: string[]) =>
  items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
    : items.join('');

/**
 * The NetworkPolicy part in sentences, for a reviewer: the preview field shows them and
 * the pull request's description carries them.
 *
 * @public
 */
export function explainNetworkPolicy(preview: NetworkPolicyPreview): string[] {
  const lines: string[] = [];
  if (!preview.admits.length) {
    lines.push(
      `NetworkPolicy ${preview.policy} admits no pod: every connection to the service is dropped.`,
    );
  }
  for (const a of preview.admits) {
    const known = a.workloads.length
      ? ` (today: ${list(a.workloads)})`
      : ' (no pod runs there today)';
    lines.push(
      `NetworkPolicy ${preview.policy} admits ${list(
        a.pods,
      )}${known} on TCP ${list(a.ports.map(String))}.`,
    );
  }
  if (preview.hbonePort) {
    lines.push(
      `In ambient mode ztunnel delivers every mesh connection on HBONE port ${preview.hbonePort}, whatever the target port, so each rule also admits ${preview.hbonePort}.`,
    );
  }
  if (preview.defaultDeny) {
    const { policy, isolated } = preview.defaultDeny;
    const namespace = policy.split('/')[0];
    lines.push(
      `NetworkPolicy ${policy} is added: every pod of namespace ${namespace} then accepts only the connections a NetworkPolicy admits${
        isolated.length
          ? `, so ${list(isolated)} ${
              isolated.length > 1 ? 'are' : 'is'
            } isolated for ingress too`
          : ''
      }.`,
    );
  }
  for (const c of preview.cutOff) {
    lines.push(
      `${c.workload} loses ${list(
        c.callers.map(
          caller =>
            `${caller.label}${
              caller.ports.length ? ` on ${caller.ports.join(', ')}` : ''
            }`,
        ),
      )}: Istio still allows ${
        c.callers.length > 1 ? 'them' : 'it'
      }, NetworkPolicy ${list([
        ...new Set(c.callers.flatMap(caller => caller.policies)),
      ])} drops the connection. Add a NetworkPolicy admitting ${
        c.callers.length > 1 ? 'them' : 'it'
      } to ${c.workload} in the same change.`,
    );
  }
  if (preview.defaultDeny?.isolated.length && !preview.cutOff.length) {
    lines.push(
      'No caller that Istio lets reach those workloads loses network access.',
    );
  }
  return lines;
}
