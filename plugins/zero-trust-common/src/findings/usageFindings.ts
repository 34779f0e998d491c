import { ObjectRef } from '../model/types';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import type { WorkloadUsage } from '../usage/types';
import { Finding, finding } from './detect';

/** @public */
export interface UsageFindingOptions {
  /** Refusals of one source in the window from which ZT051 speaks (default 10). */
  minRefused?: number;
}

const workloadRef = (w: WorkloadModel): ObjectRef => ({
  cluster: w.cluster.name,
  kind: w.workload.kind,
  namespace: w.namespace,
  name: w.workload.name,
});

const policyRef = (w: WorkloadModel, ref: string): ObjectRef => {
  const [namespace, name] = ref.split('/');
  return {
    cluster: w.cluster.name,
    kind: 'AuthorizationPolicy',
    namespace,
    name,
  };
};

const lastSeen = (iso?: string) => (iso ? `, last at ${iso}` : '');

/**
 * ZT050-ZT053, which compare the policies with observed traffic: they need each
 * workload's usage (`workloadUsage`), so `detectFindings` and `analyze`, which read no
 * telemetry, never raise them; the backend adds them to a workload's findings where its
 * cluster's telemetry was read.
 * - ZT050: an allowed caller an ALLOW rule names, not seen over the window (a caller
 *   allowed only because the workload has no ALLOW policy is ZT004's);
 * - ZT051: a source refused at least `minRefused` times;
 * - ZT052: plaintext seen (accepted, or seen though the workload is STRICT now);
 * - ZT053: HTTP traffic that got through from a source `check` says DENY for (TCP
 *   refusals are not counted, so TCP traffic is not judged).
 *
 * @public
 */
export function usageFindings(
  model: MeshModel,
  usages: readonly WorkloadUsage[],
  options: UsageFindingOptions = {},
): Finding[] {
  const minRefused = options.minRefused ?? 10;
  const out: Finding[] = [];
  for (const usage of usages) {
    const w = model.workload(usage.workload);
    if (!w) continue;
    const window = usage.window.duration;
    for (const { caller, usage: use } of usage.callers) {
      if (use.state !== 'unused' || !caller.admittedBy.length) continue;
      const policies = [...new Set(caller.admittedBy.map(a => a.policy))];
      out.push(
        finding(
          'ZT050',
          policyRef(w, policies[0]),
          `${caller.label} may call ${w.id} (${policies.join(
            ', ',
          )}) and was not seen doing so in the last ${window}.`,
          w,
        ),
      );
    }
    for (const n of usage.notAllowed) {
      if ((n.denied ?? 0) >= minRefused) {
        out.push(
          finding(
            'ZT051',
            workloadRef(w),
            `${n.label} was refused ${n.denied} times calling ${
              w.id
            } in the last ${window}${lastSeen(n.lastSeen)}; check says ${
              n.decision
            } for it.`,
            w,
          ),
        );
      }
      const through = n.count - (n.denied ?? n.count);
      if (n.denied !== undefined && through > 0 && n.decision === 'DENY') {
        out.push(
          finding(
            'ZT053',
            workloadRef(w),
            `${through} requests from ${n.label} to ${
              w.id
            } got through in the last ${window}${lastSeen(
              n.lastSeen,
            )}, though the policies read refuse it.`,
            w,
          ),
        );
      }
    }
    for (const p of usage.plaintext) {
      out.push(
        finding(
          'ZT052',
          workloadRef(w),
          p.verdict === 'accepted'
            ? `${p.count} plaintext requests or connections from ${
                p.label
              } reached ${w.id} in the last ${window}${lastSeen(
                p.lastSeen,
              )}: its mTLS is ${p.mode}.`
            : `${p.count} plaintext requests or connections from ${
                p.label
              } reached ${w.id} in the last ${window}${lastSeen(
                p.lastSeen,
              )}, though its mTLS is STRICT as read: the traffic predates it, or the cluster differs.`,
          w,
        ),
      );
    }
  }
  return out;
}
