import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';

function statusOf(error: Error): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * An error from the zero-trust backend, said so that the reader knows what to do: a 404
 * means the thing is missing or the catalog hides it from this user, a 403 that a
 * permission is lacking; anything else
 * (including a backend that does not answer) shows the error with a way to retry.
 */
export function ApiErrorState(props: {
  error: Error;
  retry?: () => void;
  /** What was being read, e.g. `this entity's security`. */
  what: string;
  notFoundTitle?: string;
  notFoundDescription?: string;
}) {
  const { error, retry } = props;
  const retryButton = retry ? (
    <Button variant="outlined" color="primary" onClick={retry}>
      Try again
    </Button>
  ) : undefined;
  if (statusOf(error) === 403) {
    return (
      <EmptyState
        missing="info"
        title="You may not see this"
        description={`Your permissions do not let you read ${props.what}. The mesh-wide views need the zeroTrust.mesh.read permission: ask your Backstage administrator for it. (${error.message})`}
        action={retryButton}
      />
    );
  }
  if (statusOf(error) === 404) {
    return (
      <EmptyState
        missing="data"
        title={props.notFoundTitle ?? 'Not found or not visible to you'}
        description={
          props.notFoundDescription ??
          `The zero-trust backend found nothing for ${props.what}. It may not exist, or your permissions may not let you see it.`
        }
        action={retryButton}
      />
    );
  }
  return (
    <>
      <ResponseErrorPanel
        title={
          statusOf(error)
            ? `The zero-trust backend could not answer for ${props.what}`
            : `Could not reach the zero-trust backend for ${props.what}`
        }
        error={error}
      />
      {retryButton && <Box mt={2}>{retryButton}</Box>}
    </>
  );
}
