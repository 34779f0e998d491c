import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { NamespacePosture } from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo } from 'react';
import { MeshModeStatus, MtlsStatus } from '../shared';
import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';

type Row = NamespacePosture & { id: string };

const columns: TableColumn<Row>[] = [
  { title: 'Cluster', field: 'cluster' },
  { title: 'Namespace', field: 'namespace', highlight: true },
  {
    title: 'Injection',
    field: 'injection',
    render: n => <MeshModeStatus mode={n.injection} revision={n.revision} />,
  },
  {
    title: 'mTLS',
    field: 'mtls',
    render: n => <MtlsStatus mode={n.mtls} />,
  },
  {
    title: 'Default deny',
    field: 'defaultDeny',
    render: n =>
      n.defaultDeny ? <StatusOK>Yes</StatusOK> : <StatusError>No</StatusError>,
  },
  {
    // The second layer under Istio's: a missing one is defense in depth lost, not a hole.
    title: 'NetworkPolicy default-deny',
    field: 'networkDefaultDeny',
    render: n =>
      n.networkDefaultDeny ? (
        <StatusOK>Yes</StatusOK>
      ) : (
        <StatusWarning>No</StatusWarning>
      ),
  },
  { title: 'Workloads', field: 'workloads', type: 'numeric' },
  { title: 'Findings', field: 'findings', type: 'numeric' },
];

/** Mesh posture per namespace: injection, namespace-level mTLS, Istio's and NetworkPolicy default-deny. */
export function NamespacesTable(props: { namespaces: NamespacePosture[] }) {
  const rows = useMemo(
    () =>
      props.namespaces.map(n => ({ ...n, id: `${n.cluster}/${n.namespace}` })),
    [props.namespaces],
  );
  return (
    <Table<Row>
      title={`Namespaces (${rows.length})`}
      subtitle="Namespace-level settings; single workloads and ports may override them"
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
          No namespace has been read yet.
        </Typography>
      }
    />
  );
}
