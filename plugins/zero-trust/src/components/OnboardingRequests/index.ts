export { EntityOnboardingRequests } from './EntityOnboardingRequests';
export { OnboardingRequestsSection } from './OnboardingRequestsSection';
