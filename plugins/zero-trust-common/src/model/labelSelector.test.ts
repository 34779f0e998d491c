import { labelSelectorMatches, parseLabelSelector } from './labelSelector';

const matches = (selector: string, labels: Record<string, string>) =>
  labelSelectorMatches(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it.each([
    ['app=inventory', { app: 'inventory' }, true],
    ['app==inventory', { app: 'inventory' }, true],
    ['app=inventory', { app: 'other' }, false],
    ['app=inventory', {}, false],
    ['app!=inventory', {}, true],
    ['app!=inventory', { app: 'inventory' }, false],
    ['app=a,tier=web', { app: 'a', tier: 'web' }, true],
    ['app=a,tier=web', { app: 'a' }, false],
    ['env in (prod, qa)', { env: 'qa' }, true],
    ['env in (prod,qa)', { env: 'dev' }, false],
    ['env notin (prod,qa),app', { env: 'dev', app: 'x' }, true],
    ['env notin (prod,qa)', {}, true],
    ['app', { app: '' }, true],
    ['!app', { app: 'x' }, false],
    ['!app', {}, true],
    [
      'backstage.io/kubernetes-id=reviews',
      { 'backstage.io/kubernetes-id': 'reviews' },
      true,
    ],
  ])('%s on %j → %s', (selector, labels, expected) => {
    expect(matches(selector, labels)).toBe(expected);
  });

  it('takes an empty value, as Kubernetes does', () => {
    expect(matches('app=', { app: '' })).toBe(true);
    expect(matches('app=', { app: 'x' })).toBe(false);
  });

  it.each(['', '=x', 'app in prod', 'a b=c', 'app=x y', 'env in (a b)'])(
    'rejects %j with a LabelSelectorError',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow(
        expect.objectContaining({ name: 'LabelSelectorError' }),
      );
    },
  );
});
