import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ClusterSecurity } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ClusterFreshness } from '../shared';
import { WorkloadSecurity } from './WorkloadSecurity';

/** One cluster where the entity runs: its freshness, then each workload. */
export function ClusterSecuritySection(props: {
  cluster: ClusterSecurity;
  entityRef: string;
}) {
  const { cluster, entityRef } = props;
  const trustDomain = cluster.workloads[0]?.trustDomain;
  return (
    <Box component="section" mb={4} aria-label={`Cluster ${cluster.cluster}`}>
      <Typography variant="h5" component="h2">
        Cluster {cluster.cluster}
        {trustDomain && (
          <Typography component="span" color="textSecondary">
            {' '}
            · trust domain {trustDomain}
          </Typography>
        )}
      </Typography>
      <Box mt={1} mb={2}>
        <ClusterFreshness cluster={cluster.cluster} status={cluster.status} />
      </Box>
      {cluster.workloads.map(w => (
        <WorkloadSecurity
          key={`${w.namespace}/${w.name}`}
          workload={w}
          namespaceFindings={cluster.namespaceFindings}
          entityRef={entityRef}
        />
      ))}
    </Box>
  );
}
