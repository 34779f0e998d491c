import { useApi } from '@backstage/core-plugin-api';
import type { OnboardingPreviewResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
import useAsync from 'react-use/esm/useAsync';
import { zeroTrustApiRef } from '../../api';

/** Asks the zero-trust backend what a request would change (`POST /onboarding/preview`). */
export function usePreview(request: Record<string, unknown> | undefined) {
  const api = useApi(zeroTrustApiRef);
  const key = request ? JSON.stringify(request) : undefined;
  return useAsync(async (): Promise<OnboardingPreviewResponse | undefined> => {
    if (!request) return undefined;
    return api.previewOnboarding(request);
    // The request is compared by value: the form hands a new object on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, api]);
}
