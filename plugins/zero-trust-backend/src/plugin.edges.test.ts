import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  EgressResponse,
  ExposureResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogWithVisibility, demoEntities } from './__fixtures__/catalog';
import { zeroTrustPlugin } from './plugin';

// Starts a real backend (HTTP, SQLite, a snapshot source): slow on a busy machine.
jest.setTimeout(60_000);

// A cluster with an ingress gateway exposing shop/checkout on a host, and one external
// host shop/checkout reaches directly while other/batch's Sidecar leaves it out.
const edgeCluster = `
apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |
    trustDomain: edge.example
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
---
apiVersion: v1
kind: Namespace
metadata: { name: istio-ingress, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: other, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ingress, namespace: istio-ingress }
spec:
  selector: { matchLabels: { istio: ingressgateway } }
  template:
    metadata:
      labels: { istio: ingressgateway }
      annotations: { inject.istio.io/templates: gateway }
    spec:
      containers: [{ name: istio-proxy, image: auto, ports: [{ containerPort: 8443 }] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: checkout, namespace: shop }
spec:
  selector: { matchLabels: { app: checkout } }
  template:
    metadata: { labels: { app: checkout } }
    spec:
      containers: [{ name: app, image: checkout, ports: [{ containerPort: 8080 }] }]
---
apiVersion: v1
kind: Service
metadata: { name: checkout, namespace: shop }
spec:
  selector: { app: checkout }
  ports: [{ name: http, port: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: batch, namespace: other }
spec:
  selector: { matchLabels: { app: batch } }
  template:
    metadata: { labels: { app: batch } }
    spec:
      containers: [{ name: app, image: batch }]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: istio-ingress }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 443, name: https, protocol: HTTPS }
      hosts: ['*.apps.example.com']
      tls: { mode: SIMPLE, credentialName: apps-cert }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: checkout-ingress, namespace: shop }
spec:
  hosts: [shop.apps.example.com]
  gateways: [istio-ingress/public]
  http:
    - route: [{ destination: { host: checkout } }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: stripe, namespace: shop }
spec:
  hosts: [api.stripe.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: other }
spec:
  egress: [{ hosts: ['./*'] }]
`;

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-edges-'));
  await fs.writeFile(path.join(root, 'edge.yaml'), edgeCluster);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function startBackend(options: { deny?: boolean; anonymous?: boolean }) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      mockServices.rootConfig.factory({
        data: {
          zeroTrust: {
            clusters: [
              { name: 'shop', snapshot: root },
              { name: 'broken', snapshot: path.join(root, 'no-such-folder') },
            ],
          },
        },
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

describe('the edge inventories', () => {
  it('list every way in and every external host, filtered by cluster and namespace', async () => {
    const server = await startBackend({});
    const exposure = await request(server)
      .get('/api/zero-trust/exposure?cluster=shop')
      .set(asUser);
    expect(exposure.status).toBe(200);
    expect((exposure.body as ExposureResponse).items).toEqual([
      expect.objectContaining({
        cluster: 'shop',
        host: 'shop.apps.example.com',
        port: 443,
        tls: 'SIMPLE',
        gateway: 'istio-ingress/public',
        service: 'shop/checkout',
        workloads: ['shop/shop/checkout'],
        authz: { gateway: [], workloads: [] },
      }),
    ]);
    const none = await request(server)
      .get('/api/zero-trust/exposure?namespace=other')
      .set(asUser);
    expect(none.body.items).toEqual([]);

    const egress = await request(server)
      .get('/api/zero-trust/egress?namespace=other')
      .set(asUser);
    const body = egress.body as EgressResponse;
    expect(body.items).toEqual([
      expect.objectContaining({
        host: 'api.stripe.com',
        serviceEntry: 'shop/stripe',
        callers: [{ workload: 'shop/shop/checkout', how: 'direct' }],
        blocked: ['shop/other/batch'],
      }),
    ]);
    expect(body.anyHost).toEqual([]);
    // The cluster that could not be read is named, as on the other platform views.
    expect(body.caveats?.map(c => c.cluster)).toEqual(['broken']);
  });

  it('refuses a query it does not know, naming it', async () => {
    const server = await startBackend({});
    const res = await request(server)
      .get('/api/zero-trust/egress?host=api.stripe.com')
      .set(asUser);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('host');
  });

  it('answers only an authenticated user holding zeroTrust.mesh.read', async () => {
    const anonymous = await startBackend({ anonymous: true });
    const denied = await startBackend({ deny: true });
    for (const url of ['exposure', 'egress']) {
      const a = await request(anonymous).get(`/api/zero-trust/${url}`);
      expect({ url, status: a.status }).toEqual({ url, status: 401 });
      const d = await request(denied).get(`/api/zero-trust/${url}`).set(asUser);
      expect({ url, status: d.status }).toEqual({ url, status: 403 });
    }
  });
});
