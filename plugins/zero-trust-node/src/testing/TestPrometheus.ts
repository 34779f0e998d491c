import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MetricSeries, seriesText } from './istioMetricsText';

/** A counter's increase at one moment of the scripted history. */
export interface ScriptedCount extends MetricSeries {
  at: Date;
  count: number;
}

/** @public */
export interface TestPrometheusOptions {
  /**
   * The traffic history: each counter's increases. Those before the start are written
   * into the data folder before Prometheus starts (`promtool tsdb create-blocks-from
   * openmetrics`); the exporter then serves each counter's total, scraped every second.
   */
  history?: ScriptedCount[];
  /** The proxy in front refuses requests without `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** The interval of the written history's samples (default 5 minutes). */
  sampleIntervalSeconds?: number;
}

const job = 'istio-mesh';
const instance = 'test-exporter';

/**
 * Debian's `prometheus` binary (`ZERO_TRUST_PROMETHEUS` overrides it; `node
 * scripts/run.cjs test` installs the package when missing), `promtool` beside it.
 */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const prometheus = process.env.ZERO_TRUST_PROMETHEUS || '/usr/bin/prometheus';
  const promtool =
    process.env.ZERO_TRUST_PROMTOOL ||
    path.join(path.dirname(prometheus), 'promtool');
  for (const binary of [prometheus, promtool]) {
    if (!fs.existsSync(binary)) {
      throw new Error(
        `${binary} not found: these tests need Debian's prometheus package (sudo apt-get install -y prometheus; node scripts/run.cjs test installs it)`,
      );
    }
  }
  return { prometheus, promtool };
}

/** Whether Debian's prometheus is installed (the demo starts it only then). */
export function hasPrometheus(): boolean {
  try {
    prometheusBinaries();
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * An exporter serving Istio's metrics text: each counter's current total, as a
 * sidecar's `/stats/prometheus` would. `add` raises a counter now.
 */
export class TestIstioExporter {
  private readonly totals = new Map<string, number>();
  private readonly server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(this.text());
  });
  port = 0;

  /** @internal */
  async listen(): Promise<void> {
    this.port = await listen(this.server);
  }

  /** Raises a counter by `count` now. */
  add(series: MetricSeries, count: number): void {
    const key = seriesText(withTarget(series));
    this.totals.set(key, (this.totals.get(key) ?? 0) + count);
  }

  /** The exposition text: one line per counter. */
  text(): string {
    return [...this.totals.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, total]) => `${key} ${total}\n`)
      .join('');
  }

  async close(): Promise<void> {
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}

/** The job and instance labels the scrape gives (kept: `honor_labels`), so history and scrapes are one series. */
function withTarget(series: MetricSeries): MetricSeries {
  return { ...series, labels: { ...series.labels, job, instance } };
}

/**
 * The history as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`:
 * each counter from 0 one interval before its first increase, sampled every interval
 * up to `end`, so that `increase()` over any part of it is what happened there.
 */
