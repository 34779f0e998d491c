import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  resourceCaveatText,
  type ClusterStatus,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { relativeTime } from './relativeTime';

/** Where a cluster's state is read from, in a few words. */
export const sourceNames: Record<ClusterStatus['source'], string> = {
  live: 'live cluster',
  snapshot: 'snapshot',
  git: 'GitOps branch',
};

function When(props: { iso?: string; fallback: string }) {
  if (!props.iso) return <>{props.fallback}</>;
  return (
    <Tooltip title={new Date(props.iso).toLocaleString()}>
      <span>{relativeTime(props.iso)}</span>
    </Tooltip>
  );
}

/** Each resource missing or out of date, with what it can change in what is shown. */
function ResourceCaveats(props: { status: ClusterStatus }) {
  const { status } = props;
  const stale = status.staleResources ?? [];
  if (!stale.length && !status.degraded.length) return null;
  return (
    <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
      {stale.map(r => (
        <li key={r.resource}>
          {resourceCaveatText(r.resource, 'stale')} (<code>{r.resource}</code>:{' '}
          {r.message})
        </li>
      ))}
      {status.degraded.map(d => (
        <li key={d.resource}>
          {resourceCaveatText(d.resource, 'degraded')} (
          <code>{d.resource}</code>: {d.message})
        </li>
      ))}
    </ul>
  );
}

/**
 * How current a cluster's data is: a quiet line when synced, a warning when stale
 * (the last good state is still shown below it), an error when it could never be read.
 * Each resource missing or out of date is named with what it can change.
 */
export function ClusterFreshness(props: {
  cluster: string;
  status: ClusterStatus;
}) {
  const { cluster, status } = props;
  return (
    <>
      {status.state === 'synced' && (
        <Typography variant="body2" color="textSecondary">
          Synced{' '}
          <When iso={status.lastSyncedAt} fallback="at an unknown time" /> from
          a {sourceNames[status.source]}
        </Typography>
      )}
      {status.state === 'syncing' && (
        <Alert severity="info">
          Reading cluster {cluster} for the first time: its state is not known
          yet.
        </Alert>
      )}
      {status.state === 'stale' && (
        <Alert severity="warning">
          <AlertTitle>Cluster {cluster} is out of date</AlertTitle>
          Reading it has failed since{' '}
          <When iso={status.staleSince} fallback="a while" />
          {status.message && !status.staleResources?.length
            ? `: ${status.message}`
            : ''}
          . What is shown is the last good state, read{' '}
          <When iso={status.lastSyncedAt} fallback="at an unknown time" />; it
          may no longer match the cluster.
          <ResourceCaveats status={{ ...status, degraded: [] }} />
        </Alert>
      )}
      {status.state === 'failed' && (
        <Alert severity="error">
          <AlertTitle>Cluster {cluster} could not be read</AlertTitle>
          {status.message ?? 'No state could be read from this cluster.'}
          {status.lastSyncedAt ? (
            <>
              {' '}
              Last good state: <When iso={status.lastSyncedAt} fallback="" />.
            </>
          ) : null}
        </Alert>
      )}
      {status.degraded.length > 0 && (
        <Box mt={1}>
          <Alert severity="warning">
            <AlertTitle>
              Some resources could not be read in {cluster}
            </AlertTitle>
            <ResourceCaveats status={{ ...status, staleResources: [] }} />
          </Alert>
        </Box>
      )}
    </>
  );
}
