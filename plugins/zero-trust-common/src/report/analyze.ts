import { ClusterState } from '../model/types';
import { detectFindings, Finding, FindingOptions } from '../findings/detect';
import { severityRank } from '../findings/catalogue';
import { decideAccess } from '../engine/access';
import {
  AllowedCaller,
  CallerAnalysis,
  DenyException,
  NetworkBlockedCaller,
  UntrustedCaller,
  allowedCallers,
  sourceKey,
} from '../engine/callers';
import {
  PolicyEnforcement,
  WaypointUse,
  policyEnforcement,
  waypointUses,
} from '../engine/enforcement';
import { isGatewayWorkload, MeshMode } from '../engine/membership';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { EffectiveMtlsMode } from '../engine/peerAuthentication';
import { PortProtocol } from '../engine/ports';
import type { EgressView } from '../engine/egress';
import type { RouteView } from '../engine/routes';
import type { ExposureView } from '../engine/exposure';
import { meshPaths, withMeshPaths } from '../engine/meshPaths';
import { workloadEdges } from '../engine/workloadEdges';
import { WorkloadCertificateView, certificateView } from './certificateView';

/** @public */
export interface ClusterSummary {
  name: string;
  trustDomain: string;
  trustDomainAliases: string[];
  rootNamespace: string;
  workloads: number;
  authorizationPolicies: number;
  peerAuthentications: number;
  destinationRules: number;
  invalidResources: number;
}

/** @public */
export interface WorkloadMtls {
  mode: EffectiveMtlsMode;
  /** The PeerAuthentication that set the mode, or why there is none. */
  decidedBy?: string;
  ports: { port: number; mode: EffectiveMtlsMode; decidedBy?: string }[];
}

/**
 * The `istio.io/dry-run` AuthorizationPolicies bound to a workload, which its proxy logs
 * but does not enforce, and what enforcing them would change. @public
 */
export interface DryRunView {
  /** `NAMESPACE/NAME` of each dry-run policy. */
  policies: string[];
  /**
   * Callers that may call it today and would be denied on every port: known workloads
   * (`CLUSTER/NAMESPACE/NAME`) and wider sources (as their label reads).
   */
  wouldDeny: string[];
  /** Callers denied today that would be allowed on some port. */
  wouldAllow: string[];
}

/** Everything the Security tab shows for one workload. @public */
export interface WorkloadView {
  cluster: string;
  namespace: string;
  name: string;
  kind: string;
  serviceAccount: string;
  labels: Record<string, string>;
  meshMode: MeshMode;
  /** How it got its mesh mode, e.g. `namespace label istio-injection=enabled`. */
  meshReason: string;
  revision?: string;
  /**
   * An Istio gateway (pods injected with the `gateway` template). What it exposes is
   * read from Gateway resources (the `exposure` of the workloads it routes to); its own
   * mTLS and callers are analysed as a sidecar's would be.
   */
  gateway?: true;
  /** `spiffe://TD/ns/NS/sa/SA`, or null outside the mesh. */
  identity: string | null;
  trustDomain: string;
  trustDomainAliases: string[];
  mtls: WorkloadMtls;
  ports: {
    port: number;
    name?: string;
    protocol: PortProtocol;
    services: string[];
  }[];
  /** `NAMESPACE/NAME` of each AuthorizationPolicy enforced on it. */
  policies: string[];
  /**
   * Where each AuthorizationPolicy that concerns it is enforced: `sidecar`, `ztunnel`,
   * `waypoint NAMESPACE/NAME`, or `nowhere` (with why).
   */
  enforcement: PolicyEnforcement[];
  /** The ambient waypoints its Services' or pods' traffic goes through (absent: none). */
  waypoints?: WaypointUse[];
  /** Present where dry-run policies are bound to it. */
  dryRun?: DryRunView;
  allowedCallers: AllowedCaller[];
  denyExceptions: DenyException[];
  /** Callers Istio allows that a Kubernetes NetworkPolicy drops. */
  blockedByNetwork: NetworkBlockedCaller[];
  /**
   * Workloads of other clusters its policies name, refused at the mTLS handshake because
   * its cluster does not trust their root; absent: none.
   */
  untrustedCallers?: UntrustedCaller[];
  /** What it may call outside the mesh (sidecar workloads: their proxy applies it). */
  egress?: EgressView;
  /** The timeout, retries and outlier detection its callers get, per Service host. */
  routes?: RouteView[];
  /** The ways in from outside, through Istio Gateways; absent: not exposed. */
  exposure?: ExposureView[];
  /** Who issues its certificate, how often it rotates, who can authenticate to it (in the mesh). */
  certificate?: WorkloadCertificateView;
}

