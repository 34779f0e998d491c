import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { sourceKey } from '../engine/callers';
import { MeshModel } from '../engine/MeshModel';
import { ObservedTraffic, UsageWindow } from './types';
import { workloadUsage } from './workloadUsage';

const window: UsageWindow = {
  duration: '7d',
  start: '2026-11-25T00:00:00.000Z',
  end: '2026-12-02T00:00:00.000Z',
};

const base: K8sObject[] = [
  meshConfigMap('new.td', ['old.td']),
  namespace('client', injected),
  deployment('client', 'c', { sa: 'caller' }),
  deployment('client', 'c2', { sa: 'caller' }),
  deployment('client', 'other', { sa: 'other' }),
  namespace('monitoring', injected),
  deployment('monitoring', 'prom', { sa: 'prom' }),
  namespace('intruder', injected),
  deployment('intruder', 'x', { sa: 'x' }),
  namespace('server', injected),
  ...meshApp('server', 'api', { sa: 'api' }),
];

const allow = (...rules: K8sObject[]) =>
  authorizationPolicy('server', 'allow', {
    selector: { matchLabels: { app: 'api' } },
    action: 'ALLOW',
    rules,
  });

function seen(
  source: ObservedTraffic['source'],
  count: number,
  more: Partial<ObservedTraffic> = {},
): ObservedTraffic {
  return {
    cluster: 'c1',
    destination: { namespace: 'server', workload: 'api' },
    source,
    protocol: 'http',
    count,
    denied: 0,
    plaintext: 0,
    ...more,
  };
}

function usageOf(m: MeshModel, traffic: ObservedTraffic[]) {
  const u = workloadUsage(m, m.resolveWorkload('server/api'), traffic, window);
  return {
    ...u,
    byKey: Object.fromEntries(
      u.callers.map(c => [sourceKey(c.caller.source), c.usage]),
    ),
  };
}

