import { Finding } from '../findings/detect';
import { AllowedCaller, sourceKey } from '../engine/callers';
import { AnalyzeReport, WorkloadView, sortFindings } from './analyze';

/** @public */
export interface CallerChange {
  label: string;
  key: string;
  before?: Pick<AllowedCaller, 'decision' | 'ports'>;
  after?: Pick<AllowedCaller, 'decision' | 'ports'>;
}

/** What changed for one workload. @public */
export interface WorkloadDiff {
  workload: string;
  change: 'added' | 'removed' | 'changed';
  identity?: { before: string | null; after: string | null };
  meshMode?: { before: string; after: string };
  mtls?: { before: string; after: string };
  callersGained: CallerChange[];
  callersLost: CallerChange[];
  callersChanged: CallerChange[];
}

/** The `diff` report (the CLI's `diff --format json`). @public */
export interface DiffReport {
  workloads: WorkloadDiff[];
  findingsIntroduced: Finding[];
  findingsResolved: Finding[];
}

const workloadId = (w: WorkloadView) => `${w.cluster}/${w.namespace}/${w.name}`;

function mtlsText(w: WorkloadView): string {
  const ports = w.mtls.ports.map(p => `${p.port}:${p.mode}`).join(', ');
  return ports ? `${w.mtls.mode} (${ports})` : w.mtls.mode;
}

function callerMap(w: WorkloadView | undefined): Map<string, AllowedCaller> {
  return new Map((w?.allowedCallers ?? []).map(c => [sourceKey(c.source), c]));
}

const sameAccess = (a: AllowedCaller, b: AllowedCaller) =>
  a.decision === b.decision && a.ports.join() === b.ports.join();

function changeKind(
  before?: WorkloadView,
  after?: WorkloadView,
): WorkloadDiff['change'] {
  if (!before) return 'added';
  return after ? 'changed' : 'removed';
}

function diffWorkload(
  before?: WorkloadView,
  after?: WorkloadView,
): WorkloadDiff | undefined {
  const id = workloadId((after ?? before)!);
  const b = callerMap(before);
  const a = callerMap(after);
  const pick = (c: AllowedCaller) => ({ decision: c.decision, ports: c.ports });
  const gained: CallerChange[] = [];
  const lost: CallerChange[] = [];
  const changed: CallerChange[] = [];
  for (const [key, c] of a) {
    const old = b.get(key);
    if (!old) gained.push({ key, label: c.label, after: pick(c) });
    else if (!sameAccess(old, c))
      changed.push({ key, label: c.label, before: pick(old), after: pick(c) });
  }
  for (const [key, c] of b)
    if (!a.has(key)) lost.push({ key, label: c.label, before: pick(c) });

  const diff: WorkloadDiff = {
    workload: id,
    change: changeKind(before, after),
    callersGained: gained,
    callersLost: lost,
    callersChanged: changed,
  };
  if ((before?.identity ?? null) !== (after?.identity ?? null)) {
    diff.identity = {
      before: before?.identity ?? null,
      after: after?.identity ?? null,
    };
  }
  if (before && after && before.meshMode !== after.meshMode) {
    diff.meshMode = { before: before.meshMode, after: after.meshMode };
  }
  if (before && after && mtlsText(before) !== mtlsText(after)) {
    diff.mtls = { before: mtlsText(before), after: mtlsText(after) };
  }
  const unchanged =
    diff.change === 'changed' &&
    !diff.identity &&
    !diff.meshMode &&
    !diff.mtls &&
    !gained.length &&
    !lost.length &&
    !changed.length;
  return unchanged ? undefined : diff;
}

const findingKey = (f: Finding) =>
  `${f.code}|${f.resource.cluster}|${f.resource.kind}|${
    f.resource.namespace ?? ''
  }|${f.resource.name}|${f.message}`;

/** What a change does to access: per workload, and findings introduced or resolved. @public */
export function diffReports(
  base: AnalyzeReport,
  head: AnalyzeReport,
): DiffReport {
  const before = new Map(base.workloads.map(w => [workloadId(w), w]));
  const after = new Map(head.workloads.map(w => [workloadId(w), w]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const workloads = ids
    .map(id => diffWorkload(before.get(id), after.get(id)))
    .filter((d): d is WorkloadDiff => d !== undefined);
  const baseKeys = new Set(base.findings.map(findingKey));
  const headKeys = new Set(head.findings.map(findingKey));
  return {
    workloads,
    findingsIntroduced: sortFindings(
      head.findings.filter(f => !baseKeys.has(findingKey(f))),
    ),
    findingsResolved: sortFindings(
      base.findings.filter(f => !headKeys.has(findingKey(f))),
    ),
  };
}
