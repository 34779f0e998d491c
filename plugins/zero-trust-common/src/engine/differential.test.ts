import {
  compareCallers,
  decisionMismatch,
  makeQueries,
  workloadRef,
} from '../../bench/differential';
import { generateMesh } from '../../bench/generateMesh';
import { naiveAllowedCallers, naiveCheck } from '../../bench/naiveEvaluator';
import { buildClusterState } from '../model/buildClusterState';
import { analyze } from '../report/analyze';
import { check } from './check';
import { MeshModel } from './MeshModel';

// Thousands of decisions through the engine and the naive evaluator: CPU-bound, slow on a busy machine.
jest.setTimeout(120_000);

/*
 * A differential test: the engine (indexes, compiled matchers, caches) against the
 * benchmark's naive evaluator (bench/naiveEvaluator.ts), which interprets the same
 * objects by scanning everything. On a small generated mesh with every policy shape
 * the benchmark knows, they must agree on every `check` decision and on the allowed
 * callers of every workload. A failure prints the first differing cases.
 */

// A few hundred workloads keep the naive allowed-callers pass (every workload tried
// as a caller of every other) to about a second; the seed keeps the mesh the same.
const seed = 11;
const mesh = generateMesh({ workloads: 300, seed });
const state = buildClusterState('differential', mesh.objects);
const model = new MeshModel([state]);

/** Nothing, or how many cases differ and the first few of them. */
function differences(cases: string[]) {
  return { count: cases.length, first: cases.slice(0, 5) };
}

describe('the engine and the naive evaluator', () => {
  it('decide every check query alike (decision and mTLS)', () => {
    const queries = makeQueries(mesh, 3000, seed);
    const decisions = { ALLOW: 0, DENY: 0, CONDITIONAL: 0 };
    const mismatches: string[] = [];
    for (const query of queries) {
      const ours = check(model, query);
      decisions[ours.decision]++;
      const mismatch = decisionMismatch(query, ours, naiveCheck(state, query));
      if (mismatch) mismatches.push(mismatch);
    }

    expect(differences(mismatches)).toEqual({ count: 0, first: [] });
    // The queries reach every decision, so the agreement means something.
    expect(decisions.ALLOW).toBeGreaterThan(100);
    expect(decisions.DENY).toBeGreaterThan(100);
    expect(decisions.CONDITIONAL).toBeGreaterThan(10);
  });

  it('list the same allowed callers for every workload', () => {
    const report = analyze(model);
    const listedBy = new Map(
      report.workloads.map(w => [
        workloadRef(w),
        w.allowedCallers.map(c => c.source),
      ]),
    );
    const disagreements: string[] = [];
    let naiveCallers = 0;
    let restricted = 0;
    for (const server of state.workloads) {
      const ref = workloadRef(server);
      const allowed = naiveAllowedCallers(state, server);
      naiveCallers += allowed.length;
      if (allowed.length < state.workloads.length) restricted++;
      const found = compareCallers(state, ref, listedBy.get(ref)!, allowed);
      disagreements.push(...found.listedButDenied, ...found.allowedButUnlisted);
    }

    expect(differences(disagreements)).toEqual({ count: 0, first: [] });
    expect(listedBy.size).toBe(state.workloads.length);
    // Most servers let some callers in and keep others out.
    expect(naiveCallers).toBeGreaterThan(0);
    expect(restricted).toBeGreaterThan(state.workloads.length / 2);
  });
});
