import { Link } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { OnboardingRequestRecord } from '@zero-trust/backstage-plugin-zero-trust-common';
import { promoteTemplate, useTemplateLink } from '../shared';

/**
 * For a request rolled out in dry-run: says so, and links to the promotion template
 * ("Enforce dry-run policies") with the request prefilled; once promoted (the cluster holds
 * its policies enforced), says that instead. Nothing for an enforced one.
 */
export function PromoteLink(props: { record: OnboardingRequestRecord }) {
  const link = useTemplateLink(promoteTemplate);
  const { record } = props;
  if (record.request.rollout !== 'dry-run') return null;
  if (record.dryRun?.enforced) {
    return (
      <Typography variant="caption" color="textSecondary" display="block">
        dry-run, since promoted: enforced
      </Typography>
    );
  }
  return (
    <Typography variant="caption" color="textSecondary" display="block">
      dry-run: logged, not enforced ·{' '}
      <Link
        to={link({ requestId: record.id })}
        aria-label={`Promote ${record.namespace}/${record.service} in ${record.cluster}: enforce its dry-run policies`}
      >
        Promote
      </Link>
    </Typography>
  );
}