function edgesView(
  w: WorkloadModel,
  model: MeshModel,
): Pick<WorkloadView, 'egress' | 'routes' | 'exposure'> {
  const { egress, routes, exposure } = withMeshPaths(
    workloadEdges(w),
    w,
    meshPaths(model),
  );
  return {
    ...(egress ? { egress } : {}),
    ...(routes.length ? { routes } : {}),
    ...(exposure.length ? { exposure } : {}),
  };
}

/** The `analyze` report (the CLI's `analyze --format json`). @public */
export interface AnalyzeReport {
  clusters: ClusterSummary[];
  workloads: WorkloadView[];
  findings: Finding[];
}

function mtlsView(w: WorkloadModel): WorkloadMtls {
  if (!w.inMesh) {
    return {
      mode: 'DISABLE',
      decidedBy: 'outside the mesh: no proxy terminates mTLS',
      ports: [],
    };
  }
  const { mode, decidedBy, ports } = w.mtls;
  return {
    mode,
    ...(decidedBy
      ? { decidedBy }
      : { decidedBy: 'Istio default (no PeerAuthentication)' }),
    ports: Object.entries(ports).map(([port, p]) => ({
      port: Number(port),
      mode: p.mode,
      decidedBy: p.decidedBy,
    })),
  };
}

function dryRunView(
  w: WorkloadModel,
  model: MeshModel,
  today: CallerAnalysis,
  enforcement: PolicyEnforcement[],
): DryRunView | undefined {
  // Those its own proxy logs, and those a waypoint on its way logs.
  const policies = [
    ...new Set([
      ...w.dryRunPolicies.map(p => p.ref),
      ...enforcement
        .filter(e => e.dryRun && e.enforcedAt.startsWith('waypoint '))
        .map(e => e.policy),
    ]),
  ];
  if (!policies.length || !w.inMesh) return undefined;
  const enforced = w.withDryRunEnforced();
  const wouldDeny: string[] = [];
  const wouldAllow: string[] = [];
  // Every known workload, as `check` would answer for it before and after.
  const reaches = (caller: WorkloadModel, server: WorkloadModel) =>
    decideAccess({ kind: 'workload', workload: caller }, server, {}).some(
      d => d.decision !== 'DENY',
    );
  for (const caller of model.workloads) {
    const before = reaches(caller, w);
    const after = reaches(caller, enforced);
    if (before && !after) wouldDeny.push(caller.id);
    if (!before && after) wouldAllow.push(caller.id);
  }
  // Wider sources (a namespace, any identity, anyone) listed on one side only.
  const wider = (a: CallerAnalysis) =>
    new Map(
      a.allowedCallers
        .filter(c => c.source.kind !== 'workload')
        .map(c => [sourceKey(c.source), c.label]),
    );
  const widerBefore = wider(today);
  const widerAfter = wider(allowedCallers(enforced, model));
  for (const [key, label] of widerBefore) {
    if (!widerAfter.has(key)) wouldDeny.push(label);
  }
  for (const [key, label] of widerAfter) {
    if (!widerBefore.has(key)) wouldAllow.push(label);
  }
  return { policies, wouldDeny, wouldAllow };
}

