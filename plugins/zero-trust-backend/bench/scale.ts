/**
 * `yarn bench:backend --clusters 1,10` and `--replicas 2 --database URL`: how the backend
 * grows with the number of clusters it reads, and what two replicas over one database do.
 * Each cluster is a test API server in its own process, holding the synthetic mesh in a
 * trust domain of its own; each backend replica is a process of its own
 * (`backendProcess.ts`), so its RSS is its own. Prints markdown tables for the README.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  ClustersResponse,
  EntitySecurityResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type { TestApiServerConnection } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import autocannon from 'autocannon';
import os from 'node:os';
import { BackendProcess } from './backendHandle';
import { Child } from './child';

const authorization = mockCredentials.user.header();

const progress = (message: string) =>
  console.error(`${new Date().toISOString()} ${message}`);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const ms = (n: number) =>
  n >= 10_000
    ? `${(n / 1000).toFixed(1)} s`
    : `${n < 10 ? n.toFixed(2) : Math.round(n)} ms`;
const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}`;
const loadavg = (l: number[]) => l.map(x => x.toFixed(1)).join(', ');

export interface ScaleOptions {
  workloads: number;
  duration: number;
  /** The cluster counts to measure, one backend each, in this order (may be none). */
  clusters: number[];
  /** Backend replicas over one database (with `database`). */
  replicas?: number;
  /** A PostgreSQL connection string the replicas share. */
  database?: string;
  /** Node flags for the backend process of the largest point (`--cpu-prof`...). */
  nodeFlags?: string[];
  /**
   * Another checkout of this repository (installed): each point measured with its plugin
   * first, then with this one's, back to back (`--base ../before`).
   */
  base?: string;
}

interface GeneratedWorkload {
  namespace: string;
  app: string;
  tier: string;
  ports: number[];
  peers: number[];
}

interface Cluster {
  name: string;
  trustDomain: string;
  server: Child;
  connection: TestApiServerConnection;
  workloads: GeneratedWorkload[];
  policies: number;
}

/** N test API servers, each its own process and trust domain, started side by side. */
async function startClusters(n: number, workloads: number): Promise<Cluster[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const name = `bench-${i}`;
      const trustDomain = `${name}.example`;
      const { child, ready } = await Child.start('apiServer.ts', [
        String(workloads),
        trustDomain,
      ]);
      return {
        name,
        trustDomain,
        server: child,
        connection: ready.connection,
        workloads: ready.workloads,
        policies: ready.policies,
      };
    }),
  );
}

const apiRequests = async (clusters: Cluster[]) =>
  (
    await Promise.all(clusters.map(c => c.server.ask({ type: 'requests' })))
  ).reduce((sum, m) => sum + m.count, 0);

function entity(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  };
}

/** A backend service with callers, found in every cluster (all hold the same mesh). */
function entities(cluster: Cluster) {
  const target =
    cluster.workloads.find(
      w => w.tier === 'backend' && w.ports.length && w.peers.length,
    ) ?? cluster.workloads[0];
  const annotations = {
    'backstage.io/kubernetes-label-selector': `app=${target.app}`,
    'backstage.io/kubernetes-namespace': target.namespace,
  };
  return {
    target,
    // Runs in every cluster: its answer holds each cluster's workloads.
    everywhere: entity('bench-everywhere', annotations),
    // Pinned to the first cluster, as `backstage.io/kubernetes-cluster` pins it.
    pinned: entity('bench-pinned', {
      ...annotations,
      'backstage.io/kubernetes-cluster': 'bench-0',
    }),
  };
}

const securityPath = (e: Entity) =>
  `/api/zero-trust/entities/component/default/${e.metadata.name}/security`;

class Replica {
  private constructor(
    readonly backend: BackendProcess,
    readonly base: string,
    readonly started: number,
  ) {}

