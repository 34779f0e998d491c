import { createHook } from 'node:async_hooks';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ClusterState,
  MeshModel,
  SourcedObject,
  allowedCallers,
  buildClusterState,
  check,
  clusterCaveat,
  workloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '../loadManifests';
import { TestApiServer, startTestApiServer } from '../testing';
import { LiveClusterSource } from './LiveClusterSource';
import { LiveClusterConfig, LiveClusterSourceOptions } from './types';
import { watchedResources } from './watchedResources';

// Real HTTP list and watch streams against the test API server, with backoff and restarts: on a busy machine a test takes far longer than jest's 5 s default.
jest.setTimeout(60_000);

/** One list and one watch per kind the live source reads. */
const kinds = watchedResources.length;

const backendDir = path.resolve(
  __dirname,
  '../../../../examples/clusters/backend',
);

let server: TestApiServer | undefined;
let source: LiveClusterSource | undefined;
let disk: SourcedObject[];

beforeAll(async () => {
  disk = await loadManifests(backendDir);
});

afterEach(async () => {
  await source?.stop();
  await server?.close();
  source = undefined;
  server = undefined;
});

async function startServer(
  options: Parameters<typeof startTestApiServer>[0] = {},
) {
  server = await startTestApiServer({
    objects: disk.map(o => o.object),
    ...options,
  });
  return server;
}

function startSource(
  options: LiveClusterSourceOptions = {},
  connection: LiveClusterConfig = server!.connection('backend'),
) {
  source = new LiveClusterSource(connection, {
    debounceMs: 10,
    backoff: { baseMs: 5, capMs: 50 },
    recheckMs: 50,
    ...options,
  });
  source.start();
  return source;
}

/** Polls until `probe` holds; the timeout only guards against a hang. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

function find(
  objects: SourcedObject[] | undefined,
  kind: string,
  name: string,
  namespace?: string,
) {
  return objects?.find(({ object }) => {
    const o = object as any;
    return (
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace)
    );
  })?.object as any;
}

const listRequests = (s: TestApiServer) =>
  s.requests.filter(r => r.query.watch !== 'true');
const watchRequests = (s: TestApiServer) =>
  s.requests.filter(r => r.query.watch === 'true');

const isIstioKey = (key: string) =>
  /(^|\.)istio\.io$/.test(key.includes('/') ? key.split('/')[0] : '');

/** Sorted, without what a live read legitimately differs in (see the test). */
function comparable(state: ClusterState) {
  const byName = (a: any, b: any) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
  const sorted = <T>(items: T[]) => [...items].sort(byName);
  return {
    ...state,
    namespaces: sorted(state.namespaces),
    serviceAccounts: sorted(state.serviceAccounts),
    workloads: sorted(state.workloads).map(w => ({
      ...w,
      annotations: Object.fromEntries(
        Object.entries(w.annotations).filter(([k]) => isIstioKey(k)),
      ),
    })),
    services: sorted(state.services),
    peerAuthentications: sorted(state.peerAuthentications).map(
      ({ creationTimestamp: _, ...p }) => p,
    ),
    destinationRules: sorted(state.destinationRules).map(
      ({ creationTimestamp: _, ...d }) => d,
    ),
    authorizationPolicies: sorted(state.authorizationPolicies).map(
      ({ creationTimestamp: _, ...a }) => a,
    ),
    // The edges' kinds, as the API server lists them (by name), not as the folder holds them.
    serviceEntries: state.serviceEntries && sorted(state.serviceEntries),
    virtualServices:
      state.virtualServices &&
      sorted(state.virtualServices).map(({ creationTimestamp: _, ...v }) => v),
    gateways: state.gateways && sorted(state.gateways),
    sidecars: state.sidecars && sorted(state.sidecars),
    kubernetesGateways:
      state.kubernetesGateways && sorted(state.kubernetesGateways),
    problems: state.problems.map(({ file: _, ...p }) => p),
  };
}

