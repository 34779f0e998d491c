import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  model,
  namespace,
} from '../__fixtures__/manifests';
import { detectFindings } from './detect';
import { ObservedTraffic, UsageWindow } from '../usage/types';
import { workloadUsage } from '../usage/workloadUsage';
import { usageFindings } from './usageFindings';

const window: UsageWindow = {
  duration: '7d',
  start: '2026-11-25T00:00:00.000Z',
  end: '2026-12-02T00:00:00.000Z',
};

const objs: K8sObject[] = [
  namespace('client', injected),
  deployment('client', 'used', { sa: 'used' }),
  deployment('client', 'idle', { sa: 'idle' }),
  namespace('other', injected),
  deployment('other', 'x', { sa: 'x' }),
  namespace('server', injected),
  ...meshApp('server', 'api', { sa: 'api' }),
  authorizationPolicy('server', 'api-callers', {
    selector: { matchLabels: { app: 'api' } },
    action: 'ALLOW',
    rules: [
      {
        from: [
          {
            source: {
              principals: [
                'cluster.local/ns/client/sa/used',
                'cluster.local/ns/client/sa/idle',
              ],
            },
          },
        ],
      },
    ],
  }),
];

const to = { namespace: 'server', workload: 'api' };
const traffic = (
  source: ObservedTraffic['source'],
  count: number,
  denied: number | undefined,
  plaintext = 0,
): ObservedTraffic => ({
  cluster: 'c1',
  destination: to,
  source,
  protocol: denied === undefined ? 'tcp' : 'http',
  count,
  ...(denied === undefined ? {} : { denied }),
  plaintext,
  lastSeen: '2026-12-01T12:00:00.000Z',
});

function findingsFor(observed: ObservedTraffic[], minRefused?: number) {
  const m = model(...objs);
  const usage = workloadUsage(
    m,
    m.resolveWorkload('server/api'),
    observed,
    window,
  );
  return usageFindings(m, [usage], { minRefused }).map(f => [
    f.code,
    f.message,
  ]);
}

describe('usageFindings', () => {
  it('names an allowed caller not seen (ZT050) with the policy that allows it', () => {
    const m = model(...objs);
    const usage = workloadUsage(
      m,
      m.resolveWorkload('server/api'),
      [
        traffic(
          { principal: 'cluster.local/ns/client/sa/used', workload: 'used' },
          5,
          0,
        ),
      ],
      window,
    );
    const [unused] = usageFindings(m, [usage]);
    expect(unused).toMatchObject({
      code: 'ZT050',
      severity: 'low',
      controls: ['AC-6', 'AC-4'],
      workload: 'c1/server/api',
      resource: {
        kind: 'AuthorizationPolicy',
        namespace: 'server',
        name: 'api-callers',
      },
      message:
        'c1/client/idle may call c1/server/api (server/api-callers) and was not seen doing so in the last 7d.',
    });
    expect(usageFindings(m, [usage])).toHaveLength(1);
  });

  it('names a source refused repeatedly (ZT051), from the threshold on', () => {
    const x = {
      principal: 'cluster.local/ns/other/sa/x',
      namespace: 'other',
      workload: 'x',
    };
    const both = [
      traffic({ principal: 'cluster.local/ns/client/sa/used' }, 1, 0),
      traffic({ principal: 'cluster.local/ns/client/sa/idle' }, 1, 0),
    ];
    expect(findingsFor([...both, traffic(x, 12, 12)])).toEqual([
      [
        'ZT051',
        'other/x was refused 12 times calling c1/server/api in the last 7d, last at 2026-12-01T12:00:00.000Z; check says DENY for it.',
      ],
    ]);
    expect(findingsFor([...both, traffic(x, 9, 9)])).toEqual([]);
    expect(findingsFor([...both, traffic(x, 9, 9)], 5).map(f => f[0])).toEqual([
      'ZT051',
    ]);
  });

  it('names plaintext seen (ZT052) and traffic the policies refuse that got through (ZT053), not TCP it cannot judge', () => {
    const both = [
      traffic({ principal: 'cluster.local/ns/client/sa/used' }, 1, 0),
      traffic({ principal: 'cluster.local/ns/client/sa/idle' }, 1, 0),
    ];
    expect(findingsFor([...both, traffic({}, 4, 0, 4)])).toEqual([
      [
        'ZT053',
        '4 requests from a caller without identity (plaintext) to c1/server/api got through in the last 7d, last at 2026-12-01T12:00:00.000Z, though the policies read refuse it.',
      ],
      [
        'ZT052',
        '4 plaintext requests or connections from a caller without identity (plaintext) reached c1/server/api in the last 7d, last at 2026-12-01T12:00:00.000Z: its mTLS is PERMISSIVE.',
      ],
    ]);
    // TCP: refusals are not counted, so a connection is not taken as having got through.
    expect(
      findingsFor([
        ...both,
        traffic({ principal: 'cluster.local/ns/other/sa/x' }, 3, undefined),
      ]),
    ).toEqual([]);
  });

  it('is not raised by detectFindings, which reads no telemetry', () => {
    const codes = detectFindings(model(...objs)).map(f => f.code);
    expect(codes.filter(c => /^ZT05[0-3]$/.test(c))).toEqual([]);
  });
});
