import {
  Progress,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  AnyHostEgress,
  EgressInventoryItem,
  NamespacePosture,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { ApiErrorState, CaveatsAlert, FilterSelect } from '../shared';
import { useEdgeFilters } from './useEdgeFilters';

type Row = EgressInventoryItem & { id: string };

function CallersCell(props: { item: EgressInventoryItem }) {
  const { callers, blocked } = props.item;
  return (
    <>
      {callers.map(c => (
        <div key={c.workload}>
          {c.how === 'direct' ? (
            <StatusWarning>{c.workload} directly</StatusWarning>
          ) : (
            <StatusOK>
              {c.workload} through the egress gateway {c.via}
            </StatusOK>
          )}
        </div>
      ))}
      {blocked.length > 0 && (
        <Typography variant="caption">
          Blocked by their Sidecar (REGISTRY_ONLY): {blocked.join(', ')}
        </Typography>
      )}
      {!callers.length && !blocked.length && 'no workload'}
    </>
  );
}

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'cluster' },
  { title: 'Host', field: 'host', highlight: true },
  {
    title: 'Ports',
    field: 'ports',
    sorting: false,
    render: e =>
      e.ports
        .map(p => `${p.number}${p.protocol ? ` ${p.protocol}` : ''}`)
        .join(', '),
  },
  { title: 'ServiceEntry', field: 'serviceEntry' },
  {
    title: 'Who may reach it',
    field: 'callers',
    sorting: false,
    render: e => <CallersCell item={e} />,
  },
];

const howOptions = [
  { value: 'direct', label: 'Directly' },
  { value: 'egress-gateway', label: 'Through an egress gateway' },
  { value: 'blocked', label: 'Blocked for some' },
];

/** The workloads whose proxies pass calls to any host through. */
function AnyHostAlert(props: { anyHost: AnyHostEgress[] }) {
  if (!props.anyHost.length) return null;
  return (
    <Box mb={2}>
      <Alert severity="warning">
        Any host, registered or not (ALLOW_ANY):
        <ul style={{ margin: 0 }}>
          {props.anyHost.map(a => (
            <li key={`${a.cluster}/${a.decidedBy}`}>
              {a.cluster}: {a.workloads.length} workload
              {a.workloads.length === 1 ? '' : 's'}, decided by {a.decidedBy} (
              {a.workloads.join(', ')})
            </li>
          ))}
        </ul>
      </Alert>
    </Box>
  );
}

/**
 * Every external host a ServiceEntry registers and who may reach it (`GET /egress`),
 * with the workloads that may reach any host; cluster and namespace filter on the
 * backend, how it is reached here.
 */
export function EgressInventory(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  const api = useApi(zeroTrustApiRef);
  const filters = useEdgeFilters(props.namespaces);
  const [how, setHow] = useState('');
  const { cluster, namespace } = filters;
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getEgress({
        ...(cluster ? { cluster } : {}),
        ...(namespace ? { namespace } : {}),
      }),
    [api, cluster, namespace],
  );
  const rows = useMemo(
    () =>
      (value?.items ?? [])
        .filter(e => {
          if (how === 'blocked') return e.blocked.length > 0;
          return !how || e.callers.some(c => c.how === how);
        })
        .map(e => ({
          ...e,
          id: `${e.cluster}/${e.serviceEntry}/${e.host}`,
        })),
    [value, how],
  );

  return (
    <>
      <Grid container spacing={2} style={{ marginBottom: 8 }}>
        <Grid item xs={6} md={4}>
          <FilterSelect
            id="zt-egress-cluster"
            label="Cluster"
            value={cluster}
            onChange={filters.setCluster}
            options={props.clusters.map(c => ({ value: c, label: c }))}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <FilterSelect
            id="zt-egress-namespace"
            label="Namespace"
            value={namespace}
            onChange={filters.setNamespace}
            options={filters.namespaceOptions}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <FilterSelect
            id="zt-egress-how"
            label="Reached"
            value={how}
            onChange={setHow}
            options={howOptions}
          />
        </Grid>
      </Grid>
      {loading && <Progress />}
      {error && (
        <ApiErrorState
          error={error}
          retry={retry}
          what="the egress inventory"
        />
      )}
      {value && (
        <>
          <CaveatsAlert
            title="This inventory may be incomplete"
            caveats={value.caveats}
          />
          <AnyHostAlert anyHost={value.anyHost} />
          <Table<Row>
            title={`External hosts (${rows.length})`}
            subtitle="Every host a ServiceEntry registers, and the workloads that may reach it"
            columns={columns}
            data={rows}
            options={{
              paging: rows.length > 20,
              pageSize: 20,
              search: rows.length > 10,
              padding: 'dense',
            }}
            emptyContent={
              <Typography variant="body2" style={{ padding: 16 }}>
                No ServiceEntry registers an external host
                {value.items.length ? ' that passes these filters' : ''}.
              </Typography>
            }
          />
        </>
      )}
    </>
  );
}
