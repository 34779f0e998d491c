import type { ClusterStatus, ClusterSyncState } from './types';

/** One kind an answer lacks or holds out of date, and what in the answer it can change. @public */
export interface ResourceCaveat {
  /** RBAC's spelling, e.g. `destinationrules.networking.istio.io`. */
  resource: string;
  /** `degraded`: never read (no permission, or not served); `stale`: its last good objects. */
  problem: 'degraded' | 'stale';
  /** e.g. "DestinationRules could not be read: mTLS shown as auto mTLS may be wrong". */
  text: string;
}

/**
 * A cluster an answer was computed from whose state is not complete and current: the
 * answer says so, with what it may get wrong. @public
 */
export interface ClusterCaveat {
  cluster: string;
  state: ClusterSyncState;
  /** One sentence for the whole cluster. */
  message: string;
  resources: ResourceCaveat[];
}

/** What each kind the live source reads decides in an answer, by RBAC's name. */
const effects: Record<string, { label: string; effect: string }> = {
  namespaces: {
    label: 'Namespaces',
    effect: 'mesh membership from namespace labels may be wrong',
  },
  serviceaccounts: {
    label: 'ServiceAccounts',
    effect:
      'findings about principals that name no service account may be wrong',
  },
  services: {
    label: 'Services',
    effect: 'port protocols (HTTP or TCP) and Service references may be wrong',
  },
  pods: {
    label: 'Pods',
    effect: 'pods no controller owns may be missing',
  },
  'configmaps/istio': {
    label: 'The mesh config (ConfigMap istio-system/istio)',
    effect: 'the trust domain, and so every SPIFFE ID, may be wrong',
  },
  'configmaps/istio-ca-root-cert': {
    label: 'The root certificates (ConfigMaps istio-ca-root-cert)',
    effect: 'trust between clusters is assumed, and may be wrong',
  },
  'deployments.apps': {
    label: 'Deployments',
    effect: 'workloads may be missing or out of date',
  },
  'statefulsets.apps': {
    label: 'StatefulSets',
    effect: 'workloads may be missing or out of date',
  },
  'daemonsets.apps': {
    label: 'DaemonSets',
    effect: 'workloads may be missing or out of date',
  },
  'peerauthentications.security.istio.io': {
    label: 'PeerAuthentications',
    effect: 'mTLS modes may be wrong',
  },
  'authorizationpolicies.security.istio.io': {
    label: 'AuthorizationPolicies',
    effect: 'allowed callers and access decisions may be wrong',
  },
  'destinationrules.networking.istio.io': {
    label: 'DestinationRules',
    effect: 'mTLS shown as auto mTLS may be wrong',
  },
  'networkpolicies.networking.k8s.io': {
    label: 'NetworkPolicies',
    effect:
      'calls shown as allowed may be dropped by the network, and NetworkPolicy findings may be missing',
  },
};

/** A resource's caveat in a sentence. @public */
export function resourceCaveatText(
  resource: string,
  problem: 'degraded' | 'stale',
  since?: string,
): string {
  const { label, effect } = effects[resource] ?? {
    label: resource,
    effect: 'answers that depend on it may be wrong',
  };
  const what =
    problem === 'degraded'
      ? 'could not be read'
      : `could not be read again${
          since ? ` since ${since}` : ''
        }, the last good ones are used`;
  return `${label} ${what}: ${effect}`;
}

/**
 * What an answer computed from this cluster must say, or undefined when its state is
 * complete and current (`synced`, nothing degraded).
 * @public
 */
export function clusterCaveat(
  cluster: string,
  status: ClusterStatus,
): ClusterCaveat | undefined {
  const resources: ResourceCaveat[] = [
    ...(status.staleResources ?? []).map(r => ({
      resource: r.resource,
      problem: 'stale' as const,
      text: resourceCaveatText(r.resource, 'stale', r.since),
    })),
    ...status.degraded.map(d => ({
      resource: d.resource,
      problem: 'degraded' as const,
      text: resourceCaveatText(d.resource, 'degraded'),
    })),
  ];
  if (status.state === 'synced' && !resources.length) return undefined;
  let message: string;
  switch (status.state) {
    case 'stale':
      message = `cluster ${cluster} is stale since ${
        status.staleSince ?? 'a while'
      }${
        status.message ? ` (${status.message})` : ''
      }: answers come from its last good state, read at ${
        status.lastSyncedAt ?? 'an unknown time'
      }, and may no longer match it`;
      break;
    case 'syncing':
      message = `cluster ${cluster} is still being read: its workloads are not in the answer yet`;
      break;
    case 'failed':
      message = `cluster ${cluster} could not be read${
        status.message ? ` (${status.message})` : ''
      }: its workloads are not in the answer`;
      break;
    default:
      message = `cluster ${cluster} lacks ${resources
        .map(r => r.resource)
        .join(', ')}: answers that depend on them are incomplete`;
  }
  return { cluster, state: status.state, message, resources };
}
