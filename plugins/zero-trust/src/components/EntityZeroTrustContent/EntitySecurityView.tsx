import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { EntitySecurityResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ClusterSecuritySection } from './ClusterSecuritySection';
import { NoWorkloadsState } from './EmptyStates';
import { selectorText } from './selectorText';

/** The Security tab's content for a loaded answer. */
export function EntitySecurityView(props: {
  security: EntitySecurityResponse;
}) {
  const { security } = props;
  const clusterNames = security.clusters.map(c => c.cluster);
  const running = security.clusters.filter(c => c.workloads.length > 0);
  // A cluster that could not be read (or not yet) may hide the entity's workloads.
  const unknown = security.clusters.filter(
    c => c.workloads.length === 0 && c.status.state !== 'synced',
  );
  const absent = security.clusters.filter(
    c => c.workloads.length === 0 && c.status.state === 'synced',
  );

  if (!running.length && !unknown.length) {
    return (
      <NoWorkloadsState selector={security.selector} clusters={clusterNames} />
    );
  }
  return (
    <>
      {running.map(c => (
        <ClusterSecuritySection
          key={c.cluster}
          cluster={c}
          entityRef={security.entityRef}
        />
      ))}
      {unknown.map(c => (
        <ClusterSecuritySection
          key={c.cluster}
          cluster={c}
          entityRef={security.entityRef}
        />
      ))}
      {!running.length && (
        <Alert severity="info">
          No workload found so far: the backend looked for{' '}
          {selectorText(security.selector, clusterNames)}, but could not read
          every cluster.
        </Alert>
      )}
      {running.length > 0 && absent.length > 0 && (
        <Box mt={1}>
          <Typography variant="body2" color="textSecondary">
            Not running in: {absent.map(c => c.cluster).join(', ')}.
          </Typography>
        </Box>
      )}
    </>
  );
}
