import {
  clusterCaveat,
  type ClusterInfo,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { CaveatsAlert } from '../shared';

/**
 * Above the mesh-wide tables: the clusters whose state is not complete and current,
 * since the namespaces and findings below are computed from them as they are.
 */
export function ClusterCaveats(props: { clusters: ClusterInfo[] }) {
  const caveats = props.clusters.flatMap(c => {
    const caveat = clusterCaveat(c.name, c.status);
    return caveat ? [caveat] : [];
  });
  return (
    <CaveatsAlert
      caveats={caveats}
      title={`The namespaces and findings below come from ${
        caveats.length === 1 ? 'a cluster' : 'clusters'
      } not complete and current`}
    />
  );
}
