import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  skipTrustDomainValidation,
  model,
  multiClusterModel,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { AllowedCaller, allowedCallers, sourceKey } from './callers';
import { check } from './check';
import { MeshModel } from './MeshModel';

const mesh: K8sObject[] = [
  namespace('client', injected),
  deployment('client', 'c', { sa: 'caller' }),
  deployment('client', 'other', { sa: 'other' }),
  namespace('monitoring', injected),
  deployment('monitoring', 'prom', { sa: 'prom' }),
  namespace('server', injected),
  ...meshApp('server', 'api', { sa: 'api' }),
  ...meshApp('server', 'web', { sa: 'web' }),
  namespace('legacy'),
  ...meshApp('legacy', 'plain'),
];

const pCaller = 'cluster.local/ns/client/sa/caller';
const pOther = 'cluster.local/ns/client/sa/other';
const allow = (spec: K8sObject, name = 'p') =>
  authorizationPolicy('server', name, {
    selector: { matchLabels: { app: 'api' } },
    ...spec,
  });
const from = (source: K8sObject) => ({ from: [{ source }] });

function callers(m: MeshModel, server = 'server/api') {
  return allowedCallers(m.resolveWorkload(server), m);
}

/** A compact view: source key → decision, ports, rules and narrowing. */
function summary(list: AllowedCaller[]) {
  return Object.fromEntries(
    list.map(a => [
      sourceKey(a.source),
      {
        decision: a.decision,
        ports: a.ports,
        admittedBy: a.admittedBy.map(r => `${r.policy}#${r.rule}`),
        narrowing: a.narrowing,
      },
    ]),
  );
}

interface CallersCase {
  name: string;
  objs: K8sObject[];
  server?: string;
  /** Source key → expected entry (partial). */
  listed: Record<string, Partial<ReturnType<typeof summary>[string]>>;
  notListed: string[];
}

