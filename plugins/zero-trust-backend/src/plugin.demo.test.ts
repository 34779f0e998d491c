import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  CheckResult,
  EntitySecurityResponse,
  ExposureResponse,
  TrustResponse,
  certificateExpiry,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { demoClusters } from './__fixtures__/demoConfig';
import { zeroTrustPlugin } from './plugin';

// Seeds the GitOps repository and reads three clusters from it with real git and
// kustomize: a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(180_000);

const asUser = {
  Authorization: mockCredentials.user.header('user:default/guest'),
};

/**
 * Issue 15's "done when", as a new user meets it after `npm start`: app-config.yaml's
 * clusters read from the demo's GitOps repository (created at the first start from
 * examples/gitops), the demo catalog, and what the Security tab, the platform page's
 * Trust view and `check` answer.
 */
describe('the demo as npm start serves it: certificates, trust and edges', () => {
  let root: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-demo-trust-'));
    const repository = path.join(root, '.cache/gitops.git');
    ({ server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              clusters: demoClusters(repository),
              gitops: {
                plainGit: {
                  url: repository,
                  seedFrom: path.join(repoRoot, 'examples/gitops'),
                },
              },
            },
          },
        }),
        catalogWithVisibility(demoEntities()),
      ],
    }));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  const security = async (name: string): Promise<EntitySecurityResponse> => {
    const res = await request(server)
      .get(`/api/zero-trust/entities/component/default/${name}/security`)
      .set(asUser);
    expect(res.status).toBe(200);
    return res.body;
  };

  it("shows each demo service's certificate chain, each link with its end", async () => {
    const components = demoEntities().filter(e => e.kind === 'Component');
    const chains: Record<string, string[] | undefined> = {};
    for (const entity of components) {
      const body = await security(entity.metadata.name);
      const workloads = body.clusters.flatMap(c => c.workloads);
      expect(workloads.length).toBeGreaterThan(0);
      for (const w of workloads) {
        chains[`${w.cluster}/${w.namespace}/${w.name}`] =
          w.certificate?.chain.map(l => l.subject);
        for (const link of w.certificate?.chain ?? []) {
          expect(certificateExpiry(link.notAfter!, Date.now())).toBeDefined();
        }
      }
    }
    const demoIntermediate = (cluster: string) =>
      `CN=${cluster} intermediate CA, O=zero-trust demo`;
    const demoRoot = 'CN=zero-trust demo root CA, O=zero-trust demo';
    expect(chains).toEqual({
      'backend/bookinfo/productpage': [demoIntermediate('backend'), demoRoot],
      'backend/bookinfo/reviews-v1': [demoIntermediate('backend'), demoRoot],
      'backend/bookinfo/ratings': [demoIntermediate('backend'), demoRoot],
      'backend/bookinfo/details': [demoIntermediate('backend'), demoRoot],
      'backend/identity/identity-api': [demoIntermediate('backend'), demoRoot],
      'backend/orders/orders-api': [demoIntermediate('backend'), demoRoot],
      // Deliberately outside the mesh: no mesh certificate.
      'backend/inventory/inventory-api': undefined,
      'edge/edge/edge-gateway': [demoIntermediate('edge'), demoRoot],
      'edge/partners/partner-api': [demoIntermediate('edge'), demoRoot],
      'analytics/reporting/order-reports': ['O=analytics.example'],
    });

    // The edge cluster's intermediate, known by its cert-manager Certificate: its issuer
    // and its end (status.notAfter); the root it chains to, read from istio-ca-root-cert.
    const edge = (await security('edge-gateway')).clusters[0].workloads[0];
    expect(edge.certificate?.ca).toMatchObject({
      kind: 'plugged-in',
      certificate: 'istio-system/cacerts',
    });
    const [intermediate, demo] = edge.certificate!.chain;
    expect(intermediate).toMatchObject({
      role: 'intermediate',
      issuer: 'ClusterIssuer demo-root',
      source: expect.stringContaining(
        'cert-manager Certificate istio-system/cacerts',
      ),
    });
    expect(certificateExpiry(intermediate.notAfter!, Date.now())?.level).toBe(
      'ok',
    );
    expect(demo).toMatchObject({ role: 'root', issuer: demoRoot });
    // edge's old root, still trusted beside the chain, is the one that ends soon.
    expect(edge.certificate?.alsoTrusted.map(l => l.subject)).toEqual([
      'O=external.example',
    ]);
    expect(
      certificateExpiry(edge.certificate!.alsoTrusted[0].notAfter!, Date.now())
        ?.level,
    ).not.toBe('ok');
  });

  it('lists the ways in from outside: productpage through the ingress gateway, not the egress gateway', async () => {
    const res = await request(server)
      .get('/api/zero-trust/exposure')
      .set(asUser);
    expect(res.status).toBe(200);
    const items = (res.body as ExposureResponse).items;
    expect(
      items.map(x => [x.cluster, x.host, x.gateway, x.service, x.reach.from]),
    ).toEqual([
      [
        'backend',
        'bookinfo.apps.example.com',
        'istio-system/apps-gateway',
        'bookinfo/productpage',
        'outside',
      ],
      // Mesh to mesh: the other clusters' way in (ISTIO_MUTUAL).
      [
        'edge',
        'api.partners.example',
        'edge/partners-mesh',
        'partners/partner-api',
        'outside',
      ],
    ]);
    // googleapis-egress takes the mesh's traffic bound out, behind a ClusterIP Service.
    expect(items.map(x => x.gateway)).not.toContain(
      'istio-system/googleapis-egress',
    );
    expect(items[0].reach.services).toEqual([
      'istio-system/istio-ingressgateway (LoadBalancer)',
    ]);
  });

  it("shows the mesh-to-mesh path on both ends: backend's details to edge's gateway, mTLS end to end", async () => {
    const details = (await security('details')).clusters[0].workloads[0];
    const partners = details.egress?.hosts.find(
      h => h.host === 'api.partners.example',
    );
    expect(partners?.meshPaths).toEqual([
      expect.objectContaining({
        origination: expect.objectContaining({
          by: 'sidecar',
          mode: 'ISTIO_MUTUAL',
        }),
        server: expect.objectContaining({
          cluster: 'edge',
          gateway: 'edge/partners-mesh',
          tls: 'ISTIO_MUTUAL',
          service: 'partners/partner-api',
        }),
        mtls: true,
      }),
    ]);
    const partnerApi = (await security('partner-api')).clusters[0].workloads[0];
    const way = partnerApi.exposure?.find(
      x => x.gateway === 'edge/partners-mesh',
    );
    expect(way?.meshClients?.map(p => p.client.workload)).toContain(
      'backend/bookinfo/details',
    );
    const res = await request(server)
      .get('/api/zero-trust/exposure?cluster=edge')
      .set(asUser);
    const item = (res.body as ExposureResponse).items.find(
      x => x.host === 'api.partners.example',
    );
    expect(item?.meshClients?.length).toBeGreaterThan(0);
  });

  it('shows the trust picture: every ordered pair of clusters, and the pairs with no trust', async () => {
    const res = await request(server).get('/api/zero-trust/trust').set(asUser);
    expect(res.status).toBe(200);
    const trust: TrustResponse = res.body;
    expect(
      trust.clusters.map(c => [c.name, c.trustDomain, c.ca?.kind]),
    ).toEqual([
      ['backend', 'internal.example', 'plugged-in'],
      ['edge', 'external.example', 'plugged-in'],
      ['analytics', 'analytics.example', 'istiod'],
    ]);
    expect(
      trust.edges.map(e => [
        `${e.root.from} -> ${e.root.to}`,
        e.root.via ?? 'not trusted',
        e.reason ?? 'authenticates',
      ]),
    ).toEqual([
      ['edge -> backend', 'shared root', 'authenticates'],
      [
        'analytics -> backend',
        'not trusted',
        "cluster analytics's root is not trusted by cluster backend",
      ],
      [
        'backend -> edge',
        'shared root',
        'cluster edge does not accept trust domain internal.example (not its own, an alias or a caCertificates trust domain)',
      ],
      [
        'analytics -> edge',
        'not trusted',
        "cluster analytics's root is not trusted by cluster edge",
      ],
      [
        'backend -> analytics',
        'not trusted',
        "cluster backend's root is not trusted by cluster analytics",
      ],
      [
        'edge -> analytics',
        'not trusted',
        "cluster edge's root is not trusted by cluster analytics",
      ],
    ]);
    // Beside it: the policy admitting principals of the untrusted cluster, and the
    // self-signed istiod CA in a mesh of several clusters.
    expect(trust.findings).toContainEqual(
      expect.objectContaining({
        code: 'ZT028',
        resource: expect.objectContaining({
          cluster: 'backend',
          name: 'orders-api-callers',
        }),
        message: expect.stringContaining(
          "cluster analytics's root is not trusted by cluster backend",
        ),
      }),
    );
    expect(
      trust.findings
        .filter(f => f.code === 'ZT030')
        .map(f => f.resource.cluster),
    ).toEqual(['analytics']);
  });

  it("refuses the caller from the untrusted root, in check and in the server's Security tab, with the reason", async () => {
    const res = await request(server)
      .post('/api/zero-trust/check')
      .set(asUser)
      .send({
        from: 'analytics/reporting/order-reports',
        to: 'backend/orders/orders-api',
        port: 8080,
        method: 'GET',
        path: '/api/orders/42',
      });
    expect(res.status).toBe(200);
    const answer: CheckResult = res.body;
    expect(answer).toMatchObject({
      decision: 'DENY',
      mtls: false,
      policies: [],
    });
    expect(answer.reason).toContain(
      "cluster analytics's root is not trusted by cluster backend",
    );

    const [ordersCluster] = (await security('orders-api')).clusters;
    const orders = ordersCluster.workloads[0];
    expect(orders.untrustedCallers).toEqual([
      {
        source: {
          kind: 'workload',
          workload: 'analytics/reporting/order-reports',
          principal: 'analytics.example/ns/reporting/sa/order-reports',
        },
        label: 'analytics/reporting/order-reports',
        cluster: 'analytics',
        reason: "cluster analytics's root is not trusted by cluster backend",
      },
    ]);
    expect(orders.allowedCallers.map(c => c.label)).not.toContain(
      'analytics/reporting/order-reports',
    );
    // The finding is about the policy, shown with the namespace's findings.
    expect(ordersCluster.namespaceFindings.map(f => f.code)).toContain('ZT028');
    // The caller's own Security tab: its cluster's certificates reach neither other cluster.
    const reports = (await security('order-reports')).clusters[0].workloads[0];
    expect(
      reports.certificate?.peers.map(p => [p.cluster, p.authenticates]),
    ).toEqual([
      ['backend', false],
      ['edge', false],
    ]);
  });
});
