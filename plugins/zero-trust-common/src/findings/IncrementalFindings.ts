import { MeshModel } from '../engine/MeshModel';
import { ClusterState } from '../model/types';
import {
  mergeFindingChanges,
  mergeFindings,
  sortedStrictly,
  sortFindings,
} from '../report/analyze';
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
  private last?: {
    states: ClusterState[];
    units: RecordedUnits;
    found: Finding[];
    /** The findings found outside any unit (`FindingUnits.free`). */
    free: Finding[];
  };
  /** What the last detection added to and dropped from the one before (`since`). */
  private change?: { added: Finding[]; removed: Finding[]; since: Finding[] };
  /**
   * The last sorted findings, whether no two of them compare equal, and the detection's
   * findings they are.
   */
  private sorted?: { findings: Finding[]; strictly: boolean; found: Finding[] };

  /**
   * The model's findings. `options` may differ from call to call: what they change
   * (ages against `now`, `callers`) is found again on every call.
   */
  detect(model: MeshModel, options: FindingOptions = {}): Finding[] {
    const { last } = this;
    const changed = last && changedNamespaces(last.states, model);
    const units = new FindingUnits(changed && last?.units, changed, true);
    const found = detectFindingUnits(model, options, units);
    const change = changed && last && units.changes(found, last);
    this.change = change ? { ...change, since: last!.found } : undefined;
    this.last = {
      states: model.clusters.map(c => c.state),
      units: units.units(),
      found,
      free: units.free(found),
    };
    return found;
  }

  /**
   * The model's findings as `sortFindings` orders them: the findings kept since the last
   * call keep their order, and only those found again are sorted and merged in.
   */
  detectSorted(model: MeshModel, options: FindingOptions = {}): Finding[] {
    return this.detectChange(model, options).sorted;
  }

  /**
   * {@link IncrementalFindings.detectSorted}, with what changed since the last call's
   * findings (`since`) where they were merged into them: an index of the findings can then
   * be updated where they changed. Without `since` they were sorted whole.
   */
  detectChange(model: MeshModel, options: FindingOptions = {}): SortedFindings {
    const found = this.detect(model, options);
    const last = this.sorted;
    const { change } = this;
    // Where the units tell what changed since the findings sorted last, only that is
    // merged; otherwise the findings are compared with the last.
    const merged =
      last &&
      (last.strictly && change?.since === last.found
        ? mergeFindingChanges(last.findings, change.added, change.removed)
        : mergeFindings(last.findings, found, last.strictly));
    if (merged) {
      this.sorted = { findings: merged.sorted, strictly: true, found };
      return {
        sorted: merged.sorted,
        since: {
          sorted: last.findings,
          added: merged.added,
          removed: merged.removed,
        },
      };
    }
    const sorted = sortFindings(found);
    this.sorted = {
      findings: sorted,
      strictly: sortedStrictly(sorted),
      found,
    };
    return { sorted };
  }
}

/**
 * Findings in `sortFindings`' order, and what changed since the findings before them.
 *
 * @public
 */
export interface SortedFindings {
  sorted: Finding[];
  /** The findings before (sorted), and those added to and dropped from them (by identity). */
  since?: { sorted: Finding[]; added: Finding[]; removed: Finding[] };
}
