import {
  StatusError,
  StatusOK,
  StatusWarning,
  TableColumn,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type {
  EdgesQuery,
  ExposureInventoryItem,
  ExposureResponse,
  NamespacePosture,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useState } from 'react';
import { ZeroTrustApi } from '../../api';
import {
  MeshPathLines,
  gatewayLabel,
  meshPathClientText,
  reachText,
  routeLabel,
} from '../shared';
import { InventoryTable } from './InventoryTable';

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
        <Typography variant="caption" display="block">
          {`Reached ${reachText(x.reach)}`}
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
        <Typography variant="caption" component="div">
          <MeshPathLines paths={x.meshClients} text={meshPathClientText} />
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

const loadExposure = (api: ZeroTrustApi, query: EdgesQuery) =>
  api.getExposure(query);

/**
 * Every service reachable from outside (`GET /exposure`): host, gateway, TLS and the
 * AuthorizationPolicies in the path; cluster and namespace filter on the backend, TLS and
 * authorization here.
 */
export function ExposureInventory(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  const [tls, setTls] = useState('');
  const [authz, setAuthz] = useState('');
  return (
    <InventoryTable<ExposureResponse, Row>
      id="zt-exposure"
      what="the exposure inventory"
      clusters={props.clusters}
      namespaces={props.namespaces}
      load={loadExposure}
      filters={[
        {
          id: 'zt-exposure-tls',
          label: 'TLS',
          value: tls,
          onChange: setTls,
          options: tlsOptions,
        },
        {
          id: 'zt-exposure-authz',
          label: 'Authorization',
          value: authz,
          onChange: setAuthz,
          options: authzOptions,
        },
      ]}
      rows={value =>
        value.items
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
          }))
      }
      total={value => value.items.length}
      title={n => `Exposed services (${n})`}
      subtitle="Every way in from outside through an Istio Gateway"
      columns={columns}
      empty={() => 'No Gateway routes to a service'}
    />
  );
}
