import { isGatewayWorkload } from '../engine/membership';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { AuthorizationPolicyInfo, ClusterState } from '../model/types';
import type { Finding } from './detect';

/** What one detection found, unit by unit: by rule, then by the unit's key. */
export type RecordedUnits = Map<string, Map<unknown, unknown>>;

const none: Finding[] = [];

/**
 * The units a detection is made of, each reused from the last detection where nothing
 * it reads can have changed. A unit is what one rule finds about one thing (a workload,
 * a policy, a namespace) or about a whole cluster. Without a last detection every unit
 * is computed; with one (see {@link changedNamespaces}) only these are:
 *
 * - a workload's or namespace's units in a namespace whose AuthorizationPolicies changed;
 * - a policy's units for a policy not read before;
 * - the units that judge ages (`now`) and the cheap rules read in whole (`always`).
 *
 * Units of a cluster as a whole (`cluster`) depend on nothing an AuthorizationPolicy
 * outside the root namespace without targetRefs changes, so they are reused.
 */
export class FindingUnits {
  private readonly recorded: RecordedUnits = new Map();

  constructor(
    private readonly last?: RecordedUnits,
    /** `CLUSTER/NAMESPACE` of each namespace whose AuthorizationPolicies changed. */
    private readonly changed?: ReadonlySet<string>,
    /** Whether to keep what is found for the next detection. */
    private readonly record = false,
  ) {}

  /** What a detection found, for the next to reuse. */
  units(): RecordedUnits {
    return this.recorded;
  }

  /** A rule's findings about one workload: they read its policies. */
  workload(rule: string, w: WorkloadModel, out: Finding[], find: () => void) {
    const reusable =
      this.changed !== undefined &&
      !this.changed.has(`${w.cluster.name}/${w.namespace}`);
    // By cluster too: two clusters' states could hold one object.
    this.unit(`${rule}/${w.cluster.name}`, w.workload, reusable, out, find);
  }

  /** A rule's findings about one AuthorizationPolicy: they read no other policy. */
  policy(
    rule: string,
    cluster: string,
    policy: AuthorizationPolicyInfo,
    out: Finding[],
    find: () => void,
  ) {
    const reusable = this.changed !== undefined;
    this.unit(`${rule}/${cluster}`, policy, reusable, out, find);
  }

  /** A rule's findings about one namespace: they read its policies and the root's. */
  namespace(
    rule: string,
    cluster: string,
    namespace: string,
    out: Finding[],
    find: () => void,
  ) {
    const key = `${cluster}/${namespace}`;
    const reusable = this.changed !== undefined && !this.changed.has(key);
    this.unit(rule, key, reusable, out, find);
  }

  /** A rule's findings about a whole cluster that read no AuthorizationPolicy. */
  cluster(rule: string, cluster: string, out: Finding[], find: () => void) {
    this.unit(rule, cluster, this.changed !== undefined, out, find);
  }

  /** A value derived from a cluster that reads no AuthorizationPolicy. */
  value<T>(rule: string, cluster: string, compute: () => T): T {
    const last =
      this.changed !== undefined
        ? (this.last?.get(rule)?.get(cluster) as T | undefined)
        : undefined;
    const value = last ?? compute();
    if (this.record) this.keep(rule, cluster, value);
    return value;
  }

  private unit(
    rule: string,
    key: unknown,
    reusable: boolean,
    out: Finding[],
    find: () => void,
  ) {
    const last = reusable
      ? (this.last?.get(rule)?.get(key) as Finding[] | undefined)
      : undefined;
    let found: Finding[];
    if (last) {
      for (const f of last) out.push(f);
      found = last;
    } else {
      const start = out.length;
      find();
      found = out.length > start ? out.slice(start) : none;
    }
    if (this.record) this.keep(rule, key, found);
  }

  private keep(rule: string, key: unknown, value: unknown) {
    let units = this.recorded.get(rule);
    if (!units) {
      units = new Map();
      this.recorded.set(rule, units);
    }
    units.set(key, value);
  }
}

const sameItems = (a: unknown[], b: unknown[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The namespaces (`CLUSTER/NAMESPACE`) whose AuthorizationPolicies changed from the
 * states `last` to the model, when nothing else did: the states' other lists hold the
 * same objects (a state built again keeps an unchanged object's reading, see
 * `BuildClusterStateOptions.readings`), their settings are equal, and no changed policy
 * reaches beyond its namespace's own workloads (the root namespace's, one bound with
 * targetRefs, one in a namespace holding a gateway or a waypoint, whose policies the
 * workloads behind them meet). `undefined` when the change is any other: then every
 * finding is detected again.
 */
export function changedNamespaces(
  last: ClusterState[],
  model: MeshModel,
): Set<string> | undefined {
  if (last.length !== model.clusters.length) return undefined;
  const changed = new Set<string>();
  for (const [i, cluster] of model.clusters.entries()) {
    const before = last[i];
    const after = cluster.state;
    if (before === after) continue;
    if (before.name !== after.name) return undefined;
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    for (const key of keys) {
      // Problems are read again on every detection (ZT000).
      if (key === 'authorizationPolicies' || key === 'problems') continue;
      const a = (before as unknown as Record<string, unknown>)[key];
      const b = (after as unknown as Record<string, unknown>)[key];
      if (a === b) continue;
      if (Array.isArray(a) && Array.isArray(b)) {
        if (!sameItems(a, b)) return undefined;
      } else if (JSON.stringify(a) !== JSON.stringify(b)) {
        return undefined;
      }
    }
    const was = new Set(before.authorizationPolicies);
    const is = new Set(after.authorizationPolicies);
    // The policies kept stay in their order: it is each workload's policies' order.
    if (
      !sameItems(
        before.authorizationPolicies.filter(p => is.has(p)),
        after.authorizationPolicies.filter(p => was.has(p)),
      )
    ) {
      return undefined;
    }
    const moved = [
      ...before.authorizationPolicies.filter(p => !is.has(p)),
      ...after.authorizationPolicies.filter(p => !was.has(p)),
    ];
    for (const p of moved) {
      if (
        p.targetRefs !== undefined ||
        p.namespace === after.mesh.rootNamespace
      ) {
        return undefined;
      }
      const ns = p.namespace;
      if (changed.has(`${after.name}/${ns}`)) continue;
      const gateways = [
        ...(after.gateways ?? []),
        ...(after.kubernetesGateways ?? []),
      ];
      if (
        gateways.some(g => g.namespace === ns) ||
        (cluster.workloadsByNamespace.get(ns) ?? []).some(
          w => w.isWaypoint || isGatewayWorkload(w.workload),
        )
      ) {
        return undefined;
      }
      changed.add(`${after.name}/${ns}`);
    }
  }
  return changed;
}
