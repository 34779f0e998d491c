import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  callersDrift,
  plannedChange,
  requestRecord,
} from './__fixtures__/requests';
import { browsableUrl, pullRequestName } from './pullRequest';
import { differenceCount, stateHint } from './requestState';

describe('differenceCount', () => {
  it('counts a missing label once and a differing spec per field', () => {
    const drift = callersDrift(plannedChange());
    expect(drift.map(d => d.type)).toEqual(['missingLabel', 'differentSpec']);
    expect(differenceCount(drift)).toBe(3);
    expect(differenceCount([])).toBe(0);
  });
});

describe('stateHint', () => {
  it('counts the differences of a drifted request, in the singular for one', () => {
    const [label] = callersDrift(plannedChange());
    expect(stateHint(requestRecord('drifted', { drift: [label] }))).toBe(
      'the cluster differs: 1 difference',
    );
  });

  it('speaks of a branch, not a pull request, for plain git', () => {
    const git = {
      ...requestRecord('open').pullRequest,
      provider: 'git' as const,
    };
    expect(stateHint(requestRecord('open', { pullRequest: git }))).toBe(
      'branch pushed; waiting for it to be merged',
    );
    expect(stateHint(requestRecord('closed', { pullRequest: git }))).toBe(
      'branch removed without merging',
    );
  });
});

describe('pull request links', () => {
  it.each([
    ['https://github.com/acme/gitops/pull/1', true],
    ['http://git.internal/gitops/-/tree/b', true],
    ['file:///srv/gitops.git#zero-trust/x', false],
    [['javascript', 'alert(1)'].join(':'), false],
    ['/srv/gitops.git', false],
    ['git@example.com:gitops.git', false],
  ])('%s is browsable: %s', (url, ok) => {
    expect(browsableUrl(url)).toBe(ok ? url : undefined);
  });

  it('names a GitHub pull request with #, a GitLab merge request with !, a branch by itself', () => {
    const pr = requestRecord('open').pullRequest;
    const as = (p: Partial<OnboardingPullRequest>) =>
      pullRequestName({ ...pr, ...p });
    expect(as({})).toBe('acme/gitops#42');
    expect(as({ provider: 'gitlab', repository: 'a/b/c', number: 7 })).toBe(
      'a/b/c!7',
    );
    expect(as({ provider: 'git', number: undefined })).toBe(pr.branch);
  });
});
