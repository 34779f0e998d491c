import { UnknownReferenceError } from '../engine/MeshModel';
import { OnboardingRequestError } from './OnboardingRequestError';

/**
 * Whether the engine refused what it was asked: a request that breaks the contract
 * (`OnboardingRequestError`) or a reference to a workload, service or entity that is not
 * there (`UnknownReferenceError`). The user's to fix, so its message is shown as it is,
 * never a stack trace. The node package's `isUserError` adds the errors of the
 * repository and manifests the user points at.
 *
 * @public
 */
export function isBadRequestError(
  error: unknown,
): error is OnboardingRequestError | UnknownReferenceError {
  return (
    error instanceof OnboardingRequestError ||
    error instanceof UnknownReferenceError
  );
}
