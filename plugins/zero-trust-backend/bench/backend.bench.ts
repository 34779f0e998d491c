/**
 * `yarn bench:backend`: the zero-trust backend over a live (test) API server holding a
 * synthetic mesh, against Backstage's Kubernetes plugin backend reading the same server
 * for the same entities. Prints a markdown table for the package README.
 *
 *   yarn bench:backend [--workloads 10000] [--duration 10] [--node-flags=--max-old-space-size=400]
 *     [--base PATH]   (another checkout's plugin measured in the same run, printed beside)
 *
 * With `--clusters 1,10` and/or `--replicas 2 --database postgres://...`, it measures
 * instead how the backend grows with clusters and what replicas do (`scale.ts`).
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
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackendProcess } from './backendHandle';
import { Child } from './child';
import { scaleMain } from './scale';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '10' },
    // scale.ts: cluster counts (`1,10`), replicas over one PostgreSQL database.
    // Node flags for the zero-trust backend's process, with `--clusters` the largest
    // point's (`--node-flags=--cpu-prof,--max-old-space-size=400`).
    clusters: { type: 'string' },
    replicas: { type: 'string' },
    database: { type: 'string' },
    'node-flags': { type: 'string' },
    // Another checkout of this repository (installed): its plugin measured first, in the
    // same run, and its figures printed beside these (`--base ../before`); with
    // `--clusters`, each point's before and after back to back.
    base: { type: 'string' },
  },
});
const workloadCount = Number(values.workloads);
const duration = Number(values.duration);
const authorization = mockCredentials.user.header();

interface GeneratedWorkload {
  namespace: string;
  name: string;
  app: string;
  tier: string;
  ports: number[];
  peers: number[];
}

/** The API server in a child process, so RSS below is the backend's own. */
class ApiServerProcess {
  private constructor(private readonly child: Child) {}

  static async start(workloads: number) {
    const { child, ready } = await Child.start('apiServer.ts', [
      String(workloads),
    ]);
    return {
      server: new ApiServerProcess(child),
      connection: ready.connection as TestApiServerConnection,
      workloads: ready.workloads as GeneratedWorkload[],
      policies: ready.policies as number,
    };
  }

  async requests(): Promise<number> {
    return (await this.child.ask({ type: 'requests' })).count;
  }

  async apply(object: object): Promise<void> {
    await this.child.ask({ type: 'apply', object });
  }

  close(): Promise<void> {
    return this.child.close();
  }
}

function entity(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  };
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const ms = (n: number) => `${n < 10 ? n.toFixed(2) : Math.round(n)} ms`;

interface LoadResult {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  requests: number;
  apiCallsPerView: number;
}

async function load(
  api: ApiServerProcess,
  options: {
    url: string;
    method?: 'GET' | 'POST';
    body?: string;
    verify: (body: string) => boolean;
  },
  connections: number,
): Promise<LoadResult> {
  const before = await api.requests();
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    body: options.body,
    headers: { authorization, 'content-type': 'application/json' },
    connections,
    duration,
    verifyBody: body => options.verify(String(body ?? '')),
  });
  const calls = (await api.requests()) - before;
  return {
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    // Errors, non-2xx answers, and answers whose body failed the check.
    bad: result.errors + result.non2xx + (result.mismatches ?? 0),
    requests: result.requests.total,
    apiCallsPerView: result.requests.total
      ? calls / result.requests.total
      : NaN,
  };
}

const securityPath = (e: Entity) =>
  `/entities/component/default/${e.metadata.name}/security`;

/** What one zero-trust backend measured, from its start to its last change. */
interface Ours {
  synced: number;
  firstAnswer: number;
  loads: Record<string, LoadResult[]>;
  delays: number[];
  cpus: number[];
  peakRss: number;
  heapLive: number;
}

/**
 * Starts a zero-trust backend (this checkout's, or with `checkout` another's plugin, as
 * `--base` asks) over the API server and measures it; `label` keeps its probes apart.
 */
