import { UnknownReferenceError } from '../engine/MeshModel';
import { isBadRequestError } from './badRequest';
import { OnboardingRequestError } from './OnboardingRequestError';

describe('isBadRequestError', () => {
  it('holds for a request that breaks the contract and a reference to nothing', () => {
    expect(
      isBadRequestError(
        new OnboardingRequestError([{ path: 'service', message: 'x' }]),
      ),
    ).toBe(true);
    expect(
      isBadRequestError(new UnknownReferenceError('no workload a/b')),
    ).toBe(true);
  });

  it('does not hold for anything else', () => {
    for (const error of [
      new Error('boom'),
      new TypeError('x is undefined'),
      'a string',
      undefined,
    ]) {
      expect(isBadRequestError(error)).toBe(false);
    }
  });
});
