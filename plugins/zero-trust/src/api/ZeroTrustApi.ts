import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
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

/**
 * The zero-trust backend (`/api/zero-trust`), as the frontend reads it. Every method
 * rejects with a `ResponseError` (from `@backstage/errors`) on a non-2xx answer.
 *
 * @public
 */
export interface ZeroTrustApi {
  /** `GET /entities/:kind/:namespace/:name/security`: an entity's identity, mTLS, callers and findings per cluster. */
  getEntitySecurity(
    entityRef: CompoundEntityRef,
  ): Promise<EntitySecurityResponse>;
  /** `GET /clusters`: every configured cluster with its trust domain and sync status. */
  getClusters(): Promise<ClustersResponse>;
  /** `GET /identities`: every mesh identity, for the callers picker. */
  getIdentities(): Promise<IdentitiesResponse>;
  /** `POST /check`: may this caller reach this workload? */
  check(request: CheckRequest): Promise<CheckResponse>;
  /**
   * `POST /onboarding/preview`: what an onboarding request would generate and grant,
   * writing nothing; a 400 names what is wrong with the request.
   */
  previewOnboarding(request: unknown): Promise<OnboardingPreviewResponse>;
  /** `GET /findings`: mesh-wide findings, optionally narrowed. */
  getFindings(query?: FindingsQuery): Promise<FindingsResponse>;
  /** `GET /exposure`: every way in from outside (host, gateway, TLS, authorization). */
  getExposure(query?: EdgesQuery): Promise<ExposureResponse>;
  /** `GET /egress`: every external host and who may reach it; who may reach any host. */
  getEgress(query?: EdgesQuery): Promise<EgressResponse>;
  /**
   * `GET /usage`: services ranked by unused permissions over the telemetry window, and
   * each cluster's telemetry status.
   */
  getUsage(query?: EdgesQuery): Promise<UsageResponse>;
  /** `GET /namespaces`: each namespace's injection, mTLS and default-deny posture. */
  getNamespaces(): Promise<NamespacesResponse>;
  /** `GET /trust`: who authenticates to whom across clusters, root expiries, certificate findings. */
  getTrust(): Promise<TrustResponse>;
  /**
   * `GET /onboarding/requests`: the onboarding requests the user may see, newest first,
   * narrowed by each field of `query` that is set.
   */
  getOnboardingRequests(
    query?: OnboardingRequestsQuery,
  ): Promise<OnboardingRequestsResponse>;
  /** `GET /onboarding/requests/:id`: one request; a 404 when unknown or not visible. */
  getOnboardingRequest(id: string): Promise<OnboardingRequestRecord>;
}

/** @public */
export const zeroTrustApiRef = createApiRef<ZeroTrustApi>({
  id: 'plugin.zero-trust.service',
});
