import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  MeshModel,
  OnboardingPlan,
  OnboardingRequestRecord,
  OnboardingRequestsResponse,
  buildClusterState,
  parseOnboardingRequest,
  planOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  TestPrometheus,
  dryRunSeries,
  startTestPrometheus,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { startDemoTelemetry } from './demo/demoTelemetry';
import { zeroTrustPlugin } from './plugin';
import {
  backendCluster,
  inventoryRequest,
  recordInput,
} from './requests/__testUtils__/inventory';

// A real backend, its database and a real Prometheus: slow on a busy machine.
jest.setTimeout(180_000);

const hour = 3_600_000;
const dryRunRequest = parseOnboardingRequest({
  ...inventoryRequest,
  rollout: 'dry-run',
});

/**
 * The demo's backend cluster after the dry-run onboarding of inventory-api merged: its
 * namespace labelled for injection and the generated policies, with
 * `istio.io/dry-run: "true"`, beside the rest. Without inventory's default-deny
 * NetworkPolicy: with it the network lets no caller through before or after, and the
 * engine has no caller to name.
 */
function onboardedSnapshot(plan: OnboardingPlan): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-dry-run-'));
  const source = path.join(repoRoot, 'examples/clusters/backend');
  for (const file of fs.readdirSync(source)) {
    if (!file.endsWith('.yaml')) continue;
    const docs = YAML.parseAllDocuments(
      fs.readFileSync(path.join(source, file), 'utf8'),
    )
      .map(d => d.toJS())
      .filter(
        d =>
          !(
            d?.kind === 'NetworkPolicy' && d.metadata.namespace === 'inventory'
          ),
      );
    for (const doc of docs) {
      if (doc?.kind === 'Namespace' && doc.metadata.name === 'inventory') {
        Object.assign(doc.metadata.labels, plan.namespaceLabels);
      }
    }
    fs.writeFileSync(
      path.join(dir, file),
      docs.map(d => YAML.stringify(d)).join('---\n'),
    );
  }
  fs.writeFileSync(
    path.join(dir, 'onboarded.yaml'),
    plan.resources.map(r => YAML.stringify(r)).join('---\n'),
  );
  return dir;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

