import type { AllowedCaller } from '../engine/callers';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import type { NotAllowedCaller, ObservedTraffic, UsageWindow } from './types';
import { workloadUsage } from './workloadUsage';

/** One workload's unused permissions over a window: the platform page's ranking. @public */
export interface UsageRankingItem {
  /** `CLUSTER/NAMESPACE/NAME`. */
  workload: string;
  cluster: string;
  namespace: string;
  name: string;
  /** How many allowed caller entries it has. */
  allowed: number;
  /** The allowed callers not seen in the window, by their labels. */
  unused: string[];
  /** The sources seen that its policies refuse (refused attempts, or `check` says DENY). */
  denied: string[];
  window: UsageWindow;
}

/** A source seen and refused: some of its calls were, or `check` denies it today. */
export const isDenied = (c: NotAllowedCaller) =>
  (c.denied ?? 0) > 0 || c.decision === 'DENY';

/**
 * A cluster's mesh workloads ranked by unused permissions over the window: most allowed
 * callers unused first, then most refused sources; those with neither are left out
 * (every permission used, nothing refused). Workloads outside the mesh have no proxy to
 * report their traffic, so they are not ranked.
 *
 * @public
 */
export function usageRanking(
  model: MeshModel,
  cluster: string,
  traffic: readonly ObservedTraffic[],
  window: UsageWindow,
  /** The workload's allowed callers, where the caller keeps them computed. */
  callersOf?: (workload: WorkloadModel) => readonly AllowedCaller[],
): UsageRankingItem[] {
  const items: UsageRankingItem[] = [];
  for (const w of model.cluster(cluster)?.workloads ?? []) {
    if (!w.inMesh) continue;
    const usage = workloadUsage(model, w, traffic, window, callersOf?.(w));
    const unused = usage.callers
      .filter(c => c.usage.state === 'unused')
      .map(c => c.caller.label);
    const denied = usage.notAllowed.filter(isDenied).map(c => c.label);
    if (!unused.length && !denied.length) continue;
    items.push({
      workload: w.id,
      cluster,
      namespace: w.namespace,
      name: w.workload.name,
      allowed: usage.callers.length,
      unused,
      denied,
      window,
    });
  }
  return items.sort(compareUsageRanking);
}

/** The ranking's order: most unused callers first, then most refused sources. @public */
export function compareUsageRanking(
  a: UsageRankingItem,
  b: UsageRankingItem,
): number {
  return (
    b.unused.length - a.unused.length ||
    b.denied.length - a.denied.length ||
    a.workload.localeCompare(b.workload)
  );
}
