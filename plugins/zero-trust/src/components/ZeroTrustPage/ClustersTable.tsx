import { Table, TableColumn } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  resourceCaveatText,
  type ClusterInfo,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo } from 'react';
import { relativeTime, sourceNames, SyncStatus } from '../shared';

type Row = ClusterInfo & { id: string };

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'name', highlight: true },
  {
    title: 'Trust domain',
    field: 'summary.trustDomain',
    render: c =>
      c.summary ? (
        <>
          <code>{c.summary.trustDomain}</code>
          {c.summary.trustDomainAliases.length > 0 && (
            <Typography variant="caption" color="textSecondary" display="block">
              aliases: {c.summary.trustDomainAliases.join(', ')}
            </Typography>
          )}
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          unknown until read
        </Typography>
      ),
  },
  {
    title: 'Sync',
    field: 'status.state',
    render: c => (
      <>
        <SyncStatus state={c.status.state} />
        {c.status.message && (
          <Typography variant="caption" display="block">
            {c.status.message}
          </Typography>
        )}
        {(c.status.staleResources ?? []).map(r => (
          <Typography
            variant="caption"
            color="error"
            display="block"
            key={r.resource}
          >
            {resourceCaveatText(r.resource, 'stale')}
          </Typography>
        ))}
        {c.status.degraded.map(d => (
          <Typography
            variant="caption"
            color="error"
            display="block"
            key={d.resource}
          >
            cannot read {d.resource}: {d.message}.{' '}
            {resourceCaveatText(d.resource, 'degraded')}
          </Typography>
        ))}
      </>
    ),
  },
  {
    title: 'Last synced',
    field: 'status.lastSyncedAt',
    render: c => (
      <>
        {c.status.lastSyncedAt ? (
          <Tooltip title={new Date(c.status.lastSyncedAt).toLocaleString()}>
            <span>{relativeTime(c.status.lastSyncedAt)}</span>
          </Tooltip>
        ) : (
          'never'
        )}
        {c.status.staleSince && (
          <Typography variant="caption" color="error" display="block">
            stale since {relativeTime(c.status.staleSince)}
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'Source',
    field: 'status.source',
    render: c => sourceNames[c.status.source],
  },
  { title: 'Workloads', field: 'summary.workloads', type: 'numeric' },
  {
    title: 'Policies',
    field: 'summary.authorizationPolicies',
    type: 'numeric',
    render: c =>
      c.summary
        ? `${c.summary.authorizationPolicies} authz, ${c.summary.peerAuthentications} peer auth, ${c.summary.destinationRules} DR`
        : '',
  },
  {
    title: 'Invalid resources',
    field: 'summary.invalidResources',
    type: 'numeric',
  },
];

/** Every configured cluster with its trust domain and how current its state is. */
export function ClustersTable(props: { clusters: ClusterInfo[] }) {
  const rows = useMemo(
    () => props.clusters.map(c => ({ ...c, id: c.name })),
    [props.clusters],
  );
  return (
    <Table<Row>
      title={`Clusters (${rows.length})`}
      columns={columns}
      data={rows}
      options={{ paging: false, search: false, padding: 'dense' }}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No cluster is configured. Add one under{' '}
          <code>zeroTrust.clusters</code> in app-config.yaml.
        </Typography>
      }
    />
  );
}
