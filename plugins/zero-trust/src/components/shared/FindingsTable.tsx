import { Link, Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type { Finding } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode, useMemo } from 'react';
import { bySeverity, describeResource } from './findings';
import { SeverityStatus } from './StatusLabels';

type Row = Finding & { id: string };

function columns(withCluster: boolean): TableColumn<Row>[] {
  return [
    {
      title: 'Severity',
      field: 'severity',
      width: '8em',
      cellStyle: { whiteSpace: 'nowrap' },
      render: f => <SeverityStatus severity={f.severity} />,
    },
    {
      title: 'Finding',
      field: 'title',
      render: f => (
        <>
          <Typography variant="body2">
            <strong>{f.title}</strong> <Chip size="small" label={f.code} />
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {f.message}
          </Typography>
        </>
      ),
    },
    {
      title: 'What to do',
      field: 'remediation',
      render: f => (
        <>
          <Typography variant="body2">{f.remediation}</Typography>
          <Link to={f.docs}>Istio docs</Link>
        </>
      ),
    },
    {
      title: 'Resource',
      field: 'resource.name',
      render: f => describeResource(f, withCluster),
    },
    {
      title: 'Controls',
      field: 'controls',
      render: f => (
        <>
          {f.controls.map(c => (
            <Chip key={c} size="small" variant="outlined" label={`NIST ${c}`} />
          ))}
        </>
      ),
    },
  ];
}

/** Findings, worst first, with what to do about each. */
export function FindingsTable(props: {
  findings: Finding[];
  title?: string;
  /** Say which cluster each resource is in (the platform page). */
  withCluster?: boolean;
  emptyContent?: ReactNode;
}) {
  const { findings, withCluster = false } = props;
  const rows = useMemo(
    () =>
      bySeverity(findings).map((f, i) => ({
        ...f,
        id: `${i}:${f.code}:${f.resource.name}`,
      })),
    [findings],
  );
  const cols = useMemo(() => columns(withCluster), [withCluster]);
  return (
    <Table<Row>
      title={props.title ?? `Findings (${findings.length})`}
      columns={cols}
      data={rows}
      options={{
        paging: rows.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
        sorting: false,
      }}
      emptyContent={
        props.emptyContent ?? (
          <Typography variant="body2" style={{ padding: 16 }}>
            No findings.
          </Typography>
        )
      }
    />
  );
}
