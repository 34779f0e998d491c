import { MeshModel } from '../engine/MeshModel';
import { OnboardingPlan, OnboardingRequest } from './types';

/** @public */
export interface PlanOnboardingOptions {
  /** The cluster to onboard into where the request names none. */
  cluster?: string;
}

/**
 * Plans a service's onboarding against the mesh as it is.
 *
 * @public
 */
export function planOnboarding(
  _request: OnboardingRequest,
  _model: MeshModel,
  _options: PlanOnboardingOptions = {},
): OnboardingPlan {
  throw new Error('planOnboarding: not implemented yet');
}
