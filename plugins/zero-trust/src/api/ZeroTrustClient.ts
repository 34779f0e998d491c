import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CheckRequest,
  CheckResponse,
  ClustersResponse,
  EdgesQuery,
  EgressResponse,
  UsageResponse,
  EntitySecurityResponse,
  ExposureResponse,
  FindingsQuery,
  FindingsResponse,
  IdentitiesResponse,
  NamespacesResponse,
  OnboardingPreviewResponse,
  OnboardingRequestRecord,
  OnboardingRequestsQuery,
  OnboardingRequestsResponse,
  TrustResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ZeroTrustApi } from './ZeroTrustApi';

/** `?cluster=&namespace=` with the fields that are set, or nothing. */
function edgesSearch(query: EdgesQuery): string {
  const params = new URLSearchParams();
  for (const key of ['cluster', 'namespace'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * Talks to the zero-trust backend through Backstage's discovery and authenticated fetch.
 *
 * @public
 */
export class ZeroTrustClient implements ZeroTrustApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getEntitySecurity(
    entityRef: CompoundEntityRef,
  ): Promise<EntitySecurityResponse> {
    const { kind, namespace, name } = entityRef;
    return this.request(
      `/entities/${[kind, namespace, name]
        .map(encodeURIComponent)
        .join('/')}/security`,
    );
  }

  getClusters(): Promise<ClustersResponse> {
    return this.request('/clusters');
  }

  getIdentities(): Promise<IdentitiesResponse> {
    return this.request('/identities');
  }

  check(request: CheckRequest): Promise<CheckResponse> {
    return this.request('/check', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  previewOnboarding(request: unknown): Promise<OnboardingPreviewResponse> {
    return this.request('/onboarding/preview', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  getFindings(query: FindingsQuery = {}): Promise<FindingsResponse> {
    const params = new URLSearchParams();
    for (const key of ['severity', 'cluster', 'namespace'] as const) {
      const value = query[key];
      if (value) params.set(key, value);
    }
    const search = params.toString();
    return this.request(`/findings${search ? `?${search}` : ''}`);
  }

  getExposure(query: EdgesQuery = {}): Promise<ExposureResponse> {
    return this.request(`/exposure${edgesSearch(query)}`);
  }

  getEgress(query: EdgesQuery = {}): Promise<EgressResponse> {
    return this.request(`/egress${edgesSearch(query)}`);
  }

  getUsage(query: EdgesQuery = {}): Promise<UsageResponse> {
    return this.request(`/usage${edgesSearch(query)}`);
  }

  getNamespaces(): Promise<NamespacesResponse> {
    return this.request('/namespaces');
  }

  getTrust(): Promise<TrustResponse> {
    return this.request('/trust');
  }

  getOnboardingRequests(
    query: OnboardingRequestsQuery = {},
  ): Promise<OnboardingRequestsResponse> {
    const params = new URLSearchParams();
    for (const key of ['state', 'cluster', 'entity', 'owner'] as const) {
      const value = query[key];
      if (value) params.set(key, value);
    }
    const search = params.toString();
    return this.request(`/onboarding/requests${search ? `?${search}` : ''}`);
  }

  getOnboardingRequest(id: string): Promise<OnboardingRequestRecord> {
    return this.request(`/onboarding/requests/${encodeURIComponent(id)}`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('zero-trust');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
