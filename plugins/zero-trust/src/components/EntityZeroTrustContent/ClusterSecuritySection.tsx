import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { ClusterSecurity } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ClusterFreshness } from '../shared';
import { WorkloadSecurity } from './WorkloadSecurity';

const useStyles = makeStyles(theme => ({
  section: { marginBottom: theme.spacing(4) },
  freshness: { margin: theme.spacing(1, 0, 2) },
}));

/** One cluster where the entity runs: its freshness, then each workload. */
export function ClusterSecuritySection(props: { cluster: ClusterSecurity }) {
  const { cluster } = props;
  const trustDomain = cluster.workloads[0]?.trustDomain;
  const classes = useStyles();
  return (
    <section
      className={classes.section}
      aria-label={`Cluster ${cluster.cluster}`}
    >
      <Typography variant="h5" component="h2">
        Cluster {cluster.cluster}
        {trustDomain && (
          <Typography component="span" color="textSecondary">
            {' '}
            · trust domain {trustDomain}
          </Typography>
        )}
      </Typography>
      <div className={classes.freshness}>
        <ClusterFreshness cluster={cluster.cluster} status={cluster.status} />
      </div>
      {cluster.workloads.map(w => (
        <WorkloadSecurity
          key={`${w.namespace}/${w.name}`}
          workload={w}
          namespaceFindings={cluster.namespaceFindings}
          telemetry={cluster.telemetry}
        />
      ))}
    </section>
  );
}
