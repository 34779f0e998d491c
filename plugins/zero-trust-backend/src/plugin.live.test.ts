import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type {
  ClustersResponse,
  EntitySecurityResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  startTestApiServer,
  TestApiServer,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { eventually } from './__testUtils__/eventually';
import { zeroTrustPlugin } from './plugin';

const asUser = { Authorization: mockCredentials.user.header() };

async function clusterServer(name: string): Promise<TestApiServer> {
  const objects = await loadManifests(
    path.join(repoRoot, 'examples/clusters', name),
  );
  return startTestApiServer({ objects: objects.map(o => o.object) });
}

/** A kubeconfig with one context, as `kubectl config view --raw` writes it. */
async function writeKubeconfig(server: TestApiServer): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-kubeconfig-'));
  const file = path.join(dir, 'config');
  await fs.writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'backend',
          cluster: { server: server.url, 'insecure-skip-tls-verify': true },
        },
      ],
      users: [{ name: 'reader', user: { token: server.token } }],
      contexts: [
        {
          name: 'backend-reader',
          context: { cluster: 'backend', user: 'reader' },
        },
      ],
      'current-context': 'backend-reader',
    }),
  );
  return file;
}

describe('zero-trust backend over live clusters', () => {
  let backendCluster: TestApiServer;
  let edgeCluster: TestApiServer;

  beforeEach(async () => {
    backendCluster = await clusterServer('backend');
    edgeCluster = await clusterServer('edge');
  });

  afterEach(async () => {
    await backendCluster.close();
    await edgeCluster.close();
  });

  it('syncs through a kubeconfig and a token, follows changes, and survives a cluster going down', async () => {
    const kubeconfig = await writeKubeconfig(backendCluster);
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogWithVisibility(demoEntities()),
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              clusters: [
                { name: 'backend', context: 'backend-reader', kubeconfig },
                { ...edgeCluster.connection('edge') },
              ],
            },
          },
        }),
      ],
    });
    const clusters = () =>
      request(server)
        .get('/api/zero-trust/clusters')
        .set(asUser)
        .then(r => r.body as ClustersResponse);
    const security = (name: string) =>
      request(server)
        .get(`/api/zero-trust/entities/component/default/${name}/security`)
        .set(asUser)
        .then(r => r.body as EntitySecurityResponse);

    // First sync: both clusters, read as the snapshots read.
    await eventually(
      async () =>
        (await clusters()).items.every(c => c.status.state === 'synced')
          ? true
          : undefined,
      'both clusters synced',
    );
    const { items } = await clusters();
    expect(
      items.map(c => [c.name, c.status.source, c.summary?.trustDomain]),
    ).toEqual([
      ['backend', 'live', 'internal.example'],
      ['edge', 'live', 'external.example'],
    ]);
    const reviews = await security('reviews');
    expect(reviews.clusters[0].workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );

    // A policy added on the API server shows through the API.
    const callersOfRatings = async () =>
      (await security('ratings')).clusters[0].workloads[0].allowedCallers;
    expect(
      (await callersOfRatings()).some(c => c.source.kind === 'namespace'),
    ).toBe(false);
    backendCluster.apply({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'ratings-monitoring', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'ratings' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { namespaces: ['monitoring'] } }] }],
      },
    });
    const monitoring = await eventually(
      async () =>
        (
          await callersOfRatings()
        ).find(
          c =>
            c.source.kind === 'namespace' &&
            c.source.namespace === 'monitoring',
        ),
      'the new policy in the callers',
    );
    expect(monitoring.admittedBy).toEqual([
      { policy: 'bookinfo/ratings-monitoring', rule: 0 },
    ]);

    // The edge cluster goes down: it turns stale and keeps serving its last state,
    // and the backend cluster answers as before.
    await edgeCluster.down();
    const edge = await eventually(async () => {
      const c = (await clusters()).items.find(i => i.name === 'edge');
      return c?.status.state === 'stale' ? c : undefined;
    }, 'edge stale');
    expect(edge.status.staleSince).toBeDefined();
    const gateway = await security('edge-gateway');
    expect(gateway.clusters[0].status.state).toBe('stale');
    expect(gateway.clusters[0].workloads[0].identity).toBe(
      'spiffe://external.example/ns/edge/sa/edge-gateway',
    );
    expect((await security('reviews')).clusters[0].status.state).toBe('synced');

    await edgeCluster.up();
    await eventually(async () => {
      const c = (await clusters()).items.find(i => i.name === 'edge');
      return c?.status.state === 'synced' ? c : undefined;
    }, 'edge synced again');
  }, 60_000);

  it('reports a resource it may not read, and serves the rest', async () => {
    backendCluster.forbid('authorizationpolicies.security.istio.io');
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogWithVisibility(demoEntities()),
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              clusters: [{ ...backendCluster.connection('backend') }],
            },
          },
        }),
      ],
    });
    const backend = await eventually(async () => {
      const res = await request(server)
        .get('/api/zero-trust/clusters')
        .set(asUser);
      const c = (res.body as ClustersResponse).items[0];
      return c.status.degraded.length && c.summary ? c : undefined;
    }, 'a degraded, synced backend cluster');
    expect(backend.status.degraded[0].resource).toBe(
      'authorizationpolicies.security.istio.io',
    );
    expect(backend.status.degraded[0].message).toContain('deploy/rbac.yaml');
    expect(backend.summary?.authorizationPolicies).toBe(0);
    expect(backend.summary?.workloads).toBeGreaterThan(0);
  }, 30_000);
});