  static async start(
    clusters: Cluster[],
    es: Entity[],
    options: { database?: string; execArgv?: string[]; checkout?: string } = {},
  ) {
    const config = {
      zeroTrust: {
        clusters: clusters.map(c => ({ ...c.connection, name: c.name })),
      },
      ...(options.database
        ? {
            backend: {
              database: { client: 'pg', connection: options.database },
            },
          }
        : {}),
    };
    const backend = await BackendProcess.start(
      'zero-trust',
      config,
      es,
      options.execArgv,
      options.checkout,
    );
    return new Replica(
      backend,
      `http://127.0.0.1:${backend.port}`,
      backend.started,
    );
  }

  async get(p: string): Promise<any> {
    return (await fetch(`${this.base}${p}`, { headers: { authorization } }))
      .json()
      .catch(() => undefined);
  }

  /** Milliseconds from the process's start until every cluster is synced. */
  async synced(): Promise<number> {
    for (;;) {
      // A busy backend may drop a kept-alive connection as it is reused: ask again.
      const clusters = (await this.get('/api/zero-trust/clusters').catch(
        () => undefined,
      )) as ClustersResponse | undefined;
      if (
        clusters?.items.length &&
        clusters.items.every(c => c.status.state === 'synced' && c.summary)
      ) {
        return Date.now() - this.started;
      }
      await new Promise(r => setTimeout(r, 50));
    }
  }

  async security(e: Entity): Promise<EntitySecurityResponse | undefined> {
    return this.get(securityPath(e)).catch(() => undefined);
  }

  memory() {
    return this.backend.usage();
  }
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  requests: number;
}

/** The answer must hold the workloads of each cluster, with their own identities. */
function verifier(expected: EntitySecurityResponse) {
  const want = expected.clusters.map(c => ({
    cluster: c.cluster,
    count: c.workloads.length,
    identity: c.workloads[0]?.identity,
  }));
  return (body: string) => {
    const parsed = JSON.parse(body) as EntitySecurityResponse;
    return want.every(w => {
      const got = parsed.clusters.find(c => c.cluster === w.cluster);
      return (
        got &&
        got.workloads.length >= w.count &&
        got.workloads.some(x => x.identity === w.identity)
      );
    });
  };
}

async function load(
  urls: string[],
  verify: (body: string) => boolean,
  connections: number,
  duration: number,
): Promise<Load> {
  // One autocannon per URL at once, the connections split evenly between them: a client
  // spreading its requests round robin over the replicas, without a proxy in between
  // taking a share of the two cores.
  const results = await Promise.all(
    urls.map(url =>
      autocannon({
        url,
        headers: { authorization },
        connections: Math.max(1, Math.round(connections / urls.length)),
        duration,
        verifyBody: body => verify(String(body ?? '')),
      }),
    ),
  );
  return {
    rps: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map(r => r.latency.p50)),
    p99: Math.max(...results.map(r => r.latency.p99)),
    bad: results.reduce(
      (s, r) => s + r.errors + r.non2xx + (r.mismatches ?? 0),
      0,
    ),
    requests: results.reduce((s, r) => s + r.requests.total, 0),
  };
}

/** Applies a policy naming a new namespace in the first cluster: the probe's caller. */
async function applyProbe(
  cluster: Cluster,
  target: GeneratedWorkload,
  i: number,
) {
  const probe = `bench-probe-${i}`;
  await cluster.server.ask({
    type: 'apply',
    object: {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: probe, namespace: target.namespace },
      spec: {
        selector: { matchLabels: { app: target.app } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { namespaces: [probe] } }] }],
      },
    },
  });
  return probe;
}

async function waitForProbe(replica: Replica, e: Entity, probe: string) {
  for (;;) {
    const view = await replica.security(e);
    const callers = (
      view?.clusters.find(c => c.cluster === 'bench-0')?.workloads ?? []
    ).flatMap(w => w.allowedCallers);
    if (
      callers.some(
        c => c.source.kind === 'namespace' && c.source.namespace === probe,
      )
    ) {
      return;
    }
    await new Promise(r => setTimeout(r, 10));
  }
}

interface Point {
  clusters: number;
  workloads: number;
  policies: number;
  synced: number;
  firstAnswer: number;
  everywhere: Load;
  pinned: Load;
  delays: number[];
  peakRss: number;
  heapUsed: number;
  apiRequests: number;
  load: number[];
}

