import {
  ClusterState,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  loadClusterSnapshot,
  loadManifests,
} from '@zero-trust/backstage-plugin-zero-trust-node';
import { UsageError } from './errors';

const clusterName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The clusters named on the command line: each `--cluster NAME=PATH`, and the bare
 * positional paths together as one cluster named `default`.
 */
export async function loadSnapshots(
  paths: string[],
  clusterOptions: string[],
): Promise<ClusterState[]> {
  const specs: { name: string; path: string }[] = [];
  for (const option of clusterOptions) {
    const eq = option.indexOf('=');
    const name = option.slice(0, eq);
    if (eq <= 0 || eq === option.length - 1) {
      throw new UsageError(`--cluster takes NAME=PATH, not "${option}"`);
    }
    if (!clusterName.test(name)) {
      throw new UsageError(
        `cluster name "${name}" must be a DNS label (lower case letters, digits, "-")`,
      );
    }
    if (specs.some(s => s.name === name)) {
      throw new UsageError(`cluster "${name}" is given twice`);
    }
    specs.push({ name, path: option.slice(eq + 1) });
  }
  if (paths.length && specs.some(s => s.name === 'default')) {
    throw new UsageError(
      'a bare PATH is the cluster "default", which --cluster also names',
    );
  }
  if (!paths.length && !specs.length) {
    throw new UsageError('give a snapshot: PATH, or --cluster NAME=PATH');
  }
  const clusters: ClusterState[] = [];
  for (const spec of specs)
    clusters.push(await loadClusterSnapshot(spec.name, spec.path));
  if (paths.length) {
    const objects = await Promise.all(paths.map(p => loadManifests(p)));
    clusters.push(buildClusterState('default', objects.flat()));
  }
  return clusters;
}
