import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MeshModel,
  OnboardingRequest,
  analyze,
  check,
  diffReports,
  dryRunComment,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '../loadManifests';
import { onboardRepository } from './onboardRepository';
import { promoteDryRun } from './promoteDryRun';

// Real kustomize renders before and after each change: a wide timeout for a loaded machine.
jest.setTimeout(90_000);

const examples = path.resolve(
  __dirname,
  '../testing/repositories/flat-kustomize',
);

const request: OnboardingRequest = {
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
  allowedCallers: [{ workload: 'bookinfo/productpage', methods: ['GET'] }],
  rollout: 'dry-run',
};
const policies = [
  { namespace: 'inventory', name: 'inventory-api-callers' },
  { namespace: 'inventory', name: 'allow-nothing' },
];

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

const load = async (root: string) =>
  new MeshModel([
    await loadClusterSnapshot('backend', path.join(root, 'clusters/backend')),
  ]);

describe('promoteDryRun', () => {
  const roots: string[] = [];
  afterAll(() =>
    Promise.all(roots.map(r => fs.rm(r, { recursive: true, force: true }))),
  );
  const onboarded = async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'promote-'));
    roots.push(root);
    await fs.cp(examples, root, { recursive: true });
    await onboardRepository({ root, request });
    return root;
  };

  it('removes the annotation in place, and the engine then enforces exactly what the diff said', async () => {
    const root = await onboarded();
    const before = await snapshotFiles(root);
    const modelBefore = await load(root);

    const result = await promoteDryRun({ root, cluster: 'backend', policies });
    expect(result.promoted).toEqual([
      'inventory/inventory-api-callers',
      'inventory/allow-nothing',
    ]);
    expect(result.alreadyEnforced).toEqual([]);
    const after = await snapshotFiles(root);
    // Only the two policy files change, each by its annotation's lines only.
    const changed = [...after.keys()].filter(
      f => after.get(f) !== before.get(f),
    );
    expect(changed.sort()).toEqual(result.changes.map(c => c.path).sort());
    expect(changed).toHaveLength(2);
    for (const file of changed) {
      expect(after.get(file)).not.toContain('istio.io/dry-run');
      expect(after.get(file)).toBe(
        before
          .get(file)!
          .replace('  annotations:\n    istio.io/dry-run: "true"\n', '')
          .replace(`${dryRunComment}\n`, ''),
      );
    }
    expect(result.diff).toContain('-    istio.io/dry-run: "true"');

    // Read back from disk: enforced now, and the diff the PR shows is the repository's.
    const modelAfter = await load(root);
    const decide = (from: string, method = 'GET') =>
      check(modelAfter, {
        from,
        to: 'inventory/inventory-api',
        port: 8080,
        method,
        path: '/',
      }).decision;
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'POST')).toBe('DENY');
    expect(decide('bookinfo/reviews-v1')).toBe('DENY');
    expect(result.report).toEqual(
      diffReports(analyze(modelBefore), analyze(modelAfter)),
    );

    // Again: nothing left to enforce, nothing written.
    const again = await promoteDryRun({ root, policies });
    expect(again.changes).toEqual([]);
    expect(again.alreadyEnforced).toEqual([
      'inventory/inventory-api-callers',
      'inventory/allow-nothing',
    ]);
    expect(await snapshotFiles(root)).toEqual(after);
  });

  it('writes nothing for a policy the cluster does not render, or a dry run', async () => {
    const root = await onboarded();
    const before = await snapshotFiles(root);
    await expect(
      promoteDryRun({
        root,
        policies: [...policies, { namespace: 'inventory', name: 'nope' }],
      }),
    ).rejects.toThrow(
      'policies: cluster backend renders no AuthorizationPolicy inventory/nope',
    );
    const dry = await promoteDryRun({ root, policies, dryRun: true });
    expect(dry.changes).toHaveLength(2);
    expect(await snapshotFiles(root)).toEqual(before);
    await expect(
      promoteDryRun({ root, cluster: 'frontend', policies }),
    ).rejects.toThrow('no cluster "frontend" in the repository');
  });
});