async function measurePoint(
  n: number,
  options: ScaleOptions,
  execArgv?: string[],
  checkout?: string,
): Promise<Point> {
  const clusters = await startClusters(n, options.workloads);
  const { target, everywhere, pinned } = entities(clusters[0]);
  const replica = await Replica.start(clusters, [everywhere, pinned], {
    execArgv,
    checkout,
  });
  try {
    const synced = await replica.synced();
    progress(`synced after ${ms(synced)}`);
    const first = await replica.security(everywhere);
    const firstAnswer = Date.now() - replica.started;
    progress(`first answer after ${ms(firstAnswer)}`);
    if (!first) throw new Error('the first security answer failed');
    // Each cluster's workloads, under its own trust domain: the clusters are distinct.
    for (const c of clusters) {
      const identity = first.clusters.find(x => x.cluster === c.name)
        ?.workloads[0]?.identity;
      if (!identity?.startsWith(`spiffe://${c.trustDomain}/`)) {
        throw new Error(`cluster ${c.name}: no workload of ${c.trustDomain}`);
      }
    }
    const firstPinned = (await replica.security(pinned))!;
    const before = await apiRequests(clusters);
    const url = (e: Entity) => `${replica.base}${securityPath(e)}`;
    const loadEverywhere = await load(
      [url(everywhere)],
      verifier(first),
      10,
      options.duration,
    );
    const loadPinned = await load(
      [url(pinned)],
      verifier(firstPinned),
      10,
      options.duration,
    );
    const calls = (await apiRequests(clusters)) - before;
    progress(
      `loaded: ${loadEverywhere.rps.toFixed(0)} and ${loadPinned.rps.toFixed(
        0,
      )} req/s`,
    );
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const changed = Date.now();
      const probe = await applyProbe(clusters[0], target, i);
      await waitForProbe(replica, pinned, probe);
      delays.push(Date.now() - changed);
      progress(`policy change ${i + 1} answered after ${ms(delays[i])}`);
    }
    const memory = await replica.memory();
    return {
      clusters: n,
      workloads: clusters.reduce((s, c) => s + c.workloads.length, 0),
      policies: clusters.reduce((s, c) => s + c.policies, 0),
      synced,
      firstAnswer,
      everywhere: loadEverywhere,
      pinned: loadPinned,
      delays: delays.sort((a, b) => a - b),
      peakRss: memory.peakRss,
      heapUsed: memory.heapUsed,
      apiRequests: calls,
      load: os.loadavg(),
    };
  } finally {
    await replica.backend.close();
    await Promise.all(clusters.map(c => c.server.close()));
  }
}

function table(rows: string[][]): string {
  return rows
    .map((cells, i) =>
      i === 1
        ? `| ${rows[0].map(() => '---').join(' | ')} |`
        : `| ${cells.join(' | ')} |`,
    )
    .join('\n');
}

function scaleTable(points: Point[]): string {
  const [base] = points;
  const rows: string[][] = [
    [
      'measure',
      ...points.map(
        p =>
          `${p.clusters} cluster${p.clusters > 1 ? 's' : ''} (${
            p.workloads
          } workloads, ${p.policies} policies)`,
      ),
      ...points
        .slice(1)
        .map(p => `×${p.clusters} / ×${base.clusters} clusters`),
    ],
    [],
  ];
  const row = (name: string, f: (p: Point) => number, show = ms) =>
    rows.push([
      name,
      ...points.map(p => show(f(p))),
      ...points.slice(1).map(p => ratio(f(base), f(p))),
    ]);
  row('time to first sync (every cluster)', p => p.synced);
  row('time to first security answer', p => p.firstAnswer);
  row('policy change → answer, median of 5', p => p.delays[2]);
  row('policy change → answer, max of 5', p => p.delays[4]);
  row('peak RSS of the backend process', p => p.peakRss, mib);
  row('heap used at the end', p => p.heapUsed, mib);
  row(
    'entity in every cluster, 10 connections: req/s',
    p => p.everywhere.rps,
    n => n.toFixed(0),
  );
  row('entity in every cluster, 10 connections: p99', p => p.everywhere.p99);
  row(
    'entity pinned to one cluster, 10 connections: req/s',
    p => p.pinned.rps,
    n => n.toFixed(0),
  );
  row('entity pinned to one cluster, 10 connections: p99', p => p.pinned.p99);
  rows.push([
    'bad answers / requests; API server calls while loaded',
    ...points.map(
      p =>
        `${p.everywhere.bad + p.pinned.bad} / ${
          p.everywhere.requests + p.pinned.requests
        }; ${p.apiRequests}`,
    ),
    ...points.slice(1).map(() => ''),
  ]);
  rows.push([
    'load average (1, 5, 15 min) at the end',
    ...points.map(p => loadavg(p.load)),
    ...points.slice(1).map(() => ''),
  ]);
  return table(rows);
}

