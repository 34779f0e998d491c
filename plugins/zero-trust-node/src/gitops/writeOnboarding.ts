import { WriteOnboardingOptions, WriteOnboardingResult } from './types';

/**
 * Writes an onboarding plan into a GitOps working copy.
 *
 * @public
 */
export async function writeOnboarding(
  _options: WriteOnboardingOptions,
): Promise<WriteOnboardingResult> {
  throw new Error('writeOnboarding: not implemented yet');
}
