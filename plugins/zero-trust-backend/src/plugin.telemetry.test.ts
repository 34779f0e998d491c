import {
  LoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  ClusterSecurity,
  EntitySecurityResponse,
  ResolvedCaller,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  TestPrometheus,
  istioSeries,
  startTestPrometheus,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';
import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { startDemoTelemetry } from './demo/demoTelemetry';
import { zeroTrustPlugin } from './plugin';

// A real backend and a real Prometheus: slow on a busy machine.
jest.setTimeout(180_000);

const clusters = [
  {
    name: 'backend',
    snapshot: path.join(repoRoot, 'examples/clusters/backend'),
  },
  { name: 'edge', snapshot: path.join(repoRoot, 'examples/clusters/edge') },
];

/** Every line the plugin logs, at every level, with its metadata. */
function recordingLogger(lines: string[]): LoggerService {
  const make = (meta: object): LoggerService => {
    const log = (level: string) => (message: string, more?: Error | object) =>
      lines.push(
        `${level} ${message} ${JSON.stringify({ ...meta, ...more })} ${
          more instanceof Error ? more.stack : ''
        }`,
      );
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (m: object) => make({ ...meta, ...m }),
    };
  };
  return make({});
}

async function startBackend(
  telemetry: object | undefined,
  logs: string[] = [],
) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      mockServices.rootConfig.factory({
        data: { zeroTrust: { clusters, ...(telemetry ? { telemetry } : {}) } },
      }),
      catalogWithVisibility(demoEntities()),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => recordingLogger(logs),
      }),
    ],
  });
  return server;
}

const asUser = {
  Authorization: mockCredentials.user.header('user:default/alice'),
};

async function security(server: any, entity: string) {
  const res = await request(server)
    .get(`/api/zero-trust/entities/component/default/${entity}/security`)
    .set(asUser);
  expect(res.status).toBe(200);
  return res.body as EntitySecurityResponse;
}

const caller = (c: ClusterSecurity, principal: string): ResolvedCaller =>
  c.workloads[0].allowedCallers.find(
    a => 'principal' in a.source && a.source.principal === principal,
  )!;

describe('the Security tab with telemetry (the demo: npm start with ZT_DEMO_PROMETHEUS)', () => {
  let demo: Awaited<ReturnType<typeof startDemoTelemetry>>;
  beforeAll(async () => {
    demo = await startDemoTelemetry();
  });
  afterAll(() => demo?.prometheus.stop());

  it("shows productpage's used, unused and refused callers from the demo's history", async () => {
    const server = await startBackend(demo.telemetry);
    const body = await security(server, 'productpage');
    const [backend] = body.clusters;
    expect(backend.telemetry).toMatchObject({
      state: 'ok',
      window: { duration: '7d' },
    });
    const ingress = caller(
      backend,
      'internal.example/ns/istio-system/sa/istio-ingressgateway-service-account',
    );
    expect(ingress.usage).toMatchObject({ state: 'used', count: 650 });
    const edge = caller(backend, 'external.example/ns/edge/sa/edge-gateway');
    expect(edge.usage).toEqual({
      state: 'unused',
      window: (backend.telemetry as any).window,
    });
    expect(
      backend.workloads[0].notAllowedCallers?.map(n => [
        n.label,
        n.denied,
        n.decision,
      ]),
    ).toEqual([
      ['monitoring/prometheus', 30, expect.stringMatching(/DENY|CONDITIONAL/)],
    ]);
    // The evidence's findings join the workload's own.
    const codes = backend.workloads[0].findings.map(f => [f.code, f.message]);
    expect(codes).toContainEqual([
      'ZT050',
      expect.stringContaining('edge-gateway'),
    ]);
    expect(codes).toContainEqual([
      'ZT051',
      expect.stringContaining('monitoring/prometheus was refused 30 times'),
    ]);
  });

  it("shows identity-api's plaintext, accepted under PERMISSIVE, and says how to connect a cluster without Prometheus", async () => {
    const server = await startBackend(demo.telemetry);
    const [identity] = (await security(server, 'identity-api')).clusters;
    expect(identity.workloads[0].plaintextObserved).toEqual([
      expect.objectContaining({
        count: 25,
        mode: 'PERMISSIVE',
        verdict: 'accepted',
      }),
    ]);
    // The plaintext caller has no identity: neither `*` nor the bookinfo namespace admits it.
    expect(
      identity.workloads[0].notAllowedCallers?.map(n => [n.label, n.decision]),
    ).toEqual([
      ['a caller without identity (plaintext)', 'DENY'],
      ['legacy/legacy-client', 'DENY'],
    ]);
    const evidence = identity.workloads[0].findings.filter(f =>
      /^ZT05/.test(f.code),
    );
    expect(evidence.filter(f => f.code !== 'ZT050').map(f => f.code)).toEqual([
      'ZT052',
      'ZT051',
      'ZT051',
    ]);
    // One ZT050 per allowed caller not seen: bookinfo's workloads other than productpage.
    const unused = identity.workloads[0].allowedCallers.filter(
      c => c.usage?.state === 'unused',
    );
    expect(unused.map(c => c.label)).not.toContain(
      'backend/bookinfo/productpage',
    );
    expect(evidence.filter(f => f.code === 'ZT050')).toHaveLength(
      unused.length,
    );
    // edge-gateway's cluster has no Prometheus: the tab says how to connect one.
    const [edge] = (await security(server, 'edge-gateway')).clusters;
    expect(edge.telemetry).toEqual({
      state: 'not-configured',
      message: expect.stringContaining('zeroTrust.telemetry.clusters'),
    });
    expect(
      edge.workloads[0].allowedCallers.every(c => c.usage === undefined),
    ).toBe(true);
    expect(edge.workloads[0].notAllowedCallers).toBeUndefined();
  });
});

