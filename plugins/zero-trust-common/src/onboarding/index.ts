export type * from './types';
export { OnboardingRequestError } from './OnboardingRequestError';
export { parseOnboardingRequest } from './parseOnboardingRequest';
export { planOnboarding } from './planOnboarding';
export type { PlanOnboardingOptions } from './planOnboarding';
export { previewOnboarding } from './previewOnboarding';
