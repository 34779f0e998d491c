import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { ApiErrorState } from '../shared';
import { OnboardingRequestDetail } from './OnboardingRequestDetail';

/**
 * One request's details in a dialog, read afresh by id (`GET /onboarding/requests/:id`):
 * the status poller may have moved it on since the list was loaded.
 */
export function OnboardingRequestDialog(props: {
  id?: string;
  onClose: () => void;
}) {
  const { id, onClose } = props;
  const api = useApi(zeroTrustApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (id ? api.getOnboardingRequest(id) : undefined),
    [api, id],
  );
  const record = value?.id === id ? value : undefined;

  return (
    <Dialog
      open={Boolean(id)}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      scroll="paper"
      aria-labelledby="zt-onboarding-request-title"
    >
      <DialogTitle id="zt-onboarding-request-title">
        {record
          ? `Onboarding ${record.namespace}/${record.service} in ${record.cluster}`
          : 'Onboarding request'}
      </DialogTitle>
      <DialogContent dividers>
        {loading && !record && <Progress />}
        {error && (
          <ApiErrorState
            error={error}
            retry={retry}
            what="this onboarding request"
            notFoundTitle="Onboarding request not found or not visible to you"
            notFoundDescription={`No onboarding request ${id} is known, or your permissions do not let you see the entity it belongs to.`}
          />
        )}
        {record && !error && <OnboardingRequestDetail record={record} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