describe('workloadUsage', () => {
  it('marks an allowed workload used with its count, last seen and ports, and another unused', () => {
    const m = model(
      ...base,
      allow({
        from: [
          {
            source: {
              principals: [
                'new.td/ns/client/sa/caller',
                'new.td/ns/client/sa/other',
              ],
            },
          },
        ],
      }),
    );
    const u = usageOf(m, [
      seen(
        {
          principal: 'spiffe://new.td/ns/client/sa/caller',
          namespace: 'client',
          workload: 'c',
        },
        40,
        {
          denied: 0,
          lastSeen: '2026-12-01T10:00:00.000Z',
          destination: { namespace: 'server', workload: 'api', port: 8080 },
        },
      ),
      // Traffic to another workload is not this one's.
      seen({ principal: 'new.td/ns/client/sa/other', workload: 'other' }, 9, {
        destination: { namespace: 'server', workload: 'web' },
      }),
    ]);
    expect(u.byKey['workload:c1/client/c']).toEqual({
      state: 'used',
      window,
      count: 40,
      lastSeen: '2026-12-01T10:00:00.000Z',
      ports: [8080],
      observed: [
        {
          source: {
            principal: 'spiffe://new.td/ns/client/sa/caller',
            namespace: 'client',
            workload: 'c',
          },
          count: 40,
          lastSeen: '2026-12-01T10:00:00.000Z',
        },
      ],
    });
    // c2 shares c's identity, and the telemetry named c: c2 was not seen.
    expect(u.byKey['workload:c1/client/c2'].state).toBe('unused');
    expect(u.byKey['workload:c1/client/other']).toEqual({
      state: 'unused',
      window,
    });
    expect(u.notAllowed).toEqual([]);
  });

  it('reads a peer in a trust domain alias as the policy principal it stands for', () => {
    const m = model(
      ...base,
      allow({
        from: [
          { source: { principals: ['cluster.local/ns/monitoring/sa/prom'] } },
        ],
      }),
    );
    const u = usageOf(m, [
      seen({ principal: 'old.td/ns/monitoring/sa/prom' }, 5),
      // Not an alias: another mesh's identity of the same name.
      seen({ principal: 'other.td/ns/monitoring/sa/prom' }, 2),
    ]);
    expect(u.byKey['workload:c1/monitoring/prom']).toMatchObject({
      state: 'used',
      count: 5,
    });
    expect(u.notAllowed.map(n => [n.label, n.decision])).toEqual([
      ['identity other.td/ns/monitoring/sa/prom', 'DENY'],
    ]);
  });

  it('marks a namespace entry used by any identity of it, and lists each one seen', () => {
    const m = model(
      ...base,
      allow({ from: [{ source: { namespaces: ['client'] } }] }),
    );
    const u = usageOf(m, [
      seen({ principal: 'new.td/ns/client/sa/other', workload: 'other' }, 3),
      seen({ principal: 'new.td/ns/client/sa/caller', workload: 'c' }, 2),
    ]);
    const ns = u.byKey['namespace:client'];
    expect(ns).toMatchObject({ state: 'used', count: 5 });
    expect(ns.state === 'used' && ns.observed.map(o => o.count)).toEqual([
      2, 3,
    ]);
  });

  it('lists refused and unaccounted sources with what check says, and counts only what got through as use', () => {
    const m = model(
      ...base,
      allow({
        from: [{ source: { principals: ['new.td/ns/client/sa/caller'] } }],
        to: [{ operation: { methods: ['GET'] } }],
      }),
    );
    const u = usageOf(m, [
      seen(
        {
          principal: 'new.td/ns/intruder/sa/x',
          namespace: 'intruder',
          workload: 'x',
        },
        12,
        { denied: 12, lastSeen: '2026-12-01T00:00:00.000Z' },
      ),
      // c's POSTs are refused (the rule admits GET), its GETs get through.
      seen(
        {
          principal: 'new.td/ns/client/sa/caller',
          namespace: 'client',
          workload: 'c',
        },
        10,
        { denied: 4 },
      ),
    ]);
    expect(u.byKey['workload:c1/client/c']).toMatchObject({
      state: 'used',
      count: 6,
    });
    expect(
      u.notAllowed.map(n => [
        n.label,
        n.count,
        n.denied,
        n.decision,
        n.allowedEntry,
      ]),
    ).toEqual([
      ['client/c', 10, 4, 'CONDITIONAL', true],
      ['intruder/x', 12, 12, 'DENY', false],
    ]);
  });

  it('reports plaintext with whether the workload refuses or accepts it', () => {
    const objs = [
      ...base,
      allow({ from: [{ source: { namespaces: ['client'] } }] }),
    ];
    const traffic = [
      seen({}, 7, { plaintext: 7, lastSeen: '2026-12-01T00:00:00.000Z' }),
    ];
    const permissive = usageOf(model(...objs), traffic);
    expect(permissive.plaintext).toEqual([
      {
        source: {},
        label: 'a caller without identity (plaintext)',
        count: 7,
        lastSeen: '2026-12-01T00:00:00.000Z',
        mode: 'PERMISSIVE',
        verdict: 'accepted',
      },
    ]);
    // A plaintext caller has no identity: no allowed entry but `anyone` stands for it.
    expect(permissive.notAllowed.map(n => n.decision)).toEqual(['DENY']);
    const strict = usageOf(
      model(
        ...objs,
        peerAuthentication('server', 'strict', { mode: 'STRICT' }),
      ),
      traffic,
    );
    expect(strict.plaintext[0]).toMatchObject({
      mode: 'STRICT',
      verdict: 'refused',
    });
  });

  it('does not count a known workload’s plaintext calls as its namespace entry’s use', () => {
    // A sidecar-less pod of `client` (its workload known from the peer metadata, no
    // certificate): a namespaces rule needs the peer's mTLS identity, so Istio does not
    // admit it by that entry; it is plaintext seen, not a use of the entry.
    const m = model(
      ...base,
      allow({ from: [{ source: { namespaces: ['client'] } }] }),
    );
    const u = usageOf(m, [
      seen({ namespace: 'client', workload: 'c' }, 7, { plaintext: 7 }),
    ]);
    const entry = u.callers.find(c => c.caller.label.includes('client'))!;
    expect(entry.usage.state).toBe('unused');
    expect(u.plaintext.map(p => [p.label, p.count])).toEqual([['client/c', 7]]);
  });

  it('marks every caller unused where nothing was seen', () => {
    const m = model(
      ...base,
      allow({ from: [{ source: { namespaces: ['monitoring'] } }] }),
    );
    const u = usageOf(m, []);
    expect(u.callers.length).toBeGreaterThan(0);
    expect(u.callers.every(c => c.usage.state === 'unused')).toBe(true);
  });
});