async function measureReplicas(options: ScaleOptions): Promise<string> {
  const replicas = options.replicas ?? 2;
  const clusters = await startClusters(
    options.clusters[0] ?? 1,
    options.workloads,
  );
  const { target, everywhere } = entities(clusters[0]);
  const started: Replica[] = [];
  const rows: string[][] = [
    [
      'measure',
      ...Array.from({ length: replicas }, (_, i) => `replica ${i + 1}`),
    ],
    [],
  ];
  try {
    const firsts: EntitySecurityResponse[] = [];
    const synced: number[] = [];
    const answered: number[] = [];
    const calls: number[] = [];
    // One after the other, as a rollout starts them (replicas starting at the same
    // instant on an empty database can race on the scheduler's table creation).
    for (let i = 0; i < replicas; i++) {
      const before = await apiRequests(clusters);
      const replica = await Replica.start(clusters, [everywhere], {
        database: options.database,
      });
      started.push(replica);
      synced.push(await replica.synced());
      firsts.push((await replica.security(everywhere))!);
      answered.push(Date.now() - replica.started);
      progress(`replica ${i + 1}: first answer after ${ms(answered[i])}`);
      calls.push((await apiRequests(clusters)) - before);
    }
    // The same answer from each: workloads, identities, callers, findings (the status
    // carries each replica's own sync times, so it is left out).
    const comparable = (r: EntitySecurityResponse) =>
      JSON.stringify(r.clusters.map(({ status: _, ...rest }) => rest));
    const same = firsts.every(f => comparable(f) === comparable(firsts[0]));
    // A change reaches each replica through its own watch.
    const changed = Date.now();
    const probe = await applyProbe(clusters[0], target, 0);
    const delays = await Promise.all(
      started.map(async r => {
        await waitForProbe(r, everywhere, probe);
        return Date.now() - changed;
      }),
    );
    const afterChange = await Promise.all(
      started.map(r => r.security(everywhere)),
    );
    const sameAfter = afterChange.every(
      f => f && comparable(f) === comparable(afterChange[0]!),
    );
    const url = (r: Replica) => `${r.base}${securityPath(everywhere)}`;
    const verify = verifier(firsts[0]);
    const one = await load([url(started[0])], verify, 10, options.duration);
    const all = await load(started.map(url), verify, 10, options.duration);
    const memory = await Promise.all(started.map(r => r.memory()));

    const row = (name: string, values: string[]) =>
      rows.push([name, ...values]);
    row('time to first sync', synced.map(ms));
    row('time to first security answer', answered.map(ms));
    row(
      'API server requests while starting (lists, watches)',
      calls.map(String),
    );
    row('policy change → answer', delays.map(ms));
    row(
      'peak RSS',
      memory.map(m => mib(m.peakRss)),
    );
    row(
      'the same answer as replica 1 (at start; after the change)',
      started.map(() => `${same ? 'yes' : 'NO'}; ${sameAfter ? 'yes' : 'NO'}`),
    );
    const loadRows = [
      [
        'one replica, 10 connections',
        `${one.rps.toFixed(0)} req/s, p50 ${ms(one.p50)}, p99 ${ms(
          one.p99,
        )}, bad ${one.bad} / ${one.requests}`,
      ],
      [
        `${replicas} replicas round robin, 10 connections`,
        `${all.rps.toFixed(0)} req/s, p50 ${ms(all.p50)}, p99 ${ms(
          all.p99,
        )}, bad ${all.bad} / ${all.requests}`,
      ],
      ['ratio', `${(all.rps / one.rps).toFixed(2)}× req/s`],
    ];
    return `${table(rows)}\n\n${table([
      ['throughput (entity in every cluster)', 'measured'],
      [],
      ...loadRows,
    ])}\n\nload average (1, 5, 15 min) at the end: ${loadavg(os.loadavg())}; ${
      clusters.length
    } cluster(s) of ${options.workloads} workloads; ${
      options.duration
    } s per load run`;
  } finally {
    for (const r of started) await r.backend.close();
    await Promise.all(clusters.map(c => c.server.close()));
  }
}

