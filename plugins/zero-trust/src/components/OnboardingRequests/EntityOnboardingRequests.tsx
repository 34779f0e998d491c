import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { OnboardingRequestDialog } from './OnboardingRequestDialog';
import { OnboardingRequestsTable } from './OnboardingRequestsTable';
import { useOpenRequest } from './useOpenRequest';

/** The backend's own words where it sent them (a `ResponseError`'s body), else the error's. */
function errorMessage(error: Error): string {
  const body = (error as { body?: { error?: { message?: string } } }).body;
  return body?.error?.message ?? error.message;
}

/**
 * The entity's own onboarding requests (`?entity=<entityRef>`), compact, for its Security
 * tab. Nothing at all while loading or when there are none: most entities have none, and
 * the tab's main content is the mesh view below.
 */
export function EntityOnboardingRequests(props: { entityRef: string }) {
  const { entityRef } = props;
  const api = useApi(zeroTrustApiRef);
  const [openId, setOpenId] = useOpenRequest();
  const { value, error, retry } = useAsyncRetry(
    () => api.getOnboardingRequests({ entity: entityRef }),
    [api, entityRef],
  );
  const items = value?.items ?? [];
  // The dialog (and MUI's Dialog style sheet) only once a request has been opened:
  // most entities have none, and the tab's first render would pay for it. Mounted from
  // then on, so that it closes with its transition.
  const [opened, setOpened] = useState(false);
  if (openId && !opened) setOpened(true);

  return (
    <>
      {error && (
        <Box mb={2}>
          <Alert
            severity="warning"
            action={
              <Button color="inherit" size="small" onClick={retry}>
                Try again
              </Button>
            }
          >
            Could not read this entity's onboarding requests:{' '}
            {errorMessage(error)}
          </Alert>
        </Box>
      )}
      {!error && items.length > 0 && (
        <Box mb={3}>
          <OnboardingRequestsTable
            title={`Onboarding requests (${items.length})`}
            requests={items}
            onOpen={setOpenId}
          />
        </Box>
      )}
      {opened && (
        <OnboardingRequestDialog
          id={openId}
          onClose={() => setOpenId(undefined)}
        />
      )}
    </>
  );
}
