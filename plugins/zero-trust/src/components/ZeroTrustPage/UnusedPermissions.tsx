import {
  StatusOK,
  StatusPending,
  StatusWarning,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type {
  ClusterTelemetryStatus,
  EdgesQuery,
  NamespacePosture,
  UsageRankingItem,
  UsageResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ZeroTrustApi } from '../../api';
import { InventoryTable } from './InventoryTable';

type Row = UsageRankingItem & { id: string };

/** A count and, under it, what it counts. */
function NamesCell(props: { names: string[]; none: string }) {
  if (!props.names.length) return <>{props.none}</>;
  return (
    <>
      <div>{props.names.length}</div>
      <Typography variant="caption">{props.names.join(', ')}</Typography>
    </>
  );
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Service',
    field: 'workload',
    highlight: true,
    render: x => (
      <>
        <div>
          {x.namespace}/{x.name}
        </div>
        <Typography variant="caption">cluster {x.cluster}</Typography>
      </>
    ),
  },
  { title: 'Allowed callers', field: 'allowed', type: 'numeric' },
  {
    title: 'Unused over the window',
    field: 'unused',
    sorting: false,
    render: x => (
      <NamesCell names={x.unused} none={`none in ${x.window.duration}`} />
    ),
  },
  {
    title: 'Refused callers',
    field: 'denied',
    sorting: false,
    render: x => <NamesCell names={x.denied} none="none" />,
  },
];

/** Each queried cluster: read (with its window), how to connect a Prometheus, or why it failed. */
function TelemetryStatuses(props: { clusters: ClusterTelemetryStatus[] }) {
  return (
    <Box mb={2} aria-label="Telemetry per cluster" component="section">
      {props.clusters.map(({ cluster, telemetry }) => (
        <div key={cluster}>
          {telemetry.state === 'ok' && (
            <StatusOK>
              {cluster}: usage read over the last {telemetry.window.duration}
            </StatusOK>
          )}
          {telemetry.state === 'not-configured' && (
            <StatusPending>
              {cluster}: not ranked. {telemetry.message}
            </StatusPending>
          )}
          {telemetry.state === 'failed' && (
            <StatusWarning>
              {cluster}: not ranked, its Prometheus could not be read:{' '}
              {telemetry.message}
            </StatusWarning>
          )}
        </div>
      ))}
    </Box>
  );
}

const loadUsage = (api: ZeroTrustApi, query: EdgesQuery) => api.getUsage(query);

/**
 * Services ranked by unused permissions (`GET /usage`): the allowed callers not seen
 * over the telemetry window, then the sources their policies refused; with each
 * cluster's telemetry status, so that a cluster left out says why.
 */
export function UnusedPermissions(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  return (
    <InventoryTable<UsageResponse, Row>
      id="zt-usage"
      what="the usage ranking"
      clusters={props.clusters}
      namespaces={props.namespaces}
      load={loadUsage}
      rows={value => value.items.map(x => ({ ...x, id: x.workload }))}
      total={() => 0}
      above={value => <TelemetryStatuses clusters={value.clusters} />}
      title={n => `Services with unused permissions (${n})`}
      subtitle="Allowed callers not seen over the telemetry window, and callers refused, most unused first"
      columns={columns}
      empty={value =>
        value.clusters.some(c => c.telemetry.state === 'ok')
          ? 'Every allowed caller was seen in the window and none was refused, in the clusters read'
          : 'No cluster’s usage could be read: see above'
      }
    />
  );
}
