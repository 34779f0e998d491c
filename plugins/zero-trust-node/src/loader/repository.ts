import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Git } from '../git/Git';

/** The repository a snapshot is read from: where `path`s start, and the URLs that name it. */
export interface RepositoryIdentity {
  root: string;
  urls: string[];
}

/** What git answers, through the suite's one git runner; undefined where it fails or is missing. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  const result = await new Git({ dir: cwd })
    .attempt(args)
    .catch(() => undefined);
  return result?.code === 0 ? result.stdout : undefined;
}

/**
 * The git work tree holding `dir` and its `origin` remote, plus the URLs given (the
 * CLI's `--repo-url`). Outside a work tree the root is `dir` itself.
 */
export async function identifyRepository(
  dir: string,
  extraUrls: string[] = [],
  root?: string,
): Promise<RepositoryIdentity> {
  const isFile = await fs
    .stat(dir)
    .then(st => st.isFile())
    .catch(() => false);
  const cwd = isFile ? path.dirname(dir) : dir;
  const top = root ?? (await git(cwd, ['rev-parse', '--show-toplevel']));
  const origin = top
    ? await git(top, ['remote', 'get-url', 'origin'])
    : undefined;
  return {
    root: path.resolve(top ?? cwd),
    urls: [...(origin ? [origin] : []), ...extraUrls],
  };
}

/**
 * A repository URL in one comparable form: `git@host:org/repo.git`,
 * `ssh://git@host/org/repo`, `https://host/org/repo.git/` all become `host/org/repo`;
 * a local path (a bare repository as a remote) becomes its absolute path.
 */
export function normalizeRepoUrl(url: string): string {
  let u = url.trim();
  const scp = /^([^@/:]+@)?([^/:]+):(?!\/)(.*)$/.exec(u);
  if (scp && !/^[a-z]:\\/i.test(u)) u = `${scp[2]}/${scp[3]}`;
  else if (/^file:\/\//.test(u)) u = path.resolve(u.slice('file://'.length));
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '');
    const slash = u.indexOf('/');
    const host = (slash < 0 ? u : u.slice(0, slash)).replace(/:\d+$/, '');
    u = `${host.toLowerCase()}${slash < 0 ? '' : u.slice(slash)}`;
  } else if (u.startsWith('/') || u.startsWith('.')) u = path.resolve(u);
  return u.replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Whether `url` names the repository being read. */
export function isThisRepository(
  url: unknown,
  repository: RepositoryIdentity,
): boolean {
  if (typeof url !== 'string' || !url) return false;
  const wanted = normalizeRepoUrl(url);
  return repository.urls.some(u => normalizeRepoUrl(u) === wanted);
}
