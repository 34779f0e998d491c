import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import type { ResolvedCaller } from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo } from 'react';
import { CompactColumn, CompactTable, TableLink } from '../shared';
import { EntityName } from './EntityName';
import { LastSeen } from './LastSeen';
import { usageHeadline } from './usageText';

/** The raw identity or group behind a caller, for under its entity links. */
function rawSource(c: ResolvedCaller): string {
  switch (c.source.kind) {
    case 'workload':
      return `${c.source.workload} (${c.source.principal})`;
    case 'principal':
      return c.source.principal;
    default:
      return c.label;
  }
}

/** The request-level limits of a caller's rules; its ports have their own column. */
function narrowingText(c: ResolvedCaller): string {
  const { methods, paths, hosts } = c.narrowing;
  const parts = [
    methods && `methods ${methods.join(', ')}`,
    paths && `paths ${paths.join(', ')}`,
    hosts && `hosts ${hosts.join(', ')}`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'any request';
}

/**
 * The Kubernetes NetworkPolicy layer under Istio's on the ports the caller may reach.
 * Callers a NetworkPolicy drops on every port are not here: the card lists them apart.
 */
export function networkText(c: ResolvedCaller): string {
  if (!c.network) return 'no NetworkPolicy isolates either end';
  const by = `network policy ${c.network.policies.join(', ')}`;
  return c.network.decision === 'ALLOW'
    ? `allowed by ${by}`
    : `allowed only in some cases by ${by}`;
}

const networkColumn: CompactColumn<ResolvedCaller> = {
  title: 'Network',
  render: c => networkText(c),
};

/**
 * Used (count, last seen) or unused over the window. Only shown where the cluster's
 * telemetry was read: elsewhere an empty cell would read as "no traffic".
 */
const usageColumn: CompactColumn<ResolvedCaller> = {
  title: 'Usage',
  width: '11em',
  render: (c, classes) =>
    c.usage ? (
      <>
        <div
          className={
            c.usage.state === 'used'
              ? classes.text
              : `${classes.text} ${classes.error}`
          }
          title={
            c.usage.state === 'used'
              ? 'Requests (HTTP, gRPC) or TCP connections let through in the window'
              : `No request or connection seen from ${c.usage.window.start} to ${c.usage.window.end}`
          }
        >
          {usageHeadline(c.usage)}
        </div>
        {c.usage.state === 'used' && (
          <LastSeen at={c.usage.lastSeen} className={classes.caption} />
        )}
      </>
    ) : (
      <span className={classes.caption}>not read</span>
    ),
};

/**
 * The table's columns. `entityLink` (the catalog's route to an entity) is resolved once
 * for the table: an `EntityRefLink` per caller resolved it, and built its tooltip and
 * style sheet, once per row.
 */
const istioColumns = (
  entityLink: (ref: string) => string,
): CompactColumn<ResolvedCaller>[] => [
  {
    title: 'Caller',
    render: (c, classes) =>
      c.entityRefs.length ? (
        <>
          {c.entityRefs.map(ref => (
            <div key={ref}>
              <TableLink to={entityLink(ref)} classes={classes}>
                <EntityName entityRef={ref} defaultKind="component" />
              </TableLink>
            </div>
          ))}
          <span className={classes.caption}>{rawSource(c)}</span>
        </>
      ) : (
        <div className={classes.text}>{c.label}</div>
      ),
  },
  {
    title: 'Decision',
    width: '9em',
    // The browser's own tooltip: one MUI Tooltip per row costs the first render more
    // than it gives.
    render: (c, classes) => (
      <span
        className={`${classes.chip} ${
          c.decision === 'ALLOW' ? classes.chipPrimary : classes.chipOutlined
        }`}
        title={
          c.decision === 'ALLOW'
            ? 'Allowed on these ports'
            : 'Allowed only for some requests (methods, paths, hosts or conditions)'
        }
      >
        {c.decision}
      </span>
    ),
  },
  {
    title: 'Ports',
    width: '8em',
    render: c => (c.ports.length ? c.ports.join(', ') : 'all'),
  },
  {
    title: 'Only for',
    render: c => narrowingText(c),
  },
  {
    title: 'Admitted by',
    render: (c, classes) =>
      c.admittedBy.length ? (
        c.admittedBy.map(a => (
          <div key={`${a.policy}#${a.rule}`}>
            <code>{a.policy}</code> rules[{a.rule}]
          </div>
        ))
      ) : (
        <div className={`${classes.text} ${classes.error}`}>
          no ALLOW policy: everyone is allowed
        </div>
      ),
  },
];

const matches = (c: ResolvedCaller, term: string) =>
  `${c.label} ${c.entityRefs.join(' ')} ${rawSource(c)}`
    .toLocaleLowerCase('en-US')
    .includes(term);

interface CallersTableProps {
  callers: ResolvedCaller[];
  /** Whether the cluster's telemetry was read (`ok`): the usage column only then. */
  showUsage?: boolean;
}

function CallersTableOf(
  props: CallersTableProps & { entityLink: (ref: string) => string },
) {
  const { callers, showUsage = false, entityLink } = props;
  // The network column only where some NetworkPolicy isolates this workload or a caller.
  const columns = useMemo(
    () => [
      ...istioColumns(entityLink),
      ...(showUsage ? [usageColumn] : []),
      ...(callers.some(c => c.network) ? [networkColumn] : []),
    ],
    [callers, showUsage, entityLink],
  );
  return (
    <CompactTable
      aria-label="allowed callers"
      columns={columns}
      rows={callers}
      pageSize={20}
      matches={matches}
    />
  );
}

function LinkedCallersTable(props: CallersTableProps) {
  return <CallersTableOf {...props} entityLink={useEntityRefLink()} />;
}

const noEntityLink = () => {
  throw new Error('no caller has a catalog entity');
};

/** Who may call the workload, each resolved to its catalog entity where one claims it. */
export function CallersTable(props: CallersTableProps) {
  // The catalog's entity route is only asked for where some caller links to it, as
  // EntityRefLink did: an app (or a test) without the catalog's pages still shows
  // callers that no entity claims.
  return props.callers.some(c => c.entityRefs.length > 0) ? (
    <LinkedCallersTable {...props} />
  ) : (
    <CallersTableOf {...props} entityLink={noEntityLink} />
  );
}
