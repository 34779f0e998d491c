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
 * What seedRepository did: `created` the repository; found it `current` (its seed
 * commit holds the folder's files as they are); `reseeded` it (the folder changed since,
 * and the repository held nothing but its seed); or `kept` it (the folder changed, but
 * the repository holds branches or commits of its own, which `beyondSeed` names).
 */
export type SeedOutcome =
  | { outcome: 'created' | 'current' | 'reseeded' }
  | { outcome: 'kept'; beyondSeed: string };

async function attempt(git: Git, args: string[], cwd: string) {
  const result = await git.attempt(args, { cwd });
  return result.code === 0 ? result.stdout : undefined;
}

/**
 * What an existing repository holds beyond its seed commit (the root commit of
 * `branch`): other branches, and commits on `branch` after the seed. Empty: nothing.
 */
async function beyondSeed(
  git: Git,
  repository: string,
  branch: string,
): Promise<string> {
  const heads = (
    (await attempt(
      git,
      ['for-each-ref', '--format=%(refname:short)', 'refs/heads/'],
      repository,
    )) ?? ''
  )
    .split('\n')
    .filter(h => h && h !== branch);
  const count = Number(
    (await attempt(git, ['rev-list', '--count', branch, '--'], repository)) ??
      0,
  );
  return [
    ...(heads.length
      ? [`branch${heads.length > 1 ? 'es' : ''} ${heads.join(', ')}`]
      : []),
    ...(count > 1
      ? [`${count - 1} commit(s) on ${branch} after the seed`]
      : []),
    ...(count === 0 ? [`no branch ${branch}`] : []),
  ].join('; ');
}

/**
 * Creates a bare repository holding a folder's files as its first commit. Where the
 * repository exists, it is kept as long as its seed commit (the root commit of `branch`)
 * holds the folder's files as they are now; where the folder changed since (the demo's
 * examples/gitops, edited after the demo was first started), it is seeded again, its
 * branch moved to a new seed commit, but only where it holds nothing else: a repository
 * with branches or commits of its own (onboarding branches the template pushed, merges)
 * is kept as it is, and the outcome says what it holds. A new repository is built
 * beside its final place and renamed into it, so a crash never leaves half a repository
 * behind, and two callers at once (the backend, which reads it, and the scaffolder
 * module, which pushes to it, both seed it at startup) end with one repository: the
 * rename of the second fails on the first's, and it finds it current.
 */
export async function seedRepository(
  options: SeedRepositoryOptions,
): Promise<SeedOutcome> {
  const { repository, from, branch, author, date } = options;
  if (!(await exists(from))) {
    throw new Error(`cannot seed ${repository}: ${from} does not exist`);
  }
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'zero-trust-seed-'));
  let bare: string | undefined;
  try {
    // The seed commit, made whether or not it is needed: its tree says whether the
    // repository's seed is still the folder's files (as git add sees them).
    const git = new Git({ dir: work, author });
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
    const tree = await git.run(['rev-parse', 'HEAD^{tree}']);

    if (await exists(repository)) {
      const roots = await attempt(
        git,
        ['rev-list', '--max-parents=0', branch, '--'],
        repository,
      );
      const seeded = roots
        ? await attempt(
            git,
            ['rev-parse', `${roots.split('\n').pop()}^{tree}`],
            repository,
          )
        : undefined;
      if (seeded === tree) return { outcome: 'current' };
      const own = await beyondSeed(git, repository, branch);
      if (own) return { outcome: 'kept', beyondSeed: own };
      await git.run([
        'push',
        '--quiet',
        '--force',
        repository,
        `HEAD:refs/heads/${branch}`,
      ]);
      return { outcome: 'reseeded' };
    }

    await fs.mkdir(path.dirname(repository), { recursive: true });
    bare = await fs.mkdtemp(`${repository}.seeding-`);
    await git.run(['init', '--quiet', '--bare'], { cwd: bare });
    await git.run(['symbolic-ref', 'HEAD', `refs/heads/${branch}`], {
      cwd: bare,
    });
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
        return { outcome: 'current' };
      }
      throw error;
    }
    return { outcome: 'created' };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
    if (bare) await fs.rm(bare, { recursive: true, force: true });
  }
}
