import { evaluateAccess, Caller } from '../engine/access';
import { allowedCallers, AllowedCaller, callerCovers } from '../engine/callers';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { mtlsOnPort } from '../engine/peerAuthentication';
import type {
  AllowedCallerUsage,
  NotAllowedCaller,
  ObservedSource,
  ObservedTraffic,
  ObservedUse,
  PlaintextObservation,
  UsageWindow,
  WorkloadUsage,
} from './types';

/** The observations whose destination is this workload (its cluster, namespace, name). */
export function trafficTo(
  workload: WorkloadModel,
  traffic: readonly ObservedTraffic[],
): ObservedTraffic[] {
  return traffic.filter(
    t =>
      t.cluster === workload.cluster.name &&
      t.destination.namespace === workload.namespace &&
      t.destination.workload === workload.workload.name,
  );
}

/** The later of two ISO times (either may be unknown). */
function later(a?: string, b?: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}

const sourceKey = (s: ObservedSource) =>
  [
    s.cluster ?? '',
    s.namespace ?? '',
    s.workload ?? '',
    s.principal ?? '',
  ].join('|');

/** A person's wording of an observed source. */
export function observedSourceLabel(source: ObservedSource): string {
  if (source.workload && source.namespace)
    return `${source.namespace}/${source.workload}`;
  if (source.principal) return `identity ${source.principal}`;
  return 'a caller without identity (plaintext)';
}

/** One entry per observed source: the observations of one source summed. */
interface SourceTotal {
  source: ObservedSource;
  count: number;
  denied?: number;
  plaintext: number;
  lastSeen?: string;
  ports: Set<number>;
}

function bySource(traffic: ObservedTraffic[]): SourceTotal[] {
  const totals = new Map<string, SourceTotal>();
  for (const t of traffic) {
    const key = sourceKey(t.source);
    let total = totals.get(key);
    if (!total) {
      total = { source: t.source, count: 0, plaintext: 0, ports: new Set() };
      totals.set(key, total);
    }
    total.count += t.count;
    if (t.denied !== undefined) total.denied = (total.denied ?? 0) + t.denied;
    total.plaintext += t.plaintext;
    total.lastSeen = later(total.lastSeen, t.lastSeen);
    if (t.destination.port !== undefined) total.ports.add(t.destination.port);
  }
  return [...totals.values()].sort((a, b) =>
    sourceKey(a.source).localeCompare(sourceKey(b.source)),
  );
}

/** The caller `check` evaluates for an observed source: its workload, else its identity. */
function callerOf(source: ObservedSource, model: MeshModel): Caller {
  const principal = source.principal?.replace(/^spiffe:\/\//, '');
  if (!principal) return { kind: 'plaintext' };
  const holders = model
    .workloadsWithPrincipal(principal)
    .filter(
      w =>
        w.workload.name === source.workload &&
        (source.namespace === undefined || w.namespace === source.namespace) &&
        (source.cluster === undefined || w.cluster.name === source.cluster),
    );
  return holders.length === 1
    ? { kind: 'workload', workload: holders[0] }
    : { kind: 'principal', principal };
}

const peerOf = (s: ObservedSource) => ({
  ...(s.principal ? { principal: s.principal } : {}),
  ...(s.namespace ? { namespace: s.namespace } : {}),
  ...(s.workload ? { workload: s.workload } : {}),
  ...(s.cluster ? { cluster: s.cluster } : {}),
});

/**
 * A workload's allowed callers (the engine's, `allowedCallers`) against the traffic its
 * proxy reported over the window: each caller used (count of requests or connections
 * let through, last seen, ports where known) or unused; each source seen that no
 * allowed caller accounts for, or that was refused, with what `check` says for it; and
 * plaintext seen, with whether the workload's mTLS refuses or accepts it. Which
 * observed identity an entry stands for is the engine's rule (`callerCovers`): an entry
 * wider than one identity is used when any identity it admits was seen.
 *
 * @public
 */
export function workloadUsage(
  model: MeshModel,
  workload: WorkloadModel,
  traffic: readonly ObservedTraffic[],
  window: UsageWindow,
  callers: readonly AllowedCaller[] = allowedCallers(workload, model)
    .allowedCallers,
): WorkloadUsage {
  const sources = bySource(trafficTo(workload, traffic));
  const covered = new Set<SourceTotal>();
  const usage: AllowedCallerUsage[] = callers.map(caller => {
    const observed: ObservedUse[] = [];
    const ports = new Set<number>();
    for (const s of sources) {
      if (!callerCovers(caller.source, peerOf(s.source), workload, model))
        continue;
      covered.add(s);
      const through = s.count - (s.denied ?? 0);
      if (through <= 0) continue;
      observed.push({
        source: s.source,
        count: through,
        ...(s.lastSeen ? { lastSeen: s.lastSeen } : {}),
      });
      s.ports.forEach(p => ports.add(p));
    }
    if (!observed.length) return { caller, usage: { state: 'unused', window } };
    const lastSeen = observed.reduce<string | undefined>(
      (l, o) => later(l, o.lastSeen),
      undefined,
    );
    return {
      caller,
      usage: {
        state: 'used',
        window,
        count: observed.reduce((n, o) => n + o.count, 0),
        ...(lastSeen ? { lastSeen } : {}),
        ...(ports.size ? { ports: [...ports].sort((a, b) => a - b) } : {}),
        observed,
      },
    };
  });

  const notAllowed: NotAllowedCaller[] = sources
    .filter(s => !covered.has(s) || (s.denied ?? 0) > 0)
    .map(s => {
      const [port] = [...s.ports];
      return {
        source: s.source,
        label: observedSourceLabel(s.source),
        count: s.count,
        ...(s.denied !== undefined ? { denied: s.denied } : {}),
        ...(s.lastSeen ? { lastSeen: s.lastSeen } : {}),
        decision: evaluateAccess(callerOf(s.source, model), workload, {
          ...(s.ports.size === 1 ? { port } : {}),
        }).decision,
        allowedEntry: covered.has(s),
      };
    });

  const plaintext: PlaintextObservation[] = sources
    .filter(s => s.plaintext > 0)
    .map(s => {
      const modes = s.ports.size
        ? [...s.ports].map(p => mtlsOnPort(workload.mtls, p))
        : [workload.mtls.mode];
      // Where ports differ, the one that accepts plaintext is what the traffic shows.
      const mode = modes.find(m => m !== 'STRICT') ?? 'STRICT';
      return {
        source: s.source,
        label: observedSourceLabel(s.source),
        count: s.plaintext,
        ...(s.lastSeen ? { lastSeen: s.lastSeen } : {}),
        mode,
        verdict: mode === 'STRICT' ? 'refused' : 'accepted',
      };
    });

  return {
    workload: workload.id,
    window,
    callers: usage,
    notAllowed,
    plaintext,
  };
}
