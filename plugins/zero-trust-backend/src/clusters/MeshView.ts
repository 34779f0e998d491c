import {
  allowedCallers,
  CallerAnalysis,
  ClusterSummary,
  clusterSummaries,
  detectFindings,
  EdgeInventories,
  edgeInventories,
  Finding,
  MeshModel,
  NamespacePosture,
  namespacePostures,
  sortFindings,
  WorkloadModel,
  workloadView,
  WorkloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { FindingIndex, IncrementalFindingIndex } from './FindingIndex';

/** Most workload views kept per model; each is a few kilobytes. */
const maxCachedViews = 5000;

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
    private readonly detection?: IncrementalFindingIndex,
  ) {}

  summaries(): Map<string, ClusterSummary> {
    return new Map(clusterSummaries(this.model).map(s => [s.name, s]));
  }

  findings(): Finding[] {
    return this.index().all;
  }

  findingsForWorkload(id: string): Finding[] {
    return this.index().forWorkload(id);
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
    return this.index().forNamespace(cluster, namespace);
  }

  /** Findings about the cluster's cluster-scoped objects that name no workload. */
  findingsForCluster(cluster: string): Finding[] {
    return this.index().forCluster(cluster);
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
      this.findingIndex = this.detection
        ? this.detection.index(this.model, options)
        : FindingIndex.of(sortFindings(detectFindings(this.model, options)));
    }
    return this.findingIndex;
  }
}
