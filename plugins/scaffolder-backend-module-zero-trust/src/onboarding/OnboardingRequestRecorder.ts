import type {
  OnboardingRequestRecord,
  OnboardingRequestRecordInput,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  callZeroTrustBackend,
  ZeroTrustBackendOptions,
} from './zeroTrustBackend';

/**
 * Records each pull request the action opens with the zero-trust backend
 * (`POST /api/zero-trust/onboarding/requests`, which only service principals may call),
 * so that its tracking task follows it to merge and to the live cluster.
 */
export class OnboardingRequestRecorder {
  constructor(private readonly options: ZeroTrustBackendOptions) {}

  record(
    input: OnboardingRequestRecordInput,
  ): Promise<OnboardingRequestRecord> {
    return callZeroTrustBackend<OnboardingRequestRecord>(
      this.options,
      '/onboarding/requests',
      { method: 'POST', body: input },
    );
  }
}
