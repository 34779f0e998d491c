import { OnboardingRequestError } from './OnboardingRequestError';
import { OnboardingIssue } from './types';

/** Collects a plan's issues (fatal, all reported at once) and notes (for the reviewer). */
export class Planner {
  readonly issues: OnboardingIssue[] = [];
  readonly notes: string[] = [];

  issue = (i: OnboardingIssue) => {
    this.issues.push(i);
  };

  note = (text: string) => {
    this.notes.push(text);
  };

  /** Stops planning with every issue so far. */
  fail(): never {
    throw new OnboardingRequestError(this.issues);
  }
}
