import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import type {
  CheckResponse,
  ClusterInfo,
  ClustersResponse,
  EntitySecurityResponse,
  IdentitiesResponse,
  OnboardingPreviewResponse,
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

// A real backend against the test API server over HTTP, with faults: slow on a busy machine.
jest.setTimeout(60_000);

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

  /** A backend reading the backend cluster live, with short waits (`zeroTrust.live`). */
  async function liveBackend(
    clusters: JsonObject[] = [{ ...backendCluster.connection('backend') }],
    live: JsonObject = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        catalogWithVisibility(demoEntities()),
        mockServices.rootConfig.factory({
          data: { zeroTrust: { clusters, live } },
        }),
      ],
    });
    const get = <T>(url: string) =>
      request(server)
        .get(`/api/zero-trust${url}`)
        .set(asUser)
        .then(r => r.body as T);
    const cluster = async (name = 'backend') =>
      (await get<ClustersResponse>('/clusters')).items.find(
        c => c.name === name,
      )!;
    const clusterWhen = (what: string, probe: (c: ClusterInfo) => boolean) =>
      eventually(async () => {
        const c = await cluster();
        return probe(c) ? c : undefined;
      }, what);
    const reviewsIdentity = async () =>
      (
        await get<EntitySecurityResponse>(
          '/entities/component/default/reviews/security',
        )
      ).clusters[0];
    const checkReviews = () =>
      request(server)
        .post('/api/zero-trust/check')
        .set(asUser)
        .send({
          from: 'bookinfo/productpage',
          to: 'bookinfo/reviews-v1',
          port: 9080,
        })
        .then(r => r.body as CheckResponse);
    const previewReviews = () =>
      request(server)
        .post('/api/zero-trust/onboarding/preview')
        .set(asUser)
        .send({
          service: 'reviews',
          namespace: 'bookinfo',
          allowedCallers: [{ workload: 'bookinfo/productpage' }],
        })
        .then(r => r.body as OnboardingPreviewResponse);
    return {
      get,
      cluster,
      clusterWhen,
      reviewsIdentity,
      checkReviews,
      previewReviews,
    };
  }

  it('keeps right answers through a restart whose RBAC answers 403 for a while: stale, said everywhere, then recovered', async () => {
    const api = await liveBackend();
    await api.clusterWhen('synced', c => c.status.state === 'synced');
    const before = await api.cluster();
    expect(before.summary!.destinationRules).toBeGreaterThan(0);
    expect((await api.checkReviews()).caveats).toBeUndefined();
    const previewBefore = await api.previewReviews();
    expect(previewBefore.plan.principal).toBe(
      'internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    expect(previewBefore.caveats).toBeUndefined();

    const warming = [
      'serviceaccounts',
      'services',
      'configmaps',
      'statefulsets.apps',
      'daemonsets.apps',
      'destinationrules.networking.istio.io',
    ];
    await backendCluster.restart({ forbidden: warming });
    // Forbidding ConfigMaps stops both ConfigMaps read by name (istio, istio-ca-root-cert).
    const stale = await api.clusterWhen(
      'stale with the six resources',
      c => c.status.staleResources?.length === warming.length + 1,
    );
    expect(stale.status.state).toBe('stale');
    expect(stale.status.degraded).toEqual([]);
    // The answers stay right: the trust domain, the DestinationRules.
    expect(stale.summary).toEqual(before.summary);
    const security = await api.reviewsIdentity();
    expect(security.status.state).toBe('stale');
    expect(security.workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    const check = await api.checkReviews();
    expect(check.reason).toContain(
      'DestinationRule bookinfo/reviews sets ISTIO_MUTUAL',
    );
    expect(check.caveats).toEqual([
      expect.objectContaining({ cluster: 'backend', state: 'stale' }),
    ]);
    expect(check.caveats![0].resources.map(r => r.text)).toContainEqual(
      expect.stringMatching(
        /^DestinationRules could not be read again since .*: mTLS shown as auto mTLS may be wrong$/,
      ),
    );
    const identities = await api.get<IdentitiesResponse>('/identities');
    expect(identities.caveats?.[0].cluster).toBe('backend');
    expect(
      identities.items.find(i => i.serviceAccount === 'bookinfo-reviews')
        ?.spiffeId,
    ).toBe('spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews');

    const preview = await api.previewReviews();
    expect(preview.plan.principal).toBe(previewBefore.plan.principal);
    expect(preview.caveats).toEqual([
      expect.objectContaining({ cluster: 'backend', state: 'stale' }),
    ]);

    backendCluster.rbacReady();
    await api.clusterWhen('synced again', c => c.status.state === 'synced');
    expect((await api.checkReviews()).caveats).toBeUndefined();
    expect((await api.previewReviews()).caveats).toBeUndefined();
    expect((await api.cluster()).summary).toEqual(before.summary);
  }, 60_000);

  it('notices a silent partition within the configured silence and recovers after it', async () => {
    // Bookmarks from the test server every second keep healthy watches talking; 3 s of
    // silence restarts a watch (wide, so that a busy machine is not taken for a partition).
    const api = await liveBackend(undefined, { silenceSeconds: 3 });
    await api.clusterWhen('synced', c => c.status.state === 'synced');
    const before = await api.checkReviews();
    expect(before.decision).not.toBe('DENY');
    backendCluster.partition();
    backendCluster.apply({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-reviews', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'reviews' } },
        action: 'DENY',
        rules: [{}],
      },
    });
    const stale = await api.clusterWhen(
      'stale',
      c => c.status.state === 'stale',
    );
    expect(stale.status.message).toContain('did not answer in time');
    // The last good state, said to be so: the policy made behind the partition is not in it.
    const during = await api.checkReviews();
    expect(during.decision).toBe(before.decision);
    expect(during.caveats?.[0].state).toBe('stale');

    backendCluster.heal();
    await api.clusterWhen('synced', c => c.status.state === 'synced');
    const after = await eventually(async () => {
      const c = await api.checkReviews();
      return c.decision === 'DENY' ? c : undefined;
    }, 'the policy made during the partition');
    expect(after.policies).toEqual(['bookinfo/deny-reviews']);
    expect(after.caveats).toBeUndefined();
  }, 60_000);

  it('lists again after a compaction (410) and answers from the new list', async () => {
    const api = await liveBackend();
    await api.clusterWhen('synced', c => c.status.state === 'synced');
    // All synchronous: the client cannot resume before the history is compacted.
    backendCluster.dropWatches();
    backendCluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'trustDomain: renamed.example\n' },
    });
    backendCluster.compact();
    const renamed = await eventually(async () => {
      const c = await api.reviewsIdentity();
      return c.workloads[0]?.identity?.includes('renamed.example')
        ? c
        : undefined;
    }, 'the trust domain changed during the gap');
    expect(renamed.workloads[0].identity).toBe(
      'spiffe://renamed.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    await api.clusterWhen('synced', c => c.status.state === 'synced');
  }, 60_000);

  it('heals a resource granted later, without a restart, and says what it lacked meanwhile', async () => {
    backendCluster.forbid('destinationrules.networking.istio.io');
    const api = await liveBackend(undefined, { recheckSeconds: 0.2 });
    const degraded = await api.clusterWhen(
      'synced, DestinationRules degraded, and analysed',
      // The summary follows the status once the debounced change is read.
      c =>
        c.status.state === 'synced' &&
        c.status.degraded.length === 1 &&
        c.summary !== undefined,
    );
    expect(degraded.summary!.destinationRules).toBe(0);
    const check = await api.checkReviews();
    expect(check.reason).toContain('auto mTLS');
    expect(check.caveats![0].resources).toEqual([
      {
        resource: 'destinationrules.networking.istio.io',
        problem: 'degraded',
        text: 'DestinationRules could not be read: mTLS shown as auto mTLS may be wrong',
      },
    ]);

    backendCluster.allow('destinationrules.networking.istio.io');
    const healed = await api.clusterWhen(
      'nothing degraded',
      c => c.status.degraded.length === 0 && !!c.summary?.destinationRules,
    );
    expect(healed.status.state).toBe('synced');
    const after = await eventually(async () => {
      const c = await api.checkReviews();
      return c.caveats ? undefined : c;
    }, 'the caveat to go');
    expect(after.reason).toContain(
      'DestinationRule bookinfo/reviews sets ISTIO_MUTUAL',
    );
  }, 60_000);

  it('starts with a mistyped cluster beside a good one: that one failed, naming the key, the good one serving', async () => {
    const kubeconfig = await writeKubeconfig(backendCluster);
    const api = await liveBackend([
      // `kubeconfig:` alone: its current-context.
      { name: 'backend', kubeconfig },
      { name: 'typo', kubeconfig, url: 'https://10.0.0.1:6443' },
      { name: 'edge', contxt: 'edge-admin' },
    ]);
    await api.clusterWhen('backend synced', c => c.status.state === 'synced');
    const { items } = await api.get<ClustersResponse>('/clusters');
    expect(items.map(c => [c.name, c.status.state])).toEqual([
      ['backend', 'synced'],
      ['typo', 'failed'],
      ['edge', 'failed'],
    ]);
    expect(items[1].status.message).toBe(
      "zeroTrust.clusters[1] (cluster 'typo'): set exactly one of snapshot, git, url, kubeconfig (optionally with context) or inCluster (it has url and kubeconfig)",
    );
    expect(items[2].status.message).toContain(
      "zeroTrust.clusters[2] (cluster 'edge'): set exactly one of",
    );
    const security = await api.reviewsIdentity();
    expect(security.workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
  }, 60_000);
});
