import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { OnboardingRequestRecord } from '@zero-trust/backstage-plugin-zero-trust-common';
import { stateHint, stateNames } from './requestState';

function StateChip(props: { record: OnboardingRequestRecord }) {
  const { state } = props.record;
  const label = stateNames[state] ?? state;
  switch (state) {
    case 'converged':
      return <StatusOK>{label}</StatusOK>;
    case 'merged':
      return <StatusRunning>{label}</StatusRunning>;
    case 'drifted':
      return <StatusWarning>{label}</StatusWarning>;
    case 'closed':
      return <StatusAborted>{label}</StatusAborted>;
    case 'failed':
      return <StatusError>{label}</StatusError>;
    default:
      return <StatusPending>{label}</StatusPending>;
  }
}

/** A request's state as a coloured status, with what it means underneath. */
export function RequestStateStatus(props: { record: OnboardingRequestRecord }) {
  const { record } = props;
  return (
    <>
      <StateChip record={record} />
      <Typography variant="caption" color="textSecondary" display="block">
        {stateHint(record)}
      </Typography>
    </>
  );
}
