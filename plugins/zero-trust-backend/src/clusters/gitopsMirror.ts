import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import {
  addedDates,
  Git,
  localRepositoryPath,
  Redactor,
  stampCreation,
} from '@zero-trust/backstage-plugin-zero-trust-node/git';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SnapshotRead } from './SnapshotClusterSource';

/** A GitOps repository, and the cluster's root in it. */
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
 * A private mirror of a GitOps repository, and the cluster's root rendered at any of its
 * commits as the cluster's GitOps controller applies it (the one loader). The cluster
 * source reads its branch through it; the request tracker reads what a merged change
 * renders to. Git runs through the suite's one runner (no prompt, no hooks, credentials
 * scrubbed from every message).
 */
export class GitopsMirror {
  // A remote URL may carry credentials (https://user:token@host/...): never shown.
  private readonly redactor = new Redactor();
  private mirror?: Git;
  private readonly rendered = new Map<string, SnapshotRead>();

  constructor(readonly source: GitSnapshot) {}

  /** Clones the mirror, or fetches every ref of the remote into it. */
  async fetch(): Promise<void> {
    if (this.mirror) {
      await this.mirror.run(['fetch', '--quiet', '--prune', 'origin']);
      return;
    }
    // A local path is relative to the backend's working directory, as config paths are,
    // not to the mirror's folder that git clones from.
    const remote = localRepositoryPath(this.source.url) ?? this.source.url;
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-'));
    const git = new Git({ dir, redactor: this.redactor });
    try {
      await git.run(['clone', '--quiet', '--mirror', '--', remote, dir]);
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    this.mirror = git;
  }

  /** The commit a revision (a branch, a sha, `sha^`) names in the mirror. */
  async resolve(revision: string): Promise<string> {
    if (!this.mirror) await this.fetch();
    return this.mirror!.run(['rev-parse', '--verify', `${revision}^{commit}`]);
  }

  /**
   * The cluster's root at a commit, rendered. A commit never changes, so each is
   * rendered once; the last few are kept.
   */
  async render(sha: string): Promise<SnapshotRead> {
    const known = this.rendered.get(sha);
    if (known) return known;
    if (!this.mirror) await this.fetch();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-gitops-tree-'));
    try {
      // The whole tree: the cluster's Applications and Flux Kustomizations may name any
      // folder of the repository, and kustomize overlays reach out of their folder.
      await this.mirror!.extractTree(sha, '', dir);
      const notes: string[] = [];
      const objects = await loadManifests(path.join(dir, this.source.path), {
        repoRoot: dir,
        // The configured remote is this repository, whatever origin says, and so are
        // the URLs it is known by.
        repoUrls: [this.source.url, ...(this.source.repoUrls ?? [])],
        onNote: note => notes.push(note),
      });
      // Name files as the repository does, not as the temporary folder.
      for (const o of objects) {
        if (o.file) o.file = path.relative(dir, o.file);
      }
      // Each Istio object created when the commit that added its file was synced.
      stampCreation(objects, await addedDates(this.mirror!, sha));
      const inRepository = (note: string) =>
        note.split(`${dir}${path.sep}`).join('').split(dir).join('.');
      const read = { objects, notes: notes.map(inRepository) };
      this.rendered.set(sha, read);
      while (this.rendered.size > 4) {
        this.rendered.delete(this.rendered.keys().next().value!);
      }
      return read;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /** An error of reading `what` from this repository, in one line, without credentials. */
  failure(error: unknown, what: string): Error {
    const reason = (error as Error).message
      .replace(/^git \S+ failed: /, '')
      .trim()
      .split('\n')[0];
    return new Error(
      `cannot read ${what} of ${this.redactor.redact(
        this.source.url,
      )}: ${reason}`,
    );
  }
}
