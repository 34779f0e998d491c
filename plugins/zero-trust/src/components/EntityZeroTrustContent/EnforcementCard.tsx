import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  PolicyEnforcement,
  WaypointUse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { FactList } from './FactList';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2) },
  item: { marginBottom: theme.spacing(1) },
}));

/** `nowhere` reads as a warning: the policy protects nothing for this workload. */
function placeText(e: PolicyEnforcement): string {
  if (e.enforcedAt === 'nowhere') return 'enforced nowhere';
  return `${e.dryRun ? 'logged' : 'enforced'} at ${e.enforcedAt}`;
}

function PolicyLine(props: { enforcement: PolicyEnforcement }) {
  const e = props.enforcement;
  return (
    <>
      <code>{e.policy}</code> ({e.action}
      {e.dryRun ? ', dry-run' : ''})
      {e.calls ? ` on its calls to ${e.calls}` : ''}:{' '}
      <Typography
        component="span"
        variant="body2"
        color={e.enforcedAt === 'nowhere' ? 'error' : 'textPrimary'}
      >
        {placeText(e)}
      </Typography>
      {e.why && (
        <Typography component="div" variant="caption" color="textSecondary">
          {e.why}
        </Typography>
      )}
    </>
  );
}

/**
 * Where each AuthorizationPolicy that concerns the workload is enforced (its sidecar,
 * ztunnel, a waypoint, or nowhere), those on its own calls to external hosts (a
 * ServiceEntry's waypoint) included, and the waypoints its traffic goes through: in
 * ambient mode a policy is only as good as the proxy that reads it.
 */
export function EnforcementCard(props: {
  enforcement: PolicyEnforcement[];
  waypoints?: WaypointUse[];
}) {
  const classes = useStyles();
  const { enforcement, waypoints = [] } = props;
  const facts = [
    {
      label: 'Policies',
      value: enforcement.length ? (
        <ul className={classes.list}>
          {enforcement.map(e => (
            <li
              key={`${e.policy} ${e.enforcedAt} ${e.calls ?? ''}`}
              className={classes.item}
            >
              <PolicyLine enforcement={e} />
            </li>
          ))}
        </ul>
      ) : (
        'No AuthorizationPolicy concerns this workload'
      ),
    },
  ];
  if (waypoints.length) {
    facts.push({
      label: 'Waypoints',
      value: (
        <ul className={classes.list}>
          {waypoints.map(u => (
            <li key={`${u.waypoint} ${u.traffic}`} className={classes.item}>
              <code>{u.waypoint}</code> takes{' '}
              {u.traffic === 'pod' ? 'traffic sent to the pods' : u.traffic}
              <Typography
                component="div"
                variant="caption"
                color="textSecondary"
              >
                the workload's ztunnel sees {u.identity}
              </Typography>
            </li>
          ))}
        </ul>
      ),
    });
  }
  return (
    <InfoCard
      title="Where its policies are enforced"
      subheader="Sidecar, ztunnel, a waypoint, or nowhere"
      variant="gridItem"
    >
      <FactList facts={facts} />
    </InfoCard>
  );
}
