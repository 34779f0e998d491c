import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readChangeScope } from './clusterScopes';

const namespace = (name: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

describe('readChangeScope: the cluster a change to the repository is for', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'zt-scope-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function cluster(name: string) {
    mkdirSync(path.join(root, 'clusters', name), { recursive: true });
    writeFileSync(
      path.join(root, 'clusters', name, 'ns.yaml'),
      namespace(`shop-${name}`),
    );
  }

  it('takes the only cluster when none is named, and the named one among several', async () => {
    cluster('backend');
    const only = await readChangeScope(root, undefined, undefined);
    expect(only.scope.name).toBe('backend');

    cluster('edge');
    const named = await readChangeScope(root, 'edge', undefined);
    expect(named.scope.name).toBe('edge');
    expect(named.read.clusters.map(c => c.name)).toEqual(['backend', 'edge']);
    expect(
      named.scope.objects.map(
        o => (o.object as { metadata: { name: string } }).metadata.name,
      ),
    ).toEqual(['shop-edge']);
  });

  it('refuses a cluster the repository does not hold, and an unnamed one among several', async () => {
    cluster('backend');
    cluster('edge');
    await expect(readChangeScope(root, 'analytics', undefined)).rejects.toThrow(
      'no cluster "analytics" in the repository (it holds: backend, edge)',
    );
    await expect(readChangeScope(root, undefined, undefined)).rejects.toThrow(
      'is required: the repository holds several clusters (backend, edge)',
    );
  });
});
