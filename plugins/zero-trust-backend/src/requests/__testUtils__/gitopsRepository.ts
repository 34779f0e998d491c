import {
  GitopsLayout,
  onboardRepository,
} from '@zero-trust/backstage-plugin-zero-trust-node';
import type { OnboardingRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedRepository } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { repoRoot } from '../../__fixtures__/catalog';
import { demoPlainGitRepoUrls } from '../../__fixtures__/demoConfig';

const run = promisify(execFile);
const author = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', ...args],
    { cwd, env: { ...process.env, ...author } },
  );
  return stdout.trim();
}

/**
 * A real GitOps repository on disk, as the demo has one: a bare repository whose `main`
 * holds examples/gitops, and a working clone to change it through.
 */
export async function gitopsRepository() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-tracking-git-'));
  const bare = path.join(root, 'gitops.git');
  const work = path.join(root, 'work');
  // Created as the demo's is, by the same function the backend seeds it with.
  await seedRepository({
    repository: bare,
    from: path.join(repoRoot, 'examples/gitops'),
    branch: 'main',
    author: { name: 'Test', email: 'test@example.com' },
  });
  await git(root, 'clone', '--quiet', bare, work);

  return {
    bare,
    /** The working clone, on `main` after `merge`. */
    work,
    /** Commits these files (path → text) on main and pushes them. */
    async commitOnMain(files: Record<string, string>, message: string) {
      await git(work, 'checkout', '--quiet', 'main');
      for (const [file, text] of Object.entries(files)) {
        await fs.writeFile(path.join(work, file), text);
      }
      await git(work, 'add', '--', ...Object.keys(files));
      await git(work, 'commit', '--quiet', '-m', message);
      await git(work, 'push', '--quiet', 'origin', 'main');
    },
    /** Writes the onboarding on its own branch and pushes it, as the pull request action does. */
    async pushOnboarding(
      request: OnboardingRequest,
      branch: string,
      layout?: GitopsLayout,
    ) {
      await git(work, 'checkout', '--quiet', '-B', branch, 'main');
      // As the scaffolder's onboarding does with the demo's plain git settings.
      const result = await onboardRepository({
        root: work,
        request,
        repoUrls: demoPlainGitRepoUrls(),
        ...(layout ? { layout } : {}),
      });
      await git(work, 'add', '--', ...result.changes.map(c => c.path));
      await git(work, 'commit', '--quiet', '-m', `onboard ${request.service}`);
      await git(work, 'push', '--quiet', '--force', 'origin', branch);
      return {
        plan: result.plan,
        headSha: await git(work, 'rev-parse', 'HEAD'),
      };
    },
    /** Merges the branch into main for real, as a reviewer would. */
    async merge(branch: string) {
      await git(work, 'checkout', '--quiet', 'main');
      await git(
        work,
        'merge',
        '--quiet',
        '--no-ff',
        '-m',
        `merge ${branch}`,
        branch,
      );
      await git(work, 'push', '--quiet', 'origin', 'main');
    },
    /** Deletes the branch on the remote without merging it. */
    async deleteBranch(branch: string) {
      await git(work, 'push', '--quiet', 'origin', '--delete', branch);
    },
    remove: () => fs.rm(root, { recursive: true, force: true }),
  };
}
