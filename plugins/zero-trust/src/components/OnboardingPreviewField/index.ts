export { OnboardingPreviewField } from './OnboardingPreviewField';
export { requestFromForm } from './requestFromForm';
export { validatePreview } from './validation';
