import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MeshModel,
  OnboardingRequest,
  OnboardingRequestError,
  analyze,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '../loadManifests';
import { onboardRepository } from './onboardRepository';

// A flat kustomize repository (the demo's backend cluster before it became an app of apps).
const examples = path.resolve(
  __dirname,
  '../testing/repositories/flat-kustomize',
);

// The demo's GitOps repository: an Argo CD app of apps.
const demo = path.resolve(__dirname, '../../../../examples/gitops');

// The example repository's clusters are rendered with the real kustomize, before and
// after each change: a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(60_000);

async function copyExamples(subfolder = ''): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'onboard-repo-'));
  await fs.cp(path.join(examples, subfolder), dir, { recursive: true });
  return dir;
}

/** Every file under a folder with its content, to prove nothing was written. */
async function snapshotFiles(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        files.set(path.relative(root, full), await fs.readFile(full, 'utf8'));
    }
  };
  await walk(root);
  return files;
}

const inventoryRequest: OnboardingRequest = {
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
};

describe('onboardRepository', () => {
  const roots: string[] = [];
  afterAll(async () => {
    await Promise.all(
      roots.map(r => fs.rm(r, { recursive: true, force: true })),
    );
  });
  const repo = async (subfolder?: string) => {
    const root = await copyExamples(subfolder);
    roots.push(root);
    return root;
  };

  it('writes a change the engine then reads as exactly the requested access', async () => {
    const root = await repo();
    const result = await onboardRepository({ root, request: inventoryRequest });

    expect(result.clusters).toEqual(['backend']);
    expect(result.plan.cluster).toBe('backend');
    // The trust domain comes from the repository's own mesh config.
    expect(result.plan.spiffeId).toBe(
      'spiffe://internal.example/ns/inventory/sa/inventory',
    );
    expect(result.changes.length).toBeGreaterThan(0);
    for (const change of result.changes) {
      await expect(fs.stat(path.join(root, change.path))).resolves.toBeTruthy();
    }
    expect(result.preview.diff.workloads.map(w => w.workload)).toContain(
      'backend/inventory/inventory-api',
    );

    const model = new MeshModel([
      await loadClusterSnapshot('backend', path.join(root, 'clusters/backend')),
    ]);
    const to = 'inventory/inventory-api';
    const decide = (from: string, extra: object = {}) =>
      check(model, { from, to, port: 8080, ...extra }).decision;
    expect(decide('bookinfo/productpage', { method: 'GET', path: '/x' })).toBe(
      'ALLOW',
    );
    expect(decide('bookinfo/productpage', { method: 'POST', path: '/x' })).toBe(
      'DENY',
    );
    expect(decide('monitoring/prometheus', { method: 'GET', path: '/' })).toBe(
      'ALLOW',
    );
    expect(decide('bookinfo/reviews-v1', { method: 'GET', path: '/' })).toBe(
      'DENY',
    );
    expect(decide('plaintext', { method: 'GET', path: '/' })).toBe('DENY');
  });

  it('writes a dry-run rollout the engine reads as logged, not enforced, and refuses to flip it by onboarding again', async () => {
    const root = await repo();
    const request: OnboardingRequest = {
      ...inventoryRequest,
      rollout: 'dry-run',
    };
    const result = await onboardRepository({ root, request });
    const policyFile = result.changes.find(c =>
      c.path.endsWith('authorization-policy-inventory-api-callers.yaml'),
    )!.path;
    const text = await fs.readFile(path.join(root, policyFile), 'utf8');
    expect(text).toContain('istio.io/dry-run: "true"');

    const model = new MeshModel([
      await loadClusterSnapshot('backend', path.join(root, 'clusters/backend')),
    ]);
    const to = 'inventory/inventory-api';
    const decide = (from: string) =>
      check(model, { from, to, port: 8080, method: 'GET', path: '/' });
    // Logged only: no decision reads the dry-run policies; the repository's enforced
    // mesh-wide ALLOW (istio-system/allow-metrics) is what decides, and admits
    // productpage only once the dry run is enforced.
    for (const from of ['bookinfo/productpage', 'bookinfo/reviews-v1']) {
      expect(decide(from)).toMatchObject({
        decision: 'DENY',
        policies: ['istio-system/allow-metrics'],
      });
    }
    const view = analyze(model).workloads.find(
      w => w.namespace === 'inventory' && w.name === 'inventory-api',
    )!;
    expect(view.dryRun?.policies).toContain('inventory/inventory-api-callers');
    expect(view.dryRun?.wouldAllow).toContain('backend/bookinfo/productpage');
    expect(view.dryRun?.wouldAllow).not.toContain(
      'backend/bookinfo/reviews-v1',
    );

    // Again: nothing changes. Enforced instead: a clear conflict, nothing written.
    expect((await onboardRepository({ root, request })).changes).toEqual([]);
    const before = await snapshotFiles(root);
    await expect(
      onboardRepository({ root, request: inventoryRequest }),
    ).rejects.toThrow(
      'already exists in dry-run (istio.io/dry-run); enforce it with the "Enforce dry-run policies" template',
    );
    expect(await snapshotFiles(root)).toEqual(before);
  });

  it('changes nothing the second time', async () => {
    const root = await repo();
    await onboardRepository({ root, request: inventoryRequest });
    const before = await snapshotFiles(root);
    const again = await onboardRepository({ root, request: inventoryRequest });
    expect(again.changes).toEqual([]);
    expect(await snapshotFiles(root)).toEqual(before);
  });

  it('writes nothing on a dry run, and reports the same change', async () => {
    const dry = await repo();
    const before = await snapshotFiles(dry);
    const preview = await onboardRepository({
      root: dry,
      request: inventoryRequest,
      dryRun: true,
    });
    expect(await snapshotFiles(dry)).toEqual(before);

    const real = await onboardRepository({
      root: await repo(),
      request: inventoryRequest,
    });
    expect(preview.changes).toEqual(real.changes);
    expect(preview.diff).toEqual(real.diff);
    expect(preview.diff).toContain('+++ b/');
  });

  it('refuses a cluster the repository does not hold, naming the ones it does', async () => {
    const root = await repo();
    const before = await snapshotFiles(root);
    const error = await onboardRepository({
      root,
      request: { ...inventoryRequest, cluster: 'edge' },
    }).catch(e => e);
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect(error.message).toMatch(/cluster.*"edge".*backend/);
    expect(await snapshotFiles(root)).toEqual(before);
  });

  it('refuses a layout that leaves the repository before reading anything', async () => {
    const missing = path.join(os.tmpdir(), 'zero-trust-no-such-repo');
    for (const serviceDir of ['../outside/{service}/', '/etc/{service}/']) {
      const error = await onboardRepository({
        root: missing,
        request: inventoryRequest,
        layout: { serviceDir },
      }).catch(e => e);
      expect(error).toBeInstanceOf(OnboardingRequestError);
      expect(error.message).toMatch(/layout\.serviceDir/);
    }
  });

  it('treats a repository with no clusters/ folder as one cluster named by the request', async () => {
    const root = await repo('clusters/backend');
    const result = await onboardRepository({ root, request: inventoryRequest });
    expect(result.clusters).toEqual(['backend']);
    expect(result.plan.trustDomain).toBe('internal.example');
    // The layout's clusters/{cluster}/ prefix is dropped in such a repository.
    expect(result.changes.every(c => !c.path.startsWith('clusters/'))).toBe(
      true,
    );
  });

  it('leaves entity callers to Backstage', async () => {
    const root = await repo();
    await expect(
      onboardRepository({
        root,
        request: {
          ...inventoryRequest,
          allowedCallers: [{ entityRef: 'component:default/productpage' }],
        },
      }),
    ).rejects.toThrow(/entityRef/);
  });

  it("onboards into the demo's Argo CD app of apps (examples/gitops), following the Applications that name it by repoUrls", async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'onboard-demo-'));
    roots.push(root);
    await fs.cp(demo, root, { recursive: true });
    const repoUrls = ['https://git.example.com/platform/gitops.git'];

    // Without the URL the Applications name, they are not followed: no workload at all.
    await expect(
      onboardRepository({ root, request: inventoryRequest, dryRun: true }),
    ).rejects.toThrow(/no workload bookinfo\/productpage/);

    // inventory has a default-deny NetworkPolicy: the callers need one admitting them.
    const result = await onboardRepository({
      root,
      request: { ...inventoryRequest, networkPolicy: true },
      repoUrls,
    });
    expect(result.clusters).toEqual(['analytics', 'backend', 'edge']);
    // The trust domain comes from istiod's chart values in its Application.
    expect(result.plan.spiffeId).toBe(
      'spiffe://internal.example/ns/inventory/sa/inventory',
    );
    // The Namespace is labelled where the cluster renders it (its base, which only this
    // cluster renders); the new files go at the layout's place, under the cluster's
    // folder, which the cluster's read includes. The namespace's default deny exists.
    const ns = 'clusters/backend/namespaces/inventory';
    expect(result.changes.map(c => c.path)).toEqual([
      'apps/base/inventory/namespace.yaml',
      `${ns}/authorization-policy-allow-nothing.yaml`,
      `${ns}/inventory-api/authorization-policy-inventory-api-callers.yaml`,
      `${ns}/inventory-api/destination-rule-inventory-api.yaml`,
      `${ns}/inventory-api/network-policy-inventory-api-ingress.yaml`,
    ]);

    const model = new MeshModel([
      await loadClusterSnapshot(
        'backend',
        path.join(root, 'clusters/backend'),
        {
          repoRoot: root,
          repoUrls,
        },
      ),
    ]);
    const to = 'inventory/inventory-api';
    const decide = (from: string, extra: object = {}) =>
      check(model, { from, to, port: 8080, ...extra }).decision;
    expect(decide('bookinfo/productpage', { method: 'GET', path: '/x' })).toBe(
      'ALLOW',
    );
    expect(decide('bookinfo/reviews-v1', { method: 'GET', path: '/' })).toBe(
      'DENY',
    );
    expect(decide('plaintext', { method: 'GET', path: '/' })).toBe('DENY');
    // Both layers: the new NetworkPolicy admits productpage, the default deny the rest.
    expect(
      check(model, { from: 'bookinfo/productpage', to, port: 8080 }).network
        ?.decision,
    ).toBe('ALLOW');
    expect(
      check(model, { from: 'bookinfo/reviews-v1', to, port: 8080 }).network
        ?.decision,
    ).toBe('DENY');
  });
});
