import { resourceCaveat } from '../kinds/lookup';
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
  /** What reading the cluster's manifests left out (`ClusterStatus.notes`), when anything. */
  notes?: string[];
}

/**
 * A resource's caveat in a sentence, from its label and effect in the kinds table.
 *
 * @public
 */
export function resourceCaveatText(
  resource: string,
  problem: 'degraded' | 'stale',
  since?: string,
): string {
  const { label, effect } = resourceCaveat(resource) ?? {
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
  const notes = status.notes ?? [];
  if (status.state === 'synced' && !resources.length && !notes.length) {
    return undefined;
  }
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
      message = resources.length
        ? `cluster ${cluster} lacks ${resources
            .map(r => r.resource)
            .join(', ')}: answers that depend on them are incomplete`
        : `cluster ${cluster} was read without some of its manifests: answers lack what the notes name`;
  }
  return {
    cluster,
    state: status.state,
    message,
    resources,
    ...(notes.length ? { notes } : {}),
  };
}
