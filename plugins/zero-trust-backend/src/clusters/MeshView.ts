import {
  allowedCallers,
  CallerAnalysis,
  ClusterSummary,
  clusterSummaries,
  detectFindings,
  EdgeInventories,
  edgeInventories,
  Finding,
  findingNamespace,
  findingWorkloads,
  IncrementalFindings,
  MeshModel,
  NamespacePosture,
  namespacePostures,
  sortFindings,
  WorkloadModel,
  workloadView,
  WorkloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';

interface FindingIndex {
  all: Finding[];
  /** Findings about a workload, or about a resource that affects it (ZT011). */
  byWorkload: Map<string, Finding[]>;
  /** Findings about a namespace's objects that concern no workload in particular. */
  byNamespace: Map<string, Finding[]>;
  /**
   * Findings about a cluster-scoped object that concern no workload in particular, e.g. a
   * CiliumClusterwideNetworkPolicy not read (ZT022): they concern every namespace.
   */
  byCluster: Map<string, Finding[]>;
}

/** Most workload views kept per model; each is a few kilobytes. */
const maxCachedViews = 5000;

function push<V>(map: Map<string, V[]>, key: string, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * One immutable model of the mesh and what pages derive from it, computed once on first
 * use: findings (mesh-wide, so computed for all workloads at once) and workload views.
 * Each workload's allowed callers, the costly part of both, are computed once and shared:
 * its view shows them, the findings (ZT018) read them.
 */
export class MeshView {
  private findingIndex?: FindingIndex;
  private posture?: NamespacePosture[];
  private inventories?: EdgeInventories;
  private readonly views = new Map<string, WorkloadView>();
  /** Not bounded like the views: the findings need every workload's, and views share their arrays. */
  private readonly analyses = new Map<WorkloadModel, CallerAnalysis>();
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly model: MeshModel,
    /** How the findings are judged (`zeroTrust.findings.dryRunMaxAgeDays`). */
    private readonly findingOptions: { dryRunMaxAgeDays?: number } = {},
    /**
     * The detection of the models before this one (`MeshState`'s), which finds again
     * only what changed since; without it the findings are detected in whole.
     */
    private readonly detection?: IncrementalFindings,
  ) {}

  summaries(): Map<string, ClusterSummary> {
    return new Map(clusterSummaries(this.model).map(s => [s.name, s]));
  }

  findings(): Finding[] {
    return this.index().all;
  }

  findingsForWorkload(id: string): Finding[] {
    return this.index().byWorkload.get(id) ?? [];
  }

  postures(): NamespacePosture[] {
    this.posture ??= namespacePostures(this.model, this.findings());
    return this.posture;
  }

  /** Every way in from outside and every external host, over all clusters. */
  edges(): EdgeInventories {
    this.inventories ??= edgeInventories(this.model);
    return this.inventories;
  }

  findingsForNamespace(cluster: string, namespace: string): Finding[] {
    return this.index().byNamespace.get(`${cluster}/${namespace}`) ?? [];
  }

  /** Findings about the cluster's cluster-scoped objects that name no workload. */
  findingsForCluster(cluster: string): Finding[] {
    return this.index().byCluster.get(cluster) ?? [];
  }

  view(workload: WorkloadModel): WorkloadView {
    let view = this.views.get(workload.id);
    if (!view) {
      view = workloadView(workload, this.model, this.callers(workload));
      if (this.views.size >= maxCachedViews) {
        this.views.delete(this.views.keys().next().value!);
      }
      this.views.set(workload.id, view);
    }
    return view;
  }

  /** A value derived from this model only, computed once per key (e.g. a selector's matches). */
  memo<T>(key: string, compute: () => T): T {
    if (!this.memos.has(key)) {
      if (this.memos.size >= maxCachedViews) {
        this.memos.delete(this.memos.keys().next().value!);
      }
      this.memos.set(key, compute());
    }
    return this.memos.get(key) as T;
  }

  private callers(workload: WorkloadModel): CallerAnalysis {
    let analysis = this.analyses.get(workload);
    if (!analysis) {
      analysis = allowedCallers(workload, this.model);
      this.analyses.set(workload, analysis);
    }
    return analysis;
  }

  private index(): FindingIndex {
    if (!this.findingIndex) {
      // Asked only where a NetworkPolicy can break a path, as the findings would.
      const callers = { get: (w: WorkloadModel) => this.callers(w) };
      const options = { ...this.findingOptions, callers };
      const all = this.detection
        ? this.detection.detectSorted(this.model, options)
        : sortFindings(detectFindings(this.model, options));
      const byWorkload = new Map<string, Finding[]>();
      const byNamespace = new Map<string, Finding[]>();
      const byCluster = new Map<string, Finding[]>();
      for (const f of all) {
        const workloads = findingWorkloads(f);
        const namespace = findingNamespace(f);
        for (const id of workloads) push(byWorkload, id, f);
        if (workloads.length) continue;
        if (namespace) {
          push(byNamespace, `${f.resource.cluster}/${namespace}`, f);
        } else {
          push(byCluster, f.resource.cluster, f);
        }
      }
      this.findingIndex = { all, byWorkload, byNamespace, byCluster };
    }
    return this.findingIndex;
  }
}
