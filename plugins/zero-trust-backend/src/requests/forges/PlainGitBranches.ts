import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ForgeReadError,
  PullRequestReader,
  PullRequestState,
  UntrackableRequestError,
} from './types';

const remoteUrl = /^[a-z][a-z0-9+.-]*:\/\//i;
// scp-like ssh remotes: git@host:owner/repo.git
const scpLike = /^[^/@:]+@[^/:]+:/;

/**
 * The folder of a local repository URL or path, as the scaffolder module reads
 * `zeroTrust.gitops.plainGit.url` (a path is relative to the backend's working
 * directory); undefined for a remote one.
 */
export function localRepositoryPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (remoteUrl.test(url) || scpLike.test(url)) return undefined;
  return path.resolve(url);
}

/** Exit code 0 or 1 answer a question; anything else is git failing. */
function git(
  repository: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      'git',
      // Hooks off: reading a repository must run nothing the repository holds.
      ['-c', 'core.hooksPath=/dev/null', '-C', repository, ...args],
      {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
        signal,
        timeout: 30_000,
      },
      (error, _stdout, stderr) => {
        // A number is git's exit code; a string (ENOENT, ABORT_ERR) is no answer at all.
        const exit = (error as { code?: unknown } | null)?.code;
        const code = typeof exit === 'number' ? exit : -1;
        resolve({
          code: error ? code : 0,
          stderr: String(stderr).trim() || String(error ?? ''),
        });
      },
    );
  });
}

/**
 * A plain git repository on this machine (the demo's: a local bare repository, the
 * scaffolder module's `zeroTrust.gitops.plainGit.url`): there is no pull request, only
 * the pushed branch. It is merged once the base branch contains the pushed commit
 * (`git merge-base --is-ancestor`), closed once the branch is gone without that.
 * Only the configured repository is read: a record cannot point the backend at any
 * other folder on its disk.
 */
export class PlainGitBranches implements PullRequestReader {
  constructor(private readonly configuredUrl: string | undefined) {}

  async read(
    pr: OnboardingPullRequest,
    signal?: AbortSignal,
  ): Promise<PullRequestState> {
    const configured = this.configuredUrl
      ? localRepositoryPath(this.configuredUrl)
      : undefined;
    if (!configured) {
      throw new UntrackableRequestError(
        this.configuredUrl
          ? 'zeroTrust.gitops.plainGit.url is not a local repository; only a local one can be followed'
          : 'zeroTrust.gitops.plainGit.url is not configured, so its branches cannot be followed',
      );
    }
    if (localRepositoryPath(pr.repository) !== configured) {
      throw new UntrackableRequestError(
        `${pr.repository} is not the configured zeroTrust.gitops.plainGit.url`,
      );
    }
    const what = `git repository ${pr.repository}`;
    const base = await git(
      configured,
      [
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/heads/${pr.baseBranch}^{commit}`,
      ],
      signal,
    );
    if (base.code !== 0) {
      throw new ForgeReadError(
        base.code === 1
          ? `${what} has no branch ${pr.baseBranch}`
          : `cannot read ${what}: ${base.stderr}`,
      );
    }
    const merged = await git(
      configured,
      [
        'merge-base',
        '--is-ancestor',
        pr.headSha,
        `refs/heads/${pr.baseBranch}`,
      ],
      signal,
    );
    if (merged.code === 0) return { state: 'merged' };
    const branch = await git(
      configured,
      ['show-ref', '--verify', '--quiet', `refs/heads/${pr.branch}`],
      signal,
    );
    if (branch.code === 1) return { state: 'closed' };
    if (branch.code !== 0) {
      throw new ForgeReadError(`cannot read ${what}: ${branch.stderr}`);
    }
    // The branch is there; a commit git does not know (exit 128) is one it no longer
    // holds, which a later push of the same branch replaced: still open.
    if (merged.code === 1 || merged.code === 128) return { state: 'open' };
    throw new ForgeReadError(`cannot read ${what}: ${merged.stderr}`);
  }
}