describe('LiveClusterSource', () => {
  it('reads the same cluster state as the snapshot folder it was loaded from', async () => {
    await startServer();
    const live = startSource();
    expect(live.objects()).toBeUndefined();
    await live.waitForSync();

    const fromDisk = buildClusterState('backend', disk);
    const fromLive = buildClusterState('backend', live.objects()!);
    expect(fromLive.mesh.trustDomain).toBe('internal.example');
    expect(fromLive.workloads.length).toBe(fromDisk.workloads.length);
    expect(fromLive.authorizationPolicies.length).toBeGreaterThan(0);
    // The API server stamps creation times, which the engine uses to break ties.
    for (const p of [
      ...fromLive.peerAuthentications,
      ...fromLive.destinationRules,
    ]) {
      expect(p.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // Only Istio's pod annotations are kept: prometheus.io/* is dropped, proxy.istio.io kept.
    const prometheus = fromLive.workloads.find(w => w.name === 'prometheus')!;
    expect(prometheus.annotations).toHaveProperty(['proxy.istio.io/config']);
    expect(Object.keys(prometheus.annotations).every(isIstioKey)).toBe(true);
    const productpage = fromLive.workloads.find(w => w.name === 'productpage')!;
    expect(productpage.annotations).toEqual({});
    expect(
      fromDisk.workloads.find(w => w.name === 'productpage')!.annotations,
    ).toHaveProperty(['prometheus.io/scrape']);

    // A gateway's Service type decides whether it is a way in from outside.
    expect(
      fromLive.services.find(s => s.name === 'istio-ingressgateway')?.type,
    ).toBe('LoadBalancer');

    expect(comparable(fromLive)).toEqual(comparable(fromDisk));
    expect(live.status()).toEqual({
      state: 'synced',
      source: 'live',
      lastSyncedAt: expect.any(String),
      degraded: [],
    });
  });

  it('sees an AuthorizationPolicy added after the sync and calls onChange', async () => {
    await startServer();
    const live = startSource();
    await live.waitForSync();
    const changes = jest.fn();
    live.onChange(changes);

    server!.apply({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-everything', namespace: 'inventory' },
      spec: {},
    });
    await waitFor('the new policy', () =>
      find(live.objects(), 'AuthorizationPolicy', 'deny-everything'),
    );
    await waitFor('onChange', () => changes.mock.calls.length > 0);
    const state = buildClusterState('backend', live.objects()!);
    expect(state.authorizationPolicies).toContainEqual(
      expect.objectContaining({
        namespace: 'inventory',
        name: 'deny-everything',
        action: 'ALLOW',
        rules: [],
      }),
    );

    server!.delete({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'deny-everything', namespace: 'inventory' },
    });
    await waitFor(
      'the policy to go',
      () => !find(live.objects(), 'AuthorizationPolicy', 'deny-everything'),
    );
  });

  it('ignores changes the engine cannot see, such as a status update', async () => {
    await startServer();
    const live = startSource();
    await live.waitForSync();
    const before = find(live.objects(), 'Deployment', 'inventory-api');
    const deployment = disk
      .map(o => o.object as any)
      .find(
        o => o.kind === 'Deployment' && o.metadata.name === 'inventory-api',
      );
    server!.apply({
      ...deployment,
      metadata: {
        ...deployment.metadata,
        managedFields: [{ manager: 'kubectl', operation: 'Update' }],
        annotations: { 'deployment.kubernetes.io/revision': '2' },
      },
      status: { replicas: 3, readyReplicas: 3 },
    });
    // Then a change on the same watch stream: once it is seen, so was the first.
    const other = disk
      .map(o => o.object as any)
      .find(
        o => o.kind === 'Deployment' && o.metadata.name !== 'inventory-api',
      );
    server!.apply({
      ...other,
      spec: {
        ...other.spec,
        template: {
          ...other.spec.template,
          metadata: {
            ...other.spec.template.metadata,
            labels: { ...other.spec.template.metadata.labels, tier: 'new' },
          },
        },
      },
    });
    await waitFor(
      'the second change',
      () =>
        find(live.objects(), 'Deployment', other.metadata.name)?.spec.template
          .metadata.labels.tier === 'new',
    );
    const after = find(live.objects(), 'Deployment', 'inventory-api');
    expect(after).toBe(before);
    expect(after).not.toHaveProperty('status');
    expect(after.metadata).toEqual({
      name: 'inventory-api',
      namespace: 'inventory',
    });
  });

  it('keeps only what the engine reads, and only pods no controller owns', async () => {
    await startServer({ objects: [] });
    const pod = (name: string, owned: boolean) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'jobs',
        labels: { app: name },
        annotations: {
          'sidecar.istio.io/inject': 'false',
          'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(5000),
        },
        ...(owned
          ? {
              ownerReferences: [
                {
                  apiVersion: 'apps/v1',
                  kind: 'ReplicaSet',
                  name: 'web-5d4f',
                  uid: 'u1',
                  controller: true,
                },
              ],
            }
          : {}),
      },
      spec: {
        serviceAccountName: 'runner',
        nodeName: 'node-1',
        containers: [
          {
            name: 'main',
            image: 'busybox',
            env: [{ name: 'A', value: 'b' }],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          },
          { name: 'helper', image: 'busybox' },
        ],
      },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    });
    server!.apply(pod('one-off', false));
    server!.apply(pod('web-5d4f-abcde', true));
    const live = startSource();
    await live.waitForSync();

    expect(find(live.objects(), 'Pod', 'web-5d4f-abcde')).toBeUndefined();
    expect(find(live.objects(), 'Pod', 'one-off')).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'one-off',
        namespace: 'jobs',
        labels: { app: 'one-off' },
        annotations: { 'sidecar.istio.io/inject': 'false' },
      },
      spec: {
        serviceAccountName: 'runner',
        containers: [{ ports: [{ name: 'http', containerPort: 8080 }] }],
      },
    });
    const [workload] = buildClusterState('c', live.objects()!).workloads;
    expect(workload).toMatchObject({
      kind: 'Pod',
      name: 'one-off',
      serviceAccount: 'runner',
      containerPorts: [{ name: 'http', port: 8080 }],
    });
  });

  it('never reads Secrets, nor ConfigMaps other than istio-system/istio and the published root certificates', async () => {
    await startServer();
    server!.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-password', namespace: 'inventory' },
      data: { password: 'aHVudGVyMg==' },
    });
    server!.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-ca-root-cert', namespace: 'bookinfo' },
      data: { 'root-cert.pem': 'PEM', other: 'dropped' },
    });
    const live = startSource();
    await live.waitForSync();

    expect(server!.requests.some(r => r.path.includes('secrets'))).toBe(false);
    expect(find(live.objects(), 'ConfigMap', 'istio-ca-root-cert')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio-ca-root-cert', namespace: 'bookinfo' },
      data: { 'root-cert.pem': 'PEM' },
    });
    const configMapRequests = server!.requests.filter(r =>
      r.path.endsWith('/configmaps'),
    );
    expect(configMapRequests.length).toBeGreaterThan(0);
    for (const r of configMapRequests) {
      expect([r.path, r.query.fieldSelector]).toEqual(
        r.path === '/api/v1/configmaps'
          ? ['/api/v1/configmaps', 'metadata.name=istio-ca-root-cert']
          : [
              '/api/v1/namespaces/istio-system/configmaps',
              'metadata.name=istio',
            ],
      );
    }
    expect(
      new Set(configMapRequests.map(r => r.query.fieldSelector)).size,
    ).toBe(2);
    expect(find(live.objects(), 'ConfigMap', 'prometheus')).toBeUndefined();
    expect(find(live.objects(), 'ConfigMap', 'istio')).toBeDefined();
  });

  it('resumes a dropped watch from its resourceVersion without listing again', async () => {
    await startServer();
    const live = startSource();
    await live.waitForSync();
    const lists = live.apiCalls().lists;
    const watchesBefore = watchRequests(server!).length;

    expect(server!.dropWatches()).toBe(kinds);
    server!.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'payments', labels: { 'istio-injection': 'enabled' } },
    });
    await waitFor('the namespace created while the watch was down', () =>
      find(live.objects(), 'Namespace', 'payments'),
    );
    await waitFor(
      'every watch to be back',
      () => server!.openWatches === kinds,
    );

    expect(live.apiCalls().lists).toBe(lists);
    const resumed = watchRequests(server!).slice(watchesBefore);
    expect(resumed.length).toBeGreaterThanOrEqual(kinds);
    for (const r of resumed) expect(r.query.resourceVersion).toMatch(/^\d+$/);
    expect(live.status().state).toBe('synced');
  });

  it('resumes the watches the server ends at their timeout, without listing again', async () => {
    await startServer();
    const live = startSource({ watchTimeoutSeconds: 1, random: () => 0 });
    await live.waitForSync();
    const lists = live.apiCalls().lists;
    await waitFor(
      'a second round of watches',
      () => live.apiCalls().watches >= 22,
    );
    expect(
      watchRequests(server!).every(r => r.query.timeoutSeconds === '1'),
    ).toBe(true);
    expect(live.apiCalls().lists).toBe(lists);
    expect(live.status().state).toBe('synced');
  });

  it.each(['event', 'status'] as const)(
    'lists again when the resourceVersion expired (410 as a watch %s)',
    async expiredWatch => {
      await startServer({ expiredWatch });
      const logs: string[] = [];
      const live = startSource({
        logger: { info: m => logs.push(m), warn: m => logs.push(m) },
      });
      await live.waitForSync();
      const lists = listRequests(server!).length;

      // All synchronous: the client cannot reconnect before the history is compacted.
      server!.dropWatches();
      server!.apply({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'late', namespace: 'inventory' },
      });
      server!.compact();

      await waitFor('the service account', () =>
        find(live.objects(), 'ServiceAccount', 'late'),
      );
      await waitFor(
        'every watch to be back',
        () => server!.openWatches === kinds,
      );
      // Every resource's resourceVersion was older than the compaction: each relisted.
      expect(listRequests(server!).length - lists).toBeGreaterThanOrEqual(
        kinds,
      );
      // While it listed again the cluster was not called current: stale (naming the
      // compaction), then recovered.
      await waitFor('the recovery to be logged', () =>
        logs.some(l => /recovered, synced again/.test(l)),
      );
      expect(logs.filter(l => /is stale/.test(l))).toHaveLength(1);
      expect(logs.find(l => /is stale/.test(l))).toMatch(/410 Gone/);
      expect(live.status().state).toBe('synced');
    },
  );

  it('moves its resourceVersion on with bookmarks, so a compaction needs no relist', async () => {
    await startServer({ bookmarkIntervalMs: 10 });
    const live = startSource();
    await live.waitForSync();
    server!.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'bump', namespace: 'inventory' },
    });
    // Only the serviceaccounts watch saw that change; the others learn its
    // resourceVersion from bookmarks.
    const sent = server!.bookmarksSent;
    await waitFor(
      'two rounds of bookmarks',
      () => server!.bookmarksSent >= sent + 22,
    );
    const lists = live.apiCalls().lists;

    server!.dropWatches();
    server!.compact();
    await waitFor(
      'every watch to be back',
      () => server!.openWatches === kinds,
    );
    expect(live.apiCalls().lists).toBe(lists);
    expect(live.status().state).toBe('synced');
  });

  it('makes no API call once synced, however often it is read', async () => {
    await startServer({ bookmarkIntervalMs: 10 });
    const live = startSource();
    await live.waitForSync();
    const calls = live.apiCalls();
    const requests = server!.requestCount;
    expect(calls.lists).toBeGreaterThanOrEqual(kinds);
    expect(calls.watches).toBe(kinds);

    const sent = server!.bookmarksSent;
    for (let i = 0; i < 100; i++) {
      buildClusterState('backend', live.objects()!);
      live.status();
    }
    await waitFor(
      'the watches to idle a while',
      () => server!.bookmarksSent >= sent + 33,
    );
    expect(live.apiCalls()).toEqual(calls);
    expect(server!.requestCount).toBe(requests);
  });

  it('reports failed with the reason when the API server cannot be reached, then syncs once it can', async () => {
    await startServer();
    await server!.down();
    const live = startSource();
    const failed = await waitFor('failed', () =>
      live.status().state === 'failed' ? live.status() : undefined,
    );
    expect(failed.message).toBe(
      `cannot reach the API server at ${server!.url}: connection refused`,
    );
    expect(live.objects()).toBeUndefined();

    await server!.up();
    await live.waitForSync();
    expect(live.status().message).toBeUndefined();
    expect(find(live.objects(), 'Namespace', 'inventory')).toBeDefined();
  });

  it('goes stale after a sync and serves the last good state, then recovers', async () => {
    await startServer();
    const live = startSource();
    await live.waitForSync();
    const synced = live.status();
    const lastGood = live.objects();
    const changes = jest.fn();
    live.onChange(changes);

    await server!.down();
    const stale = await waitFor('every resource stale', () =>
      live.status().staleResources?.length === kinds
        ? live.status()
        : undefined,
    );
    // Every resource fails alike: the reason is said once.
    expect(stale.message).toBe(
      `cannot reach the API server at ${server!.url}: connection refused`,
    );
    // The last moment every resource was known current: before it went stale.
    expect(Date.parse(stale.lastSyncedAt!)).toBeGreaterThanOrEqual(
      Date.parse(synced.lastSyncedAt!),
    );
    expect(Date.parse(stale.lastSyncedAt!)).toBeLessThanOrEqual(
      Date.parse(stale.staleSince!),
    );
    expect(Date.parse(stale.staleSince!)).toBeGreaterThanOrEqual(
      Date.parse(synced.lastSyncedAt!),
    );
    expect(live.objects()).toBe(lastGood);
    await waitFor(
      'onChange for the status',
      () => changes.mock.calls.length > 0,
    );

    const lists = live.apiCalls().lists;
    await server!.up();
    await live.waitForSync();
    expect(live.status().staleSince).toBeUndefined();
    expect(live.status().message).toBeUndefined();
    // The history was kept, so the watches resumed where they were.
    expect(live.apiCalls().lists).toBe(lists);
  });

  it('degrades a resource it may not list, and reads the others', async () => {
    await startServer();
    server!.forbid('authorizationpolicies.security.istio.io');
    const live = startSource();
    await live.waitForSync();

    expect(live.status().degraded).toEqual([
      {
        resource: 'authorizationpolicies.security.istio.io',
        message:
          'may not list authorizationpolicies.security.istio.io: add it to the ClusterRole in deploy/rbac.yaml',
      },
    ]);
    const state = buildClusterState('backend', live.objects()!);
    expect(state.authorizationPolicies).toEqual([]);
    expect(state.peerAuthentications.length).toBeGreaterThan(0);
    expect(state.workloads.length).toBeGreaterThan(0);

    // Granted later: the periodic recheck picks it up without a restart.
    server!.allow('authorizationpolicies.security.istio.io');
    await waitFor('the policies', () =>
      live
        .objects()!
        .some(o => (o.object as any).kind === 'AuthorizationPolicy'),
    );
    await waitFor('no resource degraded', () => !live.status().degraded.length);
    expect(live.status().state).toBe('synced');
  });

  describe('NetworkPolicies', () => {
    // productpage -> details on 9080: Istio allows it (details-allow). The example's own
    // NetworkPolicies are left out, so this path is decided by the policy below alone.
    const query = {
      from: 'bookinfo/productpage',
      to: 'bookinfo/details',
      port: 9080,
    };
    const productpage = 'backend/bookinfo/productpage';
    const withoutNetworkPolicies = () =>
      startServer({
        objects: disk
          .map(o => o.object as any)
          .filter(o => o.kind !== 'NetworkPolicy'),
      });
    const detailsIngress = (fromApp: string) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'details-ingress', namespace: 'bookinfo' },
      spec: {
        podSelector: { matchLabels: { app: 'details' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: fromApp } } }],
            ports: [{ protocol: 'TCP', port: 9080 }],
          },
        ],
      },
    });
    /** check's answer and the details' callers, as the backend computes them from the live objects. */
    const answers = (live: LiveClusterSource) => {
      const model = new MeshModel([
        buildClusterState('backend', live.objects()!),
      ]);
      const callers = allowedCallers(model.resolveWorkload(query.to), model);
      return {
        check: check(model, query),
        allowed: callers.allowedCallers.find(
          c =>
            c.source.kind === 'workload' && c.source.workload === productpage,
        ),
        blocked: callers.blockedByNetwork.map(b => ({
          label: b.label,
          policies: b.policies,
        })),
      };
    };
    const admitsFrom = (live: LiveClusterSource) =>
      find(live.objects(), 'NetworkPolicy', 'details-ingress', 'bookinfo')?.spec
        .ingress[0].from[0].podSelector.matchLabels.app;

    it('follows a NetworkPolicy applied, changed and deleted: check and allowed callers with it', async () => {
      await withoutNetworkPolicies();
      const live = startSource();
      await live.waitForSync();
      const before = answers(live);
      expect(before.check.decision).toBe('ALLOW');
      expect(before.check).not.toHaveProperty('network');
      expect(before.allowed).toMatchObject({
        decision: 'ALLOW',
        ports: [9080],
      });
      expect(before.allowed).not.toHaveProperty('network');
      expect(before.blocked).toEqual([]);

      // Applied: only reviews' pods may connect, so Istio's ALLOW is dropped by the network.
      server!.apply(detailsIngress('reviews'));
      await waitFor('the policy', () => admitsFrom(live) === 'reviews');
      const applied = answers(live);
      expect(applied.check.decision).toBe('DENY');
      expect(applied.check.network).toEqual({
        decision: 'DENY',
        policies: ['bookinfo/details-ingress'],
      });
      expect(applied.check.reason).toMatch(
        /^blocked by network policy bookinfo\/details-ingress: /,
      );
      expect(applied.allowed).toBeUndefined();
      expect(applied.blocked).toEqual([
        { label: productpage, policies: ['bookinfo/details-ingress'] },
      ]);

      // Changed to admit productpage: both layers allow, and the network layer says which policy.
      server!.apply(detailsIngress('productpage'));
      await waitFor(
        'the changed policy',
        () => admitsFrom(live) === 'productpage',
      );
      const changed = answers(live);
      expect(changed.check.decision).toBe('ALLOW');
      expect(changed.check.network).toEqual({
        decision: 'ALLOW',
        policies: ['bookinfo/details-ingress'],
      });
      expect(changed.allowed).toMatchObject({
        decision: 'ALLOW',
        ports: [9080],
        network: { decision: 'ALLOW', policies: ['bookinfo/details-ingress'] },
      });
      expect(changed.blocked).toEqual([]);

      server!.delete(detailsIngress('productpage'));
      await waitFor('the policy to go', () => admitsFrom(live) === undefined);
      expect(answers(live)).toEqual(before);
    });

    it('degrades NetworkPolicies it may not list, and its answers say what that may get wrong', async () => {
      await withoutNetworkPolicies();
      server!.forbid('networkpolicies.networking.k8s.io');
      server!.apply(detailsIngress('reviews'));
      const live = startSource();
      await live.waitForSync();

      expect(live.status().degraded).toEqual([
        {
          resource: 'networkpolicies.networking.k8s.io',
          message:
            'may not list networkpolicies.networking.k8s.io: add it to the ClusterRole in deploy/rbac.yaml',
        },
      ]);
      // The policy that drops the call is unseen: the call is shown as allowed ...
      expect(answers(live).check).toMatchObject({ decision: 'ALLOW' });
      expect(answers(live).check).not.toHaveProperty('network');
      // ... and the answer's caveat says so.
      expect(clusterCaveat('backend', live.status())).toEqual({
        cluster: 'backend',
        state: 'synced',
        message:
          'cluster backend lacks networkpolicies.networking.k8s.io: answers that depend on them are incomplete',
        resources: [
          {
            resource: 'networkpolicies.networking.k8s.io',
            problem: 'degraded',
            text: 'NetworkPolicies could not be read: calls shown as allowed may be dropped by the network, and NetworkPolicy findings may be missing',
          },
        ],
      });

      // Granted later: the recheck reads it, and the answer has the network layer.
      server!.allow('networkpolicies.networking.k8s.io');
      await waitFor('the policy', () => admitsFrom(live) === 'reviews');
      await waitFor(
        'no resource degraded',
        () => !live.status().degraded.length,
      );
      expect(clusterCaveat('backend', live.status())).toBeUndefined();
      expect(answers(live).check.decision).toBe('DENY');
    });
  });

  it('names the Role for the mesh config it may never read, and falls back to defaults', async () => {
    await startServer();
    server!.forbid('configmaps');
    const live = startSource();
    await live.waitForSync();
    // Two ConfigMaps are read by name, each its own resource with its own grant.
    expect(live.status().degraded).toEqual([
      {
        resource: 'configmaps/istio',
        message:
          'may not list configmaps/istio in istio-system: add it to the istio-system Role in deploy/rbac.yaml',
      },
      {
        resource: 'configmaps/istio-ca-root-cert',
        message:
          'may not list configmaps/istio-ca-root-cert: add it to the ClusterRole in deploy/rbac.yaml',
      },
    ]);
    // Without the mesh config, the engine falls back to Istio's defaults.
    expect(buildClusterState('b', live.objects()!).mesh.trustDomain).toBe(
      'cluster.local',
    );
  });

  it('keeps what it read when a 403 comes after (RBAC warming up): stale, then recovered', async () => {
    await startServer();
    const logs: string[] = [];
    const live = startSource({
      logger: {
        info: m => logs.push(`info ${m}`),
        warn: m => logs.push(`warn ${m}`),
      },
    });
    await live.waitForSync();
    const before = buildClusterState('backend', live.objects()!);

    // The single control plane restarts; for a while its RBAC answers 403 for six of
    // the resources (the failure: they were emptied, with the status synced).
    const warming = [
      'serviceaccounts',
      'services',
      'configmaps',
      'statefulsets.apps',
      'daemonsets.apps',
      'destinationrules.networking.istio.io',
    ];
    await server!.restart({ forbidden: warming });
    // Forbidding ConfigMaps stops both ConfigMaps read by name.
    const staleIds = warming.flatMap(r =>
      r === 'configmaps'
        ? ['configmaps/istio', 'configmaps/istio-ca-root-cert']
        : [r],
    );
    const stale = await waitFor('stale', () =>
      live.status().state === 'stale' &&
      live.status().staleResources?.length === staleIds.length
        ? live.status()
        : undefined,
    );
    expect(stale.staleResources!.map(r => r.resource).sort()).toEqual(
      staleIds.sort(),
    );
    for (const r of stale.staleResources!) {
      expect(r.message).toMatch(/answered 403/);
    }
    expect(stale.message).toContain('serviceaccounts');
    expect(stale.degraded).toEqual([]);
    expect(Date.parse(stale.lastSyncedAt!)).toBeLessThanOrEqual(
      Date.parse(stale.staleSince!),
    );
    // The answers stay right: the mesh config's trust domain, the DestinationRules.
    const during = buildClusterState('backend', live.objects()!);
    expect(during.mesh.trustDomain).toBe('internal.example');
    expect(during.destinationRules).toEqual(before.destinationRules);
    expect(during.serviceAccounts).toEqual(before.serviceAccounts);
    expect(during.services).toEqual(before.services);

    server!.rbacReady();
    await waitFor('synced', () => live.status().state === 'synced');
    expect(live.status().staleResources).toBeUndefined();
    expect(live.status().staleSince).toBeUndefined();
    // Every resource was read again since, the quietest one included.
    expect(Date.parse(live.status().lastSyncedAt!)).toBeGreaterThan(
      Date.parse(stale.lastSyncedAt!),
    );
    expect(logs.filter(l => /is stale/.test(l))).toHaveLength(1);
    expect(logs.filter(l => /recovered, synced again/.test(l))).toHaveLength(1);
    expect(logs.some(l => /degraded/.test(l))).toBe(false);
  });

  it('notices a silent partition within the silence bound and recovers once the network is back', async () => {
    // Bookmarks every 20 ms keep healthy watches talking; 2 s of silence restarts one,
    // and a watch that cannot be opened again within 1 s makes the cluster stale (wide
    // margins, so that a busy machine is not taken for a partition).
    await startServer({ bookmarkIntervalMs: 20 });
    const logs: string[] = [];
    const live = startSource({
      silenceMs: 2000,
      logger: { info: m => logs.push(m), warn: m => logs.push(m) },
    });
    await live.waitForSync();
    const lists = live.apiCalls().lists;
    const bookmarks = server!.bookmarksSent;
    await waitFor('bookmarks', () => server!.bookmarksSent > bookmarks + 22);
    // Quiet but talking: still synced, with lastSyncedAt moving on.
    const first = live.status().lastSyncedAt!;
    await waitFor(
      'lastSyncedAt to move',
      () => live.status().lastSyncedAt! > first,
    );
    expect(live.status().state).toBe('synced');

    server!.partition();
    const partitionedAt = Date.now();
    const logsBefore = logs.length;
    server!.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'behind-the-partition', namespace: 'inventory' },
    });
    const stale = await waitFor('stale', () =>
      live.status().state === 'stale' ? live.status() : undefined,
    );
    // Stale only once the partition began, and named as what it is.
    expect(Date.parse(stale.staleSince!) - partitionedAt).toBeGreaterThan(0);
    expect(stale.message).toMatch(/did not answer in time/);
    expect(Date.parse(stale.lastSyncedAt!)).toBeLessThanOrEqual(
      Date.parse(stale.staleSince!),
    );
    expect(find(live.objects(), 'ServiceAccount', 'behind-the-partition')).toBe(
      undefined,
    );
    expect(buildClusterState('backend', live.objects()!).mesh.trustDomain).toBe(
      'internal.example',
    );

    server!.heal();
    await waitFor('synced', () => live.status().state === 'synced');
    await waitFor('the change made during the partition', () =>
      find(live.objects(), 'ServiceAccount', 'behind-the-partition'),
    );
    // The watches resumed from their resourceVersions: nothing listed again.
    expect(live.apiCalls().lists).toBe(lists);
    const logged = logs.slice(logsBefore);
    expect(logged.filter(l => /is stale/.test(l))).toHaveLength(1);
    expect(logged.filter(l => /recovered/.test(l))).toHaveLength(1);
  });

  it('fails when it may read nothing at all', async () => {
    await startServer();
    // Every kind the table has the source watch, as RBAC names it.
    for (const r of new Set(
      watchedResources.map(k =>
        k.group ? `${k.plural}.${k.group}` : k.plural,
      ),
    )) {
      server!.forbid(r);
    }
    const live = startSource();
    const failed = await waitFor('failed', () =>
      live.status().state === 'failed' ? live.status() : undefined,
    );
    expect(failed.message).toMatch(/may not read any resource/);
    expect(failed.degraded).toHaveLength(kinds);
  });

  it('reads Istio v1beta1 where v1 is not served', async () => {
    await startServer({
      istioVersions: ['v1beta1'],
      objects: disk.map(({ object }) => {
        const o = object as any;
        return o.apiVersion.includes('istio.io/')
          ? { ...o, apiVersion: o.apiVersion.replace('/v1', '/v1beta1') }
          : o;
      }),
    });
    const live = startSource();
    await live.waitForSync();

    const policy = live
      .objects()!
      .find(o => (o.object as any).kind === 'AuthorizationPolicy')!
      .object as any;
    expect(policy.apiVersion).toBe('security.istio.io/v1beta1');
    expect(
      buildClusterState('backend', live.objects()!).authorizationPolicies,
    ).toHaveLength(
      buildClusterState('backend', disk).authorizationPolicies.length,
    );
    expect(
      server!.requests.some(
        r => r.path === '/apis/security.istio.io/v1/authorizationpolicies',
      ),
    ).toBe(true);
    expect(
      watchRequests(server!).every(r => !r.path.includes('istio.io/v1/')),
    ).toBe(true);
    expect(live.status().degraded).toEqual([]);
  });

  it('reports "Istio CRDs not installed" and reads the rest where Istio is absent', async () => {
    await startServer({
      istioVersions: [],
      objects: disk
        .map(o => o.object as any)
        .filter(o => !o.apiVersion.includes('istio.io')),
    });
    const live = startSource();
    await live.waitForSync();
    expect(live.status().state).toBe('synced');
    // Each Istio kind of the table, in its order.
    expect(live.status().degraded.map(d => d.resource)).toEqual(
      watchedResources
        .filter(k => k.group.endsWith('.istio.io'))
        .map(k => k.id),
    );
    expect(live.status().degraded.map(d => d.resource)).toEqual(
      expect.arrayContaining([
        'peerauthentications.security.istio.io',
        'authorizationpolicies.security.istio.io',
        'destinationrules.networking.istio.io',
        'serviceentries.networking.istio.io',
        'virtualservices.networking.istio.io',
      ]),
    );
    for (const d of live.status().degraded) {
      expect(d.message).toMatch(
        /^Istio CRDs not installed: .* is not served at v1 nor v1beta1$/,
      );
    }
    expect(
      buildClusterState('backend', live.objects()!).workloads.length,
    ).toBeGreaterThan(0);
  });

  it('reads cert-manager Certificates and issuers, keeping what the engine reads', async () => {
    await startServer();
    server!.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'cacerts', namespace: 'istio-system' },
      spec: {
        secretName: 'cacerts',
        isCA: true,
        duration: '8760h',
        issuerRef: { kind: 'ClusterIssuer', name: 'mesh-root' },
        privateKey: { algorithm: 'ECDSA' },
      },
      status: {
        notAfter: '2027-01-01T00:00:00Z',
        conditions: [
          { type: 'Issuing', status: 'True' },
          { type: 'Ready', status: 'False', reason: 'Pending', message: 'x' },
        ],
      },
    });
    server!.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'mesh-root' },
      spec: { ca: { secretName: 'mesh-root-ca' } },
    });
    const live = startSource();
    await live.waitForSync();
    expect(find(live.objects(), 'Certificate', 'cacerts')).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'cacerts', namespace: 'istio-system' },
      spec: {
        secretName: 'cacerts',
        isCA: true,
        duration: '8760h',
        issuerRef: { kind: 'ClusterIssuer', name: 'mesh-root' },
      },
      status: {
        notAfter: '2027-01-01T00:00:00Z',
        conditions: [
          { type: 'Ready', status: 'False', reason: 'Pending', message: 'x' },
        ],
      },
    });
    expect(find(live.objects(), 'ClusterIssuer', 'mesh-root').spec).toEqual({
      ca: {},
    });
    const state = buildClusterState('backend', live.objects()!);
    expect(state.certificates!.ca.kind).toBe('plugged-in');
  });

  it('reads a cluster without cert-manager (404) as synced, lacking nothing', async () => {
    // The demo's own objects of optional kinds (cert-manager's, Gateway API's waypoint)
    // left out: this server does not serve those kinds.
    await startServer({
      optionalKinds: false,
      objects: disk
        .map(o => o.object as { apiVersion?: string })
        .filter(
          o =>
            !String(o.apiVersion).startsWith('cert-manager.io/') &&
            !String(o.apiVersion).startsWith('gateway.networking.k8s.io/'),
        ),
    });
    const live = startSource();
    await live.waitForSync();
    expect(live.status()).toMatchObject({ state: 'synced', degraded: [] });
    expect(server!.requests.some(r => r.path.includes('cert-manager.io'))).toBe(
      true,
    );
    expect(
      buildClusterState('backend', live.objects()!).certificates!.certificates,
    ).toEqual([]);
  });

  describe('Gateway API routes', () => {
    const group = 'gateway.networking.k8s.io';
    const tcpRoutes = `tcproutes.${group}`;
    const tlsRoutes = `tlsroutes.${group}`;
    // An ingress Gateway of class istio with a TCP listener, and TCPRoutes from it to the
    // example's orders-api.
    const ingress = {
      apiVersion: `${group}/v1`,
      kind: 'Gateway',
      metadata: { name: 'public', namespace: 'istio-system' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'orders-tcp',
            port: 9000,
            protocol: 'TCP',
            allowedRoutes: { namespaces: { from: 'All' } },
          },
        ],
      },
    };
    const tcpRoute = (version: string, name = 'orders-tcp') => ({
      apiVersion: `${group}/${version}`,
      kind: 'TCPRoute',
      metadata: { name, namespace: 'orders' },
      spec: {
        parentRefs: [
          {
            name: 'public',
            namespace: 'istio-system',
            sectionName: 'orders-tcp',
          },
        ],
        rules: [{ backendRefs: [{ name: 'orders-api', port: 8080 }] }],
      },
      status: { parents: [] },
    });
    /** The routes through which orders-api is reached from outside, as the engine reads the live objects. */
    const waysIn = (live: LiveClusterSource) => {
      const model = new MeshModel([
        buildClusterState('backend', live.objects()!),
      ]);
      const view = workloadView(
        model.resolveWorkload('backend/orders/orders-api'),
        model,
      );
      return (view.exposure ?? []).map(
        x => `${x.routeKind} ${x.virtualService} ${x.gateway}:${x.port}`,
      );
    };
    const paths = (requests: { path: string }[]) =>
      requests.map(r => r.path).filter(p => p.endsWith('/tcproutes'));

    it('lists and watches TCPRoutes, keeping what the engine reads, and follows one added after the sync to the workload it exposes', async () => {
      await startServer({
        objects: [...disk.map(o => o.object), ingress, tcpRoute('v1')],
      });
      const live = startSource();
      await live.waitForSync();

      expect(paths(listRequests(server!))).toEqual([
        `/apis/${group}/v1/tcproutes`,
      ]);
      expect(new Set(paths(watchRequests(server!)))).toEqual(
        new Set([`/apis/${group}/v1/tcproutes`]),
      );
      const read = find(live.objects(), 'TCPRoute', 'orders-tcp', 'orders');
      expect(read.spec).toEqual(tcpRoute('v1').spec);
      expect(read).not.toHaveProperty('status');
      expect(waysIn(live)).toEqual([
        'TCPRoute orders/orders-tcp istio-system/public:9000',
      ]);

      server!.apply(tcpRoute('v1', 'orders-tcp-2'));
      await waitFor('the new TCPRoute', () =>
        find(live.objects(), 'TCPRoute', 'orders-tcp-2'),
      );
      expect(waysIn(live)).toEqual([
        'TCPRoute orders/orders-tcp istio-system/public:9000',
        'TCPRoute orders/orders-tcp-2 istio-system/public:9000',
      ]);
      expect(live.status()).toMatchObject({ state: 'synced', degraded: [] });
    });

    it('reads TCPRoutes at v1alpha2 where v1 is not served (Gateway API before v1.6)', async () => {
      await startServer({
        servedVersions: { [tcpRoutes]: ['v1alpha2'] },
        objects: [...disk.map(o => o.object), ingress, tcpRoute('v1alpha2')],
      });
      const live = startSource();
      await live.waitForSync();

      expect(paths(listRequests(server!))).toEqual([
        `/apis/${group}/v1/tcproutes`,
        `/apis/${group}/v1alpha2/tcproutes`,
      ]);
      expect(
        paths(watchRequests(server!)).every(p => p.includes('/v1alpha2/')),
      ).toBe(true);
      expect(find(live.objects(), 'TCPRoute', 'orders-tcp').apiVersion).toBe(
        `${group}/v1alpha2`,
      );
      expect(waysIn(live)).toEqual([
        'TCPRoute orders/orders-tcp istio-system/public:9000',
      ]);
      expect(live.status().degraded).toEqual([]);
    });

    it('stays quiet where the TCPRoute CRD is not installed, as where the TLSRoute one is not, and reads the other Gateway API kinds', async () => {
      await startServer({
        servedVersions: { [tcpRoutes]: [], [tlsRoutes]: [] },
        objects: [...disk.map(o => o.object), ingress],
      });
      const live = startSource();
      await live.waitForSync();

      expect(live.status()).toMatchObject({ state: 'synced', degraded: [] });
      expect(clusterCaveat('backend', live.status())).toBeUndefined();
      // Tried at each version it may be served at (again at each recheck), found at none.
      for (const plural of ['tcproutes', 'tlsroutes']) {
        const tried = listRequests(server!)
          .map(r => r.path)
          .filter(p => p.endsWith(`/${plural}`));
        expect(new Set(tried)).toEqual(
          new Set([
            `/apis/${group}/v1/${plural}`,
            `/apis/${group}/v1alpha2/${plural}`,
          ]),
        );
      }
      expect(
        find(live.objects(), 'Gateway', 'public', 'istio-system'),
      ).toBeDefined();
      expect(waysIn(live)).toEqual([]);
    });

    it('names TCPRoutes in the caveat where it may not list them', async () => {
      await startServer({ objects: [...disk.map(o => o.object), ingress] });
      server!.forbid(tcpRoutes);
      const live = startSource();
      await live.waitForSync();

      expect(live.status().degraded).toEqual([
        {
          resource: tcpRoutes,
          message: `may not list ${tcpRoutes}: add it to the ClusterRole in deploy/rbac.yaml`,
        },
      ]);
      expect(clusterCaveat('backend', live.status())?.resources).toEqual([
        {
          resource: tcpRoutes,
          problem: 'degraded',
          text: 'TCPRoutes could not be read: exposure through Gateway API gateways may be missing',
        },
      ]);
    });
  });

  it('lists from the watch cache first (resourceVersion 0, whole), and again from the latest state after a 410', async () => {
    await startServer();
    const live = startSource({ pageSize: 2 });
    await live.waitForSync();
    const all = buildClusterState('backend', disk);
    expect(
      buildClusterState('backend', live.objects()!).serviceAccounts,
    ).toHaveLength(all.serviceAccounts.length);
    const firstLists = listRequests(server!).filter(
      r => r.path === '/api/v1/serviceaccounts',
    );
    // One request although the page size is 2: the watch cache ignores the limit.
    expect(firstLists).toHaveLength(1);
    expect(firstLists[0].query.resourceVersion).toBe('0');

    // All synchronous: the client cannot reconnect before the history is compacted.
    server!.dropWatches();
    server!.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'after-compaction', namespace: 'inventory' },
    });
    server!.compact();
    await waitFor('the new list', () =>
      find(live.objects(), 'ServiceAccount', 'after-compaction'),
    );
    const relists = listRequests(server!)
      .filter(r => r.path === '/api/v1/serviceaccounts')
      .slice(1);
    expect(relists.length).toBeGreaterThan(1);
    expect(relists.every(r => r.query.resourceVersion === undefined)).toBe(
      true,
    );
  });

  it('pages through lists smaller than the collection and gets every object', async () => {
    // Without a watch cache, even the first list (resourceVersion 0) is paged.
    await startServer({ watchCache: false });
    const live = startSource({ pageSize: 2 });
    await live.waitForSync();

    const all = buildClusterState('backend', disk);
    const read = buildClusterState('backend', live.objects()!);
    expect(read.serviceAccounts).toHaveLength(all.serviceAccounts.length);
    expect(read.workloads).toHaveLength(all.workloads.length);
    expect(read.authorizationPolicies).toHaveLength(
      all.authorizationPolicies.length,
    );
    const pages = listRequests(server!).filter(
      r => r.path === '/api/v1/serviceaccounts',
    );
    expect(pages).toHaveLength(Math.ceil(all.serviceAccounts.length / 2));
    expect(pages.every(r => r.query.limit === '2')).toBe(true);
    expect(pages.slice(1).every(r => !!r.query.continue)).toBe(true);
  });

  it('lists again, unpaged, when the continue token expires between pages', async () => {
    await startServer({ watchCache: false });
    server!.delay(300);
    const live = startSource({ pageSize: 2 });
    const serviceAccountPages = () =>
      listRequests(server!).filter(r => r.path === '/api/v1/serviceaccounts');
    // While the second page waits in the server, the snapshot it reads expires.
    await waitFor('the second page', () =>
      serviceAccountPages().some(r => r.query.continue),
    );
    server!.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'meanwhile', namespace: 'inventory' },
    });
    server!.compact();
    server!.delay(0);

    await live.waitForSync();
    expect(find(live.objects(), 'ServiceAccount', 'meanwhile')).toBeDefined();
    expect(
      buildClusterState('backend', live.objects()!).serviceAccounts,
    ).toHaveLength(
      buildClusterState('backend', disk).serviceAccounts.length + 1,
    );
    const last = serviceAccountPages().pop()!;
    expect(last.query.limit).toBeUndefined();
    expect(last.query.continue).toBeUndefined();
  });

  it('fails with a clear message, without the token, when the token is wrong', async () => {
    await startServer();
    const token = 'not-the-right-token-0123456789';
    const live = startSource(
      {},
      { ...server!.connection('backend'), serviceAccountToken: token },
    );
    const failed = await waitFor('failed', () =>
      live.status().state === 'failed' ? live.status() : undefined,
    );
    expect(failed.message).toBe(
      `the API server at ${
        server!.url
      } rejected the credentials (401 Unauthorized): check the cluster's token`,
    );
    expect(JSON.stringify(live.status())).not.toContain(token);
  });

  it('gives up on a request the server does not answer in time', async () => {
    await startServer();
    // The timeout is far below the delay but far above what a busy machine takes to answer,
    // so the recovery below does not depend on how fast the machine is.
    server!.delay(60_000);
    const live = startSource({ requestTimeoutMs: 3000 });
    const failed = await waitFor('failed', () =>
      live.status().state === 'failed' ? live.status() : undefined,
    );
    expect(failed.message).toBe(
      `the API server at ${server!.url} did not answer in time`,
    );
    server!.delay(0);
    await live.waitForSync();
  });

  it('goes stale when the server accepts watches but never answers, and recovers', async () => {
    await startServer();
    // As above: a timeout a busy machine's answers stay well within.
    const live = startSource({ requestTimeoutMs: 3000 });
    await live.waitForSync();
    const lists = live.apiCalls().lists;

    server!.delay(60_000);
    server!.dropWatches();
    const stale = await waitFor('stale', () =>
      live.status().state === 'stale' ? live.status() : undefined,
    );
    expect(stale.message).toContain(
      `the API server at ${server!.url} did not answer in time`,
    );
    expect(stale.staleResources![0].message).toBe(
      `the API server at ${server!.url} did not answer in time`,
    );
    server!.delay(0);
    await live.waitForSync();
    expect(live.apiCalls().lists).toBe(lists);
  });

  it('reports bad connection settings as failed, naming what is wrong', async () => {
    const cases: [LiveClusterConfig, RegExp][] = [
      [
        {
          name: 'plain',
          url: 'http://10.0.0.1:6443',
          serviceAccountToken: 't',
        },
        /cluster 'plain': url 'http:\/\/10\.0\.0\.1:6443' is plain HTTP/,
      ],
      [{ name: 'bad-url', url: 'not a url' }, /url 'not a url' is not a URL/],
      [
        { name: 'nothing' },
        /cluster 'nothing' needs url \(with serviceAccountToken\), kubeconfig, or inCluster/,
      ],
      [
        { name: 'missing', kubeconfig: { path: '/nonexistent/kubeconfig' } },
        /cannot read kubeconfig \/nonexistent\/kubeconfig: no such file/,
      ],
      [
        { name: 'pod', inCluster: true },
        /cluster 'pod': inCluster needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which are set only inside a pod; set url instead/,
      ],
    ];
    // As outside a pod, even where these tests run in one.
    const { KUBERNETES_SERVICE_HOST: host, KUBERNETES_SERVICE_PORT: port } =
      process.env;
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_PORT;
    try {
      for (const [config, message] of cases) {
        const live = new LiveClusterSource(config);
        await live.start();
        expect(live.status()).toEqual({
          state: 'failed',
          source: 'live',
          message: expect.stringMatching(message),
          degraded: [],
        });
        await expect(live.waitForSync(10)).rejects.toThrow(/did not sync/);
        await live.stop();
      }
    } finally {
      if (host) process.env.KUBERNETES_SERVICE_HOST = host;
      if (port) process.env.KUBERNETES_SERVICE_PORT = port;
    }
  });

  it('reads a kubeconfig context', async () => {
    await startServer();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-live-'));
    const file = path.join(dir, 'config');
    await fs.writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'elsewhere',
        clusters: [
          {
            name: 'test',
            cluster: { server: server!.url, 'insecure-skip-tls-verify': true },
          },
          { name: 'other', cluster: { server: 'https://10.255.255.1' } },
        ],
        users: [{ name: 'reader', user: { token: server!.token } }],
        contexts: [
          { name: 'backend', context: { cluster: 'test', user: 'reader' } },
          { name: 'elsewhere', context: { cluster: 'other', user: 'reader' } },
        ],
      }),
    );
    try {
      const unknown = new LiveClusterSource({
        name: 'x',
        kubeconfig: { path: file, context: 'nope' },
      });
      expect(unknown.status().message).toBe(
        `cluster 'x': kubeconfig ${file} has no context 'nope' (it has backend, elsewhere)`,
      );
      const live = startSource(
        {},
        {
          name: 'backend',
          kubeconfig: { path: file, context: 'backend' },
        },
      );
      await live.waitForSync();
      expect(find(live.objects(), 'Namespace', 'bookinfo')).toBeDefined();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('calls onChange at most once per debounce period', async () => {
    await startServer();
    const live = startSource({ debounceMs: 300 });
    await live.waitForSync();
    const changes = jest.fn();
    live.onChange(changes);
    for (let i = 0; i < 30; i++) {
      server!.apply({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: `burst-${i}`, namespace: 'inventory' },
      });
    }
    await waitFor('the last one', () =>
      find(live.objects(), 'ServiceAccount', 'burst-29'),
    );
    await waitFor('a notification', () => changes.mock.calls.length > 0);
    expect(changes.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('stops cleanly: no watch, connection or timer left behind', async () => {
    await startServer();
    // Every timer created from here on, with the code that created it.
    const timers = new Map<
      number,
      { timer: NodeJS.Timeout; creator: string }
    >();
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type !== 'Timeout') return;
        const frames = (new Error().stack ?? '').split('\n');
        const at = frames.findIndex(f => /at set(Timeout|Interval) /.test(f));
        timers.set(id, {
          timer: resource as NodeJS.Timeout,
          creator: frames[at + 1] ?? '',
        });
      },
      destroy(id) {
        timers.delete(id);
      },
    }).enable();
    try {
      const live = startSource();
      await live.waitForSync();
      expect(server!.openWatches).toBe(kinds);

      await live.stop();
      await waitFor(
        'the connections to close',
        () => server!.openConnections === 0,
      );
      expect(server!.openWatches).toBe(0);
      // Timers that would keep the process alive, made by the source or its client.
      const left = [...timers.values()].filter(
        ({ timer, creator }) =>
          timer.hasRef() &&
          /src\/live\/(?!.*\.test\.ts)|@kubernetes|node-fetch/.test(creator),
      );
      expect(left.map(t => t.creator)).toEqual([]);
      const requests = server!.requestCount;
      await new Promise(resolve => setTimeout(resolve, 100));
      expect(server!.requestCount).toBe(requests);
    } finally {
      hook.disable();
    }
  });
});