describe('the Security tab without telemetry, or with a Prometheus that fails', () => {
  it('answers as before where none is configured, and says how to connect one', async () => {
    const server = await startBackend(undefined);
    const [backend] = (await security(server, 'reviews')).clusters;
    expect(backend.telemetry.state).toBe('not-configured');
    expect(backend.workloads[0].allowedCallers.length).toBeGreaterThan(0);
    expect(backend.workloads[0].allowedCallers.every(c => !c.usage)).toBe(true);
  });

  it('says why it failed, and never shows or logs the token', async () => {
    const token = 'demo-secret-4711';
    const prom: TestPrometheus = await startTestPrometheus({
      bearerToken: token,
      history: [
        {
          ...istioSeries({
            source: {
              principal: 'internal.example/ns/bookinfo/sa/bookinfo-productpage',
              namespace: 'bookinfo',
              workload: 'productpage',
            },
            destination: { namespace: 'bookinfo', workload: 'reviews-v1' },
          }),
          at: new Date(Date.now() - 3_600_000),
          count: 9,
        },
      ],
    });
    try {
      const logs: string[] = [];
      const wrong = await startBackend(
        {
          clusters: [
            {
              name: 'backend',
              prometheusUrl: prom.url,
              bearerToken: `${token}-wrong`,
            },
          ],
        },
        logs,
      );
      const res = await request(wrong)
        .get('/api/zero-trust/entities/component/default/reviews/security')
        .set(asUser);
      const [backend] = (res.body as EntitySecurityResponse).clusters;
      expect(backend.telemetry).toEqual({
        state: 'failed',
        message: expect.stringMatching(/refused the credentials \(HTTP 401\)/),
      });
      expect(res.text).not.toContain(token);
      expect(logs.some(l => l.includes('HTTP 401'))).toBe(true);

      const right = await startBackend(
        {
          clusters: [
            { name: 'backend', prometheusUrl: prom.url, bearerToken: token },
          ],
        },
        logs,
      );
      const ok = await request(right)
        .get('/api/zero-trust/entities/component/default/reviews/security')
        .set(asUser);
      const [read] = (ok.body as EntitySecurityResponse).clusters;
      expect(read.telemetry.state).toBe('ok');
      expect(
        read.workloads[0].allowedCallers.find(c => c.usage?.state === 'used')
          ?.usage,
      ).toMatchObject({ count: 9 });
      expect(ok.text).not.toContain(token);
      const clustersRes = await request(right)
        .get('/api/zero-trust/clusters')
        .set(asUser);
      expect(clustersRes.text).not.toContain(token);
      expect(logs.join('\n')).not.toContain(token);
    } finally {
      await prom.stop();
    }
  });
});
