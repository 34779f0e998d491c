import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  TestPrometheus,
  istioSeries,
  startTestPrometheus,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';
import { eventually } from '../__testUtils__/eventually';
import { ClusterTelemetry } from './ClusterTelemetry';

jest.setTimeout(180_000);

describe('ClusterTelemetry', () => {
  let prom: TestPrometheus;
  beforeAll(async () => {
    prom = await startTestPrometheus({
      history: [
        {
          ...istioSeries({
            source: {
              principal: 'cluster.local/ns/a/sa/b',
              namespace: 'a',
              workload: 'b',
            },
            destination: { namespace: 'shop', workload: 'api' },
          }),
          at: new Date(Date.now() - 3_600_000),
          count: 3,
        },
      ],
    });
  });
  afterAll(() => prom?.stop());

  it('asks Prometheus once per cacheSeconds, answering from the last reading meanwhile', async () => {
    let clock = Date.now();
    const telemetry = new ClusterTelemetry(
      {
        window: '1d',
        cacheSeconds: 60,
        endpoints: new Map([['c1', { cluster: 'c1', url: prom.url }]]),
        errors: [],
      },
      mockServices.logger.mock(),
      () => new Date(clock),
    );
    const before = prom.queryCount;
    const first = await telemetry.current('c1');
    expect(first.status.state).toBe('ok');
    expect(first.traffic?.map(t => t.count)).toEqual([3]);
    const perReading = prom.queryCount - before;
    expect(perReading).toBeGreaterThan(0);
    // Many requests within the minute: no query.
    for (let i = 0; i < 5; i++) {
      expect((await telemetry.current('c1')).stamp).toBe(first.stamp);
    }
    expect(prom.queryCount - before).toBe(perReading);
    // A minute later: the old reading at once, the new one read in the background.
    clock += 61_000;
    expect((await telemetry.current('c1')).stamp).toBe(first.stamp);
    const next = await eventually(async () => {
      const r = await telemetry.current('c1');
      return r.stamp !== first.stamp ? r : undefined;
    }, 'the next reading');
    expect(next.status).toMatchObject({
      state: 'ok',
      queriedAt: new Date(clock).toISOString(),
    });
    expect(prom.queryCount - before).toBe(2 * perReading);
  });

  it('says how to connect a Prometheus where none is configured, and a bad window for every cluster', async () => {
    const none = ClusterTelemetry.fromConfig(
      new ConfigReader({}),
      mockServices.logger.mock(),
    );
    expect((await none.current('c1')).status).toEqual({
      state: 'not-configured',
      message: expect.stringContaining('zeroTrust.telemetry.clusters'),
    });
    const bad = ClusterTelemetry.fromConfig(
      new ConfigReader({
        zeroTrust: {
          telemetry: {
            window: 'a while',
            clusters: [{ name: 'c1', prometheusUrl: prom.url }],
          },
        },
      }),
      mockServices.logger.mock(),
    );
    expect((await bad.current('c1')).status).toEqual({
      state: 'failed',
      message:
        "zeroTrust.telemetry.window 'a while' is not a Prometheus duration (such as 7d or 36h)",
    });
  });
});
