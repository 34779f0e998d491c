import { promises as fs } from 'node:fs';
import * as nodeFs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MeshModel,
  OnboardingRequest,
  analyze,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '../loadManifests';
import {
  argoAppOfApps,
  argoRepoUrl,
  createGitRepository,
  fluxMonorepo,
  fluxRepoUrl,
} from '../testing/gitopsRepositories';
import { GitopsConflictError } from './GitopsConflictError';
import { onboardRepository } from './onboardRepository';

// Each test builds a git repository and renders its clusters with the real kustomize
// several times (before, during and after two onboardings): a wide timeout for a loaded
// machine, not a speed check.
jest.setTimeout(180_000);

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-onboard-layouts-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** What the loader renders for a cluster's folder, as the engine and `analyze` read it. */
async function render(root: string, cluster: string) {
  return loadManifests(path.join(root, 'clusters', cluster));
}

/** Every file under a folder with its bytes (the git folder aside). */
async function files(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) await walk(full);
      else out.set(path.relative(root, full), await fs.readFile(full, 'utf8'));
    }
  };
  await walk(root);
  return out;
}

/** The service as `analyze` shows it in the cluster's render. */
async function analyzed(root: string, cluster: string, name: string) {
  const report = analyze(
    new MeshModel([buildClusterState(cluster, await render(root, cluster))]),
  );
  const workload = report.workloads.find(w => w.name === name)!;
  return {
    meshMode: workload.meshMode,
    callers: workload.allowedCallers.map(c => c.label).sort(),
  };
}

/**
 * Onboards, then checks the round trip: the cluster's render shows the service in the
 * mesh with exactly `callers`, the other clusters render what they rendered before,
 * and a second run changes nothing.
 */
async function roundTrip(
  root: string,
  request: OnboardingRequest,
  others: string[],
  callers: string[],
) {
  const before = await Promise.all(others.map(o => render(root, o)));
  // Outside the mesh before: the namespace's label is part of the change.
  expect(
    (await analyzed(root, request.cluster!, request.service)).meshMode,
  ).toBe('none');
  const result = await onboardRepository({ root, request });
  expect(await analyzed(root, request.cluster!, request.service)).toEqual({
    meshMode: 'sidecar',
    callers,
  });
  expect(await Promise.all(others.map(o => render(root, o)))).toEqual(before);
  const written = await files(root);
  const again = await onboardRepository({ root, request });
  expect(again.changes).toEqual([]);
  expect(await files(root)).toEqual(written);
  return result;
}

