import {
  Finding,
  findingNamespace,
  findingWorkloads,
  IncrementalFindings,
  MeshModel,
  FindingOptions,
  sortFindings,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** One share of the index: the keys whose first segment (a cluster's name) is one. */
interface Share {
  /** Findings about a workload, or about a resource that affects it (ZT011). */
  byWorkload: Map<string, Finding[]>;
  /** Findings about a namespace's objects (`CLUSTER/NAMESPACE`) that concern no workload in particular. */
  byNamespace: Map<string, Finding[]>;
  /**
   * Findings about a cluster-scoped object that concern no workload in particular, e.g. a
   * CiliumClusterwideNetworkPolicy not read (ZT022): they concern every namespace.
   */
  byCluster: Map<string, Finding[]>;
}

type Part = keyof Share;

/** The share a key falls in: its first segment, the cluster's name in each key. */
const shareOf = (key: string) => {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
};

/** Each key a finding is listed under. */
function keysOf(f: Finding, visit: (part: Part, key: string) => void) {
  const workloads = findingWorkloads(f);
  for (const id of workloads) visit('byWorkload', id);
  if (workloads.length) return;
  const namespace = findingNamespace(f);
  if (namespace) visit('byNamespace', `${f.resource.cluster}/${namespace}`);
  else visit('byCluster', f.resource.cluster);
}

const emptyShare = (): Share => ({
  byWorkload: new Map(),
  byNamespace: new Map(),
  byCluster: new Map(),
});

/**
 * The mesh's findings, sorted, and listed by workload, namespace and cluster in the same
 * order. The lists are kept in one share per cluster: the index of a model after a change
 * is the last one's with the shares the changed findings fall in copied and updated, so
 * a change in one of ten clusters does not list 100k workloads' findings again.
 */
export class FindingIndex {
  private constructor(
    readonly all: Finding[],
    private readonly shares: Map<string, Share>,
  ) {}

  /** The index of sorted findings, built whole. */
  static of(sorted: Finding[]): FindingIndex {
    const shares = new Map<string, Share>();
    for (const f of sorted) {
      keysOf(f, (part, key) => {
        const share = shareOf(key);
        let s = shares.get(share);
        if (!s) {
          s = emptyShare();
          shares.set(share, s);
        }
        const list = s[part].get(key);
        if (list) list.push(f);
        else s[part].set(key, [f]);
      });
    }
    return new FindingIndex(sorted, shares);
  }

  /**
   * The index of `sorted`, which is this one's findings without `removed` and with
   * `added` (merged into their order, none comparing equal to another: a merge's
   * result). Each list they change is sorted again; the others are this index's own.
   */
  update(
    sorted: Finding[],
    added: Finding[],
    removed: Finding[],
  ): FindingIndex {
    const gone = new Set(removed);
    const shares = new Map(this.shares);
    const copied = new Set<string>();
    const touched = new Map<string, { part: Part; key: string }>();
    const touch = (part: Part, key: string) => {
      touched.set(`${part}\n${key}`, { part, key });
    };
    for (const f of removed) keysOf(f, touch);
    for (const f of added) keysOf(f, touch);
    const addedTo = new Map<string, Finding[]>();
    for (const f of added) {
      keysOf(f, (part, key) => {
        const k = `${part}\n${key}`;
        const list = addedTo.get(k);
        if (list) list.push(f);
        else addedTo.set(k, [f]);
      });
    }
    for (const [k, { part, key }] of touched) {
      const name = shareOf(key);
      let share = shares.get(name);
      if (!copied.has(name)) {
        copied.add(name);
        share = share
          ? {
              byWorkload: new Map(share.byWorkload),
              byNamespace: new Map(share.byNamespace),
              byCluster: new Map(share.byCluster),
            }
          : emptyShare();
        shares.set(name, share);
      }
      const kept = (share![part].get(key) ?? []).filter(f => !gone.has(f));
      const list = sortFindings([...kept, ...(addedTo.get(k) ?? [])]);
      if (list.length) share![part].set(key, list);
      else share![part].delete(key);
    }
    return new FindingIndex(sorted, shares);
  }

  forWorkload(id: string): Finding[] {
    return this.shares.get(shareOf(id))?.byWorkload.get(id) ?? [];
  }

  forNamespace(cluster: string, namespace: string): Finding[] {
    const key = `${cluster}/${namespace}`;
    return this.shares.get(shareOf(key))?.byNamespace.get(key) ?? [];
  }

  forCluster(cluster: string): Finding[] {
    return this.shares.get(shareOf(cluster))?.byCluster.get(cluster) ?? [];
  }
}

/**
 * The findings of each model in turn, detected again only where a change reaches
 * (`IncrementalFindings`) and indexed again only where the findings changed.
 */
export class IncrementalFindingIndex {
  private readonly detection = new IncrementalFindings();
  private last?: FindingIndex;

  index(model: MeshModel, options: FindingOptions): FindingIndex {
    const { sorted, since } = this.detection.detectChange(model, options);
    const index =
      since && this.last?.all === since.sorted
        ? this.last.update(sorted, since.added, since.removed)
        : FindingIndex.of(sorted);
    this.last = index;
    return index;
  }
}
