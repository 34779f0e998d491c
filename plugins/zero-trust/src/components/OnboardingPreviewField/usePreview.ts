import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { OnboardingPreview } from '@zero-trust/backstage-plugin-zero-trust-common';
import useAsync from 'react-use/esm/useAsync';
import { ZeroTrustApi, zeroTrustApiRef } from '../../api';

type WithPreview = ZeroTrustApi & {
  previewOnboarding?: (request: unknown) => Promise<OnboardingPreview>;
};

/**
 * Asks the zero-trust backend what a request would change (`POST /onboarding/preview`).
 * Through the plugin's API client where it has `previewOnboarding`; else straight through
 * discovery and the authenticated fetch, so the field works with either.
 */
export function usePreview(request: Record<string, unknown> | undefined) {
  const api = useApi(zeroTrustApiRef) as WithPreview;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const key = request ? JSON.stringify(request) : undefined;
  return useAsync(async (): Promise<OnboardingPreview | undefined> => {
    if (!request) return undefined;
    if (typeof api.previewOnboarding === 'function') {
      return api.previewOnboarding(request);
    }
    const baseUrl = await discoveryApi.getBaseUrl('zero-trust');
    const response = await fetchApi.fetch(`${baseUrl}/onboarding/preview`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as OnboardingPreview;
    // The request is compared by value: the form hands a new object on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, api, discoveryApi, fetchApi]);
}
