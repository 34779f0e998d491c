import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  Git,
  localRepositoryPath,
  Redactor,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SnapshotReader } from './SnapshotClusterSource';

export interface GitSnapshot {
  /** A git remote: a URL, or a path to a (bare) repository. */
  url: string;
  branch: string;
  /**
   * The cluster's root within the repository: a folder (a kustomization, a folder of
   * Argo CD Applications or Flux Kustomizations, plain manifests) or an Application's
   * file. It is read as its GitOps controller applies it.
   */
  path: string;
  /**
   * Other URLs the repository is known by: the `repoURL` its Argo CD Applications (or
   * the `url` its Flux GitRepositories) name it by, where that is not `url` (a local
   * copy standing in for the forge's repository, as in the demo).
   */
  repoUrls?: string[];
}

/**
 * Reads a branch of a GitOps repository as the cluster's state, as a GitOps controller
 * would apply it. A private mirror is fetched on each read; the manifests are read again
 * only when the branch moved. Git runs through the suite's one runner (no prompt, no
 * hooks, credentials scrubbed from every message).
 */
export function gitReader(source: GitSnapshot): SnapshotReader {
  // A remote URL may carry credentials (https://user:token@host/...): never shown.
  const redactor = new Redactor();
  // A local path is relative to the backend's working directory, as config paths are,
  // not to the mirror's folder that git clones from.
  const remote = localRepositoryPath(source.url) ?? source.url;
  let mirror: Git | undefined;
  let last: { sha: string; objects: SourcedObject[] } | undefined;
  const read = async () => {
    try {
      if (!mirror) {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-'));
        const git = new Git({ dir, redactor });
        try {
          await git.run(['clone', '--quiet', '--mirror', '--', remote, dir]);
        } catch (error) {
          await fs.rm(dir, { recursive: true, force: true });
          throw error;
        }
        mirror = git;
      } else {
        await mirror.run(['fetch', '--quiet', '--prune', 'origin']);
      }
      const sha = await mirror.run([
        'rev-parse',
        '--verify',
        `${source.branch}^{commit}`,
      ]);
      if (last?.sha === sha) return last.objects;
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-tree-'));
      try {
        // The whole tree: the cluster's Applications and Flux Kustomizations may name any
        // folder of the repository, and kustomize overlays reach out of their folder.
        await mirror.extractTree(sha, '', dir);
        const objects = await loadManifests(path.join(dir, source.path), {
          repoRoot: dir,
          // The configured remote is this repository, whatever origin says, and so are
          // the URLs it is known by.
          repoUrls: [source.url, ...(source.repoUrls ?? [])],
        });
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
      const reason = (error as Error).message
        .replace(/^git \S+ failed: /, '')
        .trim()
        .split('\n')[0];
      throw new Error(
        `cannot read ${source.path || 'the repository'} at ${
          source.branch
        } of ${redactor.redact(source.url)}: ${reason}`,
      );
    }
  };
  return { source: 'git', read };
}
