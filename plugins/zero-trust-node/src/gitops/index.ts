export { GitopsConflictError } from './GitopsConflictError';
export { writeOnboarding } from './writeOnboarding';
export { onboardRepository } from './onboardRepository';
export type {
  OnboardRepositoryOptions,
  OnboardRepositoryResult,
} from './onboardRepository';
export {
  defaultLayout as defaultGitopsLayout,
  validateLayout as validateGitopsLayout,
} from './layout';
export type {
  GitopsChange,
  GitopsLayout,
  WriteOnboardingOptions,
  WriteOnboardingResult,
} from './types';
export { promoteDryRun } from './promoteDryRun';
export type {
  PolicyRef,
  PromoteDryRunOptions,
  PromoteDryRunResult,
} from './promoteDryRun';
export { tightenRepository } from './tightenRepository';
export type {
  TightenRepositoryOptions,
  TightenRepositoryResult,
} from './tightenRepository';
