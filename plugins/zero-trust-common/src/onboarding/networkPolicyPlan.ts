import { ClusterModel, MeshModel } from '../engine/MeshModel';
import { hasNetworkDefaultDeny, hbonePort } from '../engine/networkPolicy';
import { Planner } from './Planner';
import {
  OnboardingCaller,
  OnboardingDataplane,
  OnboardingResource,
  ResolvedOnboardingPort,
} from './types';

type Peer = Record<string, unknown>;

/** The NetworkPolicy selecting the onboarded service. */
export const ingressPolicyName = (service: string) => `${service}-ingress`;

/** The namespace's default-deny NetworkPolicy, added where it has none. */
export const defaultDenyName = 'default-deny';

const byName = (namespace: string) => ({
  matchLabels: { 'kubernetes.io/metadata.name': namespace },
});

/** The pods a caller stands for in the service's cluster, or undefined where none can be named. */
function callerPeers(
  p: Planner,
  model: MeshModel,
  cluster: ClusterModel,
  caller: OnboardingCaller,
): Peer[] | undefined {
  if ('namespace' in caller) {
    return [{ namespaceSelector: byName(caller.namespace) }];
  }
  if (!('workload' in caller) && !('principal' in caller)) return undefined;
  const name = 'workload' in caller ? caller.workload : caller.principal;
  const workloads =
    'workload' in caller
      ? [model.resolveWorkload(caller.workload)]
      : model.workloadsWithPrincipal(caller.principal);
  const local = workloads.filter(w => w.cluster === cluster);
  if (local.length < workloads.length || !local.length) {
    p.note(
      `NetworkPolicy: ${name} has no pods in cluster ${cluster.name} that a pod selector can name, so the NetworkPolicy does not admit it; admit its address with an ipBlock if it must reach the service.`,
    );
  }
  if (!local.length) return undefined;
  return local.map(w => ({
    namespaceSelector: byName(w.namespace),
    podSelector: { matchLabels: { ...w.workload.labels } },
  }));
}

/**
 * With `networkPolicy`: a NetworkPolicy selecting the workload that admits exactly the
 * allowed callers' pods (namespace and pod labels) on their ports, plus HBONE (15008)
 * in ambient mode, where ztunnel delivers every mesh connection
 * (https://istio.io/latest/docs/ambient/usage/networkpolicy/); and the namespace's
 * default-deny NetworkPolicy where it has none.
 */
export function planNetworkPolicy(
  p: Planner,
  model: MeshModel,
  cluster: ClusterModel,
  options: {
    service: string;
    namespace: string;
    selector: Record<string, string>;
    ports: ResolvedOnboardingPort[];
    dataplane: OnboardingDataplane;
    callers: OnboardingCaller[];
  },
): OnboardingResource[] {
  const { service, namespace, selector, dataplane } = options;
  const rules = options.callers.flatMap(caller => {
    const peers = callerPeers(p, model, cluster, caller);
    if (!peers) return [];
    const ports = caller.ports ?? options.ports.map(port => port.port);
    const onWire = dataplane === 'ambient' ? [...ports, hbonePort] : ports;
    return [
      {
        from: peers,
        ports: [...new Set(onWire)].map(port => ({ protocol: 'TCP', port })),
      },
    ];
  });
  const resources: OnboardingResource[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: ingressPolicyName(service), namespace },
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress'],
        ingress: rules,
      },
    },
  ];
  if (!rules.length) {
    p.note(
      `NetworkPolicy ${ingressPolicyName(
        service,
      )} admits no pod: no caller could be named by namespace and pod labels.`,
    );
  }
  if (!hasNetworkDefaultDeny(cluster, namespace)) {
    resources.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: defaultDenyName, namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    p.note(
      `NetworkPolicy ${namespace}/${defaultDenyName} isolates every pod of the namespace for ingress: the others need NetworkPolicies of their own for their callers.`,
    );
  }
  return resources;
}
