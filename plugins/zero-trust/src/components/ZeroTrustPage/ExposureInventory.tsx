import {
  Progress,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type {
  ExposureInventoryItem,
  NamespacePosture,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import {
  ApiErrorState,
  CaveatsAlert,
  FilterSelect,
  gatewayLabel,
  routeLabel,
} from '../shared';
import { useEdgeFilters } from './useEdgeFilters';

type Row = ExposureInventoryItem & { id: string };

const plaintext = (x: ExposureInventoryItem) =>
  x.tls === 'none' && !x.httpsRedirect;
const unguarded = (x: ExposureInventoryItem) =>
  !x.authz.gateway.length && !x.authz.workloads.length;

function TlsCell(props: { item: ExposureInventoryItem }) {
  const x = props.item;
  if (x.httpsRedirect) return <StatusOK>redirects to HTTPS</StatusOK>;
  if (plaintext(x)) return <StatusWarning>no TLS</StatusWarning>;
  return <StatusOK>{x.tls}</StatusOK>;
}

function AuthzCell(props: { item: ExposureInventoryItem }) {
  const { gateway, workloads } = props.item.authz;
  if (unguarded(props.item)) return <StatusError>none</StatusError>;
  return (
    <>
      {gateway.length > 0 && <div>gateway: {gateway.join(', ')}</div>}
      {workloads.length > 0 && <div>workload: {workloads.join(', ')}</div>}
    </>
  );
}

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'cluster' },
  {
    title: 'Host',
    field: 'host',
    highlight: true,
    render: x => `${x.host}:${x.port}`,
  },
  {
    title: 'Gateway',
    field: 'gateway',
    render: x => (
      <>
        <div>{gatewayLabel(x)}</div>
        <Typography variant="caption">
          {`${x.protocol} · ${routeLabel(x)}`}
        </Typography>
      </>
    ),
  },
  { title: 'TLS', field: 'tls', render: x => <TlsCell item={x} /> },
  {
    title: 'Reaches',
    field: 'service',
    render: x => (
      <>
        <div>Service {x.service}</div>
        <Typography variant="caption">
          {x.match ? `${x.match.join('; ')} → ` : ''}
          {x.workloads.join(', ')}
        </Typography>
      </>
    ),
  },
  {
    title: 'Authorization in the path',
    field: 'authz',
    sorting: false,
    render: x => <AuthzCell item={x} />,
  },
];

const tlsOptions = [
  { value: 'tls', label: 'TLS (or redirect)' },
  { value: 'none', label: 'No TLS' },
];
const authzOptions = [
  { value: 'none', label: 'None in the path' },
  { value: 'gateway', label: 'On the gateway' },
  { value: 'workload', label: 'On the workload' },
];

/**
 * Every service reachable from outside (`GET /exposure`): host, gateway, TLS and the
 * AuthorizationPolicies in the path; cluster and namespace filter on the backend, TLS and
 * authorization here.
 */
export function ExposureInventory(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  const api = useApi(zeroTrustApiRef);
  const filters = useEdgeFilters(props.namespaces);
  const [tls, setTls] = useState('');
  const [authz, setAuthz] = useState('');
  const { cluster, namespace } = filters;
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getExposure({
        ...(cluster ? { cluster } : {}),
        ...(namespace ? { namespace } : {}),
      }),
    [api, cluster, namespace],
  );
  const rows = useMemo(
    () =>
      (value?.items ?? [])
        .filter(x => !tls || (tls === 'none' ? plaintext(x) : !plaintext(x)))
        .filter(x => {
          if (authz === 'none') return unguarded(x);
          if (authz === 'gateway') return x.authz.gateway.length > 0;
          if (authz === 'workload') return x.authz.workloads.length > 0;
          return true;
        })
        .map(x => ({
          ...x,
          id: JSON.stringify([
            x.cluster,
            x.gateway,
            x.host,
            x.port,
            x.virtualService,
            x.routeKind,
            x.match,
            x.service,
          ]),
        })),
    [value, tls, authz],
  );

  return (
    <>
      <Grid container spacing={2} style={{ marginBottom: 8 }}>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-exposure-cluster"
            label="Cluster"
            value={cluster}
            onChange={filters.setCluster}
            options={props.clusters.map(c => ({ value: c, label: c }))}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-exposure-namespace"
            label="Namespace"
            value={namespace}
            onChange={filters.setNamespace}
            options={filters.namespaceOptions}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-exposure-tls"
            label="TLS"
            value={tls}
            onChange={setTls}
            options={tlsOptions}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <FilterSelect
            id="zt-exposure-authz"
            label="Authorization"
            value={authz}
            onChange={setAuthz}
            options={authzOptions}
          />
        </Grid>
      </Grid>
      {loading && <Progress />}
      {error && (
        <ApiErrorState
          error={error}
          retry={retry}
          what="the exposure inventory"
        />
      )}
      {value && (
        <>
          <CaveatsAlert
            title="This inventory may be incomplete"
            caveats={value.caveats}
          />
          <Table<Row>
            title={`Exposed services (${rows.length})`}
            subtitle="Every way in from outside through an Istio Gateway"
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
                No Gateway routes to a service
                {value.items.length ? ' that passes these filters' : ''}.
              </Typography>
            }
          />
        </>
      )}
    </>
  );
}
