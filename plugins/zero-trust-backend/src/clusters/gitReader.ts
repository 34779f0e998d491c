import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SnapshotReader } from './SnapshotClusterSource';

const run = promisify(execFile);
// Never prompt for credentials, never run the repository's hooks.
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };

async function git(args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-c', 'core.hooksPath=/dev/null', ...args],
    {
      env: gitEnv,
      maxBuffer: 64 * 2 ** 20,
    },
  );
  return stdout.trim();
}

/** `git archive REV -- PATH | tar -x -C DIR`, without a shell. */
function extract(mirror: string, rev: string, sub: string, dir: string) {
  return new Promise<void>((resolve, reject) => {
    const archive = spawn(
      'git',
      [
        '--git-dir',
        mirror,
        'archive',
        '--format=tar',
        rev,
        ...(sub ? ['--', sub] : []),
      ],
      { env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tar = spawn('tar', ['-x', '-C', dir], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let errors = '';
    archive.stderr.on('data', d => (errors += d));
    tar.stderr.on('data', d => (errors += d));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    const done = (code: number | null) => {
      if (code !== 0)
        reject(new Error(errors.trim() || `git archive failed (${code})`));
      else if (--pending === 0) resolve();
    };
    archive.on('close', done);
    tar.on('close', done);
    archive.on('error', reject);
    tar.on('error', reject);
  });
}

export interface GitSnapshot {
  /** A git remote: a URL, or a path to a (bare) repository. */
  url: string;
  branch: string;
  /** The folder within the repository holding the cluster's manifests. */
  path: string;
}

/**
 * Reads a branch of a GitOps repository as the cluster's state, as a GitOps controller
 * would apply it. A private mirror is fetched on each read; the manifests are read again
 * only when the branch moved.
 */
export function gitReader(source: GitSnapshot): SnapshotReader {
  let mirror: string | undefined;
  let last: { sha: string; objects: SourcedObject[] } | undefined;
  const read = async () => {
    try {
      if (!mirror) {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-'));
        try {
          await git(['clone', '--quiet', '--mirror', '--', source.url, dir]);
        } catch (error) {
          await fs.rm(dir, { recursive: true, force: true });
          throw error;
        }
        mirror = dir;
      } else {
        await git([
          '--git-dir',
          mirror,
          'fetch',
          '--quiet',
          '--prune',
          'origin',
        ]);
      }
      const sha = await git([
        '--git-dir',
        mirror,
        'rev-parse',
        '--verify',
        `${source.branch}^{commit}`,
      ]);
      if (last?.sha === sha) return last.objects;
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-tree-'));
      try {
        await extract(mirror, sha, source.path, dir);
        const objects = await loadManifests(path.join(dir, source.path));
        // Name files as the repository does, not as the temporary folder.
        for (const o of objects) {
          if (o.file) o.file = path.relative(dir, o.file);
        }
        last = { sha, objects };
        return objects;
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    } catch (error) {
      const reason = (
        (error as { stderr?: string }).stderr || (error as Error).message
      )
        .trim()
        .split('\n')[0];
      throw new Error(
        `cannot read ${source.path || 'the repository'} at ${
          source.branch
        } of ${source.url}: ${reason}`,
      );
    }
  };
  return { source: 'git', read };
}