async function measureOurs(
  label: string,
  checkout: string | undefined,
  bench: {
    api: ApiServerProcess;
    connection: TestApiServerConnection;
    target: GeneratedWorkload;
    entities: Entity[];
  },
): Promise<Ours & { expectedWorkloads: number }> {
  const { api, connection, target, entities } = bench;
  const [byNamespace] = entities;
  const zt = await BackendProcess.start(
    'zero-trust',
    { zeroTrust: { clusters: [{ ...connection, name: 'bench' }] } },
    entities,
    values['node-flags']?.split(','),
    checkout,
  );
  const started = zt.started;
  const base = `http://127.0.0.1:${zt.port}/api/zero-trust`;
  const get = async (p: string) =>
    (await fetch(`${base}${p}`, { headers: { authorization } })).json();
  for (;;) {
    // A busy backend may drop a kept-alive connection as it is reused: ask again.
    const clusters = (await get('/clusters').catch(() => undefined)) as
      | ClustersResponse
      | undefined;
    const cluster = clusters?.items[0];
    if (cluster?.status.state === 'synced' && cluster.summary) break;
    await new Promise(r => setTimeout(r, 50));
  }
  const synced = Date.now() - started;
  const first = (await get(
    securityPath(byNamespace),
  )) as EntitySecurityResponse;
  const firstAnswer = Date.now() - started;
  const expectedWorkloads = first.clusters[0].workloads.length;
  const identity = first.clusters[0].workloads[0]?.identity ?? '';
  if (!expectedWorkloads) throw new Error('the entity selects no workload');

  // Warm up (two seconds per entity, not counted): the JIT, and the first answer's
  // preparation for the other entity, belong to no steady state.
  for (const e of entities) {
    await autocannon({
      url: `${base}${securityPath(e)}`,
      headers: { authorization },
      connections: 10,
      duration: 2,
    });
  }
  const loads: Record<string, LoadResult[]> = {};
  for (const e of entities) {
    loads[e.metadata.name] = [];
    for (const connections of [10, 50]) {
      loads[e.metadata.name].push(
        await load(
          api,
          {
            url: `${base}${securityPath(e)}`,
            // The answer must carry the workloads and the identity, not just be a 200.
            verify: body => {
              const parsed = JSON.parse(body) as EntitySecurityResponse;
              const ws = parsed.clusters[0]?.workloads ?? [];
              return (
                ws.length >= expectedWorkloads &&
                ws.some(w => w.identity === identity)
              );
            },
          },
          connections,
        ),
      );
    }
  }

  // Delay from a policy change on the API server to the endpoint's answer.
  const delays: number[] = [];
  // CPU of the backend's process over each change (the polling included): less inflated
  // than the wall clock where other jobs share the cores.
  const cpus: number[] = [];
  for (let i = 0; i < 5; i++) {
    const probe = `bench-probe-${label}-${i}`;
    const changed = Date.now();
    const cpu = (await zt.usage()).cpuMs;
    await api.apply({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: probe, namespace: target.namespace },
      spec: {
        selector: { matchLabels: { app: target.app } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { namespaces: [probe] } }] }],
      },
    });
    for (;;) {
      const view = (await get(securityPath(byNamespace)).catch(
        () => undefined,
      )) as EntitySecurityResponse | undefined;
      const callers = (view?.clusters[0].workloads ?? []).flatMap(
        w => w.allowedCallers,
      );
      if (
        callers.some(
          c => c.source.kind === 'namespace' && c.source.namespace === probe,
        )
      ) {
        break;
      }
      await new Promise(r => setTimeout(r, 10));
    }
    delays.push(Date.now() - changed);
    cpus.push((await zt.usage()).cpuMs - cpu);
  }
  const { peakRss } = await zt.usage();
  const heapLive = await zt.heapLive();
  await zt.close();
  delays.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return {
    synced,
    firstAnswer,
    loads,
    delays,
    cpus,
    peakRss,
    heapLive,
    expectedWorkloads,
  };
}

