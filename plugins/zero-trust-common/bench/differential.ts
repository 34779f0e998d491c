/**
 * The engine against the naive evaluator on one generated mesh: the `check` queries
 * both answer, and how their answers are compared. Shared by the benchmark (large
 * meshes, sampled servers) and the differential test in `src/engine` (a small mesh,
 * every server), so both hold the engine to the same oracle.
 */
import {
  CallerSource,
  CheckQuery,
  ClusterState,
  Decision,
  WorkloadInfo,
  principalOf,
} from '../src';
import { stringMatches } from '../src/engine/match';
import { GeneratedMesh, Random } from './generateMesh';
import { NaiveDecision } from './naiveEvaluator';

const methods = ['GET', 'POST', 'DELETE'];
const paths = ['/api/orders', '/api/items/42', '/admin/users', '/internal/x'];

/** `NAMESPACE/NAME`, as `check` queries name workloads. */
export const workloadRef = (w: { namespace: string; name: string }) =>
  `${w.namespace}/${w.name}`;

/** Mostly a port the server listens on; sometimes none (all ports), or one it does not. */
function pickPort(rnd: Random, ports: number[]): { port?: number } {
  const r = rnd.next();
  if (r < 0.75) return { port: rnd.pick(ports) };
  return r < 0.9 ? {} : { port: 8443 };
}

/**
 * Random queries, biased so that every decision occurs: half the callers are ones
 * the server's own policy names, the rest random workloads, plaintext clients and
 * bare identities; ports, methods and paths are sometimes left out.
 */
export function makeQueries(
  mesh: GeneratedMesh,
  count: number,
  seed: number,
): CheckQuery[] {
  const rnd = new Random(seed);
  const { workloads } = mesh;
  const caller = (peers: number[]): string => {
    const r = rnd.next();
    if (r < 0.5 && peers.length) return workloadRef(workloads[rnd.pick(peers)]);
    if (r < 0.8) return workloadRef(rnd.pick(workloads));
    if (r < 0.9) return 'plaintext';
    const w = rnd.pick(workloads);
    return `principal:${principalOf(
      'cluster.local',
      w.namespace,
      w.serviceAccount,
    )}`;
  };
  return Array.from({ length: count }, () => {
    const server = rnd.pick(workloads);
    return {
      from: caller(server.peers),
      to: workloadRef(server),
      ...pickPort(rnd, server.ports),
      ...(rnd.chance(0.6) ? { method: rnd.pick(methods) } : {}),
      ...(rnd.chance(0.6) ? { path: rnd.pick(paths) } : {}),
    };
  });
}

/** How the engine's and the naive answer to one query differ, if they do. */
export function decisionMismatch(
  query: CheckQuery,
  engine: { decision: Decision; mtls: boolean },
  naive: NaiveDecision,
): string | undefined {
  if (naive.decision === engine.decision && naive.mtls === engine.mtls) {
    return undefined;
  }
  return `${JSON.stringify(query)}: engine ${engine.decision}${
    engine.mtls ? ' mTLS' : ''
  }, naive ${naive.decision}${naive.mtls ? ' mTLS' : ''}`;
}

/**
 * Whether an `analyze` entry wider than one workload stands for this caller. Lenient
 * on purpose: the strict test is that every listed workload is allowed.
 */
function covers(source: CallerSource, principal: string): boolean {
  switch (source.kind) {
    case 'anyone':
    case 'authenticated':
      return true;
    case 'namespace':
      return principal.includes(`/ns/${source.namespace}/sa/`);
    case 'principal':
      return source.principal === principal;
    case 'principalPattern':
      return stringMatches(source.pattern, principal);
    case 'namespacePattern':
      return stringMatches(source.pattern, principal.split('/')[2] ?? '');
    default:
      return false;
  }
}

/** Where one server's allowed callers, as `analyze` lists them, and the naive evaluator's differ. */
export interface CallerDisagreement {
  /** Workloads `analyze` lists that the naive evaluator denies on every port. */
  listedButDenied: string[];
  /** Workloads the naive evaluator lets in that no `analyze` entry covers. */
  allowedButUnlisted: string[];
}

/**
 * Compares the callers `analyze` lists for `server` (in `cluster`) with the workloads
 * `naiveAllowedCallers` lets in, both ways.
 */
export function compareCallers(
  state: ClusterState,
  server: string,
  listedCallers: CallerSource[],
  naiveAllowed: WorkloadInfo[],
): CallerDisagreement {
  const id = (w: WorkloadInfo) => `${state.name}/${workloadRef(w)}`;
  const allowedIds = new Set(naiveAllowed.map(id));
  const listed = new Set<string>();
  const listedButDenied: string[] = [];
  for (const c of listedCallers) {
    if (c.kind !== 'workload') continue;
    listed.add(c.workload);
    if (!allowedIds.has(c.workload)) {
      listedButDenied.push(`${c.workload} -> ${server}: listed, naive DENY`);
    }
  }
  const wide = listedCallers.filter(c => c.kind !== 'workload');
  const allowedButUnlisted = naiveAllowed
    .filter(w => {
      const p = principalOf(
        state.mesh.trustDomain,
        w.namespace,
        w.serviceAccount,
      );
      return !listed.has(id(w)) && !wide.some(c => covers(c, p));
    })
    .map(w => `${id(w)} -> ${server}: naive allows, not listed`);
  return { listedButDenied, allowedButUnlisted };
}
