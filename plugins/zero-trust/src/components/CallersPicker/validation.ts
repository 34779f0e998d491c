import { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import type { OnboardingCaller } from '@zero-trust/backstage-plugin-zero-trust-common';
import { callerProblems } from './callerText';

/** Refuses the callers the scaffolder action would refuse, before the form goes on. */
export const validateCallers: CustomFieldValidator<OnboardingCaller[]> = (
  callers,
  validation,
) => {
  if (callers === undefined || callers === null) return;
  if (!Array.isArray(callers)) {
    validation.addError('must be a list of callers');
    return;
  }
  for (const problem of callerProblems(callers)) validation.addError(problem);
};
