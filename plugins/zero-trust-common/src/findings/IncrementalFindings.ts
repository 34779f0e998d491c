import { MeshModel } from '../engine/MeshModel';
import { ClusterState } from '../model/types';
import { mergeSortedFindings, sortFindings } from '../report/analyze';
import { detectFindingUnits, Finding, FindingOptions } from './detect';
import { changedNamespaces, FindingUnits, RecordedUnits } from './findingUnits';

/**
 * `detectFindings` over a model that changes: each detection after the first finds
 * again only what a change can reach and reuses the rest of the last detection, so an
 * AuthorizationPolicy changed in one namespace costs that namespace's workloads, not the
 * mesh's. Any other change (a workload, a Service, a policy in the root namespace or
 * bound with targetRefs...) is detected in whole, as the first time. The findings are
 * the same, in the same order, as `detectFindings` gives for the model.
 *
 * @public
 */
export class IncrementalFindings {
  private last?: { states: ClusterState[]; units: RecordedUnits };
  private sorted?: Finding[];

  /**
   * The model's findings. `options` may differ from call to call: what they change
   * (ages against `now`, `callers`) is found again on every call.
   */
  detect(model: MeshModel, options: FindingOptions = {}): Finding[] {
    const { last } = this;
    const changed = last && changedNamespaces(last.states, model);
    const units = new FindingUnits(changed && last?.units, changed, true);
    const found = detectFindingUnits(model, options, units);
    this.last = {
      states: model.clusters.map(c => c.state),
      units: units.units(),
    };
    return found;
  }

  /**
   * The model's findings as `sortFindings` orders them: the findings kept since the last
   * call keep their order, and only those found again are sorted and merged in.
   */
  detectSorted(model: MeshModel, options: FindingOptions = {}): Finding[] {
    const found = this.detect(model, options);
    const sorted =
      (this.sorted && mergeSortedFindings(this.sorted, found)) ??
      sortFindings(found);
    this.sorted = sorted;
    return sorted;
  }
}
