import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';

const run = promisify(execFile);

/** The demo's GitOps repository: the backend cluster as kustomize folders. */
export const examplesGitops = path.resolve(
  __dirname,
  '../../../../examples/gitops',
);

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

/** A bare repository on disk whose `main` holds `from` (default: examples/gitops). */
export async function createBareRepository(
  repository: string,
  from = examplesGitops,
): Promise<string> {
  await seedRepository({
    repository,
    from,
    branch: 'main',
    author: testAuthor,
  });
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
