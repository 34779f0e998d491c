import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { OnboardingRequestRecord } from '@zero-trust/backstage-plugin-zero-trust-common';
import { relativeTime } from '../shared';

/** `opened 3 hours ago`, with the exact time on hover. */
export function When(props: { label: string; iso: string }) {
  return (
    <Tooltip title={new Date(props.iso).toLocaleString()}>
      <span>
        {props.label} {relativeTime(props.iso)}
      </span>
    </Tooltip>
  );
}

/** How long ago the request was opened and, once merged, how long since the merge. */
export function RequestAge(props: { record: OnboardingRequestRecord }) {
  const { createdAt, mergedAt } = props.record;
  return (
    <>
      <Typography variant="body2" component="span">
        <When label="opened" iso={createdAt} />
      </Typography>
      {mergedAt && (
        <Typography variant="caption" color="textSecondary" display="block">
          <When label="merged" iso={mergedAt} />
        </Typography>
      )}
    </>
  );
}
