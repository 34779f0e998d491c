import {
  compareCallers,
  decisionMismatch,
  makeQueries,
  workloadRef,
} from '../../bench/differential';
import { generateMesh } from '../../bench/generateMesh';
import {
  naiveAllowedCallers,
  naiveCheck,
  naiveTrusts,
} from '../../bench/naiveEvaluator';
import { buildClusterState } from '../model/buildClusterState';
import { ClusterState, TrustedCertificate } from '../model/types';
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
const mesh = generateMesh({ workloads: 300, seed, sidecars: true });
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
    let throughWaypoints = 0;
    let outOfScope = 0;
    for (const query of queries) {
      const ours = check(model, query);
      decisions[ours.decision]++;
      if (ours.reason.includes('through waypoint')) throughWaypoints++;
      if (ours.reason.includes('does not import')) outOfScope++;
      const mismatch = decisionMismatch(query, ours, naiveCheck(state, query));
      if (mismatch) mismatches.push(mismatch);
    }

    expect(differences(mismatches)).toEqual({ count: 0, first: [] });
    // The queries reach every decision, so the agreement means something.
    expect(decisions.ALLOW).toBeGreaterThan(100);
    expect(decisions.DENY).toBeGreaterThan(100);
    expect(decisions.CONDITIONAL).toBeGreaterThan(10);
    // Ambient waypoints (bench/generateMesh.ts, emitWaypoints) are on some paths.
    expect(throughWaypoints).toBeGreaterThan(20);
    // So are Services some callers' Sidecars do not import (emitSidecars).
    expect(outOfScope).toBeGreaterThan(20);
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

/** A CA certificate as the node library parses it (parsing itself is tested there). */
function ca(name: string, issuer = name): TrustedCertificate {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) % 256;
  return {
    subject: `CN=${name}`,
    issuer: `CN=${issuer}`,
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2036-01-01T00:00:00.000Z',
    fingerprint: Array.from({ length: 32 }, (_, i) =>
      ((hash + i) % 256).toString(16).padStart(2, '0').toUpperCase(),
    ).join(':'),
    selfSigned: name === issuer,
    ca: true,
    sources: ['ConfigMap istio-system/istio-ca-root-cert'],
  };
}

describe('across clusters, the engine and the naive evaluator', () => {
  // Without Sidecars: the expectation below is derived from the local answer's mTLS,
  // summed over the ports a query names none of, and a Sidecar that leaves a server's
  // Service out (plaintext) while its unexposed metrics port still gets mTLS splits it.
  // The comparison above covers the Sidecars.
  const plainMesh = generateMesh({ workloads: 300, seed });
  const plainState = buildClusterState('differential', plainMesh.objects);
  // The same mesh twice: a caller of the remote copy presents the same principal as
  // its twin in the server's cluster, so without trust the answers are the local ones.
  const setups: Record<string, [ClusterState['trust'], ClusterState['trust']]> =
    {
      'a shared root': [
        { roots: [ca('shared')], caCertificates: [] },
        { roots: [ca('shared')], caCertificates: [] },
      ],
      'separate roots': [
        { roots: [ca('server root')], caCertificates: [] },
        { roots: [ca('client root')], caCertificates: [] },
      ],
      'a trusted bundle': [
        { roots: [ca('server root')], caCertificates: [ca('client root')] },
        { roots: [ca('client root')], caCertificates: [] },
      ],
      'an intermediate of the server root': [
        { roots: [ca('server root')], caCertificates: [] },
        { roots: [ca('client ca', 'server root')], caCertificates: [] },
      ],
      'no roots on the client side': [
        { roots: [ca('server root')], caCertificates: [] },
        undefined,
      ],
    };

  it.each(Object.entries(setups))(
    'decide every cross-cluster query alike with %s',
    (_, [serverTrust, clientTrust]) => {
      const server: ClusterState = { ...plainState, trust: serverTrust };
      const client: ClusterState = {
        ...buildClusterState('remote', plainMesh.objects),
        trust: clientTrust,
      };
      const twoClusters = new MeshModel([server, client]);
      const trusted = naiveTrusts(client, server);
      const queries = makeQueries(plainMesh, 600, seed).map(q => ({
        ...q,
        from:
          q.from === 'plaintext' || q.from.startsWith('principal:')
            ? q.from
            : `remote/${q.from}`,
        to: `differential/${q.to}`,
      }));
      const mismatches: string[] = [];
      let refused = 0;
      for (const query of queries) {
        const local = naiveCheck(server, query);
        const crossesCluster = query.from.startsWith('remote/');
        const expected =
          crossesCluster && local.mtls && !trusted
            ? { decision: 'DENY' as const, mtls: false }
            : local;
        if (expected !== local) refused++;
        const ours = check(twoClusters, query);
        const mismatch = decisionMismatch(query, ours, expected);
        if (mismatch) mismatches.push(mismatch);
      }
      expect(differences(mismatches)).toEqual({ count: 0, first: [] });
      // Separate roots refuse many callers; the others refuse none.
      expect(refused > 100).toBe(!trusted);
      expect(refused === 0).toBe(trusted);
    },
  );
});
