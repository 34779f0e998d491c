import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type {
  Finding,
  SecurityWorkload,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  destinationRuleConflict,
  FindingsTable,
  workloadFindings,
} from '../shared';
import { CallersCard } from './CallersCard';
import { ExposureBanners } from './ExposureBanners';
import { IdentityCard } from './IdentityCard';
import { MtlsCard } from './MtlsCard';

/** Everything about one workload: warnings, identity, mTLS, callers, findings. */
export function WorkloadSecurity(props: {
  workload: SecurityWorkload;
  /** Namespace findings of its cluster that concern the entity's workloads. */
  namespaceFindings: Finding[];
  entityRef: string;
}) {
  const { workload, namespaceFindings, entityRef } = props;
  const findings = workloadFindings(workload, namespaceFindings);
  const conflicts = findings.filter(f => f.code === destinationRuleConflict);
  return (
    <Box mb={4}>
      <Typography variant="h6" component="h3" gutterBottom>
        {workload.kind} {workload.namespace}/{workload.name}
      </Typography>
      <ExposureBanners workload={workload} entityRef={entityRef} />
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <IdentityCard workload={workload} />
        </Grid>
        <Grid item xs={12} md={6}>
          <MtlsCard workload={workload} conflicts={conflicts} />
        </Grid>
        <Grid item xs={12}>
          <CallersCard workload={workload} />
        </Grid>
        <Grid item xs={12}>
          <FindingsTable findings={findings} />
        </Grid>
      </Grid>
    </Box>
  );
}
