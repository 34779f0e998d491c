import { buildClusterState } from '@zero-trust/backstage-plugin-zero-trust-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../__fixtures__/catalog';
import { demoGitSource } from '../__fixtures__/demoConfig';
import { gitReader } from './gitReader';
import { folderReader, SnapshotClusterSource } from './SnapshotClusterSource';

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

/** A bare repository seeded from examples/gitops, and a work tree to push from. */
function gitopsRemote() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zt-git-source-'));
  const work = path.join(root, 'work');
  const bare = path.join(root, 'gitops.git');
  fs.cpSync(path.join(repoRoot, 'examples/gitops'), work, { recursive: true });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(work, 'init', '--quiet', '--initial-branch=main');
  git(work, 'add', '.');
  git(
    work,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.com',
    'commit',
    '--quiet',
    '-m',
    'seed',
  );
  git(work, 'push', '--quiet', bare, 'main');
  const commit = (file: string, text: string) => {
    fs.writeFileSync(path.join(work, file), text);
    git(work, 'add', '.');
    git(
      work,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '--quiet',
      '-m',
      file,
    );
    git(work, 'push', '--quiet', bare, 'main');
  };
  return { root, bare, commit };
}

/** The demo's backend cluster, read from `bare` as app-config.yaml reads it. */
const backendOf = (bare: string, branch = 'main') =>
  gitReader({ ...demoGitSource(bare, 'backend'), branch });

const policy = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ratings-monitoring
  namespace: bookinfo
spec:
  selector:
    matchLabels:
      app: ratings
  rules:
    - from:
        - source:
            namespaces: [monitoring]
`;

// Each test clones a repository and renders its kustomizations with the real
// kustomize, several times: a wide timeout for a loaded machine, not a speed check.
jest.setTimeout(60_000);

describe('SnapshotClusterSource', () => {
  it("reads a GitOps repository's branch as the folder it holds, and follows new commits", async () => {
    const remote = gitopsRemote();
    const source = new SnapshotClusterSource('backend', backendOf(remote.bare));
    const changes = jest.fn();
    source.onChange(changes);
    await source.start();
    expect(source.status()).toMatchObject({ state: 'synced', source: 'git' });

    // The same state as the cluster's snapshot: its Applications were followed.
    const { objects: fromFolder } = await folderReader(
      path.join(repoRoot, 'examples/clusters/backend'),
    ).read();
    const summary = (objects: any) => {
      const s = buildClusterState('backend', objects);
      return [
        s.workloads.length,
        s.authorizationPolicies.length,
        s.mesh.trustDomain,
      ];
    };
    expect(summary(source.objects())).toEqual(summary(fromFolder));
    expect(source.objects()!.every(o => !o.file?.startsWith('/'))).toBe(true);

    // Nothing moved: no change, no rebuild.
    changes.mockClear();
    await source.reload();
    expect(changes).not.toHaveBeenCalled();

    // A new file in an Application's overlay reaches the cluster once the overlay's
    // kustomization lists it (the branch is rendered as Argo CD applies it).
    const overlay = 'apps/overlays/backend/bookinfo';
    remote.commit(`${overlay}/ratings-monitoring.yaml`, policy);
    await source.reload();
    expect(
      buildClusterState('backend', source.objects()!).authorizationPolicies.map(
        p => p.name,
      ),
    ).not.toContain('ratings-monitoring');
    changes.mockClear();
    remote.commit(
      `${overlay}/kustomization.yaml`,
      `${fs.readFileSync(
        path.join(repoRoot, 'examples/gitops', overlay, 'kustomization.yaml'),
        'utf8',
      )}  - ratings-monitoring.yaml\n`,
    );
    await source.reload();
    expect(changes).toHaveBeenCalledTimes(1);
    const policies = buildClusterState(
      'backend',
      source.objects()!,
    ).authorizationPolicies;
    expect(policies.map(p => p.name)).toContain('ratings-monitoring');
    await source.stop();
  });

  it('reads a repository that appears after the first attempt', async () => {
    const remote = gitopsRemote();
    const later = path.join(remote.root, 'later.git');
    const source = new SnapshotClusterSource('backend', backendOf(later));
    await source.start();
    expect(source.status().state).toBe('failed');
    fs.renameSync(remote.bare, later);
    await source.reload();
    expect(source.status().state).toBe('synced');
  });

  it('fails with the reason before any state, and turns stale after one', async () => {
    const remote = gitopsRemote();
    const missing = new SnapshotClusterSource(
      'backend',
      backendOf(remote.bare, 'nope'),
    );
    await missing.start();
    expect(missing.status()).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('at nope of'),
    });

    const source = new SnapshotClusterSource('backend', backendOf(remote.bare));
    await source.start();
    const before = source.objects();
    fs.rmSync(remote.bare, { recursive: true });
    await source.reload();
    expect(source.status()).toMatchObject({
      state: 'stale',
      staleSince: expect.any(String),
      message: expect.stringContaining(remote.bare),
    });
    expect(source.objects()).toBe(before);
  });
});
