import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  docsSite,
  type Finding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode, useMemo } from 'react';
import { CompactColumn, CompactTable } from './CompactTable';
import { bySeverity, describeResource } from './findings';
import { SeverityStatus } from './StatusLabels';

function columns(withCluster: boolean): CompactColumn<Finding>[] {
  return [
    {
      title: 'Severity',
      width: '8em',
      nowrap: true,
      render: f => <SeverityStatus severity={f.severity} />,
    },
    {
      title: 'Finding',
      render: f => (
        <>
          {/* A div: the chip is one, and a paragraph may not hold it. */}
          <Typography variant="body2" component="div">
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
      render: f => (
        <>
          <Typography variant="body2">{f.remediation}</Typography>
          <Link to={f.docs}>{docsSite(f.docs)} docs</Link>
        </>
      ),
    },
    {
      title: 'Resource',
      // Wide enough that a kind such as AuthorizationPolicy is not broken mid-word.
      width: '15em',
      render: f => describeResource(f, withCluster),
    },
    {
      title: 'Controls',
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
  const rows = useMemo(() => bySeverity(findings), [findings]);
  const cols = useMemo(() => columns(withCluster), [withCluster]);
  return (
    <Paper>
      <CompactTable
        aria-label="findings"
        title={props.title ?? `Findings (${findings.length})`}
        columns={cols}
        rows={rows}
        pageSize={10}
        emptyContent={
          props.emptyContent ?? (
            <Typography variant="body2" style={{ padding: 16 }}>
              No findings.
            </Typography>
          )
        }
      />
    </Paper>
  );
}
