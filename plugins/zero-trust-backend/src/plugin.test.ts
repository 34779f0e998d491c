import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ClustersResponse,
  EntitySecurityResponse,
  IdentitiesResponse,
  OnboardingPreview,
  TrustResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { trustFindingCodes } from '@zero-trust/backstage-plugin-zero-trust-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { zeroTrustPlugin } from './plugin';

// Starts a real backend (HTTP, SQLite, the plugin's sources): slow on a busy machine.
jest.setTimeout(60_000);

const demoClusters = {
  zeroTrust: {
    clusters: [
      {
        name: 'backend',
        snapshot: path.join(repoRoot, 'examples/clusters/backend'),
      },
      { name: 'edge', snapshot: path.join(repoRoot, 'examples/clusters/edge') },
      { name: 'broken', snapshot: path.join(repoRoot, 'no/such/folder') },
    ],
  },
};

const bob = 'user:default/bob';

async function startBackend(
  options: {
    hidden?: Record<string, string[]>;
    deny?: boolean;
    /** A permission policy that denies exactly these permissions and allows the rest. */
    denyOnly?: string[];
    anonymous?: boolean;
    /** The clusters' configuration instead of the demo's. */
    clusters?: typeof demoClusters;
  } = {},
) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      mockServices.rootConfig.factory({
        data: options.clusters ?? demoClusters,
      }),
      catalogWithVisibility(demoEntities(), options.hidden),
      // By default the test backend signs unauthenticated requests in as a mock user.
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
      ...(options.denyOnly
        ? [
            mockServices.permissions.mock({
              authorize: async requests =>
                requests.map(({ permission }) => ({
                  result: options.denyOnly!.includes(permission.name)
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
                })),
            }).factory,
          ]
        : []),
    ],
  });
  return server;
}

const asUser = (ref = 'user:default/alice') => ({
  Authorization: mockCredentials.user.header(ref),
});

