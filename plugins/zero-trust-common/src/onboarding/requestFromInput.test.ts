import { OnboardingRequestError } from './OnboardingRequestError';
import { parseOnboardingRequest } from './parseOnboardingRequest';
import { requestFromInput } from './requestFromInput';

describe('requestFromInput', () => {
  it("keeps the request's fields and leaves out the others and those left empty", () => {
    expect(
      requestFromInput({
        service: 'ratings',
        namespace: 'bookinfo',
        cluster: '',
        serviceAccount: null,
        revision: undefined,
        ports: [],
        owner: 'group:default/team',
        allowedCallers: [],
      }),
    ).toEqual({
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [],
    });
    expect(requestFromInput(undefined)).toEqual({});
  });

  it('hands an empty selector on, and the parser refuses it naming selector', () => {
    const request = requestFromInput({
      service: 'ratings',
      namespace: 'bookinfo',
      selector: {},
    });
    expect(request.selector).toEqual({});
    const error = (() => {
      try {
        return parseOnboardingRequest(request);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OnboardingRequestError);
    expect((error as OnboardingRequestError).issues).toEqual([
      {
        path: 'selector',
        message: expect.stringMatching(
          /^must name at least one label: an empty selector would select every pod/,
        ),
      },
    ]);
  });
});
