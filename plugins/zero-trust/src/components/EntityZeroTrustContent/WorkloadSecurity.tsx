import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  Finding,
  SecurityWorkload,
  TelemetryStatus,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  isDestinationRuleConflict,
  FindingsTable,
  workloadFindings,
} from '../shared';
import { CallersCard } from './CallersCard';
import { CertificateCard } from './CertificateCard';
import { DryRunCard } from './DryRunCard';
import { EgressCard, ExposureCard, RoutesCard } from './EdgesCards';
import { EnforcementCard } from './EnforcementCard';
import { ExposureBanners } from './ExposureBanners';
import { IdentityCard } from './IdentityCard';
import { MtlsCard } from './MtlsCard';

// A CSS grid rather than MUI's Grid, whose style sheet (every breakpoint times every
// width) is costly to create on the tab's first render.
const useStyles = makeStyles(theme => ({
  workload: { marginBottom: theme.spacing(4) },
  cards: {
    display: 'grid',
    gap: theme.spacing(2),
    gridTemplateColumns: 'minmax(0, 1fr)',
    [theme.breakpoints.up('md')]: {
      gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    },
  },
  wide: { gridColumn: '1 / -1' },
}));

/**
 * Everything about one workload: warnings, identity, mTLS, certificate, where its policies
 * are enforced, dry-run policies, callers, findings.
 */
export function WorkloadSecurity(props: {
  workload: SecurityWorkload;
  /** Namespace findings of its cluster that concern the entity's workloads. */
  namespaceFindings: Finding[];
  /** Whether its cluster's usage could be read. */
  telemetry: TelemetryStatus;
}) {
  const { workload, namespaceFindings, telemetry } = props;
  const findings = workloadFindings(workload, namespaceFindings);
  const conflicts = findings.filter(isDestinationRuleConflict);
  const classes = useStyles();
  return (
    <div className={classes.workload}>
      <Typography variant="h6" component="h3" gutterBottom>
        {workload.kind} {workload.namespace}/{workload.name}
      </Typography>
      <ExposureBanners workload={workload} />
      <div className={classes.cards}>
        <IdentityCard workload={workload} />
        <MtlsCard workload={workload} conflicts={conflicts} />
        {workload.certificate && (
          <CertificateCard certificate={workload.certificate} />
        )}
        <div className={classes.wide}>
          <EnforcementCard
            enforcement={workload.enforcement ?? []}
            waypoints={workload.waypoints}
          />
        </div>
        {workload.dryRun && (
          <div className={classes.wide}>
            <DryRunCard dryRun={workload.dryRun} />
          </div>
        )}
        <div className={classes.wide}>
          <CallersCard workload={workload} telemetry={telemetry} />
        </div>
        <ExposureCard exposure={workload.exposure} />
        {workload.egress && <EgressCard egress={workload.egress} />}
        {workload.routes && <RoutesCard routes={workload.routes} />}
        <div className={classes.wide}>
          <FindingsTable findings={findings} />
        </div>
      </div>
    </div>
  );
}
