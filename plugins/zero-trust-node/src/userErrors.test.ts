import {
  OnboardingRequestError,
  UnknownReferenceError,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitError } from './git/Git';
import { GitopsConflictError } from './gitops/GitopsConflictError';
import { ManifestError } from './ManifestError';
import { isUserError } from './userErrors';

describe('isUserError', () => {
  it("holds for the engine's refusals and a repository or manifests that cannot take the change", () => {
    for (const error of [
      new OnboardingRequestError([{ path: 'service', message: 'x' }]),
      new UnknownReferenceError('no workload a/b'),
      new GitopsConflictError('a.yaml: conflicts', 'a.yaml'),
      new ManifestError('a.yaml:3: not valid YAML', 'a.yaml', 3),
    ]) {
      expect({ name: error.name, user: isUserError(error) }).toEqual({
        name: error.name,
        user: true,
      });
    }
  });

  it('does not hold for a failure of the machine or the code', () => {
    for (const error of [
      new Error('boom'),
      new GitError('git push failed'),
      new TypeError('x is undefined'),
      undefined,
    ]) {
      expect(isUserError(error)).toBe(false);
    }
  });
});
