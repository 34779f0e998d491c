import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  clusterCaveat,
  type ClusterInfo,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * Above the mesh-wide tables: the clusters whose state is not complete and current,
 * since the namespaces and findings below are computed from them as they are.
 */
export function ClusterCaveats(props: { clusters: ClusterInfo[] }) {
  const caveats = props.clusters.flatMap(c => {
    const caveat = clusterCaveat(c.name, c.status);
    return caveat ? [caveat] : [];
  });
  if (!caveats.length) return null;
  return (
    <Box mb={2}>
      <Alert severity="warning">
        <AlertTitle>
          The namespaces and findings below come from{' '}
          {caveats.length === 1 ? 'a cluster' : 'clusters'} not complete and
          current
        </AlertTitle>
        {caveats.map(c => (
          <div key={c.cluster}>
            {c.message}
            {c.resources.length > 0 && (
              <ul style={{ margin: '2px 0 4px', paddingLeft: 20 }}>
                {c.resources.map(r => (
                  <li key={r.resource}>{r.text}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </Alert>
    </Box>
  );
}
