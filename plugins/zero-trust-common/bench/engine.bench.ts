/**
 * The engine benchmark: load + index, full `analyze` (wall time, and CPU time of the
 * main thread, which other jobs on a shared machine inflate less), single `check`
 * latency and peak memory at several mesh sizes, against a naive evaluator without
 * indexes. Each size
 * and each implementation runs in its own child process, so one's garbage and peak
 * RSS do not leak into the other's numbers. Prints Markdown tables to stdout and
 * progress to stderr; exits non-zero if the naive evaluator and the engine disagree.
 *
 *   yarn bench:engine [--sizes 1000,5000,10000] [--queries 2000]
 *                     [--naive-servers 100] [--seed 1] [--without KIND,...]
 *                     [--network-policies] [--base PATH [--rounds 3]]
 *
 * `--without` leaves policy shapes of generateMesh out (e.g. namespacePrefix), to see
 * what one shape costs. `--network-policies` runs each size twice, without and with
 * generateMesh's NetworkPolicies (the same mesh otherwise), and prints what they cost.
 * `--base PATH` measures the engine of another checkout of this repository (PATH is its
 * root; its engine's sources are loaded, so it needs no build) on the same meshes and
 * queries, in children of its own, alternating with this checkout's for `--rounds`
 * rounds, and prints both medians and their ratio: a same-run comparison on a machine
 * whose load moves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  AnalyzeReport,
  CallerSource,
  CheckQuery,
  ClusterState,
  Decision,
  MeshModel,
  analyze,
  buildClusterState,
  check,
  detectFindings,
} from '../src';
import {
  compareCallers,
  decisionMismatch,
  makeQueries,
  workloadRef,
} from './differential';
import {
  ExtraPolicyKind,
  GeneratedMesh,
  MeshOptions,
  Random,
  generateMesh,
} from './generateMesh';
import {
  NaiveDecision,
  naiveAllowedCallers,
  naiveCheck,
} from './naiveEvaluator';

interface Options {
  sizes: number[];
  queries: number;
  naiveServers: number;
  seed: number;
  /** Extra policy shapes left out of the generated meshes. */
  without: ExtraPolicyKind[];
  /** Each size again with NetworkPolicies (in a child: this run's mesh has them). */
  networkPolicies: boolean;
  /** The root of another checkout whose engine is measured beside this one. */
  base?: string;
  /** With `base`: how many times each engine child runs, the two alternating. */
  rounds: number;
}

/** What a child measures: this checkout's engine, or (`--engine-src`) another's. */
type Engine = Pick<
  typeof import('../src'),
  'MeshModel' | 'analyze' | 'buildClusterState' | 'check' | 'detectFindings'
>;

const thisEngine: Engine = {
  MeshModel,
  analyze,
  buildClusterState,
  check,
  detectFindings,
};

/** The engine of the checkout at `root`, loaded from its sources. */
function engineAt(root: string): Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolvePath(root, 'plugins/zero-trust-common/src'));
}

/** Microseconds. */
interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** The slowest 1% of the queries, and how many of them a GC pause overlapped. */
  slowest: number;
  slowestDuringGc: number;
  longestGcMs: number;
}

/** One timed call: when it started (performance.now()) and how long it took. */
interface Sample {
  start: number;
  ms: number;
}

interface EngineResult {
  workloads: number;
  objects: number;
  policies: number;
  networkPolicies: number;
  generateMs: number;
  buildMs: number;
  indexMs: number;
  analyzeMs: number;
  /** The same analyze in CPU time of the main thread, which other jobs on the machine do not inflate as much as wall time. */
  analyzeCpuMs: number;
  /** GC pauses of the main thread during that analyze. */
  analyzeGcMs: number;
  /** The 1-minute load average when the child started and when it finished. */
  loadAverage: [number, number];
  findingsMs: number;
  callerEntries: number;
  /** Callers Istio allows that a NetworkPolicy drops, over the whole report. */
  blockedEntries: number;
  findings: number;
  checkCold: Latency;
  checkWarm: Latency;
  /** RSS once the code is loaded, before any mesh exists. */
  baselineRssMiB: number;
  peakRssMiB: number;
  /** The queries, so the naive child answers exactly these. */
  queries: CheckQuery[];
  decisions: NaiveDecision[];
  /** The allowed callers `analyze` lists for the sampled servers. */
  views: { server: string; callers: CallerSource[] }[];
}

