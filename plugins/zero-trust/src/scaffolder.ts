import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import type { OnboardingCaller } from '@zero-trust/backstage-plugin-zero-trust-common';
import { CallersPicker, validateCallers } from './components/CallersPicker';
import {
  OnboardingPreviewField,
  validatePreview,
} from './components/OnboardingPreviewField';
import { zeroTrustPlugin } from './plugin';

/**
 * The onboarding template's allowed-callers field (`ui:field: ZeroTrustCallersPicker`):
 * catalog entities with a mesh identity, or a typed principal, namespace or workload.
 * Register it under the scaffolder's route with `ScaffolderFieldExtensions`.
 *
 * @public
 */
export const ZeroTrustCallersPickerFieldExtension = zeroTrustPlugin.provide(
  createScaffolderFieldExtension<OnboardingCaller[]>({
    name: 'ZeroTrustCallersPicker',
    component: CallersPicker,
    validation: validateCallers,
  }),
);

/**
 * The onboarding template's review field (`ui:field: ZeroTrustOnboardingPreview`): what
 * the form's request would change, from the zero-trust backend, before anything is
 * pushed.
 *
 * @public
 */
export const ZeroTrustOnboardingPreviewFieldExtension = zeroTrustPlugin.provide(
  createScaffolderFieldExtension<string>({
    name: 'ZeroTrustOnboardingPreview',
    component: OnboardingPreviewField,
    validation: validatePreview,
  }),
);