describe('zero-trust backend', () => {
  it('answers nothing without Backstage credentials', async () => {
    const server = await startBackend({ anonymous: true });
    for (const url of [
      '/api/zero-trust/clusters',
      '/api/zero-trust/identities',
      '/api/zero-trust/findings',
      '/api/zero-trust/namespaces',
      '/api/zero-trust/trust',
      '/api/zero-trust/entities/component/default/productpage/security',
    ]) {
      const res = await request(server).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 401 });
    }
    const check = await request(server)
      .post('/api/zero-trust/check')
      .send({ from: 'bookinfo/productpage', to: 'bookinfo/reviews-v1' });
    expect(check.status).toBe(401);
  });

  it("serves an entity's identity, mTLS, callers resolved to entities and findings", async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/entities/component/default/reviews/security')
      .set(asUser());
    expect(res.status).toBe(200);
    const body: EntitySecurityResponse = res.body;
    expect(body.entityRef).toBe('component:default/reviews');
    expect(body.selector).toEqual({
      kubernetesId: 'reviews',
      namespace: 'bookinfo',
      cluster: 'backend',
    });
    expect(body.clusters.map(c => c.cluster)).toEqual(['backend']);
    const [backend] = body.clusters;
    expect(backend.status.state).toBe('synced');
    const [reviews] = backend.workloads;
    expect(reviews.name).toBe('reviews-v1');
    expect(reviews.identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    expect(reviews.trustDomain).toBe('internal.example');
    const productpage = reviews.allowedCallers.find(
      c =>
        c.source.kind === 'workload' &&
        c.source.workload.endsWith('/productpage'),
    );
    expect(productpage?.entityRefs).toEqual(['component:default/productpage']);
    expect(productpage?.decision).toMatch(/ALLOW|CONDITIONAL/);
  });

  it("lists, in a finding about many workloads, only the entity's own on its tab and all of them in /findings", async () => {
    // The backend demo with the mesh's outbound policy ALLOW_ANY: ZT035 concerns every
    // sidecar workload of the cluster.
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-allow-any-'));
    const demo = path.join(repoRoot, 'examples/clusters/backend');
    for (const file of await fs.readdir(demo)) {
      const text = await fs.readFile(path.join(demo, file), 'utf8');
      await fs.writeFile(
        path.join(root, file),
        text.replace('mode: REGISTRY_ONLY', 'mode: ALLOW_ANY'),
      );
    }
    try {
      const server = await startBackend({
        clusters: {
          zeroTrust: { clusters: [{ name: 'backend', snapshot: root }] },
        },
      });
      const all = await request(server)
        .get('/api/zero-trust/findings?cluster=backend')
        .set(asUser());
      const meshWide = all.body.items.find((f: any) => f.code === 'ZT035');
      expect(meshWide.workloads.length).toBeGreaterThan(5);
      expect(meshWide.message).toMatch(/ and \d+ more\) may call any host/);

      const tab = await request(server)
        .get('/api/zero-trust/entities/component/default/reviews/security')
        .set(asUser());
      const [reviews] = tab.body.clusters[0].workloads;
      const onTab = reviews.findings.find((f: any) => f.code === 'ZT035');
      expect(onTab.workloads).toEqual([`backend/bookinfo/${reviews.name}`]);
      expect(onTab.message).toBe(meshWide.message);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it("names Cilium and Calico policies in the snapshot as not read on the tab: its namespace's and the cluster-wide ones", async () => {
    const snapshot = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-cilium-'));
    await fs.cp(path.join(repoRoot, 'examples/clusters/backend'), snapshot, {
      recursive: true,
    });
    await fs.writeFile(
      path.join(snapshot, 'other-engines.yaml'),
      [
        'apiVersion: cilium.io/v2',
        'kind: CiliumNetworkPolicy',
        'metadata: {name: reviews-l7, namespace: bookinfo}',
        'spec: {endpointSelector: {matchLabels: {app: reviews}}}',
        '---',
        'apiVersion: cilium.io/v2',
        'kind: CiliumClusterwideNetworkPolicy',
        'metadata: {name: lock-down}',
        'spec: {endpointSelector: {}}',
        '---',
        'apiVersion: crd.projectcalico.org/v1',
        'kind: NetworkPolicy',
        'metadata: {name: identity-only, namespace: identity}',
        'spec: {selector: all()}',
        '',
      ].join('\n'),
    );
    try {
      const server = await startBackend({
        clusters: {
          zeroTrust: { clusters: [{ name: 'backend', snapshot }] },
        },
      });
      const res = await request(server)
        .get('/api/zero-trust/entities/component/default/reviews/security')
        .set(asUser());
      expect(res.status).toBe(200);
      const [backend] = (res.body as EntitySecurityResponse).clusters;
      const notRead = backend.namespaceFindings
        .filter(f => f.code === 'ZT022')
        .map(f => f.message);
      // identity's Calico policy selects no pod of bookinfo: not on reviews' tab.
      expect(notRead).toEqual([
        'CiliumClusterwideNetworkPolicy lock-down is not read: answers here leave out what it allows or drops.',
        'CiliumNetworkPolicy bookinfo/reviews-l7 is not read: answers here leave out what it allows or drops.',
      ]);
    } finally {
      await fs.rm(snapshot, { recursive: true, force: true });
    }
  });

  it('finds an entity by its label selector alone', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/entities/component/default/inventory-api/security')
      .set(asUser());
    expect(res.status).toBe(200);
    const body: EntitySecurityResponse = res.body;
    expect(body.selector.labelSelector).toBe('app=inventory');
    const [backend] = body.clusters;
    expect(backend.workloads.map(w => `${w.namespace}/${w.name}`)).toEqual([
      'inventory/inventory-api',
    ]);
    expect(backend.workloads[0].meshMode).toBe('none');
    expect(backend.workloads[0].identity).toBeNull();
  });

  it('answers 404 for an entity the user may not see, and for an unknown one', async () => {
    const server = await startBackend({
      hidden: { [bob]: ['component:default/reviews'] },
    });
    const hiddenRes = await request(server)
      .get('/api/zero-trust/entities/component/default/reviews/security')
      .set(asUser(bob));
    expect(hiddenRes.status).toBe(404);
    expect(hiddenRes.body.error.name).toBe('NotFoundError');
    const unknown = await request(server)
      .get('/api/zero-trust/entities/component/default/nope/security')
      .set(asUser());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      hiddenRes.body.error.message.replace('reviews', 'nope'),
    );
  });

  it("shows a caller the user may not see as its identity, without the entity's name", async () => {
    const server = await startBackend({
      hidden: { [bob]: ['component:default/productpage'] },
    });
    const get = (user?: string) =>
      request(server)
        .get('/api/zero-trust/entities/component/default/reviews/security')
        .set(asUser(user));
    const productpageOf = (body: EntitySecurityResponse) =>
      body.clusters[0].workloads[0].allowedCallers.find(
        c =>
          c.source.kind === 'workload' &&
          c.source.workload.endsWith('/productpage'),
      );
    // The answer every user shares is built once per model: asked first by a user who
    // may see the caller, it must still be filtered for one who may not, and back.
    const first = await get();
    expect(productpageOf(first.body)!.entityRefs).toEqual([
      'component:default/productpage',
    ]);
    const res = await get(bob);
    const productpage = productpageOf(res.body);
    expect(productpage).toBeDefined();
    expect(productpage!.entityRefs).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain(
      'component:default/productpage',
    );
    expect(res.body.clusters[0].workloads).toEqual(
      first.body.clusters[0].workloads.map((w: any) => ({
        ...w,
        allowedCallers: w.allowedCallers.map((c: any) => ({
          ...c,
          entityRefs: c.entityRefs.filter(
            (r: string) => r !== 'component:default/productpage',
          ),
        })),
      })),
    );
    const again = await get();
    expect(again.body.clusters[0].workloads).toEqual(
      first.body.clusters[0].workloads,
    );

    // Each prepared answer carries its own ETag: a browser holding the answer of a user
    // who may see the caller is told "not modified" only by that answer, never by bob's.
    expect(first.headers.etag).toMatch(/^W\/".+"$/);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(res.headers.etag).not.toBe(first.headers.etag);
    const cached = await get().set('If-None-Match', first.headers.etag);
    expect(cached.status).toBe(304);
    const bobsWithAlices = await get(bob).set(
      'If-None-Match',
      first.headers.etag,
    );
    expect(bobsWithAlices.status).toBe(200);
    expect(JSON.stringify(bobsWithAlices.body)).not.toContain(
      'component:default/productpage',
    );
  });

  it('lists clusters with trust domains and status, one failed without failing the rest', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/clusters')
      .set(asUser());
    expect(res.status).toBe(200);
    const { items }: ClustersResponse = res.body;
    expect(
      items.map(c => [c.name, c.status.state, c.summary?.trustDomain]),
    ).toEqual([
      ['backend', 'synced', 'internal.example'],
      ['edge', 'synced', 'external.example'],
      ['broken', 'failed', undefined],
    ]);
    expect(items[0].summary?.trustDomainAliases).toEqual([
      'legacy.internal.example',
    ]);
    expect(items[2].status.message).toContain('no/such/folder');
  });

  it('answers check from the live state, and 400/404 for bad queries', async () => {
    const server = await startBackend();
    const allowed = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'plaintext', to: 'backend/identity/identity-api' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.mtls).toBe(false);
    expect(['ALLOW', 'CONDITIONAL', 'DENY']).toContain(allowed.body.decision);

    const bad = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'plaintext', to: 'x/y', port: 'eighty', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(bad.body.error.message).toContain('port');

    const unknown = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'plaintext', to: 'bookinfo/nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('bookinfo/nope');

    // A Service stands for the workloads it selects; a typo gets the closest names.
    const service = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({
        from: 'bookinfo/productpage',
        to: 'bookinfo/reviews',
        port: 9080,
      });
    expect(service.status).toBe(200);
    expect(service.body.services.to).toEqual({
      service: 'backend/bookinfo/reviews',
      workloads: expect.arrayContaining(['backend/bookinfo/reviews-v1']),
    });
    const typo = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'bookinfo/productpage', to: 'bookinfo/reveiws' });
    expect(typo.status).toBe(404);
    expect(typo.body.error.name).toBe('NotFoundError');
    expect(typo.body.error.message).toMatch(
      /^no workload bookinfo\/reveiws, nor a Service or ServiceEntry of that name; closest: bookinfo\/reviews\b/,
    );
    // The failed demo cluster could not be searched: the answer says so.
    expect(typo.body.error.message).toContain('not searched: cluster broken');
    expect(typo.body.error).not.toHaveProperty('stack');
  });

  it('lists every mesh identity with its workloads and entities', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/identities')
      .set(asUser());
    const { items }: IdentitiesResponse = res.body;
    const ratings = items.find(
      i => i.principal === 'internal.example/ns/bookinfo/sa/bookinfo-ratings',
    );
    expect(ratings).toMatchObject({
      cluster: 'backend',
      spiffeId: 'spiffe://internal.example/ns/bookinfo/sa/bookinfo-ratings',
      entityRefs: ['component:default/ratings'],
    });
    // Outside the mesh there is no identity to grant.
    expect(items.some(i => i.namespace === 'inventory')).toBe(false);
  });

  it('filters findings and reports namespace posture', async () => {
    const server = await startBackend();
    const all = await request(server)
      .get('/api/zero-trust/findings')
      .set(asUser());
    const high = await request(server)
      .get('/api/zero-trust/findings?severity=high&cluster=backend')
      .set(asUser());
    expect(high.body.items.length).toBeGreaterThan(0);
    expect(high.body.items.length).toBeLessThan(all.body.items.length);
    expect(
      high.body.items.every(
        (f: any) => f.severity === 'high' && f.resource.cluster === 'backend',
      ),
    ).toBe(true);
    const bad = await request(server)
      .get('/api/zero-trust/findings?severity=urgent')
      .set(asUser());
    expect(bad.status).toBe(400);

    const ns = await request(server)
      .get('/api/zero-trust/namespaces')
      .set(asUser());
    const identity = ns.body.items.find(
      (n: any) => n.cluster === 'backend' && n.namespace === 'identity',
    );
    expect(identity).toMatchObject({
      injection: 'sidecar',
      mtls: 'PERMISSIVE',
    });
    const inventory = ns.body.items.find(
      (n: any) => n.namespace === 'inventory',
    );
    expect(inventory.injection).toBe('none');
  });

  it('serves the trust view: each cluster, each ordered pair of clusters, the certificate findings', async () => {
    const server = await startBackend();
    const res = await request(server)
      .get('/api/zero-trust/trust')
      .set(asUser());
    expect(res.status).toBe(200);
    const body: TrustResponse = res.body;
    expect(body.clusters.map(c => [c.name, c.trustDomain])).toEqual([
      ['backend', 'internal.example'],
      ['edge', 'external.example'],
    ]);
    expect(body.edges.map(e => [e.root.from, e.root.to])).toEqual([
      ['edge', 'backend'],
      ['backend', 'edge'],
    ]);
    expect(body.findings.every(f => trustFindingCodes.includes(f.code))).toBe(
      true,
    );
    // The cluster that could not be read is named, not drawn.
    expect(body.caveats?.map(c => c.cluster)).toEqual(['broken']);
  });

  it("shows the demo's certificates: the chain, the rotation, who authenticates, the root that ends soon", async () => {
    const server = await startBackend();
    const entity = await request(server)
      .get('/api/zero-trust/entities/component/default/reviews/security')
      .set(asUser());
    const { certificate } = (entity.body as EntitySecurityResponse).clusters[0]
      .workloads[0];
    expect(certificate?.ca).toMatchObject({
      kind: 'plugged-in',
      certificate: 'istio-system/cacerts',
    });
    expect(certificate?.chain.map(l => [l.role, l.subject])).toEqual([
      ['intermediate', 'CN=backend intermediate CA, O=zero-trust demo'],
      ['root', 'CN=zero-trust demo root CA, O=zero-trust demo'],
    ]);
    expect(certificate?.rotation?.seconds).toBe(24 * 3600);
    expect(certificate?.peers).toEqual([
      expect.objectContaining({
        cluster: 'edge',
        authenticates: true,
        domain: 'caCertificates',
        root: expect.objectContaining({ via: 'shared root' }),
      }),
    ]);

    const trust: TrustResponse = (
      await request(server).get('/api/zero-trust/trust').set(asUser())
    ).body;
    expect(
      trust.edges.map(e => [e.root.from, e.root.to, e.authenticates, e.reason]),
    ).toEqual([
      ['edge', 'backend', true, undefined],
      [
        'backend',
        'edge',
        false,
        'cluster edge does not accept trust domain internal.example (not its own, an alias or a caCertificates trust domain)',
      ],
    ]);
    // edge's old root, still in its bundle, ends within 30 days of the script's run (or
    // has ended): ZT024, then ZT025.
    expect(trust.findings).toContainEqual(
      expect.objectContaining({
        code: expect.stringMatching(/^ZT02[45]$/),
        message: expect.stringContaining(
          'The root certificate O=external.example that cluster edge trusts',
        ),
      }),
    );
  });

  it('previews an onboarding request without writing anything', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/zero-trust/onboarding/preview')
      .set(asUser())
      .send({
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        allowedCallers: [
          { entityRef: 'component:default/productpage', methods: ['GET'] },
        ],
      });
    expect(res.status).toBe(200);
    const preview: OnboardingPreview = res.body;
    expect(preview.plan.spiffeId).toMatch(
      /^spiffe:\/\/internal\.example\/ns\/inventory\/sa\//,
    );
    expect(preview.before?.meshMode).toBe('none');
    expect(preview.after.meshMode).not.toBe('none');
    // Istio would let productpage in, but the namespace's default-deny NetworkPolicy
    // drops it: the request does not ask for a NetworkPolicy admitting it.
    expect(preview.after.allowedCallers).toEqual([]);
    expect(
      preview.after.blockedByNetwork.map(c => [
        c.source.kind === 'workload' ? c.source.workload : c.source.kind,
        c.policies,
      ]),
    ).toEqual([
      ['backend/bookinfo/productpage', ['inventory/default-deny-ingress']],
    ]);
    // With networkPolicy: true the change admits it on both layers.
    const both = await request(server)
      .post('/api/zero-trust/onboarding/preview')
      .set(asUser())
      .send({
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        networkPolicy: true,
        allowedCallers: [
          { entityRef: 'component:default/productpage', methods: ['GET'] },
        ],
      });
    expect(both.status).toBe(200);
    const admitted: OnboardingPreview = both.body;
    expect(
      admitted.after.allowedCallers.map(c =>
        c.source.kind === 'workload' ? c.source.workload : c.source.kind,
      ),
    ).toEqual(['backend/bookinfo/productpage']);
    expect(admitted.after.blockedByNetwork).toEqual([]);
    // Nothing changed: the live state still has inventory outside the mesh.
    const after = await request(server)
      .get('/api/zero-trust/entities/component/default/inventory-api/security')
      .set(asUser());
    expect(after.body.clusters[0].workloads[0].meshMode).toBe('none');
  });

  it('rejects an invalid onboarding request with every problem named', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/zero-trust/onboarding/preview')
      .set(asUser())
      .send({
        service: 'Bad_Name',
        namespace: 'inventory',
        cluster: 'backend',
        allowedCallers: [{ entityRef: 'component:default/nope' }],
        surprise: true,
      });
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain('service');
    expect(res.body.error.message).toContain('surprise');
  });

  it("answers a preview naming a workload that is not there as the user's mistake (400), as the actions and the CLI do", async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/zero-trust/onboarding/preview')
      .set(asUser())
      .send({
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        allowedCallers: [{ workload: 'bookinfo/nobody' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'allowedCallers[0].workload: no workload bookinfo/nobody',
      ),
    });
  });

  it('refuses a caller narrowed to a port the service does not serve (400), as the actions and the CLI do', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/zero-trust/onboarding/preview')
      .set(asUser())
      .send({
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        allowedCallers: [
          { workload: 'bookinfo/productpage' },
          { namespace: 'monitoring', ports: [9090] },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'allowedCallers[1].ports[0]: 9090 is not a port inventory-api serves (its target ports: 8080)',
      ),
    });
  });

  it('keeps mesh-wide routes behind the zeroTrust.mesh.read permission', async () => {
    const server = await startBackend({ deny: true });
    for (const url of [
      'clusters',
      'namespaces',
      'findings',
      'identities',
      'trust',
    ]) {
      const res = await request(server)
        .get(`/api/zero-trust/${url}`)
        .set(asUser());
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
    }
    const check = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'plaintext', to: 'bookinfo/reviews-v1' });
    expect(check.status).toBe(403);
    // An entity's own tab is decided by the catalog alone.
    const entity = await request(server)
      .get('/api/zero-trust/entities/component/default/reviews/security')
      .set(asUser());
    expect(entity.status).toBe(200);
    expect(entity.body.clusters[0].workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
  });

  it('lets a permission policy hide the mesh-wide views alone, the Security tab still answering', async () => {
    const server = await startBackend({ denyOnly: ['zeroTrust.mesh.read'] });
    for (const url of ['namespaces', 'findings', 'identities', 'trust']) {
      const res = await request(server)
        .get(`/api/zero-trust/${url}`)
        .set(asUser());
      expect({ url, status: res.status }).toEqual({ url, status: 403 });
    }
    const entity = await request(server)
      .get('/api/zero-trust/entities/component/default/reviews/security')
      .set(asUser());
    expect(entity.status).toBe(200);
    expect(entity.body.clusters[0].workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
    // The same policy allowing everything else: the requests view is not hidden by it.
    const requests = await request(server)
      .get('/api/zero-trust/onboarding/requests')
      .set(asUser());
    expect(requests.status).toBe(200);
  });

  it('says which clusters an answer lacks: the failed demo cluster in mesh-wide answers', async () => {
    const server = await startBackend();
    const identities = await request(server)
      .get('/api/zero-trust/identities')
      .set(asUser());
    expect(identities.body.caveats).toEqual([
      expect.objectContaining({ cluster: 'broken', state: 'failed' }),
    ]);
    const findings = await request(server)
      .get('/api/zero-trust/findings?cluster=backend')
      .set(asUser());
    expect(findings.body.caveats).toBeUndefined();
    const check = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser())
      .send({ from: 'plaintext', to: 'backend/identity/identity-api' });
    // Computed from synced clusters only: nothing to say.
    expect(check.body.caveats).toBeUndefined();
  });
});