const cases: CallersCase[] = [
  {
    name: 'an exact principal lists that workload with its policy, rule and narrowing',
    objs: [
      allow({
        rules: [
          {
            ...from({ principals: [pCaller] }),
            to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }],
          },
        ],
      }),
    ],
    listed: {
      'workload:c1/client/c': {
        decision: 'CONDITIONAL',
        ports: [8080],
        admittedBy: ['server/p#0'],
        narrowing: { methods: ['GET'], paths: ['/api/*'] },
      },
    },
    notListed: ['workload:c1/client/other', 'anyone', 'authenticated'],
  },
  {
    name: 'an exact principal without narrowing is ALLOW',
    objs: [allow({ rules: [from({ principals: [pCaller] })] })],
    listed: {
      'workload:c1/client/c': {
        decision: 'ALLOW',
        admittedBy: ['server/p#0'],
        narrowing: {},
      },
    },
    notListed: ['workload:c1/client/other', 'anyone', 'authenticated'],
  },
  {
    name: 'a namespace rule lists the namespace and its workloads',
    objs: [allow({ rules: [from({ namespaces: ['monitoring'] })] })],
    listed: {
      'namespace:monitoring': { decision: 'ALLOW', admittedBy: ['server/p#0'] },
      'workload:c1/monitoring/prom': { decision: 'ALLOW' },
    },
    notListed: ['workload:c1/client/c', 'anyone', 'authenticated'],
  },
  {
    name: 'a namespace wildcard lists the pattern',
    objs: [allow({ rules: [from({ namespaces: ['cli*'] })] })],
    listed: { 'namespace-pattern:cli*': { decision: 'ALLOW' } },
    notListed: ['namespace:client', 'workload:c1/client/c', 'authenticated'],
  },
  {
    name: 'principals * → any authenticated caller, not anyone',
    objs: [allow({ rules: [from({ principals: ['*'] })] })],
    listed: {
      authenticated: { decision: 'ALLOW', admittedBy: ['server/p#0'] },
    },
    notListed: ['anyone'],
  },
  {
    // One entry stands for every identity a wildcard matches: enumerating them
    // would make the list, and analyze, grow with the mesh.
    name: 'a principal prefix lists the pattern, not each workload it covers',
    objs: [
      allow({ rules: [from({ principals: ['cluster.local/ns/client/*'] })] }),
    ],
    listed: {
      'pattern:cluster.local/ns/client/*': { decision: 'ALLOW' },
    },
    notListed: [
      'workload:c1/client/c',
      'workload:c1/monitoring/prom',
      'anyone',
    ],
  },
  {
    name: 'a principal no workload has is listed as an identity',
    objs: [
      allow({ rules: [from({ principals: ['cluster.local/ns/gone/sa/x'] })] }),
    ],
    listed: { 'principal:cluster.local/ns/gone/sa/x': { decision: 'ALLOW' } },
    notListed: ['anyone', 'authenticated'],
  },
  {
    name: 'serviceAccounts NAMESPACE/NAME lists that workload',
    objs: [allow({ rules: [from({ serviceAccounts: ['client/caller'] })] })],
    listed: { 'workload:c1/client/c': { decision: 'ALLOW' } },
    notListed: ['workload:c1/client/other', 'anyone'],
  },
  {
    name: 'serviceAccounts NAME is in the policy namespace',
    objs: [allow({ rules: [from({ serviceAccounts: ['web'] })] })],
    listed: { 'workload:c1/server/web': { decision: 'ALLOW' } },
    notListed: ['workload:c1/client/c', 'anyone'],
  },
  {
    name: 'no ALLOW policy → anyone',
    objs: [],
    listed: { anyone: { decision: 'ALLOW', admittedBy: [], ports: [8080] } },
    // 'authenticated' adds nothing where anyone is allowed.
    notListed: ['authenticated'],
  },
  {
    name: 'a rule with no from → anyone',
    objs: [allow({ rules: [{ to: [{ operation: { ports: ['8080'] } }] }] })],
    listed: {
      anyone: {
        decision: 'ALLOW',
        admittedBy: ['server/p#0'],
        narrowing: { ports: ['8080'] },
      },
    },
    notListed: ['authenticated'],
  },
  {
    name: 'STRICT and a rule with no from → authenticated, not anyone',
    objs: [
      peerAuthentication('server', 'default', { mode: 'STRICT' }),
      allow({ rules: [{}] }),
    ],
    listed: {
      authenticated: { decision: 'ALLOW', admittedBy: ['server/p#0'] },
    },
    notListed: ['anyone'],
  },
  {
    name: 'STRICT and no ALLOW policy → authenticated, not anyone',
    objs: [peerAuthentication('server', 'default', { mode: 'STRICT' })],
    listed: { authenticated: { decision: 'ALLOW', admittedBy: [] } },
    notListed: ['anyone'],
  },
  {
    name: 'a caller denied by a DENY policy is not listed',
    objs: [
      allow({ rules: [from({ namespaces: ['client'] })] }),
      allow(
        { action: 'DENY', rules: [from({ principals: [pOther] })] },
        'deny',
      ),
    ],
    listed: {
      'workload:c1/client/c': { decision: 'ALLOW' },
      'namespace:client': { decision: 'ALLOW' },
    },
    notListed: ['workload:c1/client/other'],
  },
  {
    name: 'spec: {} lists nobody',
    objs: [allow({})],
    listed: {},
    notListed: ['anyone', 'authenticated', 'workload:c1/client/c'],
  },
  {
    name: 'a server outside the mesh: anyone, whatever its policies say',
    server: 'legacy/plain',
    objs: [authorizationPolicy('legacy', 'allow-nothing', {})],
    listed: { anyone: { decision: 'ALLOW', admittedBy: [] } },
    notListed: [],
  },
];

