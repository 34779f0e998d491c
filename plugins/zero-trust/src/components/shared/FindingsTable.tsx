import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  docsSite,
  type Finding,
  type Severity,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode, useMemo } from 'react';
import { CellClasses, CompactColumn, CompactTable } from './CompactTable';
import { TableLink } from './TableLink';
import { bySeverity, describeResource } from './findings';
import { severityNames } from './StatusLabels';

// Material icons' paths, as core-components' status components draw them: ErrorOutline,
// ReportProblemOutlined and its own pending icon (in a 960 box).
const severityIcons: Record<
  Severity,
  { d: string; box: string; fill: keyof CellClasses }
> = {
  high: {
    d: 'M11 15h2v2h-2zm0-8h2v6h-2zm.99-5C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8z',
    box: '0 0 24 24',
    fill: 'statusError',
  },
  medium: {
    d: 'M12 5.99L19.53 19H4.47L12 5.99M12 2L1 21h22L12 2zm1 14h-2v2h2v-2zm0-6h-2v4h2v-4z',
    box: '0 0 24 24',
    fill: 'statusWarning',
  },
  low: {
    d: 'M280-420q25 0 42.5-17.5T340-480q0-25-17.5-42.5T280-540q-25 0-42.5 17.5T220-480q0 25 17.5 42.5T280-420Zm200 0q25 0 42.5-17.5T540-480q0-25-17.5-42.5T480-540q-25 0-42.5 17.5T420-480q0 25 17.5 42.5T480-420Zm200 0q25 0 42.5-17.5T740-480q0-25-17.5-42.5T680-540q-25 0-42.5 17.5T620-480q0 25 17.5 42.5T680-420ZM480-80q-83 0-156-31.5T197-197q-54-54-85.5-127T80-480q0-83 31.5-156T197-763q54-54 127-85.5T480-880q83 0 156 31.5T763-763q54 54 85.5 127T880-480q0 83-31.5 156T763-197q-54 54-127 85.5T480-80Zm0-80q134 0 227-93t93-227q0-134-93-227t-227-93q-134 0-227 93t-93 227q0 134 93 227t227 93Zm0-320Z',
    box: '0 -960 960 960',
    fill: 'statusPending',
  },
};

/**
 * A finding's severity as `SeverityStatus` shows it, on the table's classes: its
 * Typography, style hook and icon component per row were most of the findings table's
 * first render. Unlike core-components' status, not hidden from screen readers: the
 * severity is the row's first cell.
 */
function SeverityCell(props: { severity: Severity; classes: CellClasses }) {
  const { severity, classes } = props;
  const icon = severityIcons[severity] ?? severityIcons.low;
  return (
    <span className={classes.status}>
      <svg
        aria-hidden="true"
        focusable="false"
        viewBox={icon.box}
        className={`${classes.statusIcon} ${classes[icon.fill]} ${
          severity === 'low' ? classes.statusIconLarge : ''
        }`}
      >
        <path d={icon.d} />
      </svg>
      {severityNames[severity] ?? severity}
    </span>
  );
}

function columns(withCluster: boolean): CompactColumn<Finding>[] {
  return [
    {
      title: 'Severity',
      width: '8em',
      nowrap: true,
      render: (f, classes) => (
        <SeverityCell severity={f.severity} classes={classes} />
      ),
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
          <TableLink to={f.docs} classes={classes}>
            {docsSite(f.docs)} docs
          </TableLink>
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
