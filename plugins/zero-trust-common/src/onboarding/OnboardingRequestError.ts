import { OnboardingIssue } from './types';

/**
 * A request that is invalid, or that names something the cluster does not hold. The
 * message lists every issue with its JSON path, fit to show a user as is.
 *
 * @public
 */
export class OnboardingRequestError extends Error {
  readonly issues: OnboardingIssue[];

  constructor(issues: OnboardingIssue[]) {
    super(
      `invalid onboarding request: ${issues
        .map(i => (i.path ? `${i.path}: ${i.message}` : i.message))
        .join('; ')}`,
    );
    this.name = 'OnboardingRequestError';
    this.issues = issues;
  }
}
