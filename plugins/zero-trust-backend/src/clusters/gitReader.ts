import { GitopsMirror, GitSnapshot } from './gitopsMirror';
import { SnapshotReader } from './SnapshotClusterSource';

export type { GitSnapshot };

/**
 * Reads a branch of a GitOps repository as the cluster's state, as a GitOps controller
 * would apply it. A private mirror is fetched on each read; the manifests are read again
 * only when the branch moved.
 */
export function gitReader(
  source: GitSnapshot,
  mirror = new GitopsMirror(source),
): SnapshotReader {
  const read = async () => {
    try {
      await mirror.fetch();
      return await mirror.render(await mirror.resolve(source.branch));
    } catch (error) {
      throw mirror.failure(
        error,
        `${source.path || 'the repository'} at ${source.branch}`,
      );
    }
  };
  return { source: 'git', read };
}
