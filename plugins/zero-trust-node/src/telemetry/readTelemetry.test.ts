import net from 'node:net';
import {
  TestPrometheus,
  dryRunSeries,
  istioSeries,
  startTestPrometheus,
} from '../testing';
import { PrometheusClient } from './PrometheusClient';
import { readDryRunResults } from './dryRunStats';
import { lastSeenStep, readObservedTraffic } from './istioMetrics';

const hour = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * hour);

const api = { namespace: 'shop', workload: 'api', port: 8080 };
const web = {
  principal: 'cluster.local/ns/shop/sa/web',
  namespace: 'shop',
  workload: 'web',
};
const intruder = {
  principal: 'cluster.local/ns/intruder/sa/x',
  namespace: 'intruder',
  workload: 'x',
};
const old = {
  principal: 'cluster.local/ns/batch/sa/report',
  namespace: 'batch',
  workload: 'report',
};
const late = {
  principal: 'cluster.local/ns/shop/sa/late',
  namespace: 'shop',
  workload: 'late',
};

// Over a 7-day window last seen is read in steps of this length, which Prometheus aligns
// to multiples of it: `lateAt` is ten minutes into one such step, about three hours ago.
const weekStepMs = Number.parseInt(lastSeenStep('7d'), 10) * 1000;
const lateAt = new Date(
  Math.floor((Date.now() - 3 * hour) / weekStepMs) * weekStepMs + 10 * 60_000,
);

describe('the telemetry reader against a real Prometheus', () => {
  let prom: TestPrometheus;
  beforeAll(async () => {
    prom = await startTestPrometheus({
      history: [
        {
          ...istioSeries({ source: web, destination: api }),
          at: ago(26),
          count: 10,
        },
        {
          ...istioSeries({ source: web, destination: api }),
          at: ago(3),
          count: 20,
        },
        {
          ...istioSeries({
            source: intruder,
            destination: api,
            responseCode: 403,
          }),
          at: ago(5),
          count: 12,
        },
        {
          ...istioSeries({ destination: api, mtls: false }),
          at: ago(2),
          count: 7,
        },
        // Ambient: the waypoint reports the request it handled.
        {
          ...istioSeries({
            source: web,
            destination: { namespace: 'orders', workload: 'orders-api' },
            reporter: 'waypoint',
          }),
          at: ago(6),
          count: 8,
        },
        // Reported by the client's proxy: the destination's report is the one read.
        {
          ...istioSeries({ source: web, destination: api }),
          labels: {
            ...istioSeries({ source: web, destination: api }).labels,
            reporter: 'source',
          },
          at: ago(6),
          count: 30,
        },
        // Seen only after the last step boundary before the query below.
        {
          ...istioSeries({ source: late, destination: api }),
          at: lateAt,
          count: 3,
        },
        // Seen four days ago: outside a two-day window.
        {
          ...istioSeries({ source: old, destination: api }),
          at: ago(96),
          count: 50,
        },
        {
          ...istioSeries({
            protocol: 'tcp',
            source: {
              principal: 'cluster.local/ns/shop/sa/api',
              namespace: 'shop',
              workload: 'api',
            },
            destination: { namespace: 'shop', workload: 'db' },
          }),
          at: ago(10),
          count: 5,
        },
        {
          ...dryRunSeries({
            namespace: 'shop',
            pod: 'api-5d9f8c7b6d-x2k4q',
            port: 8080,
            action: 'deny',
            result: 'denied',
          }),
          at: ago(1),
          count: 4,
        },
        {
          ...dryRunSeries({
            namespace: 'shop',
            pod: 'api-5d9f8c7b6d-x2k4q',
            port: 8080,
            action: 'deny',
            result: 'allowed',
          }),
          at: ago(1),
          count: 9,
        },
        // The network RBAC filter: connections, no port in the name.
        {
          ...dryRunSeries({
            namespace: 'shop',
            pod: 'db-0',
            protocol: 'tcp',
            action: 'allow',
            result: 'denied',
          }),
          at: ago(2),
          count: 3,
        },
        // The enforced counter of the same filter is not a dry-run result.
        {
          metric: 'envoy_http_inbound_0_0_0_0_8080_rbac',
          labels: {
            namespace: 'shop',
            pod: 'api-5d9f8c7b6d-x2k4q',
            authz_enforce_result: 'denied',
          },
          at: ago(1),
          count: 50,
        },
      ],
    });
  }, 180_000);
  afterAll(() => prom?.stop());

  const client = () => new PrometheusClient({ cluster: 'c1', url: prom.url });

  it('sums each source → workload over the window: counts, refusals, plaintext, last seen', async () => {
    const { traffic, window } = await readObservedTraffic(
      client(),
      'c1',
      '2d',
      new Date(),
    );
    expect(window.duration).toBe('2d');
    expect(Date.parse(window.end) - Date.parse(window.start)).toBe(48 * hour);
    const brief = traffic.map(t => [
      t.destination.workload,
      t.source.workload ?? '-',
      t.protocol,
      t.count,
      t.denied,
      t.plaintext,
    ]);
    expect(brief).toEqual([
      ['api', '-', 'http', 7, 0, 7],
      ['api', 'x', 'http', 12, 12, 0],
      ['api', 'late', 'http', 3, 0, 0],
      ['api', 'web', 'http', 30, 0, 0],
      ['db', 'api', 'tcp', 5, undefined, 0],
      ['orders-api', 'web', 'http', 8, 0, 0],
    ]);
    const fromWeb = traffic.find(t => t.source.workload === 'web')!;
    expect(fromWeb.source).toEqual(web);
    expect(fromWeb.destination).toEqual(api);
    expect(fromWeb.cluster).toBe('c1');
    // Last seen: the step of the last increase (10-minute steps over two days, samples every 5).
    const seen = Date.parse(fromWeb.lastSeen!);
    expect(seen).toBeGreaterThanOrEqual(ago(3).getTime() - 60_000);
    expect(seen).toBeLessThanOrEqual(ago(3).getTime() + 20 * 60_000);
    const x = traffic.find(t => t.source.workload === 'x')!;
    expect(Date.parse(x.lastSeen!)).toBeLessThan(seen);
  });

  it('sees traffic after the last step boundary of the window as last seen then', async () => {
    // Six minutes after `lateAt`: the history's next sample (every five minutes) holds
    // the increase, and the step boundary before the query is before both.
    const at = new Date(lateAt.getTime() + 6 * 60_000);
    const { traffic } = await readObservedTraffic(client(), 'c1', '7d', at);
    const fromLate = traffic.find(t => t.source.workload === 'late');
    expect(fromLate?.lastSeen).toBe(at.toISOString());
    // increase() extrapolates to the query's time from the few samples after the call.
    expect(fromLate?.count).toBeGreaterThanOrEqual(3);
  });

  it('counts what the exporter adds now once Prometheus scraped it', async () => {
    prom.exporter.add(istioSeries({ source: web, destination: api }), 5);
    await prom.waitFor(
      `sum(istio_requests_total{reporter="destination",source_workload="web",destination_workload="api"})`,
      r => Number(r[0]?.value[1]) === 35,
    );
    const { traffic } = await readObservedTraffic(
      client(),
      'c1',
      '2d',
      new Date(),
    );
    expect(traffic.find(t => t.source.workload === 'web')?.count).toBe(35);
  });

  it("reads the dry-run policies' shadow results per workload and port", async () => {
    const results = await readDryRunResults(client(), 'c1', '2d', new Date());
    expect(results).toEqual([
      {
        cluster: 'c1',
        namespace: 'shop',
        workload: 'api',
        pods: ['api-5d9f8c7b6d-x2k4q'],
        port: 8080,
        protocol: 'http',
        action: 'deny',
        wouldDeny: 4,
        wouldAllow: 9,
      },
      {
        cluster: 'c1',
        namespace: 'shop',
        workload: 'db',
        pods: ['db-0'],
        protocol: 'tcp',
        action: 'allow',
        wouldDeny: 3,
        wouldAllow: 0,
      },
    ]);
  });

  it('says in one line that a query is refused', async () => {
    await expect(client().query('sum(', new Date())).rejects.toThrow(
      new RegExp(
        `^Prometheus at ${prom.url.replace(
          /\./g,
          '\\.',
        )} refused the query: .*parse error`,
      ),
    );
  });
});

