import { EmptyState, LinkButton } from '@backstage/core-components';
import { useTemplateLink } from '../shared';

/** No request has been recorded yet: say where they come from, and link the template. */
export function NoRequestsState() {
  // The template itself, without a prefilled form: there is no service to fill in.
  const templatePath = useTemplateLink()({}).split('?')[0];
  return (
    <EmptyState
      missing="content"
      title="No onboarding requests yet"
      description="Requests appear here when the onboarding template opens a pull request. Each is then followed to its merge and until the live cluster holds the change."
      action={
        <LinkButton to={templatePath} color="primary" variant="contained">
          Onboard a service
        </LinkButton>
      }
    />
  );
}
