import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { ResolvedCaller } from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo } from 'react';

type Row = ResolvedCaller & { id: string };

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

function narrowingText(c: ResolvedCaller): string {
  const { methods, paths, hosts, ports } = c.narrowing;
  const parts = [
    methods && `methods ${methods.join(', ')}`,
    paths && `paths ${paths.join(', ')}`,
    hosts && `hosts ${hosts.join(', ')}`,
    ports && `ports ${ports.join(', ')}`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'any request';
}

const columns: TableColumn<Row>[] = [
  {
    title: 'Caller',
    field: 'label',
    customFilterAndSearch: (term: string, c: Row) =>
      `${c.label} ${c.entityRefs.join(' ')} ${rawSource(c)}`
        .toLocaleLowerCase('en-US')
        .includes(term.toLocaleLowerCase('en-US')),
    render: c =>
      c.entityRefs.length ? (
        <>
          {c.entityRefs.map(ref => (
            <div key={ref}>
              <EntityRefLink entityRef={ref} defaultKind="component" />
            </div>
          ))}
          <Typography variant="caption" color="textSecondary">
            {rawSource(c)}
          </Typography>
        </>
      ) : (
        <Typography variant="body2">{c.label}</Typography>
      ),
  },
  {
    title: 'Decision',
    field: 'decision',
    width: '9em',
    render: c => (
      <Tooltip
        title={
          c.decision === 'ALLOW'
            ? 'Allowed on these ports'
            : 'Allowed only for some requests (methods, paths, hosts or conditions)'
        }
      >
        <Chip
          size="small"
          label={c.decision}
          color={c.decision === 'ALLOW' ? 'primary' : 'default'}
          variant={c.decision === 'ALLOW' ? 'default' : 'outlined'}
        />
      </Tooltip>
    ),
  },
  {
    title: 'Ports',
    field: 'ports',
    width: '8em',
    render: c => (c.ports.length ? c.ports.join(', ') : 'all'),
  },
  {
    title: 'Only for',
    field: 'narrowing',
    render: c => narrowingText(c),
  },
  {
    title: 'Admitted by',
    field: 'admittedBy',
    render: c =>
      c.admittedBy.length ? (
        c.admittedBy.map(a => (
          <div key={`${a.policy}#${a.rule}`}>
            <code>{a.policy}</code> rules[{a.rule}]
          </div>
        ))
      ) : (
        <Typography variant="body2" color="error">
          no ALLOW policy: everyone is allowed
        </Typography>
      ),
  },
];

/** Who may call the workload, each resolved to its catalog entity where one claims it. */
export function CallersTable(props: { callers: ResolvedCaller[] }) {
  const rows = useMemo(
    () => props.callers.map((c, i) => ({ ...c, id: `${i}` })),
    [props.callers],
  );
  const many = rows.length > 20;
  return (
    <Table<Row>
      columns={columns}
      data={rows}
      options={{
        toolbar: many,
        showTitle: false,
        search: many,
        paging: many,
        pageSize: 20,
        padding: 'dense',
        sorting: false,
      }}
    />
  );
}
