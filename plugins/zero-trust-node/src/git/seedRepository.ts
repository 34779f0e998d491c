import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Git } from './Git';

export interface SeedRepositoryOptions {
  /** The bare repository to create. */
  repository: string;
  /** The folder whose files become its first commit. */
  from: string;
  branch: string;
  author: { name: string; email: string };
  /**
   * The first commit's date (author and committer), where the repository should look as
   * if it had a past: the demo's, whose dry-run policy has been waiting for a while.
   */
  date?: Date;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates a bare repository holding a folder's files as its first commit, unless the
 * repository already exists (so a restart keeps the branches the template pushed). It is
 * built beside its final place and renamed into it, so a crash never leaves half a
 * repository behind, and two callers at once (the backend, which reads it, and the
 * scaffolder module, which pushes to it, both seed it at startup) end with one
 * repository: the rename of the second fails on the first's, and it resolves to false.
 * Resolves to true where this call created it.
 */
export async function seedRepository(
  options: SeedRepositoryOptions,
): Promise<boolean> {
  const { repository, from, branch, author, date } = options;
  if (await exists(repository)) return false;
  if (!(await exists(from))) {
    throw new Error(`cannot seed ${repository}: ${from} does not exist`);
  }
  await fs.mkdir(path.dirname(repository), { recursive: true });
  const bare = await fs.mkdtemp(`${repository}.seeding-`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-seed-'));
  try {
    const git = new Git({ dir: work, author });
    await git.run(['init', '--quiet', '--bare'], { cwd: bare });
    await git.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], {
      cwd: bare,
    });
    await fs.cp(from, work, { recursive: true });
    await git.run(['init', '--quiet']);
    await git.run(['checkout', '--quiet', '-b', branch]);
    await git.run(['add', '--all']);
    const dated = date
      ? {
          env: {
            GIT_AUTHOR_DATE: date.toISOString(),
            GIT_COMMITTER_DATE: date.toISOString(),
          },
        }
      : {};
    await git.run(
      [
        'commit',
        '--quiet',
        '-m',
        `Seed the GitOps repository from ${path.basename(from)}`,
      ],
      dated,
    );
    await git.run(['push', '--quiet', bare, `HEAD:refs/heads/${branch}`]);
    try {
      await fs.rename(bare, repository);
    } catch (error) {
      // Another caller's repository took the place first: it is the same seed.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        (code === 'ENOTEMPTY' || code === 'EEXIST') &&
        (await exists(repository))
      ) {
        return false;
      }
      throw error;
    }
    return true;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
    await fs.rm(bare, { recursive: true, force: true });
  }
}
