import { Table } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  DryRunObservation,
  OnboardingRequestRecord,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { dryRunSummary, engineWouldDeny } from './dryRunSummary';

const key = (o: DryRunObservation) =>
  [o.namespace, o.workload, o.protocol, o.port ?? '', o.action].join('|');

function callersText(callers: string[]): string {
  return callers.length
    ? `The engine's reading of the policies: enforcing them would deny ${
        callers.length
      } ${
        callers.length === 1 ? 'caller' : 'callers'
      } allowed today: ${callers.join(', ')}.`
    : "The engine's reading of the policies: enforcing them would deny no caller allowed today.";
}

/** The dry-run line of a request's row (beside the Promote link). */
export function DryRunSummaryLine(props: { record: OnboardingRequestRecord }) {
  const summary = dryRunSummary(props.record);
  if (!summary) return null;
  const callers = props.record.dryRun!.workloads.length
    ? engineWouldDeny(props.record.dryRun!)
    : undefined;
  return (
    <Typography
      variant="caption"
      color={summary.severity === 'error' ? 'error' : 'textSecondary'}
      display="block"
    >
      {summary.text}
      {callers &&
        (callers.length
          ? ` The engine: enforcing them would deny ${callers.length} ${
              callers.length === 1 ? 'caller' : 'callers'
            } allowed today.`
          : ' The engine: enforcing them would deny no caller allowed today.')}
    </Typography>
  );
}

/** A dry-run request's evidence in full: the sentence, the engine's callers, each count. */
export function DryRunEvidence(props: { record: OnboardingRequestRecord }) {
  const { record } = props;
  const summary = dryRunSummary(record);
  const e = record.dryRun;
  if (!summary || !e) return null;
  const rows = (e.observations ?? []).map(o => ({ ...o, id: key(o) }));
  return (
    <Box>
      <Alert severity={summary.severity}>{summary.text}</Alert>
      {e.workloads.map(w => (
        <Box key={`${w.namespace}/${w.name}`} mt={1}>
          <Typography variant="body2">
            <strong>
              {w.namespace}/{w.name}
            </strong>{' '}
            (dry-run: {w.policies.join(', ')})
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {callersText(w.wouldDenyCallers)}
            {w.wouldAllowCallers.length > 0 &&
              ` It would allow ${
                w.wouldAllowCallers.length
              } denied today: ${w.wouldAllowCallers.join(', ')}.`}
          </Typography>
        </Box>
      ))}
      {rows.length > 0 && (
        <Box mt={2}>
          <Table<DryRunObservation & { id: string }>
            title="Counted by the proxies"
            data={rows}
            options={{
              paging: false,
              search: false,
              padding: 'dense',
              sorting: false,
            }}
            columns={[
              {
                title: 'Workload',
                render: o => `${o.namespace}/${o.workload}`,
              },
              {
                title: 'Port',
                render: o =>
                  o.port !== undefined ? o.port : `any (${o.protocol})`,
              },
              {
                title: 'Policies',
                render: o =>
                  o.action === 'allow' ? 'dry-run ALLOW' : 'dry-run DENY',
              },
              { title: 'Would deny', field: 'wouldDeny' },
              { title: 'Would allow', field: 'wouldAllow' },
            ]}
          />
        </Box>
      )}
    </Box>
  );
}
