import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../__fixtures__/catalog';
import { MeshState } from './MeshState';
import { folderReader, SnapshotClusterSource } from './SnapshotClusterSource';

/** Lets the rebuild the source's notification scheduled run. */
const rebuilt = () => new Promise(resolve => setImmediate(resolve));

describe('MeshState', () => {
  it('keeps the model when only a status changes, and rebuilds it when the objects do', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-mesh-state-'));
    const snapshot = path.join(folder, 'backend');
    fs.cpSync(path.join(repoRoot, 'examples/clusters/backend'), snapshot, {
      recursive: true,
    });
    const source = new SnapshotClusterSource('backend', folderReader(snapshot));
    const mesh = new MeshState([{ source }], mockServices.logger.mock());
    await mesh.start();
    const view = mesh.current();
    const findings = view.findings();
    expect(view.model.workloads.length).toBeGreaterThan(0);

    // The folder is gone: the source serves its last good objects as stale.
    fs.rmSync(snapshot, { recursive: true });
    await source.reload();
    await rebuilt();
    expect(mesh.clusters()[0].status.state).toBe('stale');
    expect(mesh.current()).toBe(view);
    expect(mesh.current().findings()).toBe(findings);

    // It is back: read again, its objects are new ones, and so is the model.
    fs.cpSync(path.join(repoRoot, 'examples/clusters/backend'), snapshot, {
      recursive: true,
    });
    await source.reload();
    await rebuilt();
    expect(mesh.clusters()[0].status.state).toBe('synced');
    expect(mesh.current()).not.toBe(view);
    expect(mesh.current().model.workloads.map(w => w.id)).toEqual(
      view.model.workloads.map(w => w.id),
    );
    await mesh.stop();
    fs.rmSync(folder, { recursive: true });
  });
});
