import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import type { OnboardingRequestState } from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { zeroTrustApiRef } from '../../api';
import { ApiErrorState } from '../shared';
import { NoRequestsState } from './NoRequestsState';
import { OnboardingRequestDialog } from './OnboardingRequestDialog';
import { OnboardingRequestsTable } from './OnboardingRequestsTable';
import { RequestFilters } from './RequestFilters';
import { useOpenRequest } from './useOpenRequest';

/**
 * The platform page's onboarding requests: every request the user may see, filtered by
 * state and cluster on the backend (`GET /onboarding/requests`), each opening its details.
 */
export function OnboardingRequestsSection(props: { clusters: string[] }) {
  const api = useApi(zeroTrustApiRef);
  const [state, setState] = useState<OnboardingRequestState | ''>('');
  const [cluster, setCluster] = useState('');
  const [openId, setOpenId] = useOpenRequest();

  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      api.getOnboardingRequests({
        ...(state ? { state } : {}),
        ...(cluster ? { cluster } : {}),
      }),
    [api, state, cluster],
  );

  // The configured clusters, and any a request names that is no longer configured.
  const clusterOptions = useMemo(
    () =>
      [
        ...new Set([
          ...props.clusters,
          ...(value?.items ?? []).map(r => r.cluster),
        ]),
      ].sort(),
    [props.clusters, value],
  );
  const filtered = Boolean(state || cluster);
  const items = value?.items ?? [];

  return (
    <>
      <RequestFilters
        state={state}
        cluster={cluster}
        clusters={clusterOptions}
        onState={setState}
        onCluster={setCluster}
      />
      {loading && <Progress />}
      {error && (
        <ApiErrorState
          error={error}
          retry={retry}
          what="the onboarding requests"
        />
      )}
      {!error && value && !filtered && items.length === 0 && (
        <NoRequestsState />
      )}
      {!error && value && (filtered || items.length > 0) && (
        <OnboardingRequestsTable
          title={`Onboarding requests (${items.length})`}
          requests={items}
          onOpen={setOpenId}
          withEntity
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              No onboarding request matches these filters.
            </Typography>
          }
        />
      )}
      <OnboardingRequestDialog
        id={openId}
        onClose={() => setOpenId(undefined)}
      />
    </>
  );
}
