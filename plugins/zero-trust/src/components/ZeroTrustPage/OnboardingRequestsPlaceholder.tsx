import { InfoCard } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** Where onboarding requests will be tracked, said plainly as not built yet. */
export function OnboardingRequestsPlaceholder() {
  return (
    <InfoCard title="Onboarding requests">
      <Typography variant="body2">
        Tracking onboarding requests (from the template's pull request to the
        moment the live cluster matches it) is not built yet. Until then, follow
        each request through its pull request in the GitOps repository.
      </Typography>
    </InfoCard>
  );
}