describe('a Prometheus that cannot be read', () => {
  it('says it is unreachable, in one line', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = net.createServer();
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    await new Promise(r => server.close(r));
    const c = new PrometheusClient({
      cluster: 'c1',
      url: `http://127.0.0.1:${port}`,
    });
    await expect(c.query('up', new Date())).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`,
    );
  });

  it('says the credentials were refused, and never shows the token', async () => {
    const token = 'sekret-token-4711';
    const prom = await startTestPrometheus({ bearerToken: token });
    try {
      const wrong = new PrometheusClient({
        cluster: 'c1',
        url: prom.url,
        bearerToken: 'not-it',
      });
      const error = await wrong.query('up', new Date()).catch(e => e);
      expect(error.message).toMatch(/refused the credentials \(HTTP 401\)/);
      expect(error.message).not.toContain('not-it');
      const right = new PrometheusClient({
        cluster: 'c1',
        url: prom.url,
        bearerToken: token,
      });
      const up = await right.query('up', new Date());
      expect(up.length).toBeGreaterThan(0);
      const bad = await right.query('sum(', new Date()).catch(e => e);
      expect(bad.message).not.toContain(token);
    } finally {
      await prom.stop();
    }
  }, 180_000);

  it('says a URL that is not Prometheus answers something else', async () => {
    const prom = await startTestPrometheus();
    try {
      const exporterUrl = `http://user:pw@127.0.0.1:${prom.exporter.port}`;
      const c = new PrometheusClient({ cluster: 'c1', url: exporterUrl });
      await expect(c.query('up', new Date())).rejects.toThrow(
        `Prometheus at http://127.0.0.1:${prom.exporter.port} answered HTTP 404 with something other than Prometheus's HTTP API (is prometheusUrl the server's base URL?)`,
      );
    } finally {
      await prom.stop();
    }
  }, 180_000);
});