interface CrossCheck {
  servers: number;
  /** Workloads `analyze` lists that the naive evaluator denies on every port. */
  listedButDenied: number;
  /** Workloads the naive evaluator lets in that no `analyze` entry covers. */
  allowedButUnlisted: number;
  examples: string[];
}

interface NaiveResult {
  buildMs: number;
  check: Latency;
  baselineRssMiB: number;
  analyzeSampleMs: number;
  analyzeServers: number;
  analyzeEstimateMs: number;
  peakRssMiB: number;
  agree: number;
  total: number;
  byDecision: Record<Decision, number>;
  mismatches: string[];
  crossCheck: CrossCheck;
}

const defaults: Options = {
  sizes: [1000, 5000, 10000],
  queries: 2000,
  naiveServers: 100,
  seed: 1,
  without: [],
  networkPolicies: false,
  rounds: 3,
};
/** The mesh each child runs once before measuring, so V8 has compiled the hot code. */
const warmUpWorkloads = 300;

const cluster = 'bench';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function parseOptions(args: string[]): Options {
  const num = (name: string, fallback: number) =>
    Number(argValue(args, name) ?? fallback);
  return {
    sizes: argValue(args, 'sizes')?.split(',').map(Number) ?? defaults.sizes,
    queries: num('queries', defaults.queries),
    naiveServers: num('naive-servers', defaults.naiveServers),
    seed: num('seed', defaults.seed),
    without: (argValue(args, 'without')?.split(',') ?? []) as ExtraPolicyKind[],
    networkPolicies: args.includes('--network-policies'),
    base: argValue(args, 'base'),
    rounds: num('rounds', defaults.rounds),
  };
}

