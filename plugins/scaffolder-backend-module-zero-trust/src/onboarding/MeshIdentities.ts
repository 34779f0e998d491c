import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  IdentitiesResponse,
  OnboardingRequest,
  resolveEntityCallers,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { asInputError } from './toOnboardingRequest';
import {
  callZeroTrustBackend,
  ZeroTrustBackendOptions,
} from './zeroTrustBackend';

/**
 * The zero-trust backend's mesh identities (`GET /api/zero-trust/identities`), asked on
 * behalf of the user who runs the template (the catalog decides which entities they
 * see), to turn `entityRef` callers into principals.
 */
export class MeshIdentities {
  constructor(private readonly options: ZeroTrustBackendOptions) {}

  async list(
    credentials: BackstageCredentials,
  ): Promise<IdentitiesResponse['items']> {
    const body = await callZeroTrustBackend<IdentitiesResponse>(
      this.options,
      '/identities',
      { onBehalfOf: credentials },
    );
    return body.items;
  }

  /**
   * The request with each `entityRef` caller replaced by a `principal` caller per
   * identity its workloads run as; an entity with none is an InputError naming it.
   * Requests without entity callers never reach the backend.
   */
  async resolveCallers(
    request: OnboardingRequest,
    credentials: BackstageCredentials,
  ): Promise<OnboardingRequest> {
    if (!request.allowedCallers.some(c => 'entityRef' in c)) return request;
    const identities = await this.list(credentials);
    try {
      return resolveEntityCallers(request, identities);
    } catch (error) {
      throw asInputError(error);
    }
  }
}
