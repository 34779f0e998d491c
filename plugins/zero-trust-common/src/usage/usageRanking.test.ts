import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
} from '../__fixtures__/manifests';
import { ObservedTraffic, UsageWindow } from './types';
import { usageRanking } from './usageRanking';

const window: UsageWindow = {
  duration: '7d',
  start: '2026-11-25T00:00:00.000Z',
  end: '2026-12-02T00:00:00.000Z',
};

const allowFrom = (app: string, principals: string[]): K8sObject =>
  authorizationPolicy('server', `allow-${app}`, {
    selector: { matchLabels: { app } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals } }] }],
  });

// api admits a and b, web and all admit a; a calls all three; x is refused by web.
const mesh = () =>
  model(
    meshConfigMap('td'),
    namespace('client', injected),
    deployment('client', 'a', { sa: 'a' }),
    deployment('client', 'b', { sa: 'b' }),
    deployment('client', 'x', { sa: 'x' }),
    // The clients admit no one: nothing of theirs to rank.
    authorizationPolicy('client', 'allow-nothing', {}),
    namespace('server', injected),
    ...meshApp('server', 'api', { sa: 'api' }),
    ...meshApp('server', 'web', { sa: 'web' }),
    ...meshApp('server', 'all', { sa: 'all' }),
    namespace('outside'),
    deployment('outside', 'plain', { sa: 'plain' }),
    allowFrom('api', ['td/ns/client/sa/a', 'td/ns/client/sa/b']),
    allowFrom('web', ['td/ns/client/sa/a']),
    allowFrom('all', ['td/ns/client/sa/a']),
  );

const from = (sa: string) => ({
  principal: `td/ns/client/sa/${sa}`,
  namespace: 'client',
  workload: sa,
});

function seen(
  to: string,
  source: ObservedTraffic['source'],
  count: number,
  denied = 0,
): ObservedTraffic {
  return {
    cluster: 'c1',
    destination: { namespace: 'server', workload: to },
    source,
    protocol: 'http',
    count,
    denied,
    plaintext: 0,
  };
}

describe('usageRanking', () => {
  it('ranks by unused callers, then refused sources, and leaves out what is fully used', () => {
    const traffic = [
      seen('api', from('a'), 10),
      seen('web', from('a'), 5),
      seen('web', from('x'), 7, 7),
      seen('all', from('a'), 3),
    ];
    const ranking = usageRanking(mesh(), 'c1', traffic, window);
    expect(
      ranking.map(r => [r.workload, r.allowed, r.unused, r.denied]),
    ).toEqual([
      ['c1/server/api', 2, ['c1/client/b'], []],
      ['c1/server/web', 1, [], ['client/x']],
    ]);
  });

  it('counts every allowed caller unused when nothing was seen, and ranks no workload outside the mesh', () => {
    const ranking = usageRanking(mesh(), 'c1', [], window);
    expect(ranking.map(r => [r.workload, r.unused.length])).toEqual([
      ['c1/server/api', 2],
      ['c1/server/all', 1],
      ['c1/server/web', 1],
    ]);
    expect(ranking.some(r => r.namespace === 'outside')).toBe(false);
    expect(usageRanking(mesh(), 'other', [], window)).toEqual([]);
  });
});
