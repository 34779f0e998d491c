import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';

/**
 * The form goes on only once the preview has succeeded: a request the backend refuses
 * would fail in the pull request step anyway, after the user has left the form.
 */
export const validatePreview: CustomFieldValidator<string> = (
  spiffeId,
  validation,
) => {
  if (!spiffeId) {
    validation.addError(
      'The preview has not succeeded: fix what it reports (or wait for it) before creating the change.',
    );
  }
};
