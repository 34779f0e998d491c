export type * from './types';
export { onboardingRequestStates } from './requestStates';
export { OnboardingRequestError } from './OnboardingRequestError';
export { isBadRequestError } from './badRequest';
export {
  onboardingRequestFields,
  parseOnboardingRequest,
} from './parseOnboardingRequest';
export { requestFromInput } from './requestFromInput';
export { defaultSelector } from './defaultSelector';
export { planOnboarding } from './planOnboarding';
export type { PlanOnboardingOptions } from './planOnboarding';
export { previewOnboarding } from './previewOnboarding';
export { explainNetworkPolicy } from './networkPolicyPreview';
export { resolveEntityCallers } from './resolveEntityCallers';
export type { EntityIdentity } from './resolveEntityCallers';
export { promoteTemplateTitle } from './rollout';
