import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { parseOnboardingRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '../loadManifests';
import { onboardRepository } from './onboardRepository';

// Writes into a repository on disk and reads it back with the loader (kustomize runs
// where a kustomization exists): a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(60_000);

/** A one-cluster repository with a mesh that only lets pods reach registered hosts. */
const files: Record<string, string> = {
  'clusters/backend/istio-system/mesh.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    trustDomain: internal.example
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
`,
  'clusters/backend/namespaces/shop/namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
`,
  'clusters/backend/namespaces/shop/payments.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: payments
    spec:
      serviceAccountName: payments
      containers:
        - name: app
          image: payments
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: shop
spec:
  selector:
    app: payments
  ports:
    - name: http
      port: 8080
`,
};

// Exactly as an outside suite sends it (the onboarding request's contract).
const request = {
  service: 'payments',
  namespace: 'shop',
  allowedCallers: [{ namespace: 'shop' }],
  egress: [{ host: 'api.stripe.com', ports: [443], protocol: 'TLS' }],
  traffic: {
    timeout: '30s',
    retries: {
      attempts: 3,
      perTryTimeout: '10s',
      retryOn: '5xx,reset,connect-failure',
    },
    outlierDetection: {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
    },
  },
};

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'onboard-edges-'));
  for (const [file, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await fs.writeFile(path.join(root, file), text);
  }
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function read(file: string) {
  return parse(await fs.readFile(path.join(root, file), 'utf8'));
}

describe('onboarding with egress and traffic', () => {
  it('writes the ServiceEntry and VirtualService, the loader reads them back, and a second run changes nothing', async () => {
    const result = await onboardRepository({
      root,
      request: parseOnboardingRequest(request),
    });
    const dir = 'clusters/backend/namespaces/shop/payments';
    expect(result.changes.map(c => `${c.action} ${c.path}`)).toEqual(
      expect.arrayContaining([
        `create ${dir}/service-entry-payments-egress-api-stripe-com.yaml`,
        `create ${dir}/virtual-service-payments.yaml`,
        `create ${dir}/destination-rule-payments.yaml`,
      ]),
    );
    expect(
      await read(`${dir}/service-entry-payments-egress-api-stripe-com.yaml`),
    ).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: {
        name: 'payments-egress-api-stripe-com',
        namespace: 'shop',
      },
      spec: {
        hosts: ['api.stripe.com'],
        exportTo: ['.'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'tls-443', protocol: 'TLS' }],
      },
    });
    expect(
      (await read(`${dir}/destination-rule-payments.yaml`)).spec.trafficPolicy,
    ).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      outlierDetection: request.traffic.outlierDetection,
    });

    const state = await loadClusterSnapshot(
      'backend',
      path.join(root, 'clusters/backend'),
    );
    expect(state.problems).toEqual([]);
    expect(state.mesh.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
    expect(state.serviceEntries).toEqual([
      {
        namespace: 'shop',
        name: 'payments-egress-api-stripe-com',
        hosts: ['api.stripe.com'],
        ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        exportTo: ['.'],
      },
    ]);
    expect(state.virtualServices).toEqual([
      {
        namespace: 'shop',
        name: 'payments',
        hosts: ['payments.shop.svc.cluster.local'],
        gateways: ['mesh'],
        exportTo: ['*'],
        http: [
          {
            destinations: [{ host: 'payments.shop.svc.cluster.local' }],
            timeout: '30s',
            retries: request.traffic.retries,
          },
        ],
        tls: [],
        tcp: [],
      },
    ]);
    expect(
      state.destinationRules.find(r => r.name === 'payments')?.outlierDetection,
    ).toEqual(request.traffic.outlierDetection);

    const again = await onboardRepository({
      root,
      request: parseOnboardingRequest(request),
    });
    expect(again.changes).toEqual([]);
  });
});
