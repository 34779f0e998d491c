import {
  StatusOK,
  StatusWarning,
  TableColumn,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  AnyHostEgress,
  EdgesQuery,
  EgressInventoryItem,
  EgressResponse,
  NamespacePosture,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { useState } from 'react';
import { ZeroTrustApi } from '../../api';
import { MeshPathLines, meshPathServerText } from '../shared';
import { InventoryTable } from './InventoryTable';

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
          <Typography variant="caption" component="div">
            <MeshPathLines paths={c.meshPaths} text={meshPathServerText} />
          </Typography>
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

const loadEgress = (api: ZeroTrustApi, query: EdgesQuery) =>
  api.getEgress(query);

/**
 * Every external host a ServiceEntry registers and who may reach it (`GET /egress`),
 * with the workloads that may reach any host; cluster and namespace filter on the
 * backend, how it is reached here.
 */
export function EgressInventory(props: {
  clusters: string[];
  namespaces: NamespacePosture[];
}) {
  const [how, setHow] = useState('');
  return (
    <InventoryTable<EgressResponse, Row>
      id="zt-egress"
      what="the egress inventory"
      clusters={props.clusters}
      namespaces={props.namespaces}
      load={loadEgress}
      filters={[
        {
          id: 'zt-egress-how',
          label: 'Reached',
          value: how,
          onChange: setHow,
          options: howOptions,
        },
      ]}
      rows={value =>
        value.items
          .filter(e => {
            if (how === 'blocked') return e.blocked.length > 0;
            return !how || e.callers.some(c => c.how === how);
          })
          .map(e => ({
            ...e,
            id: `${e.cluster}/${e.serviceEntry}/${e.host}`,
          }))
      }
      total={value => value.items.length}
      above={value => <AnyHostAlert anyHost={value.anyHost} />}
      title={n => `External hosts (${n})`}
      subtitle="Every host a ServiceEntry registers, and the workloads that may reach it"
      columns={columns}
      empty={() => 'No ServiceEntry registers an external host'}
    />
  );
}