/**
 * Each measure's growth from the first point to each other, before (`--base`) and after:
 * what a change made of the growth with clusters, measured in the same run.
 */
function growthTable(base: Point[], ours: Point[]): string {
  const rows: string[][] = [
    [
      'measure',
      ...ours
        .slice(1)
        .flatMap(p => [
          `before: ×${p.clusters} / ×${ours[0].clusters} clusters`,
          `after: ×${p.clusters} / ×${ours[0].clusters} clusters`,
        ]),
    ],
    [],
  ];
  const row = (name: string, f: (p: Point) => number) =>
    rows.push([
      name,
      ...ours
        .slice(1)
        .flatMap((p, i) => [
          ratio(f(base[0]), f(base[i + 1])),
          ratio(f(ours[0]), f(p)),
        ]),
    ]);
  row('time to first security answer', p => p.firstAnswer);
  row('policy change → answer, median of 5', p => p.delays[2]);
  row('policy change → answer, max of 5', p => p.delays[4]);
  row('peak RSS of the backend process', p => p.peakRss);
  return table(rows);
}

/**
 * Runs the points one after the other (never two backends at once), then the replicas.
 * With `base`, each point is measured with the other checkout's plugin and then with
 * this one's, back to back, so that both see about the same load on the machine.
 */
export async function scaleMain(options: ScaleOptions): Promise<void> {
  const points: Point[] = [];
  const before: Point[] = [];
  const largest = Math.max(0, ...options.clusters);
  for (const n of options.clusters) {
    const flags = n === largest ? options.nodeFlags : undefined;
    if (options.base) {
      console.error(
        `measuring ${n} cluster(s) of ${options.workloads} workloads, before (${options.base})`,
      );
      before.push(await measurePoint(n, options, flags, options.base));
      console.error(`load average: ${loadavg(os.loadavg())}`);
    }
    console.error(
      `measuring ${n} cluster(s) of ${options.workloads} workloads`,
    );
    points.push(await measurePoint(n, options, flags));
    console.error(`load average: ${loadavg(os.loadavg())}`);
  }
  const delays = (ps: Point[]) =>
    ps.map(p => `${p.clusters}: ${p.delays.join(', ')}`).join('; ');
  if (before.length) {
    console.log(`\nbefore (${options.base}):\n\n${scaleTable(before)}\n`);
    console.log(`policy change delays before (ms): ${delays(before)}`);
    console.log(`\nafter (this checkout):`);
  }
  if (points.length) {
    console.log(`\n${scaleTable(points)}\n`);
    console.log(`policy change delays (ms): ${delays(points)}`);
  }
  if (before.length > 1) {
    console.log(`\n${growthTable(before, points)}\n`);
  }
  if (options.replicas) {
    if (!options.database) {
      throw new Error(
        '--replicas needs --database postgres://USER:PASSWORD@127.0.0.1:PORT: replicas share one PostgreSQL database',
      );
    }
    console.error(`measuring ${options.replicas} replicas over one database`);
    console.log(`\n${await measureReplicas(options)}\n`);
  }
}
