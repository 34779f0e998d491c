import { isGatewayWorkload } from '../engine/membership';
import { MeshModel, WorkloadModel } from '../engine/MeshModel';
import { AuthorizationPolicyInfo, ClusterState } from '../model/types';
import type { Finding } from './detect';

/**
 * What one detection found, unit by unit: by rule, then by cluster, then by the unit's
 * key. By cluster, so that a cluster nothing changed in hands its units on whole.
 */
export type RecordedUnits = Map<string, Map<string, Map<unknown, unknown>>>;

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
 * outside the root namespace without targetRefs changes, so they are reused. A cluster
 * in which nothing changed keeps its units' record as it was (no copy of each unit):
 * at ten clusters a change in one costs that cluster's bookkeeping, not ten.
 */
export class FindingUnits {
  private readonly recorded: RecordedUnits = new Map();
  /** The clusters holding a changed namespace. */
  private readonly changedClusters = new Set<string>();
  /** The clusters whose units were handed on whole (`carry`). */
  private readonly carried = new Set<string>();
  /** The findings every unit adds to (one list, or `changes` cannot tell). */
  private out?: Finding[];
  private oneOut = true;
  /** How many units are being found, one inside the other. */
  private depth = 0;
  /** Where (`start, end`) a unit put the last detection's findings again. */
  private readonly reusedRuns: number[] = [];
  /** Where (`start, end`) an outermost unit put its findings. */
  private readonly unitRuns: number[] = [];
  /** The last detection's findings found again as they were, put back in their place. */
  private readonly revived = new Set<Finding>();
  /** The last (rule, cluster) asked, with its units: units come in runs of one pair. */
  private current?: {
    rule: string;
    cluster: string;
    last?: Map<unknown, unknown>;
    recorded?: Map<unknown, unknown>;
  };

  constructor(
    private readonly last?: RecordedUnits,
    /** `CLUSTER/NAMESPACE` of each namespace whose AuthorizationPolicies changed. */
    private readonly changed?: ReadonlySet<string>,
    /** Whether to keep what is found for the next detection. */
    private readonly record = false,
  ) {
    for (const key of changed ?? []) {
      this.changedClusters.add(key.slice(0, key.indexOf('/')));
    }
  }

  /** What a detection found, for the next to reuse. */
  units(): RecordedUnits {
    return this.recorded;
  }

  /** A rule's findings about one workload: they read its policies. */
  workload(rule: string, w: WorkloadModel, out: Finding[], find: () => void) {
    const cluster = w.cluster.name;
    this.unit(
      rule,
      cluster,
      w.workload,
      this.unchanged(cluster, w.namespace),
      out,
      find,
    );
  }

  /** A rule's findings about one AuthorizationPolicy: they read no other policy. */
  policy(
    rule: string,
    cluster: string,
    policy: AuthorizationPolicyInfo,
    out: Finding[],
    find: () => void,
  ) {
    this.unit(rule, cluster, policy, this.changed !== undefined, out, find);
  }

  /** A rule's findings about one namespace: they read its policies and the root's. */
  namespace(
    rule: string,
    cluster: string,
    namespace: string,
    out: Finding[],
    find: () => void,
  ) {
    const reusable = this.unchanged(cluster, namespace);
    this.unit(rule, cluster, namespace, reusable, out, find);
  }

  /** A rule's findings about a whole cluster that read no AuthorizationPolicy. */
  cluster(rule: string, cluster: string, out: Finding[], find: () => void) {
    this.unit(rule, cluster, cluster, this.changed !== undefined, out, find);
  }

  /**
   * A rule's findings about a whole cluster that read its AuthorizationPolicies: found
   * again when any namespace of the cluster changed.
   */
  clusterPolicies(
    rule: string,
    cluster: string,
    out: Finding[],
    find: () => void,
  ) {
    const reusable =
      this.changed !== undefined && !this.changedClusters.has(cluster);
    this.unit(rule, cluster, cluster, reusable, out, find);
  }