describe('a dry-run onboarding request shows what its policies would deny', () => {
  let plan: OnboardingPlan;
  let snapshot: string;
  let prom: TestPrometheus;

  beforeAll(async () => {
    plan = planOnboarding(
      dryRunRequest,
      new MeshModel([buildClusterState('backend', await backendCluster())]),
    );
    snapshot = onboardedSnapshot(plan);
    const at = new Date(Date.now() - 2 * hour);
    const shadow = (
      pod: string,
      result: 'allowed' | 'denied',
      count: number,
      namespace = 'inventory',
    ) => ({
      ...dryRunSeries({ namespace, pod, port: 8080, action: 'allow', result }),
      at,
      count,
    });
    prom = await startTestPrometheus({
      history: [
        shadow('inventory-api-6d8f9c7b5d-x2k4q', 'denied', 7),
        shadow('inventory-api-6d8f9c7b5d-p9w2m', 'denied', 5),
        shadow('inventory-api-6d8f9c7b5d-x2k4q', 'allowed', 40),
        // Another workload's dry-run counts are not this request's.
        shadow('reviews-v1-5d9f8c7b6d-abcde', 'denied', 99, 'bookinfo'),
      ],
    });
  });
  afterAll(async () => {
    await prom?.stop();
    fs.rmSync(snapshot, { recursive: true, force: true });
  });

  async function requestsWith(telemetry?: object) {
    const { server } = await startTestBackend({
      features: [
        zeroTrustPlugin,
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              clusters: [{ name: 'backend', snapshot }],
              ...(telemetry ? { telemetry } : {}),
            },
          },
        }),
        catalogWithVisibility(demoEntities()),
      ],
    });
    for (const [number, request_] of [
      [1, dryRunRequest],
      [2, inventoryRequest],
    ] as const) {
      const res = await request(server)
        .post('/api/zero-trust/onboarding/requests')
        .set({ Authorization: mockCredentials.service.header() })
        .send(
          recordInput(plan, {
            request: request_,
            pullRequest: {
              provider: 'git',
              repository: 'https://git.example.com/platform/gitops.git',
              url: `https://git.example.com/platform/gitops.git#${number}`,
              branch: `zero-trust/onboard-${number}`,
              baseBranch: 'main',
              headSha: String(number).repeat(40),
            },
          }),
        );
      expect(res.status).toBe(201);
    }
    const res = await request(server)
      .get('/api/zero-trust/onboarding/requests')
      .set({
        Authorization: mockCredentials.user.header('user:default/alice'),
      });
    expect(res.status).toBe(200);
    const items = (res.body as OnboardingRequestsResponse).items;
    const dryRun = items.find(i => i.request.rollout === 'dry-run')!;
    const enforced = items.find(i => i.request.rollout !== 'dry-run')!;
    // The one record answers alike.
    const one = await request(server)
      .get(`/api/zero-trust/onboarding/requests/${dryRun.id}`)
      .set({
        Authorization: mockCredentials.user.header('user:default/alice'),
      });
    expect(one.body.dryRun).toEqual(dryRun.dryRun);
    return { dryRun, enforced };
  }

  // Its own policy and the namespace's allow-nothing, both dry-run; the engine's
  // reading, as the Security tab's dry-run card shows it: today the mesh admits no
  // caller of it, and enforcing them would admit the request's callers.
  const workloads = () => [
    {
      namespace: 'inventory',
      name: 'inventory-api',
      policies: ['inventory/inventory-api-callers', 'inventory/allow-nothing'],
      wouldDenyCallers: [],
      wouldAllowCallers: [
        'backend/bookinfo/productpage',
        'backend/monitoring/prometheus',
        'any workload in namespace monitoring',
      ],
    },
  ];

  it("counts the workload's shadow denials over the window, from Envoy's stats in Prometheus", async () => {
    const { dryRun, enforced } = await requestsWith({
      window: '1d',
      clusters: [{ name: 'backend', prometheusUrl: prom.url }],
    });
    expect(enforced.dryRun).toBeUndefined();
    const evidence = dryRun.dryRun!;
    expect(evidence.workloads).toEqual(workloads());
    expect(evidence.telemetry).toMatchObject({
      state: 'ok',
      window: { duration: '1d' },
    });
    expect(evidence.observations).toEqual([
      {
        namespace: 'inventory',
        workload: 'inventory-api',
        port: 8080,
        protocol: 'http',
        action: 'allow',
        wouldDeny: 12,
        wouldAllow: 40,
      },
    ]);
    expect([evidence.wouldDeny, evidence.wouldAllow]).toEqual([12, 40]);
  });

  it("reads the demo's scripted counts (ZT_DEMO_PROMETHEUS) for inventory-api once its dry-run onboarding is merged", async () => {
    const demo = await startDemoTelemetry();
    try {
      const { dryRun } = await requestsWith(demo.telemetry);
      expect(dryRun.dryRun).toMatchObject({
        telemetry: { state: 'ok', window: { duration: '7d' } },
        wouldDeny: 12,
        wouldAllow: 40,
      });
      // The waypoint's counts in orders are not this request's.
      expect(dryRun.dryRun!.observations!.map(o => o.workload)).toEqual([
        'inventory-api',
      ]);
    } finally {
      await demo.prometheus.stop();
    }
  });

  it('says how to connect a Prometheus where the cluster has none, with no counts', async () => {
    const { dryRun } = await requestsWith();
    const evidence: OnboardingRequestRecord['dryRun'] = dryRun.dryRun!;
    expect(evidence.workloads).toEqual(workloads());
    expect(evidence.telemetry).toEqual({
      state: 'not-configured',
      message: expect.stringMatching(
        /^No Prometheus is configured for cluster backend: add it under zeroTrust\.telemetry\.clusters .* to see what the dry-run policies would deny/,
      ),
    });
    expect(evidence.observations).toBeUndefined();
    expect(evidence.wouldDeny).toBeUndefined();
  });

  it('says the read failed where Prometheus does not answer, with no counts', async () => {
    const { dryRun } = await requestsWith({
      clusters: [
        {
          name: 'backend',
          prometheusUrl: `http://127.0.0.1:${await closedPort()}`,
        },
      ],
    });
    expect(dryRun.dryRun!.telemetry).toEqual({
      state: 'failed',
      message: expect.stringContaining('unreachable'),
    });
    expect(dryRun.dryRun!.observations).toBeUndefined();
  });
});
