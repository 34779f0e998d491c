import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  ClusterSecurity,
  EntitySecurityResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { relativeTime } from '../shared';
import { ClusterSecuritySection } from './ClusterSecuritySection';
import { NoWorkloadsState } from './EmptyStates';
import { selectorText } from './selectorText';

/** A cluster whose state is not known at all: never read yet, or never readable. */
const unreadable = (c: ClusterSecurity) =>
  c.status.state === 'syncing' || c.status.state === 'failed';

function absentText(c: ClusterSecurity): string {
  return c.status.state === 'stale' && c.status.lastSyncedAt
    ? `${c.cluster} (out of date, last read ${relativeTime(
        c.status.lastSyncedAt,
      )})`
    : c.cluster;
}

/** The Security tab's content for a loaded answer. */
export function EntitySecurityView(props: {
  security: EntitySecurityResponse;
}) {
  const { security } = props;
  const clusterNames = security.clusters.map(c => c.cluster);
  const running = security.clusters.filter(c => c.workloads.length > 0);
  // A cluster that could not be read (or not yet) may hide the entity's workloads.
  const unknown = security.clusters.filter(
    c => c.workloads.length === 0 && unreadable(c),
  );
  // A stale cluster still has a last good state: absent there is an answer too.
  const absent = security.clusters.filter(
    c => c.workloads.length === 0 && !unreadable(c),
  );

  const staleAbsent = absent.filter(c => c.status.state === 'stale');

  if (!running.length && !unknown.length) {
    return (
      <>
        <NoWorkloadsState
          selector={security.selector}
          clusters={clusterNames}
        />
        {staleAbsent.length > 0 && (
          <Alert severity="warning">
            {staleAbsent.length === 1 ? 'Cluster' : 'Clusters'}{' '}
            {staleAbsent.map(absentText).join(', ')}: a workload created since
            may not show yet.
          </Alert>
        )}
      </>
    );
  }
  return (
    <>
      {[...running, ...unknown].map(c => (
        <ClusterSecuritySection key={c.cluster} cluster={c} />
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
            Not running in: {absent.map(absentText).join(', ')}.
          </Typography>
        </Box>
      )}
    </>
  );
}