describe('allowedCallers', () => {
  it.each(cases)('$name', ({ objs, server, listed, notListed }) => {
    const got = summary(
      callers(model(...mesh, ...objs), server).allowedCallers,
    );
    for (const [key, want] of Object.entries(listed)) {
      expect({ key, entry: got[key] }).toEqual({
        key,
        entry: expect.objectContaining(want),
      });
    }
    for (const key of notListed) expect(Object.keys(got)).not.toContain(key);
    // A case listing nobody must list nobody at all.
    expect(Object.keys(listed).length === 0 ? got : {}).toEqual({});
  });

  it('lists DENY rules as exceptions', () => {
    const m = model(
      ...mesh,
      allow({ rules: [from({ namespaces: ['client'] })] }),
      allow(
        {
          action: 'DENY',
          rules: [
            from({ principals: [pOther] }),
            { to: [{ operation: { methods: ['DELETE'] } }] },
          ],
        },
        'deny',
      ),
    );
    const { denyExceptions } = callers(m);
    expect(denyExceptions.map(d => [d.policy, d.rule])).toEqual([
      ['server/deny', 0],
      ['server/deny', 1],
    ]);
    expect(denyExceptions[0].description).toContain(pOther);
    expect(denyExceptions[1].description).toContain('DELETE');
  });

  it('reads a destination.port condition on each port a caller is tried on', () => {
    // The caller's principal is the same on both ports, the condition's answer is not.
    for (const mode of [injected, { 'istio.io/dataplane-mode': 'ambient' }]) {
      const m = model(
        ...mesh.filter(o => o.metadata?.name !== 'server'),
        namespace('server', mode),
        ...meshApp('server', 'two', {
          sa: 'two',
          servicePorts: [
            { name: 'http', port: 8080 },
            { name: 'http-admin', port: 9090 },
          ],
        }),
        authorizationPolicy('server', 'p', {
          selector: { matchLabels: { app: 'two' } },
          rules: [
            {
              ...from({ principals: [pCaller] }),
              when: [{ key: 'destination.port', values: ['9090'] }],
            },
            {
              ...from({ principals: [pOther] }),
              when: [{ key: 'destination.port', notValues: ['9090'] }],
            },
          ],
        }),
      );
      const got = summary(callers(m, 'server/two').allowedCallers);
      expect(got['workload:c1/client/c']?.ports).toEqual([9090]);
      expect(got['workload:c1/client/other']?.ports).toEqual([8080]);
      for (const [caller, port, decision] of [
        ['client/c', 8080, 'DENY'],
        ['client/c', 9090, 'ALLOW'],
        ['client/other', 8080, 'ALLOW'],
        ['client/other', 9090, 'DENY'],
      ] as const) {
        expect(
          check(m, { from: caller, to: 'server/two', port }).decision,
        ).toBe(decision);
      }
    }
  });

  it('labels each source for a person', () => {
    const m = model(
      ...mesh,
      allow({
        rules: [
          from({ principals: [pCaller, '*'] }),
          from({ namespaces: ['monitoring'] }),
        ],
      }),
    );
    const labels = Object.fromEntries(
      callers(m).allowedCallers.map(a => [sourceKey(a.source), a.label]),
    );
    expect(labels).toMatchObject({
      'workload:c1/client/c': 'c1/client/c',
      'namespace:monitoring': 'any workload in namespace monitoring',
      authenticated: expect.stringMatching(/any authenticated/),
    });
  });

  it('lists a workload of an alias trust domain policy by its local identity', () => {
    const m = model(
      meshConfigMap('new.td', ['old.td']),
      ...mesh,
      allow({ rules: [from({ principals: ['old.td/ns/client/sa/caller'] })] }),
    );
    const got = callers(m).allowedCallers;
    const c = got.find(a => sourceKey(a.source) === 'workload:c1/client/c');
    expect(c?.source).toEqual({
      kind: 'workload',
      workload: 'c1/client/c',
      principal: 'new.td/ns/client/sa/caller',
    });
    expect(got.map(a => sourceKey(a.source))).not.toContain(
      'workload:c1/client/other',
    );
  });

  it.each([
    [true, ['workload:b/x/c']],
    // A sidecar refuses an mTLS peer of another trust domain at the handshake.
    [false, []],
  ])(
    'lists a workload of another cluster named by its foreign trust domain (PILOT_SKIP_VALIDATE_TRUST_DOMAIN %s)',
    (skip, want) => {
      const m = multiClusterModel({
        a: [
          meshConfigMap('a.example'),
          ...(skip ? [skipTrustDomainValidation] : []),
          namespace('server', injected),
          ...meshApp('server', 'api'),
          authorizationPolicy('server', 'p', {
            rules: [from({ principals: ['b.example/ns/x/sa/y'] })],
          }),
        ],
        b: [
          meshConfigMap('b.example'),
          namespace('x', injected),
          deployment('x', 'c', { sa: 'y' }),
          deployment('x', 'd', { sa: 'z' }),
        ],
      });
      const keys = allowedCallers(
        m.resolveWorkload('a/server/api'),
        m,
      ).allowedCallers.map(a => sourceKey(a.source));
      expect(keys).toEqual(want);
    },
  );

  it('agrees with check: listed workloads may call, the others may not', () => {
    const m = model(
      ...mesh,
      allow({
        rules: [
          from({ namespaces: ['client'], notPrincipals: [pOther] }),
          from({ principals: ['cluster.local/ns/monitoring/sa/prom'] }),
        ],
      }),
    );
    const listed = callers(m)
      .allowedCallers.map(a => a.source)
      .flatMap(s => (s.kind === 'workload' ? [s.workload] : []));
    expect(listed.sort()).toEqual(['c1/client/c', 'c1/monitoring/prom']);
    for (const w of m.workloads) {
      const decision = check(m, { from: w.id, to: 'server/api' }).decision;
      expect({ caller: w.id, allowed: decision !== 'DENY' }).toEqual({
        caller: w.id,
        allowed: listed.includes(w.id),
      });
    }
  });
});