const unlabelled = (name: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('onboarding into an Argo CD app of apps', () => {
  // Two clusters: edge renders the same ratings base through an overlay of its own.
  const twoClusters = {
    ...argoAppOfApps,
    'clusters/backend/namespaces.yaml': `# bookinfo, backend's own\n${unlabelled(
      'bookinfo',
    )}`,
    'clusters/edge/kustomization.yaml':
      'resources:\n  - namespaces.yaml\n  - apps.yaml\n',
    'clusters/edge/namespaces.yaml': unlabelled('bookinfo'),
    'clusters/edge/apps.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ratings, namespace: argocd}
spec:
  destination: {namespace: bookinfo}
  source: {repoURL: "${argoRepoUrl}", path: apps/ratings/overlays/edge}
`,
    'apps/ratings/overlays/edge/kustomization.yaml':
      'resources:\n  - ../../base\n',
  };
  const request: OnboardingRequest = {
    service: 'ratings',
    namespace: 'bookinfo',
    cluster: 'backend',
    allowedCallers: [{ workload: 'bookinfo/productpage' }],
  };

  it("labels the cluster's Namespace in place and lists the new files in the cluster's kustomization", async () => {
    const root = await createGitRepository(
      path.join(tmp, 'gitops'),
      twoClusters,
      argoRepoUrl,
    );
    const result = await roundTrip(
      root,
      request,
      ['edge'],
      // The overlay's own policy admits productpage too: the same caller.
      ['backend/bookinfo/productpage'],
    );
    expect(result.changes.map(c => `${c.action} ${c.path}`)).toEqual([
      'modify clusters/backend/kustomization.yaml',
      'modify clusters/backend/namespaces.yaml',
      'create clusters/backend/namespaces/bookinfo/authorization-policy-allow-nothing.yaml',
      'create clusters/backend/namespaces/bookinfo/ratings/authorization-policy-ratings-callers.yaml',
      'create clusters/backend/namespaces/bookinfo/ratings/destination-rule-ratings.yaml',
      'create clusters/backend/namespaces/bookinfo/ratings/peer-authentication-ratings.yaml',
    ]);
    const namespaces = await fs.readFile(
      path.join(root, 'clusters/backend/namespaces.yaml'),
      'utf8',
    );
    expect(namespaces).toBe(
      `# bookinfo, backend's own\n${unlabelled(
        'bookinfo',
      )}  labels:\n    istio-injection: enabled\n`,
    );
  });
});

describe('one onboarding run', () => {
  it('reads each file of the repository once, for the plan and the writer', async () => {
    const root = await createGitRepository(
      path.join(tmp, 'gitops'),
      argoAppOfApps,
      argoRepoUrl,
    );
    const reads = jest.spyOn(nodeFs.promises, 'readFile');
    try {
      await onboardRepository({
        root,
        request: {
          service: 'ratings',
          namespace: 'bookinfo',
          cluster: 'backend',
          allowedCallers: [{ workload: 'bookinfo/productpage' }],
        },
        dryRun: true,
      });
      const read = reads.mock.calls
        .map(([file]) => path.relative(root, String(file)))
        .filter(file => !file.startsWith('..'));
      // The loader renders the kustomizations and follows the Applications; the writer
      // indexes the same texts: every manifest is read, none twice.
      expect(read).toEqual(
        expect.arrayContaining(
          Object.keys(argoAppOfApps).filter(
            f => /\.ya?ml$/.test(f) && !f.startsWith('charts/'),
          ),
        ),
      );
      expect(read.length).toBe(new Set(read).size);
    } finally {
      reads.mockRestore();
    }
  });
});

describe('onboarding into a Flux monorepo', () => {
  const request: OnboardingRequest = {
    service: 'cart',
    namespace: 'shop',
    cluster: 'production',
    allowedCallers: [{ principal: 'prod.example/ns/billing/sa/invoicer' }],
  };
  // The shop namespace is not in the mesh yet: its Namespace is in the apps' base.
  const unmeshed = {
    ...fluxMonorepo,
    'apps/base/namespace.yaml': unlabelled('shop'),
  };
  const staging = {
    'clusters/staging/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {url: "ssh://git@git.example/platform/fleet", ref: {branch: main}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/staging
  sourceRef: {kind: GitRepository, name: flux-system}
  targetNamespace: shop
`,
  };
  const principal = 'prod.example/ns/billing/sa/invoicer';

  it('edits the base in place where only this cluster renders it', async () => {
    const root = await createGitRepository(
      path.join(tmp, 'fleet'),
      unmeshed,
      fluxRepoUrl,
    );
    const result = await roundTrip(
      root,
      request,
      [],
      [`identity ${principal}`],
    );
    expect(result.changes.map(c => `${c.action} ${c.path}`)).toEqual([
      'modify apps/base/namespace.yaml',
      'create clusters/production/namespaces/shop/authorization-policy-allow-nothing.yaml',
      'create clusters/production/namespaces/shop/cart/authorization-policy-cart-callers.yaml',
      'create clusters/production/namespaces/shop/cart/destination-rule-cart.yaml',
      'create clusters/production/namespaces/shop/cart/peer-authentication-cart.yaml',
    ]);
  });

  it("patches the Namespace in the cluster's overlay where another cluster renders the same base", async () => {
    const root = await createGitRepository(
      path.join(tmp, 'fleet'),
      { ...unmeshed, ...staging },
      fluxRepoUrl,
    );
    const result = await roundTrip(
      root,
      request,
      ['staging'],
      [`identity ${principal}`],
    );
    expect(result.changes.map(c => `${c.action} ${c.path}`)).toEqual([
      'modify apps/production/kustomization.yaml',
      'create apps/production/namespace-shop-labels.yaml',
      'create clusters/production/namespaces/shop/authorization-policy-allow-nothing.yaml',
      'create clusters/production/namespaces/shop/cart/authorization-policy-cart-callers.yaml',
      'create clusters/production/namespaces/shop/cart/destination-rule-cart.yaml',
      'create clusters/production/namespaces/shop/cart/peer-authentication-cart.yaml',
    ]);
    expect(
      await fs.readFile(path.join(root, 'apps/base/namespace.yaml'), 'utf8'),
    ).toBe(unlabelled('shop'));
    // Comments and order kept; the patch listed after the overlay's own.
    expect(
      await fs.readFile(
        path.join(root, 'apps/production/kustomization.yaml'),
        'utf8',
      ),
    ).toBe(
      `${fluxMonorepo['apps/production/kustomization.yaml']}  - path: namespace-shop-labels.yaml\n`,
    );
  });

  it('refuses a layout that another cluster would apply too, naming the file, and writes nothing', async () => {
    const root = await createGitRepository(
      path.join(tmp, 'fleet'),
      { ...unmeshed, ...staging },
      fluxRepoUrl,
    );
    const before = await files(root);
    const error = await onboardRepository({
      root,
      request,
      layout: { serviceDir: 'apps/base/{service}/' },
    }).catch(e => e);
    expect(error).toBeInstanceOf(GitopsConflictError);
    expect(error.message).toMatch(
      /^apps\/base\/cart\/[-a-z]+\.yaml: cluster staging would apply it too \(listed in apps\/base\/kustomization\.yaml\)/,
    );
    expect(await files(root)).toEqual(before);
  });
});
