export { OnboardingPreviewField } from './OnboardingPreviewField';
export { validatePreview } from './validation';
