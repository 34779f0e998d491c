import {
  OnboardingRequestError,
  UnknownReferenceError,
  isBadRequestError,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitopsConflictError } from './gitops/GitopsConflictError';
import { ManifestError } from './ManifestError';

/**
 * Whether an error is the user's to fix, its message saying what: a bad request
 * (common's `isBadRequestError`), or a GitOps repository or manifests that cannot take
 * it (`GitopsConflictError`, `ManifestError`). The one list the backend, the scaffolder
 * actions (an `InputError`) and the CLI (exit status 2) go by.
 *
 * @public
 */
export function isUserError(
  error: unknown,
): error is
  | OnboardingRequestError
  | UnknownReferenceError
  | GitopsConflictError
  | ManifestError {
  return (
    isBadRequestError(error) ||
    error instanceof GitopsConflictError ||
    error instanceof ManifestError
  );
}
