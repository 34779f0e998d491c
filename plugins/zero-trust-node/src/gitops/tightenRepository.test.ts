import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MeshModel,
  OnboardingRequest,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '../loadManifests';
import { PrometheusClient } from '../telemetry/PrometheusClient';
import { readObservedTraffic } from '../telemetry/istioMetrics';
import { TestPrometheus, istioSeries, startTestPrometheus } from '../testing';
import { onboardRepository } from './onboardRepository';
import { tightenRepository } from './tightenRepository';

// A real Prometheus, real kustomize renders: wide timeouts for a loaded machine.
jest.setTimeout(180_000);

const examples = path.resolve(
  __dirname,
  '../testing/repositories/flat-kustomize',
);
const hour = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * hour);

const request: OnboardingRequest = {
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
};
const inventory = {
  namespace: 'inventory',
  workload: 'inventory-api',
  port: 8080,
};
const productpage = {
  principal: 'internal.example/ns/bookinfo/sa/bookinfo-productpage',
  namespace: 'bookinfo',
  workload: 'productpage',
};

describe('tightenRepository, with the traffic of a real Prometheus', () => {
  let prom: TestPrometheus;
  const roots: string[] = [];
  beforeAll(async () => {
    prom = await startTestPrometheus({
      history: [
        {
          ...istioSeries({ source: productpage, destination: inventory }),
          at: ago(30),
          count: 15,
        },
        {
          ...istioSeries({ source: productpage, destination: inventory }),
          at: ago(2),
          count: 5,
        },
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await prom?.stop();
    await Promise.all(
      roots.map(r => fs.rm(r, { recursive: true, force: true })),
    );
  });

  it('narrows the policy to the caller seen, in place, and check on the result agrees', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tighten-'));
    roots.push(root);
    await fs.cp(examples, root, { recursive: true });
    await onboardRepository({ root, request });

    const { traffic, window } = await readObservedTraffic(
      new PrometheusClient({ cluster: 'backend', url: prom.url }),
      'backend',
      '7d',
      new Date(),
    );
    const result = await tightenRepository({
      root,
      workload: 'inventory/inventory-api',
      traffic,
      window,
    });

    // The evidence: productpage used it 20 times, the monitoring namespace not at all.
    expect(result.plan.kept).toEqual([
      expect.objectContaining({
        count: 20,
        principals: [productpage.principal],
      }),
    ]);
    expect(result.plan.kept[0].lastSeen).toBeDefined();
    expect(result.plan.removed).toEqual(
      expect.arrayContaining(['backend/monitoring/prometheus']),
    );
    expect(result.plan.removed.every(l => l.includes('monitoring'))).toBe(true);
    expect(result.changes.map(c => c.path)).toEqual([
      expect.stringMatching(
        /authorization-policy-inventory-api-callers\.yaml$/,
      ),
    ]);
    expect(result.diff).toMatch(/^-\s+namespaces:$/m);

    const model = new MeshModel([
      await loadClusterSnapshot('backend', path.join(root, 'clusters/backend')),
    ]);
    const decide = (from: string, method = 'GET') =>
      check(model, {
        from,
        to: 'inventory/inventory-api',
        port: 8080,
        method,
        path: '/',
      }).decision;
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'POST')).toBe('DENY');
    expect(decide('monitoring/prometheus')).toBe('DENY');
    // The diff the pull request shows: monitoring's namespace is what goes.
    const lost = result.plan.diff.workloads.flatMap(w =>
      w.callersLost.map(c => c.label),
    );
    expect(lost.join('\n')).toContain('monitoring');

    // Again, with the same traffic: nothing left to narrow.
    const again = await tightenRepository({
      root,
      workload: 'inventory/inventory-api',
      traffic,
      window,
    });
    expect(again.changes).toEqual([]);
  });
});
