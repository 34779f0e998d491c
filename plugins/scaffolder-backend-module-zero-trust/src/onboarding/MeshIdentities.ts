import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  IdentitiesResponse,
  OnboardingRequest,
  resolveEntityCallers,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { asInputError } from './toOnboardingRequest';

/**
 * The zero-trust backend's mesh identities (`GET /api/zero-trust/identities`), asked as
 * this plugin (service-to-service), to turn `entityRef` callers into principals.
 */
export class MeshIdentities {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  async list(): Promise<IdentitiesResponse['items']> {
    const { discovery, auth } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'zero-trust',
    });
    const baseUrl = await discovery.getBaseUrl('zero-trust');
    const response = await fetch(`${baseUrl}/identities`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as IdentitiesResponse;
    return body.items;
  }

  /**
   * The request with each `entityRef` caller replaced by a `principal` caller per
   * identity its workloads run as; an entity with none is an InputError naming it.
   * Requests without entity callers never reach the backend.
   */
  async resolveCallers(request: OnboardingRequest): Promise<OnboardingRequest> {
    if (!request.allowedCallers.some(c => 'entityRef' in c)) return request;
    const identities = await this.list();
    try {
      return resolveEntityCallers(request, identities);
    } catch (error) {
      throw asInputError(error);
    }
  }
}
