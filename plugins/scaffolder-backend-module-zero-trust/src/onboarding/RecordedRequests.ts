import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import type {
  OnboardingRequestRecord,
  OnboardingRequestsResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  callZeroTrustBackend,
  ZeroTrustBackendOptions,
} from './zeroTrustBackend';

/**
 * The onboarding requests the zero-trust backend recorded (`GET
 * /api/zero-trust/onboarding/requests`), read on behalf of the user who runs the
 * template: the backend shows them only the requests of entities the catalog lets them
 * see.
 */
export class RecordedRequests {
  constructor(private readonly options: ZeroTrustBackendOptions) {}

  /** One request by its id; one the user may not see, or that does not exist, is an InputError. */
  async get(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<OnboardingRequestRecord> {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(id)) {
      throw new InputError(
        `requestId ${JSON.stringify(id)} is not a request id`,
      );
    }
    try {
      return await callZeroTrustBackend<OnboardingRequestRecord>(
        this.options,
        `/onboarding/requests/${encodeURIComponent(id)}`,
        { onBehalfOf: credentials },
      );
    } catch (error) {
      if (error instanceof ResponseError && error.response.status === 404) {
        throw new InputError(
          `no onboarding request ${id} (or you may not see its entity)`,
        );
      }
      throw error;
    }
  }

  /** The requests recorded for an entity, newest first. */
  async forEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<OnboardingRequestRecord[]> {
    const body = await callZeroTrustBackend<OnboardingRequestsResponse>(
      this.options,
      `/onboarding/requests?entity=${encodeURIComponent(entityRef)}`,
      { onBehalfOf: credentials },
    );
    return body.items;
  }
}