/** One workload's view (`callers`: its allowed callers, where computed already). @public */
export function workloadView(
  w: WorkloadModel,
  model: MeshModel,
  callers: CallerAnalysis = allowedCallers(w, model),
): WorkloadView {
  const { mesh } = w.cluster.state;
  const enforcement = policyEnforcement(w);
  const dryRun = dryRunView(w, model, callers, enforcement);
  const waypoints = waypointUses(w);
  const certificate = certificateView(w, model.clusters);
  return {
    cluster: w.cluster.name,
    namespace: w.namespace,
    name: w.workload.name,
    kind: w.workload.kind,
    serviceAccount: w.workload.serviceAccount,
    labels: { ...w.workload.labels },
    meshMode: w.membership.mode,
    meshReason: w.membership.reason,
    ...(w.membership.revision ? { revision: w.membership.revision } : {}),
    ...(w.inMesh && isGatewayWorkload(w.workload) ? { gateway: true } : {}),
    identity: w.inMesh ? w.spiffeId : null,
    trustDomain: mesh.trustDomain,
    trustDomainAliases: mesh.trustDomainAliases,
    mtls: mtlsView(w),
    ports: w.ports.map(p => ({
      port: p.port,
      ...(p.name ? { name: p.name } : {}),
      protocol: p.protocol,
      services: p.services.map(
        s => `${s.service.namespace}/${s.service.name}:${s.servicePort}`,
      ),
    })),
    policies: w.policies.map(p => p.ref),
    enforcement,
    ...(waypoints.length ? { waypoints } : {}),
    ...(dryRun ? { dryRun } : {}),
    allowedCallers: callers.allowedCallers,
    denyExceptions: callers.denyExceptions,
    blockedByNetwork: callers.blockedByNetwork,
    ...(callers.untrustedCallers
      ? { untrustedCallers: callers.untrustedCallers }
      : {}),
    ...edgesView(w, model),
    ...(certificate ? { certificate } : {}),
  };
}

/** Each cluster's counts and mesh settings. @public */
export function clusterSummaries(model: MeshModel): ClusterSummary[] {
  return model.clusters.map(c => ({
    name: c.name,
    trustDomain: c.state.mesh.trustDomain,
    trustDomainAliases: c.state.mesh.trustDomainAliases,
    rootNamespace: c.state.mesh.rootNamespace,
    workloads: c.workloads.length,
    authorizationPolicies: c.state.authorizationPolicies.length,
    peerAuthentications: c.state.peerAuthentications.length,
    destinationRules: c.state.destinationRules.length,
    invalidResources: c.state.problems.length,
  }));
}

// What `localeCompare` without arguments compares with (ECMA-402), made once.
const collator = new Intl.Collator();

interface Keyed {
  f: Finding;
  rank: number;
  key: string;
}

const keyed = (f: Finding): Keyed => ({
  f,
  rank: severityRank[f.severity],
  key: `${f.resource.cluster}/${f.resource.namespace ?? ''}/${
    f.resource.kind
  }/${f.resource.name}/${f.code}`,
});

const compareKeyed = (a: Keyed, b: Keyed) =>
  a.rank - b.rank ||
  collator.compare(a.key, b.key) ||
  collator.compare(a.f.message, b.f.message);

/** Findings worst first, then by where they are. @public */
export function sortFindings(findings: Finding[]): Finding[] {
  // Each finding's key is built once, not at every comparison.
  const all = findings.map(keyed);
  all.sort(compareKeyed);
  return all.map(k => k.f);
}

/**
 * `sortFindings(findings)` from the order of `sorted`, the findings before some were
 * added and others dropped (by identity): those kept stay in their order, the others are
 * sorted and merged in, a few comparisons each rather than a sort of all. `undefined`
 * where two findings compare equal, whose order only a sort of `findings` decides.
 */
export function mergeSortedFindings(
  sorted: Finding[],
  findings: Finding[],
): Finding[] | undefined {
  return mergeFindings(sorted, findings, false)?.sorted;
}