export function historyOpenMetrics(
  history: ScriptedCount[],
  end: Date,
  intervalSeconds: number,
): string {
  const bySeries = new Map<string, ScriptedCount[]>();
  for (const h of history) {
    const key = seriesText(withTarget(h));
    const list = bySeries.get(key) ?? [];
    list.push(h);
    bySeries.set(key, list);
  }
  const endS = Math.floor(end.getTime() / 1000);
  const lines: string[] = [];
  // Series of one metric stay together, as OpenMetrics wants its families.
  for (const key of [...bySeries.keys()].sort()) {
    const events = bySeries
      .get(key)!
      .map(e => ({ t: e.at.getTime() / 1000, count: e.count }))
      .sort((a, b) => a.t - b.t);
    let t =
      Math.floor(events[0].t / intervalSeconds) * intervalSeconds -
      intervalSeconds;
    let total = 0;
    let next = 0;
    for (; t <= endS; t += intervalSeconds) {
      while (next < events.length && events[next].t <= t) {
        total += events[next++].count;
      }
      lines.push(`${key} ${total} ${t}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/**
 * A real Prometheus (Debian's binary) on a free 127.0.0.1 port with a temporary data
 * folder, scraping a `TestIstioExporter` every second, its scripted history written
 * into the data folder before it starts. `stop()` ends it by its PID and removes the
 * folder.
 *
 * @public
 */
export class TestPrometheus {
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly exporter: TestIstioExporter,
    private readonly prometheusPort: number,
    private readonly proxy?: http.Server,
    private readonly proxyPort?: number,
    private readonly output: string[] = [],
    private readonly counter: { queries: number } = { queries: 0 },
  ) {}

  /** Where clients reach it: the proxy in front, which counts their queries. */
  get url(): string {
    return `http://127.0.0.1:${this.proxyPort ?? this.prometheusPort}`;
  }

  /** The `/api/v1/query` requests clients made through `url`. */
  get queryCount(): number {
    return this.counter.queries;
  }

  /** The PID of the Prometheus process. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(
    options: TestPrometheusOptions = {},
  ): Promise<TestPrometheus> {
    const { prometheus, promtool } = prometheusBinaries();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-prometheus-'));
    const exporter = new TestIstioExporter();
    try {
      await exporter.listen();
      const now = new Date();
      const past = (options.history ?? []).filter(h => h.at < now);
      for (const h of options.history ?? []) exporter.add(h, h.count);
      if (past.length) {
        const file = path.join(dir, 'history.om');
        fs.writeFileSync(
          file,
          historyOpenMetrics(
            past,
            new Date(now.getTime() - 1000),
            options.sampleIntervalSeconds ?? 300,
          ),
        );
        const made = spawnSync(
          promtool,
          [
            'tsdb',
            'create-blocks-from',
            'openmetrics',
            '--quiet',
            file,
            path.join(dir, 'data'),
          ],
          { encoding: 'utf8' },
        );
        if (made.status !== 0) {
          throw new Error(
            `promtool could not write the history: ${made.stderr.trim()}`,
          );
        }
      }
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          '  evaluation_interval: 1s',
          'scrape_configs:',
          `  - job_name: ${job}`,
          '    honor_labels: true',
          '    static_configs:',
          `      - targets: ['127.0.0.1:${exporter.port}']`,
          '',
        ].join('\n'),
      );
      const port = await freePort();
      const output: string[] = [];
      const child = spawn(
        prometheus,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          '--storage.tsdb.retention.time=400d',
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child.stderr!.on('data', chunk => {
        output.push(String(chunk));
        if (output.length > 200) output.shift();
      });
      const counter = { queries: 0 };
      const proxy = countingProxy(port, counter, options.bearerToken);
      const proxyPort = await listen(proxy);
      const started = new TestPrometheus(
        child,
        dir,
        exporter,
        port,
        proxy,
        proxyPort,
        output,
        counter,
      );
      await started.ready();
      return started;
    } catch (error) {
      await exporter.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Polls until Prometheus answers and has scraped the exporter once. */
  private async ready(): Promise<void> {
    const deadline = Date.now() + 120_000;
    const base = `http://127.0.0.1:${this.prometheusPort}`;
    for (;;) {
      if (this.child.exitCode !== null) {
        await this.stop();
        throw new Error(
          `prometheus exited (${this.child.exitCode}): ${this.output
            .join('')
            .trim()
            .slice(-500)}`,
        );
      }
      try {
        const res = await fetch(
          `${base}/api/v1/query?query=${encodeURIComponent(
            `up{job="${job}"} == 1`,
          )}`,
        );
        if (res.ok) {
          const body = (await res.json()) as any;
          if (body.data?.result?.length) return;
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error('prometheus did not scrape the exporter within 120 s');
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }

  /** Polls an instant query until `until` accepts its result (default: any series). */
  async waitFor(
    promql: string,
    until: (
      result: { metric: Record<string, string>; value: [number, string] }[],
    ) => boolean = r => r.length > 0,
    timeoutMs = 60_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const base = `http://127.0.0.1:${this.prometheusPort}`;
    for (;;) {
      const res = await fetch(
        `${base}/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      const body = (await res.json()) as any;
      if (body.status === 'success' && until(body.data.result)) return;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${promql}`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  }

  /**
   * For a process that is exiting (no promise will be awaited): signals Prometheus by
   * its PID and removes the data folder, as far as it can at once.
   */
  kill(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Stops Prometheus (by its PID), the exporter and the proxy, and removes the data folder. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      const exited = new Promise<void>(resolve =>
        this.child.once('exit', () => resolve()),
      );
      process.kill(this.child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (this.child.exitCode === null && this.child.pid !== undefined) {
          process.kill(this.child.pid, 'SIGKILL');
        }
      }, 20_000);
      await exited;
      clearTimeout(timer);
    }
    await this.exporter.close().catch(() => {});
    if (this.proxy) {
      await new Promise<void>(resolve => this.proxy!.close(() => resolve()));
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A reverse proxy that counts queries and, given a token, lets through only requests carrying it. */
function countingProxy(
  target: number,
  counter: { queries: number },
  token?: string,
): http.Server {
  return http.createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/query')) counter.queries++;
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res
        .writeHead(401, { 'content-type': 'text/plain' })
        .end('Unauthorized\n');
      return;
    }
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target,
        path: req.url,
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name]) => name !== 'authorization' && name !== 'host',
          ),
        ),
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
}

/** Starts a `TestPrometheus`. @public */
export function startTestPrometheus(
  options?: TestPrometheusOptions,
): Promise<TestPrometheus> {
  return TestPrometheus.start(options);
}
