import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import type {
  NetworkBlockedCaller,
  SecurityWorkload,
  TelemetryStatus,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { lazy, Suspense, useState } from 'react';
import { Progress } from '@backstage/core-components';
import { CallersTable } from './CallersTable';
import { SeenNotAllowed } from './SeenNotAllowed';
import { TelemetryNote } from './TelemetryNote';
import { TightenLink } from './TightenLink';

// The graph pulls in d3 and dagre: load them only when someone asks for the graph.
const CallersGraph = lazy(() =>
  import('./CallersGraph').then(m => ({ default: m.CallersGraph })),
);

/** A caller Istio allows and a NetworkPolicy drops on every port it may reach. */
function blockedText(b: NetworkBlockedCaller): string {
  const ports = b.ports.length ? ` (port ${b.ports.join(', ')})` : '';
  return `${b.label}${ports}: blocked by network policy ${b.policies.join(
    ', ',
  )}`;
}

const useStyles = makeStyles(theme => ({
  denyExceptions: { marginTop: theme.spacing(2) },
}));

/**
 * Who may call the workload, as a table or as an inbound graph, the DENY carve-outs, the
 * callers Istio allows that a NetworkPolicy drops (a broken path), and the callers its
 * policies name that fail the mTLS handshake (their cluster's root is not trusted).
 * Where the cluster's telemetry was read, each caller's usage and what was seen but not
 * allowed.
 */
export function CallersCard(props: {
  workload: SecurityWorkload;
  telemetry: TelemetryStatus;
}) {
  const { workload, telemetry } = props;
  const [view, setView] = useState<'table' | 'graph'>('table');
  const classes = useStyles();
  const callers = workload.allowedCallers;
  const usageRead = telemetry.state === 'ok';
  return (
    <InfoCard
      title={`Allowed callers (${callers.length})`}
      subheader="Who may call this workload on some port, resolved to catalog entities where one owns the caller's identity"
      action={
        callers.length > 0 ? (
          <ToggleButtonGroup
            size="small"
            exclusive
            value={view}
            onChange={(_e, v) => v && setView(v)}
            aria-label="Show callers as"
          >
            <ToggleButton value="table" aria-label="Table">
              Table
            </ToggleButton>
            <ToggleButton value="graph" aria-label="Graph">
              Graph
            </ToggleButton>
          </ToggleButtonGroup>
        ) : undefined
      }
    >
      <TelemetryNote telemetry={telemetry} />
      {callers.length === 0 && (
        <Typography variant="body2">
          No caller can reach it: every request is denied (by its policies, or
          because callers cannot complete the mTLS handshake).
        </Typography>
      )}
      {callers.length > 0 && view === 'table' && (
        <CallersTable callers={callers} showUsage={usageRead} />
      )}
      {callers.length > 0 && view === 'graph' && (
        <Suspense fallback={<Progress />}>
          <CallersGraph workload={workload} showUsage={usageRead} />
        </Suspense>
      )}
      {usageRead && <TightenLink workload={workload} />}
      {usageRead && (
        <SeenNotAllowed
          notAllowed={workload.notAllowedCallers ?? []}
          plaintext={workload.plaintextObserved ?? []}
        />
      )}
      {workload.denyExceptions.length > 0 && (
        <div className={classes.denyExceptions}>
          <Typography variant="subtitle2">Except (DENY rules)</Typography>
          {workload.denyExceptions.map(d => (
            <Typography variant="body2" key={`${d.policy}#${d.rule}`}>
              {d.description}: denied by <code>{d.policy}</code> rules[{d.rule}]
            </Typography>
          ))}
        </div>
      )}
      {(workload.untrustedCallers ?? []).length > 0 && (
        <div className={classes.denyExceptions}>
          <Typography variant="subtitle2">
            {`Named by its policies, refused at the mTLS handshake (${
              workload.untrustedCallers!.length
            })`}
          </Typography>
          {workload.untrustedCallers!.map(u => (
            <Typography variant="body2" key={u.label}>
              {u.label}: refused, {u.reason}
            </Typography>
          ))}
        </div>
      )}
      {workload.blockedByNetwork.length > 0 && (
        <div className={classes.denyExceptions}>
          <Typography variant="subtitle2">
            {`Allowed by Istio, blocked by a NetworkPolicy (${workload.blockedByNetwork.length})`}
          </Typography>
          {workload.blockedByNetwork.map(b => (
            <Typography variant="body2" key={b.label}>
              {blockedText(b)}
            </Typography>
          ))}
        </div>
      )}
    </InfoCard>
  );
}
