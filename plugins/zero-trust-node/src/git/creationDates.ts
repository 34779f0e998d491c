import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { Git } from './Git';

/**
 * When each file of the tree at a revision came into the repository: the date of the
 * commit that added it (`git log --diff-filter=A`, renames not followed: a moved file
 * counts from its move), by its path from the repository's root with `/` separators.
 */
export async function addedDates(
  git: Git,
  revision: string,
): Promise<Map<string, string>> {
  const log = await git.run([
    '-c',
    'core.quotePath=false',
    'log',
    '--no-renames',
    '--diff-filter=A',
    '--format=%x00%ct',
    '--name-only',
    revision,
    '--',
  ]);
  const added = new Map<string, string>();
  // Newest first: the last date seen for a file is the commit that first added it.
  for (const entry of log.split('\0')) {
    const [seconds, ...files] = entry.split('\n').filter(Boolean);
    if (!seconds) continue;
    const date = new Date(Number(seconds) * 1000)
      .toISOString()
      .replace('.000Z', 'Z');
    for (const file of files) added.set(file, date);
  }
  return added;
}

/**
 * The creation time a GitOps repository's Istio objects would have in the cluster it
 * stands for, which a repository does not hold: the date of the commit that added the
 * object's file (`added`, from addedDates), as its GitOps controller creates the object
 * when it syncs that commit (give or take the sync's delay). The engine reads it where
 * Istio does (the oldest PeerAuthentication, DestinationRule or Sidecar wins,
 * VirtualServices in creation order) and for a dry-run policy's age (ZT023). An object
 * that states its own creationTimestamp keeps it; other kinds, and files no commit
 * added (not committed yet), are left as written. The files' paths are from the
 * repository's root, or, given `root` (the work tree's root), paths on disk.
 */
export function stampCreation(
  objects: SourcedObject[],
  added: Map<string, string>,
  root?: string,
): void {
  for (const o of objects) {
    const obj = o.object as Record<string, any> | undefined;
    const file =
      o.file && root ? path.relative(root, path.resolve(o.file)) : o.file;
    const date = file ? added.get(file.split(path.sep).join('/')) : undefined;
    if (!date || !obj || typeof obj.apiVersion !== 'string') continue;
    if (!obj.apiVersion.split('/')[0].endsWith('istio.io')) continue;
    if (!obj.metadata || typeof obj.metadata !== 'object') continue;
    if (obj.metadata.creationTimestamp) continue;
    o.object = {
      ...obj,
      metadata: { ...obj.metadata, creationTimestamp: date },
    };
  }
}

/**
 * stampCreation for objects read from files of a git work tree (the CLI reading a
 * GitOps checkout): the dates of the commits on its HEAD that added each file. Outside
 * a work tree, or in one without a commit yet, nothing is stamped. Reads only: git
 * writes nothing for it.
 */
export async function stampCreationFromWorkTree(
  objects: SourcedObject[],
  snapshotPath: string,
): Promise<boolean> {
  const isFile = await fs
    .stat(snapshotPath)
    .then(st => st.isFile())
    .catch(() => false);
  const git = new Git({
    dir: isFile ? path.dirname(snapshotPath) : snapshotPath,
  });
  const top = await git
    .attempt(['rev-parse', '--show-toplevel'])
    .catch(() => undefined);
  if (!top || top.code !== 0 || !top.stdout) return false;
  const root = new Git({ dir: top.stdout });
  const head = await root
    .attempt(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])
    .catch(() => undefined);
  if (!head || head.code !== 0) return false;
  stampCreation(objects, await addedDates(root, 'HEAD'), top.stdout);
  return true;
}
