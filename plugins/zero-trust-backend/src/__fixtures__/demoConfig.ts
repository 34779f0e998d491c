import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './catalog';

/**
 * The demo's `zeroTrust.clusters` exactly as app-config.yaml has them, with each git
 * cluster's repository moved to `repository` (a test's own copy of the demo's GitOps
 * repository, instead of .cache/gitops.git).
 */
export function demoClusters(repository: string): Record<string, any>[] {
  const config = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return (config.zeroTrust.clusters as Record<string, any>[]).map(c =>
    c.git ? { ...c, git: { ...c.git, url: repository } } : c,
  );
}

/** The demo's git cluster `name` as app-config.yaml reads it, from `repository`. */
export function demoGitSource(
  repository: string,
  name: string,
): { url: string; branch: string; path: string; repoUrls?: string[] } {
  const cluster = demoClusters(repository).find(c => c.name === name);
  if (!cluster?.git)
    throw new Error(`app-config.yaml has no git cluster ${name}`);
  return { branch: 'main', ...cluster.git };
}

/** The date app-config.yaml's `zeroTrust.gitops.plainGit` seeds the demo's repository as of. */
export function demoSeedDate(): Date | undefined {
  const config = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  const date = config.zeroTrust.gitops.plainGit.seedDate;
  return date ? new Date(date) : undefined;
}

/** The URLs app-config.yaml's `zeroTrust.gitops.plainGit` knows the demo's repository by. */
export function demoPlainGitRepoUrls(): string[] {
  const config = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  return config.zeroTrust.gitops.plainGit.repoUrls ?? [];
}