/** A merge's result, with what it added and dropped (see {@link mergeFindings}). */
export interface MergedFindings {
  sorted: Finding[];
  added: Finding[];
  removed: Finding[];
}

/** Whether no two neighbours of sorted findings compare equal. */
export function sortedStrictly(sorted: Finding[]): boolean {
  let last: Keyed | undefined;
  for (const f of sorted) {
    const k = keyed(f);
    if (last && compareKeyed(last, k) === 0) return false;
    last = k;
  }
  return true;
}

/**
 * {@link mergeSortedFindings}, with the findings added and dropped. `strictly` says that
 * no two of `sorted` compare equal (`sortedStrictly`, or a merge's result): then each
 * added finding is placed by a binary search, and the kept ones are not compared at all,
 * so that a change of a few findings among 100k costs a few hundred comparisons.
 */
export function mergeFindings(
  sorted: Finding[],
  findings: Finding[],
  strictly: boolean,
): MergedFindings | undefined {
  const before = new Set(sorted);
  const now = new Set(findings);
  if (now.size !== findings.length) return undefined;
  const kept = sorted.filter(f => now.has(f));
  const removed =
    kept.length === sorted.length ? [] : sorted.filter(f => !now.has(f));
  if (!strictly && !sortedStrictly(kept)) return undefined;
  const added = findings.filter(f => !before.has(f));
  return placeAdded(kept, added, removed);
}

/**
 * `sortFindings` of strictly sorted findings (no two comparing equal: a merge's result,
 * or `sortedStrictly`) without `removed` and with `added`, where they are known: the
 * kept findings are neither compared nor looked up in a set of them all, so a change of
 * a few findings among 100k costs about what the change does.
 */
export function mergeFindingChanges(
  sorted: Finding[],
  added: Finding[],
  removed: Finding[],
): MergedFindings | undefined {
  let kept = sorted;
  if (removed.length) {
    const gone = new Set(removed);
    if (gone.size !== removed.length) return undefined;
    kept = sorted.filter(f => !gone.has(f));
    if (kept.length !== sorted.length - removed.length) return undefined;
  }
  return placeAdded(kept, added, removed);
}

/** Strictly sorted `kept` with `added` placed in it, each by a binary search. */
function placeAdded(
  kept: Finding[],
  findings: Finding[],
  removed: Finding[],
): MergedFindings | undefined {
  const added = findings.map(keyed);
  added.sort(compareKeyed);
  const merged: Finding[] = [];
  let from = 0;
  let last: Keyed | undefined;
  for (const a of added) {
    if (last && compareKeyed(last, a) === 0) return undefined;
    last = a;
    // The first kept finding not before `a`.
    let lo = from;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeyed(keyed(kept[mid]), a) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < kept.length && compareKeyed(keyed(kept[lo]), a) === 0) {
      return undefined;
    }
    for (let i = from; i < lo; i++) merged.push(kept[i]);
    merged.push(a.f);
    from = lo;
  }
  for (let i = from; i < kept.length; i++) merged.push(kept[i]);
  return {
    sorted: merged,
    added: added.map(k => k.f),
    removed,
  };
}

/**
 * The whole mesh from a zero-trust point of view. `options` says how findings that
 * depend on time are read (the moment, ZT023's dry-run window).
 * @public
 */
export function analyze(
  input: MeshModel | ClusterState[],
  options: Pick<FindingOptions, 'now' | 'dryRunMaxAgeDays'> = {},
): AnalyzeReport {
  const model = input instanceof MeshModel ? input : new MeshModel(input);
  // Each workload's allowed callers once: its view shows them, ZT018 reads them.
  const callers = new Map(
    model.workloads.map(w => [w, allowedCallers(w, model)]),
  );
  return {
    clusters: clusterSummaries(model),
    workloads: model.workloads.map(w => workloadView(w, model, callers.get(w))),
    findings: sortFindings(detectFindings(model, { ...options, callers })),
  };
}
