import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ManifestError,
  loadClusterSnapshot,
  loadManifests,
} from './loadManifests';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-node-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(file: string, text: string) {
  await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await fs.writeFile(path.join(dir, file), text);
}

describe('loadManifests', () => {
  it('reads YAML (multi-document) and JSON recursively, skipping .git and other files', async () => {
    await write(
      'a.yaml',
      'kind: Namespace\nmetadata: {name: a}\n---\n# only a comment\n---\nkind: Namespace\nmetadata: {name: b}\n',
    );
    await write(
      'nested/deeper/c.yml',
      'kind: Namespace\nmetadata: {name: c}\n',
    );
    await write(
      'd.json',
      JSON.stringify({ kind: 'Namespace', metadata: { name: 'd' } }),
    );
    await write(
      '.git/config.yaml',
      'kind: Namespace\nmetadata: {name: hidden}\n',
    );
    await write('notes.txt', 'kind: Namespace');
    const objects = await loadManifests(dir);
    expect(objects.map(o => (o.object as any).metadata.name).sort()).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(
      objects.find(o => (o.object as any).metadata.name === 'c')?.file,
    ).toBe(path.join(dir, 'nested/deeper/c.yml'));
  });

  it('reads a single file', async () => {
    await write('one.yaml', 'kind: Namespace\nmetadata: {name: one}\n');
    expect(await loadManifests(path.join(dir, 'one.yaml'))).toHaveLength(1);
  });

  it('names the file and line of malformed YAML', async () => {
    await write('ok.yaml', 'kind: Namespace\nmetadata: {name: ok}\n');
    await write(
      'broken.yaml',
      'kind: Namespace\nmetadata:\n  name: x\n  labels: {a: b\n',
    );
    const error = await loadManifests(dir).catch(e => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect(error.file).toBe(path.join(dir, 'broken.yaml'));
    expect(error.line).toBeGreaterThanOrEqual(4);
    expect(error.message).toMatch(
      new RegExp(
        `^${dir.replace(
          /[.*+?^${}()|[\]\\]/g,
          '\\$&',
        )}/broken\\.yaml:\\d+: malformed YAML`,
      ),
    );
  });

  it('reports a path that does not exist', async () => {
    await expect(loadManifests(path.join(dir, 'missing'))).rejects.toThrow(
      `cannot read ${path.join(dir, 'missing')}: no such file or folder`,
    );
  });

  it('builds a cluster snapshot with its mesh config', async () => {
    await write(
      'mesh.yaml',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: istio, namespace: istio-system}',
        'data:',
        '  mesh: |-',
        '    trustDomain: corp.example',
        '    trustDomainAliases: [old.example]',
      ].join('\n'),
    );
    const state = await loadClusterSnapshot('prod', dir);
    expect(state.name).toBe('prod');
    expect(state.mesh).toMatchObject({
      trustDomain: 'corp.example',
      trustDomainAliases: ['old.example'],
      rootNamespace: 'istio-system',
    });
  });
});
