export { GitopsConflictError } from './GitopsConflictError';
export { writeOnboarding } from './writeOnboarding';
export type {
  GitopsChange,
  GitopsLayout,
  WriteOnboardingOptions,
  WriteOnboardingResult,
} from './types';
