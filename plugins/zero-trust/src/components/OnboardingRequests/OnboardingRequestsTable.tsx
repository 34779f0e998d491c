import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import type { OnboardingRequestRecord } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReactNode, useMemo } from 'react';
import { DryRunSummaryLine } from './DryRunEvidence';
import { PromoteLink } from './PromoteLink';
import { PullRequestLink } from './PullRequestLink';
import { RequestAge } from './RequestAge';
import { RequestStateStatus } from './RequestStateStatus';

type Row = OnboardingRequestRecord;

function Muted(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      {props.children}
    </Typography>
  );
}

function columns(
  withEntity: boolean,
  onOpen: (id: string) => void,
): TableColumn<Row>[] {
  return [
    {
      title: 'State',
      field: 'state',
      render: r => (
        <>
          <RequestStateStatus record={r} />
          {r.lastError && (
            <Typography variant="caption" color="error" display="block">
              {r.state === 'failed'
                ? r.lastError
                : `last check: ${r.lastError}`}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Service',
      field: 'service',
      highlight: true,
      render: r => (
        <>
          <Typography variant="body2" component="span">
            {r.namespace}/{r.service}
          </Typography>
          <Typography variant="caption" color="textSecondary" display="block">
            cluster {r.cluster}
          </Typography>
          <PromoteLink record={r} />
          <DryRunSummaryLine record={r} />
        </>
      ),
    },
    ...(withEntity
      ? [
          {
            title: 'Entity',
            field: 'entityRef',
            render: (r: Row) =>
              r.entityRef ? (
                <EntityRefLink
                  entityRef={r.entityRef}
                  defaultKind="component"
                />
              ) : (
                <Muted>none</Muted>
              ),
          },
        ]
      : []),
    {
      title: 'Requested by',
      field: 'requestedBy',
      render: r =>
        r.requestedBy ? (
          <EntityRefLink entityRef={r.requestedBy} defaultKind="user" />
        ) : (
          <Muted>unknown</Muted>
        ),
    },
    {
      title: 'Pull request',
      field: 'pullRequest.url',
      render: r => <PullRequestLink pullRequest={r.pullRequest} />,
    },
    {
      title: 'Age',
      field: 'createdAt',
      render: r => <RequestAge record={r} />,
    },
    {
      title: '',
      field: 'id',
      width: '6em',
      cellStyle: { whiteSpace: 'nowrap' },
      render: r => (
        <Button
          size="small"
          variant="outlined"
          onClick={() => onOpen(r.id)}
          aria-label={`Details of ${r.namespace}/${r.service} in ${r.cluster}`}
        >
          Details
        </Button>
      ),
    },
  ];
}

/** Onboarding requests, newest first (the backend's order), each with a details button. */
export function OnboardingRequestsTable(props: {
  requests: OnboardingRequestRecord[];
  title: string;
  onOpen: (id: string) => void;
  /** Show each request's entity (the platform page; not the entity's own tab). */
  withEntity?: boolean;
  emptyContent?: ReactNode;
}) {
  const { requests, onOpen, withEntity = false } = props;
  // material-table writes its own state into the rows: give it copies.
  const rows = useMemo(() => requests.map(r => ({ ...r })), [requests]);
  const cols = useMemo(() => columns(withEntity, onOpen), [withEntity, onOpen]);
  return (
    <Table<Row>
      title={props.title}
      columns={cols}
      data={rows}
      options={{
        paging: rows.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
        sorting: false,
      }}
      emptyContent={props.emptyContent}
    />
  );
}
