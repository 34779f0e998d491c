import { Link } from '@backstage/core-components';
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
      render: (f, classes) => (
        <>
          <div className={classes.text}>
            <strong>{f.title}</strong>{' '}
            <span className={classes.chip}>{f.code}</span>
          </div>
          <p className={`${classes.text} ${classes.secondary}`}>{f.message}</p>
        </>
      ),
    },
    {
      title: 'What to do',
      render: (f, classes) => (
        <>
          <p className={classes.text}>{f.remediation}</p>
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
      render: (f, classes) => (
        <>
          {f.controls.map(c => (
            <span key={c} className={`${classes.chip} ${classes.chipOutlined}`}>
              NIST {c}
            </span>
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
