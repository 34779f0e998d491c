import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { UsageResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
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

async function startBackend(
  telemetry: object | undefined,
  options: { anonymous?: boolean; deny?: boolean } = {},
) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      mockServices.rootConfig.factory({
        data: { zeroTrust: { clusters, ...(telemetry ? { telemetry } : {}) } },
      }),
      catalogWithVisibility(demoEntities()),
      ...(options.anonymous
        ? [
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
          ]
        : []),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ],
  });
  return server;
}

const asUser = { Authorization: mockCredentials.user.header() };

async function usage(server: any, query = '') {
  const res = await request(server)
    .get(`/api/zero-trust/usage${query}`)
    .set(asUser);
  expect(res.status).toBe(200);
  return res.body as UsageResponse;
}

describe('GET /usage: services ranked by unused permissions (the demo with ZT_DEMO_PROMETHEUS)', () => {
  let demo: Awaited<ReturnType<typeof startDemoTelemetry>>;
  beforeAll(async () => {
    demo = await startDemoTelemetry();
  });
  afterAll(() => demo?.prometheus.stop());

  it("ranks the backend cluster's services from its Prometheus and says the edge cluster has none", async () => {
    const server = await startBackend(demo.telemetry);
    const body = await usage(server);
    expect(body.clusters).toEqual([
      {
        cluster: 'backend',
        telemetry: expect.objectContaining({
          state: 'ok',
          window: expect.objectContaining({ duration: '7d' }),
        }),
      },
      {
        cluster: 'edge',
        telemetry: {
          state: 'not-configured',
          message: expect.stringContaining('zeroTrust.telemetry.clusters'),
        },
      },
    ]);
    // Only the cluster whose telemetry was read is ranked.
    expect(body.items.every(i => i.cluster === 'backend')).toBe(true);
    // productpage: the edge gateway is allowed and was last seen twelve days ago;
    // Prometheus in monitoring was refused.
    const productpage = body.items.find(
      i => i.workload === 'backend/bookinfo/productpage',
    )!;
    expect(productpage.unused).toEqual(['edge/edge/edge-gateway']);
    expect(productpage.denied).toEqual(['monitoring/prometheus']);
    expect(productpage.allowed).toBeGreaterThan(productpage.unused.length);
    // reviews: its one allowed caller, productpage, called it; nothing refused.
    expect(
      body.items.some(i => i.workload.startsWith('backend/bookinfo/reviews')),
    ).toBe(false);
    // Ranked: never more unused callers below fewer.
    const unusedCounts = body.items.map(i => i.unused.length);
    expect(unusedCounts).toEqual([...unusedCounts].sort((a, b) => b - a));
  });

  it('filters by cluster and namespace', async () => {
    const server = await startBackend(demo.telemetry);
    const identity = await usage(server, '?cluster=backend&namespace=identity');
    expect(identity.clusters.map(c => c.cluster)).toEqual(['backend']);
    expect(identity.items.map(i => i.workload)).toEqual([
      'backend/identity/identity-api',
    ]);
    expect(identity.items[0].denied).toEqual(
      expect.arrayContaining(['legacy/legacy-client']),
    );
    const edge = await usage(server, '?cluster=edge');
    expect(edge.items).toEqual([]);
    expect(edge.clusters).toEqual([
      {
        cluster: 'edge',
        telemetry: expect.objectContaining({ state: 'not-configured' }),
      },
    ]);
  });
});

describe('GET /usage without telemetry, and who may ask', () => {
  it('ranks nothing and says for each cluster how to connect a Prometheus', async () => {
    const server = await startBackend(undefined);
    const body = await usage(server);
    expect(body.items).toEqual([]);
    expect(body.clusters.map(c => [c.cluster, c.telemetry.state])).toEqual([
      ['backend', 'not-configured'],
      ['edge', 'not-configured'],
    ]);
  });

  it('refuses a query it does not know, naming it', async () => {
    const server = await startBackend(undefined);
    const res = await request(server)
      .get('/api/zero-trust/usage?window=30d')
      .set(asUser);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('window');
  });

  it('answers only an authenticated user holding zeroTrust.mesh.read', async () => {
    const anonymous = await startBackend(undefined, { anonymous: true });
    expect((await request(anonymous).get('/api/zero-trust/usage')).status).toBe(
      401,
    );
    const denied = await startBackend(undefined, { deny: true });
    expect(
      (await request(denied).get('/api/zero-trust/usage').set(asUser)).status,
    ).toBe(403);
  });
});
