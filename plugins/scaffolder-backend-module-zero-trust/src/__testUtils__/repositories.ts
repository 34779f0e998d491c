import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';

const run = promisify(execFile);

/**
 * A GitOps repository kept as a flat kustomize tree (the demo's backend cluster before
 * the demo became an app of apps): the onboarding's mechanics are tested on it.
 */
export const flatGitops = path.resolve(
  __dirname,
  '../../../zero-trust-node/src/testing/repositories/flat-kustomize',
);

/** The demo's GitOps repository: an Argo CD app of apps of two clusters. */
export const demoGitops = path.resolve(
  __dirname,
  '../../../../examples/gitops',
);

/** The URL the demo's Applications name their repository by (app-config.yaml's repoUrls). */
export const demoRepoUrls = ['https://git.example.com/platform/gitops.git'];

export const testAuthor = { name: 'Test', email: 'test@example.com' };

/** A fresh temporary folder, removed by `removeTemporaryFolders`. */
const folders: string[] = [];
export async function temporaryFolder(prefix = 'zt-scaffolder-') {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(dir);
  return dir;
}
export async function removeTemporaryFolders() {
  await Promise.all(
    folders.splice(0).map(d => fs.rm(d, { recursive: true, force: true })),
  );
}

/** Seeded repositories of this test file, by the folder they hold. */
const seeds = new Map<string, string>();

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * A bare repository on disk whose `main` holds `from` (default: the flat kustomize
 * repository). Each folder is seeded once per test file (a copy, an init, a commit, a
 * push) and each test gets its own `git clone --bare` of that seed: one git process
 * instead of five.
 */
export async function createBareRepository(
  repository: string,
  from = flatGitops,
): Promise<string> {
  let seed = seeds.get(from);
  if (!seed || !(await exists(seed))) {
    seed = path.join(await temporaryFolder('zt-seed-'), 'seed.git');
    await seedRepository({
      repository: seed,
      from,
      branch: 'main',
      author: testAuthor,
    });
    seeds.set(from, seed);
  }
  await fs.mkdir(path.dirname(repository), { recursive: true });
  await git(
    path.dirname(repository),
    'clone',
    '--quiet',
    '--bare',
    '--',
    seed,
    repository,
  );
  // A copy of the seed, not a clone of it: no remote named after a temporary folder.
  await git(repository, 'remote', 'remove', 'origin');
  return repository;
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd });
  return stdout.trim();
}

/** Every ref of a repository and the commit it points at. */
export async function refs(
  repository: string,
): Promise<Record<string, string>> {
  const out = await git(
    repository,
    'for-each-ref',
    '--format=%(refname) %(objectname)',
  );
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map(line => line.split(' ') as [string, string]),
  );
}

/** A working copy of one branch of a bare repository. */
export async function checkoutBranch(
  repository: string,
  branch: string,
): Promise<string> {
  const dir = await temporaryFolder('zt-checkout-');
  await git(dir, 'clone', '--quiet', '--branch', branch, repository, '.');
  return dir;
}

/** Files changed between two refs of a bare repository. */
export async function changedFiles(
  repository: string,
  from: string,
  to: string,
): Promise<string[]> {
  const out = await git(repository, 'diff', '--name-only', from, to);
  return out.split('\n').filter(Boolean).sort();
}