  /**
   * A run of one cluster's units, in a cluster with no changed namespace: its findings
   * as the last detection found them, in one copy, without visiting each unit (and the
   * units' record handed on as it was). Whatever `find` finds outside the units must
   * depend on the cluster's own objects other than its AuthorizationPolicies and its
   * problems, or on nothing: e.g. ZT023 reads the time, so it stays outside. At ten
   * clusters a change in one then costs that cluster's units and one pass over the
   * others' findings, not a visit to every unit of every cluster.
   */
  section(name: string, cluster: string, out: Finding[], find: () => void) {
    const reusable =
      this.changed !== undefined && !this.changedClusters.has(cluster);
    if (reusable && this.last?.get(`section:${name}`)?.has(cluster)) {
      this.carry(cluster);
    }
    this.unit(`section:${name}`, cluster, cluster, reusable, out, find);
  }

  /**
   * What changed from the last detection's findings to `found`, this one's: the
   * findings found again (new objects) and those of the last that are gone, told from
   * the units alone, without a pass over the findings kept. `undefined` where the units
   * cannot tell (no last detection, or not every unit adding to `found`); then compare
   * the findings themselves.
   */
  changes(
    found: Finding[],
    last: { found: Finding[]; free: Finding[] },
  ): { added: Finding[]; removed: Finding[] } | undefined {
    if (!this.last || !this.record || !this.oneOut) return undefined;
    if (this.out !== undefined && this.out !== found) return undefined;
    // What was found outside any unit, as the last found it, is the last's.
    const free = this.freeRuns(found);
    const keptFree = new Set(
      free.length && last.free.length
        ? this.reviveAt(last.free, free, found)
        : [],
    );
    // Everything a unit did not put there again is new: what units found, and what was
    // found outside any unit, but for the findings found again as they were.
    const added: Finding[] = [];
    const add = (f: Finding) => {
      if (!this.revived.has(f) && !keptFree.has(f)) added.push(f);
    };
    let at = 0;
    const runs = this.reusedRuns;
    for (let i = 0; i < runs.length; i += 2) {
      for (let j = at; j < runs[i]; j++) add(found[j]);
      at = runs[i + 1];
    }
    for (let j = at; j < found.length; j++) add(found[j]);
    // Gone: what the last found outside any unit, and each of its units' findings that
    // this one did not put there again. A cluster whose units' record is handed on whole
    // put them all again (sections hold their units' findings, and values no finding).
    const removed = last.free.filter(f => !keptFree.has(f));
    for (const [rule, byCluster] of this.last) {
      if (rule.startsWith('section:') || rule.startsWith('value:')) continue;
      const mine = this.recorded.get(rule);
      for (const [cluster, units] of byCluster) {
        const now = mine?.get(cluster);
        if (now === units) continue;
        for (const [key, list] of units) {
          const again = now?.get(key) as Finding[] | undefined;
          if (again === list) continue;
          const kept = again && new Set(again);
          for (const f of list as Finding[]) if (!kept?.has(f)) removed.push(f);
        }
      }
    }
    // Each finding is one unit's or found outside any: otherwise the count tells.
    if (found.length !== last.found.length - removed.length + added.length) {
      return undefined;
    }
    return { added, removed };
  }

  /** The findings a detection found outside any unit: the next finds them again. */
  free(found: Finding[]): Finding[] {
    return this.freeRuns(found).map(j => found[j]);
  }

  /** Where in `found` the findings found outside any unit are. */
  private freeRuns(found: Finding[]): number[] {
    const free: number[] = [];
    let at = 0;
    const runs = this.unitRuns;
    for (let i = 0; i < runs.length; i += 2) {
      for (let j = at; j < runs[i]; j++) free.push(j);
      at = runs[i + 1];
    }
    for (let j = at; j < found.length; j++) free.push(j);
    return free;
  }

  /**
   * A unit's findings, found again, with each one equal to one the unit found last time
   * replaced by that one (in `out` too): what was found again as it was keeps its
   * identity, so the sorted findings and their index change only where the findings do.
   * The last's list itself where all are.
   */
  private revive(
    before: Finding[],
    found: Finding[],
    out: Finding[],
    start: number,
  ): Finding[] {
    const positions = found.map((_, i) => start + i);
    const revived = this.reviveAt(before, positions, out);
    for (const f of revived) this.revived.add(f);
    const same =
      revived.length === before.length &&
      found.length === before.length &&
      before.every((f, i) => out[start + i] === f);
    return same ? before : out.slice(start, start + found.length);
  }