async function main() {
  const setupStart = Date.now();
  const {
    server: api,
    connection,
    workloads,
    policies,
  } = await ApiServerProcess.start(workloadCount);
  // A backend service that has callers, found by its app label.
  const target =
    workloads.find(
      w => w.tier === 'backend' && w.ports.length && w.peers.length,
    ) ?? workloads[0];
  const byNamespace = entity('bench-namespaced', {
    'backstage.io/kubernetes-label-selector': `app=${target.app}`,
    'backstage.io/kubernetes-namespace': target.namespace,
  });
  const byLabel = entity('bench-label', {
    'backstage.io/kubernetes-label-selector': `app=${target.app}`,
  });
  const entities = [byNamespace, byLabel];
  console.error(
    `API server: ${workloadCount} workloads, ${policies} AuthorizationPolicies (${
      (Date.now() - setupStart) / 1000
    } s to generate and load)`,
  );

  // --- zero-trust backend, and with --base the other checkout's first ----------------
  const bench = { api, connection, target, entities };
  const before = values.base
    ? await measureOurs('base', path.resolve(values.base), bench)
    : undefined;
  const ours = await measureOurs('new', undefined, bench);
  const { expectedWorkloads } = ours;

  // --- Backstage's Kubernetes plugin backend, same server, same entities -----------------
  const k8s = await BackendProcess.start(
    'kubernetes',
    {
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'bench',
                url: connection.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: connection.serviceAccountToken,
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    },
    entities,
  );
  const k8sBase = `http://127.0.0.1:${k8s.port}/api/kubernetes`;
  const theirs: Record<string, LoadResult[]> = {};
  for (const e of entities) {
    theirs[e.metadata.name] = [];
    for (const connections of [10, 50]) {
      theirs[e.metadata.name].push(
        await load(
          api,
          {
            url: `${k8sBase}/services/${e.metadata.name}`,
            method: 'POST',
            body: JSON.stringify({ entity: e }),
            // The same workloads must come back: the Deployments the selector picks.
            verify: body => {
              const parsed = JSON.parse(body);
              const deployments = (parsed.items?.[0]?.resources ?? []).find(
                (r: { type: string }) => r.type === 'deployments',
              );
              return (deployments?.resources?.length ?? 0) >= expectedWorkloads;
            },
          },
          connections,
        ),
      );
    }
  }
  await k8s.close();
  await api.close();

  // --- report -------------------------------------------------------------------------
  // With --base, the other checkout's figures and after / before beside ours.
  const rows: string[] = [];
  const row = (...cells: string[]) => rows.push(`| ${cells.join(' | ')} |`);
  const compare = (
    measure: string,
    value: (o: Ours) => number,
    format: (n: number) => string,
    theirsCell = '',
    theirsRatio = '',
  ) =>
    row(
      measure,
      ...(before
        ? [
            format(value(before)),
            format(value(ours)),
            value(before) ? (value(ours) / value(before)).toFixed(2) : '',
          ]
        : [format(value(ours))]),
      theirsCell,
      theirsRatio,
    );
  row(
    'measure',
    ...(before
      ? [`before (${values.base})`, 'zero-trust backend', 'after / before']
      : ['zero-trust backend']),
    'Kubernetes plugin backend',
    'zero-trust / Kubernetes plugin',
  );
  row(...Array(before ? 6 : 4).fill('---'));
  compare(
    'time to first sync',
    o => o.synced,
    ms,
    'n/a (reads on each request)',
  );
  compare(
    'time to first security answer (sync + model + view)',
    o => o.firstAnswer,
    ms,
  );
  compare('peak RSS of the backend process', o => o.peakRss, mib);
  compare(
    'heap live at the end (after a full collection)',
    o => o.heapLive,
    mib,
  );
  for (const e of entities) {
    const how =
      e === byNamespace ? 'namespace annotation' : 'label selector alone';
    ours.loads[e.metadata.name].forEach((r, i) => {
      const t = theirs[e.metadata.name][i];
      const at = (o: Ours) => o.loads[e.metadata.name][i];
      compare(
        `${how}, ${r.connections} connections: req/s`,
        o => at(o).rps,
        n => n.toFixed(0),
        t.rps.toFixed(0),
        `${(r.rps / t.rps).toFixed(1)}×`,
      );
      compare(
        `${how}, ${r.connections} connections: p99`,
        o => at(o).p99,
        ms,
        ms(t.p99),
        `${(t.p99 / r.p99).toFixed(1)}× lower`,
      );
      compare(
        `${how}, ${r.connections} connections: p50`,
        o => at(o).p50,
        ms,
        ms(t.p50),
      );
      compare(
        `${how}, ${r.connections} connections: API server calls per page view`,
        o => at(o).apiCallsPerView,
        n => n.toFixed(2),
        t.apiCallsPerView.toFixed(2),
      );
      compare(
        `${how}, ${r.connections} connections: bad answers`,
        o => at(o).bad,
        n => n.toFixed(0),
        `${t.bad} of ${t.requests}`,
      );
    });
  }
  compare(
    'policy change → endpoint answer, median of 5',
    o => o.delays[2],
    ms,
    'next request',
  );
  compare('policy change → endpoint answer, max of 5', o => o.delays[4], ms);
  compare(
    'policy change → endpoint answer: CPU of the backend, median of 5',
    o => o.cpus[2],
    ms,
  );
  console.log(
    `\n${workloadCount} workloads, ${policies} AuthorizationPolicies; entity selects ${expectedWorkloads} workload(s); ${duration} s per load run; load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(', ')} at the end\n`,
  );
  console.log(rows.join('\n'));
  const bad = [ours, ...(before ? [before] : [])]
    .flatMap(o => Object.values(o.loads).flat())
    .some(r => r.bad > 0);
  if (bad) {
    console.error('a zero-trust backend gave bad answers');
    process.exitCode = 1;
  }
}

(values.clusters || values.replicas
  ? scaleMain({
      workloads: workloadCount,
      duration,
      clusters: (values.clusters ?? '').split(',').filter(Boolean).map(Number),
      replicas: values.replicas ? Number(values.replicas) : undefined,
      database: values.database,
      nodeFlags: values['node-flags']?.split(','),
      base: values.base && path.resolve(values.base),
    })
  : main()
).then(
  () => process.exit(),
  error => {
    console.error(error);
    process.exit(1);
  },
);
