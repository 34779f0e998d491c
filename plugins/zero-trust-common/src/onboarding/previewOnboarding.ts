import { MeshModel } from '../engine/MeshModel';
import { OnboardingPlan, OnboardingPreview } from './types';

/**
 * What the plan does to access.
 *
 * @public
 */
export function previewOnboarding(
  _plan: OnboardingPlan,
  _model: MeshModel,
): OnboardingPreview {
  throw new Error('previewOnboarding: not implemented yet');
}