  /**
   * Replaces each finding at `positions` of `out` equal (as JSON) to one of `before` by
   * that one, each of `before` at most once; the ones put back.
   */
  private reviveAt(
    before: Finding[],
    positions: number[],
    out: Finding[],
  ): Finding[] {
    const byJson = new Map<string, Finding[]>();
    for (const f of before) {
      const json = JSON.stringify(f);
      const same = byJson.get(json);
      if (same) same.push(f);
      else byJson.set(json, [f]);
    }
    const put: Finding[] = [];
    for (const j of positions) {
      const old = byJson.get(JSON.stringify(out[j]))?.shift();
      if (!old) continue;
      out[j] = old;
      put.push(old);
    }
    return put;
  }

  /** A value derived from a cluster that reads no AuthorizationPolicy. */
  value<T>(rule: string, cluster: string, compute: () => T): T {
    const units = this.select(`value:${rule}`, cluster);
    const last =
      this.changed !== undefined
        ? (units.last?.get(cluster) as T | undefined)
        : undefined;
    const value = last ?? compute();
    if (
      units.recorded &&
      (units.recorded !== units.last || last === undefined)
    ) {
      units.recorded.set(cluster, value);
    }
    return value;
  }

  /**
   * Hands on every unit of a cluster with no changed namespace as the last detection
   * recorded it, as `select` would, for the units a reused section does not visit.
   */
  private carry(cluster: string) {
    if (!this.record || !this.last || this.carried.has(cluster)) return;
    this.carried.add(cluster);
    for (const [rule, byCluster] of this.last) {
      const units = byCluster.get(cluster);
      if (!units) continue;
      let mine = this.recorded.get(rule);
      if (!mine) {
        mine = new Map();
        this.recorded.set(rule, mine);
      }
      if (!mine.has(cluster)) mine.set(cluster, units);
    }
  }

  /** Whether nothing a namespace's units read has changed since the last detection. */
  private unchanged(cluster: string, namespace: string): boolean {
    return (
      this.changed !== undefined &&
      (!this.changedClusters.has(cluster) ||
        !this.changed.has(`${cluster}/${namespace}`))
    );
  }

  /**
   * The units of one rule in one cluster: the last detection's, and where this one keeps
   * its own. A cluster with no changed namespace keeps the last record itself: every unit
   * of it is reused, so it is the same.
   */
  private select(rule: string, cluster: string) {
    const current = this.current;
    if (current?.rule === rule && current.cluster === cluster) return current;
    const last = this.last?.get(rule)?.get(cluster);
    let recorded: Map<unknown, unknown> | undefined;
    if (this.record) {
      let byCluster = this.recorded.get(rule);
      if (!byCluster) {
        byCluster = new Map();
        this.recorded.set(rule, byCluster);
      }
      recorded = byCluster.get(cluster);
      if (!recorded) {
        recorded =
          last &&
          this.changed !== undefined &&
          !this.changedClusters.has(cluster)
            ? last
            : new Map();
        byCluster.set(cluster, recorded);
      }
    }
    this.current = { rule, cluster, last, recorded };
    return this.current;
  }

  private unit(
    rule: string,
    cluster: string,
    key: unknown,
    reusable: boolean,
    out: Finding[],
    find: () => void,
  ) {
    const units = this.select(rule, cluster);
    const last = reusable
      ? (units.last?.get(key) as Finding[] | undefined)
      : undefined;
    if (this.out === undefined) this.out = out;
    else if (this.out !== out) this.oneOut = false;
    const start = out.length;
    let found: Finding[];
    if (last) {
      for (const f of last) out.push(f);
      found = last;
      if (last.length) this.reusedRuns.push(start, out.length);
    } else {
      this.depth++;
      try {
        find();
      } finally {
        this.depth--;
      }
      found = out.length > start ? out.slice(start) : none;
      // A section's findings are its units', each revived already.
      const before = units.last?.get(key) as Finding[] | undefined;
      if (before?.length && found.length && !rule.startsWith('section:')) {
        found = this.revive(before, found, out, start);
      }
    }
    if (this.depth === 0 && out.length > start) {
      this.unitRuns.push(start, out.length);
    }
    // A kept record already holds what was reused.
    if (units.recorded && !(last && units.recorded === units.last)) {
      units.recorded.set(key, found);
    }
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