function meshOptions(
  options: Options,
  workloads: number,
  seed = options.seed,
): MeshOptions {
  return {
    workloads,
    seed,
    extraPolicyWeights: Object.fromEntries(options.without.map(k => [k, 0])),
    networkPolicies: options.networkPolicies,
  };
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const collectGarbage = () => globalThis.gc?.();
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;
/** CPU time of this thread (Node 22), else of the process, in milliseconds. */
const threadCpuMs = () => {
  const usage = process.threadCpuUsage?.() ?? process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

function sampled<T>(fn: () => T): [T, Sample] {
  const start = performance.now();
  const value = fn();
  return [value, { start, ms: performance.now() - start }];
}

function timed<T>(fn: () => T): [T, number] {
  const [value, sample] = sampled(fn);
  return [value, sample.ms];
}

/**
 * GC pauses, to tell a slow query from one the collector interrupted. The observer
 * reports asynchronously, so read it after `settle`.
 */
class GcPauses {
  private readonly pauses: { start: number; end: number }[] = [];
  private readonly observer = new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      this.pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  async settle(): Promise<void> {
    await new Promise(resolve => setTimeout(resolve, 50));
  }

  during(s: Sample) {
    return this.pauses.filter(p => p.start < s.start + s.ms && p.end > s.start);
  }

  stop() {
    this.observer.disconnect();
  }
}

function latency(samples: Sample[], gc?: GcPauses): Latency {
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].ms *
    1000;
  const slowest = sorted.slice(-Math.ceil(sorted.length / 100));
  const pauses = gc ? slowest.map(s => gc.during(s)) : [];
  return {
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    slowest: slowest.length,
    slowestDuringGc: pauses.filter(p => p.length > 0).length,
    longestGcMs: Math.max(0, ...pauses.flat().map(p => p.end - p.start)),
  };
}

/** The servers whose allowed callers both implementations list. */
function sampleServers(mesh: GeneratedMesh, count: number, seed: number) {
  const rnd = new Random(seed + 1);
  return rnd.sample(mesh.workloads, count).map(workloadRef);
}

/** One full run on a small mesh of another seed, untimed. */
function warmUpEngine(engine: Engine, options: Options) {
  const seed = options.seed + 100;
  const mesh = generateMesh(meshOptions(options, warmUpWorkloads, seed));
  const model = new engine.MeshModel([
    engine.buildClusterState(cluster, mesh.objects),
  ]);
  for (const q of makeQueries(mesh, 500, seed)) engine.check(model, q);
  engine.analyze(model);
}

async function runEngine(
  engine: Engine,
  options: Options,
  workloads: number,
): Promise<EngineResult> {
  const loadAtStart = loadavg()[0];
  const baselineRssMiB = rssMiB();
  warmUpEngine(engine, options);
  const [mesh, generateMs] = timed(() =>
    generateMesh(meshOptions(options, workloads)),
  );
  const queries = makeQueries(mesh, options.queries, options.seed);
  const servers = sampleServers(mesh, options.naiveServers, options.seed);
  collectGarbage();

  const [state, buildMs] = timed(() =>
    engine.buildClusterState(cluster, mesh.objects),
  );
  const objects = mesh.objects.length;
  // The raw manifests are not part of what the engine keeps.
  mesh.objects.length = 0;
  collectGarbage();
  const [model, indexMs] = timed(() => new engine.MeshModel([state]));

  // Cold: the first query on a server derives its policies, ports and mTLS.
  const gc = new GcPauses();
  const cold = queries.map(q => sampled(() => engine.check(model, q)));
  const warm = queries.map(q => sampled(() => engine.check(model, q))[1]);
  const decisions = cold.map(([r]) => ({ decision: r.decision, mtls: r.mtls }));
  await gc.settle();
  gc.stop();
  collectGarbage();

  // A fresh model, so that analyze pays for every lazy derivation itself. A MeshModel
  // reuses the cluster model (and what the checks derived in it) of a ClusterState it
  // has seen: a copy of the state is a state it has not.
  const fresh = new engine.MeshModel([{ ...state }]);
  const analyzeGc = new GcPauses();
  const cpuBefore = threadCpuMs();
  const [report, analyzeSample] = sampled(() => engine.analyze(fresh));
  const analyzeCpuMs = threadCpuMs() - cpuBefore;
  await analyzeGc.settle();
  analyzeGc.stop();
  const analyzeMs = analyzeSample.ms;
  const analyzeGcMs = analyzeGc
    .during(analyzeSample)
    .reduce((sum, p) => sum + p.end - p.start, 0);
  // analyze runs the findings last, on a model its views have warmed, with the allowed
  // callers its views computed: running them again so on the same model measures their
  // share.
  const callers = new Map(
    fresh.workloads.map((w, i) => [w, report.workloads[i]]),
  );
  const [, findingsMs] = timed(() => engine.detectFindings(fresh, { callers }));
  return {
    workloads,
    objects,
    policies: state.authorizationPolicies.length,
    networkPolicies: state.networkPolicies?.length ?? 0,
    generateMs,
    buildMs,
    indexMs,
    analyzeMs,
    analyzeCpuMs,
    analyzeGcMs,
    loadAverage: [loadAtStart, loadavg()[0]],
    findingsMs,
    callerEntries: report.workloads.reduce(
      (n, w) => n + w.allowedCallers.length,
      0,
    ),
    blockedEntries: report.workloads.reduce(
      (n, w) => n + w.blockedByNetwork.length,
      0,
    ),
    findings: report.findings.length,
    checkCold: latency(
      cold.map(([, s]) => s),
      gc,
    ),
    checkWarm: latency(warm, gc),
    baselineRssMiB,
    peakRssMiB: peakRssMiB(),
    queries,
    decisions,
    views: viewsOf(report, servers),
  };
}

function viewsOf(report: AnalyzeReport, servers: string[]) {
  const byRef = new Map(report.workloads.map(w => [workloadRef(w), w]));
  return servers.map(server => ({
    server,
    callers: byRef.get(server)!.allowedCallers.map(c => c.source),
  }));
}

function crossCheck(
  state: ClusterState,
  views: EngineResult['views'],
): { result: CrossCheck; elapsedMs: number } {
  const result: CrossCheck = {
    servers: views.length,
    listedButDenied: 0,
    allowedButUnlisted: 0,
    examples: [],
  };
  const example = (text: string) => {
    if (result.examples.length < 20) result.examples.push(text);
  };
  let elapsedMs = 0;
  for (const { server, callers } of views) {
    const [namespace, name] = server.split('/');
    const info = state.workloads.find(
      w => w.namespace === namespace && w.name === name,
    )!;
    const [allowed, ms] = timed(() => naiveAllowedCallers(state, info));
    elapsedMs += ms;
    const found = compareCallers(state, server, callers, allowed);
    result.listedButDenied += found.listedButDenied.length;
    result.allowedButUnlisted += found.allowedButUnlisted.length;
    [...found.listedButDenied, ...found.allowedButUnlisted].forEach(example);
  }
  return { result, elapsedMs };
}

function warmUpNaive(options: Options) {
  const seed = options.seed + 100;
  const mesh = generateMesh(meshOptions(options, warmUpWorkloads, seed));
  const state = buildClusterState(cluster, mesh.objects);
  for (const q of makeQueries(mesh, 500, seed)) naiveCheck(state, q);
  for (const w of state.workloads.slice(0, 5)) naiveAllowedCallers(state, w);
}

async function runNaive(
  options: Options,
  workloads: number,
  engine: EngineResult,
): Promise<NaiveResult> {
  const baselineRssMiB = rssMiB();
  warmUpNaive(options);
  const mesh = generateMesh(meshOptions(options, workloads));
  const queries = engine.queries;
  collectGarbage();
  const [state, buildMs] = timed(() =>
    buildClusterState(cluster, mesh.objects),
  );
  mesh.objects.length = 0;

  const gc = new GcPauses();
  const answers = queries.map(q => sampled(() => naiveCheck(state, q)));
  await gc.settle();
  gc.stop();
  const byDecision: Record<Decision, number> = {
    ALLOW: 0,
    DENY: 0,
    CONDITIONAL: 0,
  };
  const mismatches: string[] = [];
  answers.forEach(([naive], i) => {
    const ours = engine.decisions[i];
    byDecision[ours.decision]++;
    const mismatch = decisionMismatch(queries[i], ours, naive);
    if (mismatch) mismatches.push(mismatch);
  });
  collectGarbage();
  const { result, elapsedMs } = crossCheck(state, engine.views);
  return {
    buildMs,
    check: latency(
      answers.map(([, s]) => s),
      gc,
    ),
    analyzeSampleMs: elapsedMs,
    analyzeServers: engine.views.length,
    // Every server costs about the same (one pass over all workloads as callers).
    analyzeEstimateMs: (elapsedMs / engine.views.length) * workloads,
    baselineRssMiB,
    peakRssMiB: peakRssMiB(),
    agree: queries.length - mismatches.length,
    total: queries.length,
    byDecision,
    mismatches,
    crossCheck: result,
  };
}

/** Runs this file again in a fresh process for one size and one implementation. */
function child<T>(args: string[], out: string): T {
  const run = spawnSync(
    process.execPath,
    [...process.execArgv, '--expose-gc', __filename, ...args, '--out', out],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (run.status !== 0) {
    throw new Error(`benchmark child ${args.join(' ')} failed (${run.status})`);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

// ---------------------------------------------------------------------------
// Reporting

const ms = (v: number) =>
  v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
const us = (v: number) =>
  v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${Math.round(v)} µs`;
const ratio = (naive: number, engine: number) =>
  `${(naive / engine).toFixed(1)}×`;
const rss = (peak: number, baseline: number) =>
  `${Math.round(peak)} MiB (${Math.round(baseline)})`;
const size = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function engineTable(results: [EngineResult, NaiveResult][]): string[] {
  return [
    row([
      'Workloads',
      'AuthorizationPolicies',
      'load + index',
      'full analyze',
      'analyze CPU (main thread) / GC pauses',
      'of which findings',
      'analyze per workload',
      'check p50 cold / warm',
      'check p99 cold / warm',
      'peak RSS (baseline)',
    ]),
    row(Array(10).fill('---')),
    ...results.map(([e]) =>
      row([
        size(e.workloads),
        e.policies,
        `${ms(e.buildMs + e.indexMs)} (${ms(e.buildMs)} + ${ms(e.indexMs)})`,
        ms(e.analyzeMs),
        `${ms(e.analyzeCpuMs)} / ${ms(e.analyzeGcMs)}`,
        ms(e.findingsMs),
        us((e.analyzeMs / e.workloads) * 1000),
        `${us(e.checkCold.p50)} / ${us(e.checkWarm.p50)}`,
        `${us(e.checkCold.p99)} / ${us(e.checkWarm.p99)}`,
        rss(e.peakRssMiB, e.baselineRssMiB),
      ]),
    ),
  ];
}

function naiveTable(results: [EngineResult, NaiveResult][]): string[] {
  return [
    row([
      'Workloads',
      'naive load',
      'naive check p50',
      'naive check p99',
      'p50 ratio vs cold / warm',
      'p99 ratio vs cold / warm',
      'naive analyze (est.)',
      'analyze ratio',
      'naive peak RSS (baseline)',
    ]),
    row(Array(9).fill('---')),
    ...results.map(([e, n]) =>
      row([
        size(e.workloads),
        ms(n.buildMs),
        us(n.check.p50),
        us(n.check.p99),
        `${ratio(n.check.p50, e.checkCold.p50)} / ${ratio(
          n.check.p50,
          e.checkWarm.p50,
        )}`,
        `${ratio(n.check.p99, e.checkCold.p99)} / ${ratio(
          n.check.p99,
          e.checkWarm.p99,
        )}`,
        `≈ ${ms(n.analyzeEstimateMs)} (${n.analyzeServers} of ${
          e.workloads
        } servers, ×${(e.workloads / n.analyzeServers).toFixed(0)})`,
        ratio(n.analyzeEstimateMs, e.analyzeMs),
        rss(n.peakRssMiB, n.baselineRssMiB),
      ]),
    ),
  ];
}

function agreementLines(results: [EngineResult, NaiveResult][]): string[] {
  return results.map(([e, n]) => {
    const d = n.byDecision;
    const c = n.crossCheck;
    return (
      `- ${size(e.workloads)}: check decisions agree on ${n.agree}/${
        n.total
      } ` +
      `queries (ALLOW ${d.ALLOW}, DENY ${d.DENY}, CONDITIONAL ${d.CONDITIONAL}); ` +
      `allowed callers of ${c.servers} sampled servers: ${c.listedButDenied} ` +
      `listed but denied, ${c.allowedButUnlisted} allowed but not listed ` +
      `(${e.callerEntries} caller entries in the full report).`
    );
  });
}

function tail(l: Latency): string {
  const longest = l.slowestDuringGc
    ? ` (longest ${l.longestGcMs.toFixed(1)} ms)`
    : '';
  return `${l.slowestDuringGc} of the ${l.slowest} slowest overlapped a GC pause${longest}`;
}

function tailLines(results: [EngineResult, NaiveResult][]): string[] {
  return results.map(
    ([e, n]) =>
      `- ${size(e.workloads)}: engine cold checks: ${tail(e.checkCold)}; ` +
      `warm: ${tail(e.checkWarm)}; naive: ${tail(n.check)}.`,
  );
}

/** How the first and last size compare, as the exponent k of n^k. */
function growthLine(results: [EngineResult, NaiveResult][]): string {
  const [first] = results[0];
  const [last] = results[results.length - 1];
  const n = last.workloads / first.workloads;
  const grow = (name: string, pick: (e: EngineResult) => number) => {
    const factor = pick(last) / pick(first);
    const k = Math.log(factor) / Math.log(n);
    return `${name} ×${factor.toFixed(1)} (n^${k.toFixed(2)})`;
  };
  return (
    `Growth from ${size(first.workloads)} to ${size(last.workloads)} ` +
    `workloads (×${n.toFixed(0)}): ${[
      grow('load + index', e => e.buildMs + e.indexMs),
      grow('analyze', e => e.analyzeMs),
      grow('findings', e => e.findingsMs),
      grow('caller entries', e => e.callerEntries),
      grow('peak RSS', e => e.peakRssMiB),
    ].join(', ')}.`
  );
}

/** The same sizes without and with NetworkPolicies, from the same run. */
function networkPolicyTable(
  without: [EngineResult, NaiveResult][],
  withPolicies: [EngineResult, NaiveResult][],
): string[] {
  const change = (a: number, b: number, unit: (v: number) => string) =>
    `${unit(a)} → ${unit(b)} (×${(b / a).toFixed(2)})`;
  return [
    row([
      'Workloads',
      'NetworkPolicies',
      'full analyze',
      'analyze CPU (main thread)',
      'of which findings',
      'check p50 warm',
      'load + index',
      'caller entries / blocked by network',
      'findings',
    ]),
    row(Array(9).fill('---')),
    ...without.map(([a], i) => {
      const [b] = withPolicies[i];
      return row([
        size(a.workloads),
        b.networkPolicies,
        change(a.analyzeMs, b.analyzeMs, ms),
        change(a.analyzeCpuMs, b.analyzeCpuMs, ms),
        change(a.findingsMs, b.findingsMs, ms),
        change(a.checkWarm.p50, b.checkWarm.p50, us),
        change(a.buildMs + a.indexMs, b.buildMs + b.indexMs, ms),
        `${a.callerEntries} → ${b.callerEntries} / ${b.blockedEntries}`,
        `${a.findings} → ${b.findings}`,
      ]);
    }),
  ];
}

function printReport(options: Options, results: [EngineResult, NaiveResult][]) {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const leftOut = options.without.length
    ? ` Policy shapes left out: ${options.without.join(', ')}.`
    : '';
  const lines = [
    `Node ${process.version}, ${cpus().length} CPUs (${cpu}), seed ${
      options.seed
    }, ` +
      `${options.queries} check queries per size; each size and implementation ` +
      `in its own process, V8 warmed up on a ${warmUpWorkloads}-workload mesh ` +
      `first.${leftOut}`,
    '',
    ...engineTable(results),
    '',
    `Load average (1 min) over each engine child, start → end: ${results
      .map(
        ([e]) =>
          `${size(e.workloads)} ${e.loadAverage
            .map(l => l.toFixed(2))
            .join(' → ')}`,
      )
      .join(', ')}.`,
    '',
    ...(results.length > 1 ? [growthLine(results), ''] : []),
    ...naiveTable(results),
    '',
    'Ratios are naive / engine. Cold: the first query on a server, which derives ' +
      'its policies, ports and mTLS; warm: the same queries again. Agreement:',
    '',
    ...agreementLines(results),
    '',
    'Check latency tail (the slowest 1% of the queries):',
    '',
    ...tailLines(results),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One size's engine children with `--base`: the base's and this checkout's, by round. */
interface Compared {
  label: string;
  before: EngineResult[];
  after: EngineResult[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The figures `--base` compares, each with its unit. */
const comparedFigures: [
  string,
  (e: EngineResult) => number,
  (v: number) => string,
][] = [
  ['load + index', e => e.buildMs + e.indexMs, ms],
  ['full analyze (wall)', e => e.analyzeMs, ms],
  ['analyze CPU (main thread)', e => e.analyzeCpuMs, ms],
  ['GC pauses in analyze', e => e.analyzeGcMs, ms],
  ['check p50 cold', e => e.checkCold.p50, us],
  ['check p50 warm', e => e.checkWarm.p50, us],
  ['check p99 cold', e => e.checkCold.p99, us],
  ['check p99 warm', e => e.checkWarm.p99, us],
  ['peak RSS', e => e.peakRssMiB, v => `${Math.round(v)} MiB`],
  ['caller entries', e => e.callerEntries, v => String(v)],
  ['findings', e => e.findings, v => String(v)],
];

function printBaseReport(base: string, compared: Compared[]) {
  const lines = [
    '',
    `### Against ${base}, same run`,
    '',
    'Each engine child ran once per round, the base first; medians over the rounds, ' +
      'and after / before (below 1: this checkout is faster or smaller).',
    '',
    row([
      'Workloads',
      'figure',
      'before (median)',
      'after (median)',
      'after / before',
      'rounds, before → after',
    ]),
    row(Array(6).fill('---')),
    ...compared.flatMap(({ label, before, after }) =>
      comparedFigures.map(([name, pick, unit]) => {
        const [b, a] = [median(before.map(pick)), median(after.map(pick))];
        return row([
          label,
          name,
          unit(b),
          unit(a),
          b ? (a / b).toFixed(2) : '–',
          before
            .map((e, i) => `${unit(pick(e))} → ${unit(pick(after[i]))}`)
            .join('; '),
        ]);
      }),
    ),
    '',
    `Load average (1 min) over each child, start → end, before; after: ${compared
      .map(
        ({ label, before, after }) =>
          `${label} ${before
            .map((e, i) =>
              [e, after[i]]
                .map(x => x.loadAverage.map(l => l.toFixed(1)).join(' → '))
                .join('; '),
            )
            .join(', ')}`,
      )
      .join('; ')}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printNetworkPolicyReport(
  without: [EngineResult, NaiveResult][],
  withPolicies: [EngineResult, NaiveResult][],
) {
  const lines = [
    '',
    '### With NetworkPolicies',
    '',
    ...engineTable(withPolicies),
    '',
    'Agreement with the naive evaluator (which applies the NetworkPolicy layer too):',
    '',
    ...agreementLines(withPolicies),
    '',
    'Without → with NetworkPolicies, same run, same mesh otherwise (each in its own process):',
    '',
    ...networkPolicyTable(without, withPolicies),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(args: string[]) {
  const options = parseOptions(args);
  const mode = argValue(args, 'child');
  if (mode) {
    const workloads = Number(argValue(args, 'workloads'));
    const root = argValue(args, 'engine-root');
    const result =
      mode === 'engine'
        ? await runEngine(
            root ? engineAt(root) : thisEngine,
            options,
            workloads,
          )
        : await runNaive(
            options,
            workloads,
            JSON.parse(readFileSync(argValue(args, 'engine')!, 'utf8')),
          );
    writeFileSync(argValue(args, 'out')!, JSON.stringify(result));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'zt-bench-'));
  const shared = [
    ...(options.without.length ? ['--without', options.without.join(',')] : []),
    '--queries',
    String(options.queries),
    '--naive-servers',
    String(options.naiveServers),
    '--seed',
    String(options.seed),
  ];
  const results: [EngineResult, NaiveResult][] = [];
  const withPolicies: [EngineResult, NaiveResult][] = [];
  const compared: Compared[] = [];
  const run = (n: number, extra: string[], label: string) => {
    const base = ['--workloads', String(n), ...shared, ...extra];
    const name = `${n}${extra.length ? '-np' : ''}`;
    const enginePath = join(dir, `engine-${name}.json`);
    const engineChild = (root?: string) =>
      child<EngineResult>(
        [
          '--child',
          'engine',
          ...base,
          ...(root ? ['--engine-root', root] : []),
        ],
        enginePath,
      );
    // The naive child reads the queries from enginePath: this checkout's child, which
    // runs last, writes it last.
    let engine: EngineResult;
    if (options.base) {
      // The two engines alternate, the base first, so that both meet the same load.
      const pair: Compared = {
        label: `${size(n)}${label}`,
        before: [],
        after: [],
      };
      for (let round = 1; round <= options.rounds; round++) {
        log(`${size(n)} workloads${label}: base engine, round ${round}…`);
        pair.before.push(engineChild(resolvePath(options.base)));
        log(`${size(n)} workloads${label}: engine, round ${round}…`);
        pair.after.push(engineChild());
      }
      compared.push(pair);
      engine = pair.after[pair.after.length - 1];
    } else {
      log(`${size(n)} workloads${label}: engine…`);
      engine = engineChild();
    }
    log(`${size(n)} workloads${label}: naive…`);
    const naive = child<NaiveResult>(
      ['--child', 'naive', ...base, '--engine', enginePath],
      join(dir, `naive-${name}.json`),
    );
    return [engine, naive] as [EngineResult, NaiveResult];
  };
  try {
    for (const n of options.sizes) {
      results.push(run(n, [], ''));
      if (options.networkPolicies) {
        withPolicies.push(
          run(n, ['--network-policies'], ' with NetworkPolicies'),
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printReport({ ...options, networkPolicies: false }, results);
  if (withPolicies.length) printNetworkPolicyReport(results, withPolicies);
  if (options.base) printBaseReport(options.base, compared);
  const failures = [...results, ...withPolicies].flatMap(([, n]) => [
    ...n.mismatches,
    ...n.crossCheck.examples,
  ]);
  if (failures.length) {
    log(
      `\nThe engine and the naive evaluator disagree:\n${failures
        .slice(0, 20)
        .join('\n')}`,
    );
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch(error => {
  log(String(error?.stack ?? error));
  process.exitCode = 1;
});
