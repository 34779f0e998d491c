import {
  K8sObject,
  deployment,
  model,
  multiClusterModel,
  namespace,
  networkPolicy,
} from '../__fixtures__/manifests';
import { readNetworkPolicy } from '../model/readNetworkPolicy';
import { Caller } from './access';
import { check } from './check';
import { MeshModel } from './MeshModel';
import { labelSelectorMatches, networkVerdict } from './networkPolicy';

const concepts =
  'https://kubernetes.io/docs/concepts/services-networking/network-policies/';

/** The network layer alone for `from` → `to` on `port` (undefined: no policy applies). */
function network(m: MeshModel, from: string, to: string, port?: number) {
  const caller: Caller =
    from === 'plaintext'
      ? { kind: 'plaintext' }
      : { kind: 'workload', workload: m.resolveWorkload(from) };
  return networkVerdict(caller, m.resolveWorkload(to), port)?.decision;
}

type Case = [
  from: string,
  to: string,
  port: number | undefined,
  expected?: string,
];

function table(objects: K8sObject[], cases: Case[]) {
  const m = model(...objects);
  it.each(cases)('%s → %s on %s: %s', (from, to, port, expected) => {
    expect(network(m, from, to, port)).toBe(expected);
  });
}

describe(`the concept page's main example, test-network-policy (${concepts}#networkpolicy-resource)`, () => {
  const docsPolicy = networkPolicy('default', 'test-network-policy', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [
          { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
          { namespaceSelector: { matchLabels: { project: 'myproject' } } },
          { podSelector: { matchLabels: { role: 'frontend' } } },
        ],
        ports: [{ protocol: 'TCP', port: 6379 }],
      },
    ],
    egress: [
      {
        to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
        ports: [{ protocol: 'TCP', port: 5978 }],
      },
    ],
  });
  table(
    [
      namespace('default'),
      namespace('myproject', { project: 'myproject' }),
      namespace('other'),
      deployment('default', 'db', { labels: { role: 'db' } }),
      deployment('default', 'frontend', { labels: { role: 'frontend' } }),
      deployment('default', 'batch', { labels: { role: 'batch' } }),
      deployment('myproject', 'anything', { labels: { app: 'x' } }),
      deployment('other', 'frontend', { labels: { role: 'frontend' } }),
      docsPolicy,
    ],
    [
      // "(with role=frontend) in the default namespace … on TCP port 6379"
      ['default/frontend', 'default/db', 6379, 'ALLOW'],
      ['default/frontend', 'default/db', 8080, 'DENY'],
      // "any pod in a namespace with the label project=myproject"
      ['myproject/anything', 'default/db', 6379, 'ALLOW'],
      // a podSelector alone selects pods of the policy's own namespace only, but pod
      // addresses are not in a snapshot: the ipBlock may hold theirs
      ['other/frontend', 'default/db', 6379, 'CONDITIONAL'],
      ['default/batch', 'default/db', 6379, 'CONDITIONAL'],
      // the ipBlock may admit a client whose address is not known
      ['plaintext', 'default/db', 6379, 'CONDITIONAL'],
      ['plaintext', 'default/db', 80, 'DENY'],
      // egress only to 10.0.0.0/24 on 5978: a pod there, maybe; other ports, never
      ['default/db', 'default/frontend', 5978, 'CONDITIONAL'],
      ['default/db', 'default/frontend', 80, 'DENY'],
      // pods the policy does not select are not isolated
      ['default/batch', 'default/frontend', 80, undefined],
    ],
  );
});

describe(`both selectors in one peer, or two peers (${concepts}#behavior-of-to-and-from-selectors)`, () => {
  const objects = (from: K8sObject[]) => [
    namespace('alice', { user: 'alice' }),
    namespace('bob', { user: 'bob' }),
    namespace('server'),
    deployment('alice', 'client', { labels: { role: 'client' } }),
    deployment('alice', 'other', { labels: { role: 'other' } }),
    deployment('bob', 'client', { labels: { role: 'client' } }),
    deployment('server', 'api'),
    networkPolicy('server', 'p', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from }],
    }),
  ];
  describe('one element with both: client pods in alice namespaces', () => {
    table(
      objects([
        {
          namespaceSelector: { matchLabels: { user: 'alice' } },
          podSelector: { matchLabels: { role: 'client' } },
        },
      ]),
      [
        ['alice/client', 'server/api', 80, 'ALLOW'],
        ['alice/other', 'server/api', 80, 'DENY'],
        ['bob/client', 'server/api', 80, 'DENY'],
      ],
    );
  });
  describe('two elements: any pod in alice namespaces, or client pods of the local namespace', () => {
    table(
      objects([
        { namespaceSelector: { matchLabels: { user: 'alice' } } },
        { podSelector: { matchLabels: { role: 'client' } } },
      ]),
      [
        ['alice/client', 'server/api', 80, 'ALLOW'],
        ['alice/other', 'server/api', 80, 'ALLOW'],
        ['bob/client', 'server/api', 80, 'DENY'],
      ],
    );
  });
});

describe(`default policies (${concepts}#default-policies)`, () => {
  const base = [
    namespace('ns'),
    namespace('peer'),
    deployment('ns', 'a'),
    deployment('ns', 'b'),
    deployment('peer', 'c'),
  ];
  describe('default deny all ingress: podSelector {} and policyTypes [Ingress]', () => {
    table(
      [
        ...base,
        networkPolicy('ns', 'default-deny-ingress', {
          podSelector: {},
          policyTypes: ['Ingress'],
        }),
      ],
      [
        ['ns/b', 'ns/a', 80, 'DENY'],
        ['peer/c', 'ns/a', 80, 'DENY'],
        ['plaintext', 'ns/a', 80, 'DENY'],
        // egress is not isolated by it
        ['ns/a', 'peer/c', 80, undefined],
      ],
    );
  });
  describe('allow all ingress: one empty rule', () => {
    table(
      [
        ...base,
        networkPolicy('ns', 'allow-all-ingress', {
          podSelector: {},
          ingress: [{}],
          policyTypes: ['Ingress'],
        }),
      ],
      [
        ['peer/c', 'ns/a', 80, 'ALLOW'],
        ['plaintext', 'ns/a', 80, 'ALLOW'],
      ],
    );
  });
  describe('default deny all egress', () => {
    table(
      [
        ...base,
        networkPolicy('ns', 'default-deny-egress', {
          podSelector: {},
          policyTypes: ['Egress'],
        }),
      ],
      [
        ['ns/a', 'peer/c', 80, 'DENY'],
        ['ns/a', 'ns/b', 80, 'DENY'],
        // ingress to the namespace stays open
        ['peer/c', 'ns/a', 80, undefined],
      ],
    );
  });
  describe('allow all egress', () => {
    table(
      [
        ...base,
        networkPolicy('ns', 'allow-all-egress', {
          podSelector: {},
          egress: [{}],
          policyTypes: ['Egress'],
        }),
      ],
      [['ns/a', 'peer/c', 80, 'ALLOW']],
    );
  });
  describe('default deny all ingress and all egress', () => {
    table(
      [
        ...base,
        networkPolicy('ns', 'default-deny-all', {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
        }),
      ],
      [
        ['ns/a', 'peer/c', 80, 'DENY'],
        ['peer/c', 'ns/a', 80, 'DENY'],
      ],
    );
  });
});

describe(`targeting a range of ports with endPort (${concepts}#targeting-a-range-of-ports)`, () => {
  table(
    [
      namespace('default'),
      deployment('default', 'db', { labels: { role: 'db' } }),
      deployment('default', 'client'),
      networkPolicy('default', 'multi-port-egress', {
        podSelector: { matchLabels: { role: 'db' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '10.0.0.0/24' } }],
            ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
          },
        ],
      }),
      // the same range on ingress, from pods, to check the bounds
      networkPolicy('default', 'range-ingress', {
        podSelector: { matchLabels: { role: 'db' } },
        ingress: [
          {
            from: [{ podSelector: {} }],
            ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }],
          },
        ],
      }),
    ],
    [
      ['default/db', 'default/client', 32000, 'CONDITIONAL'],
      ['default/db', 'default/client', 32768, 'CONDITIONAL'],
      ['default/db', 'default/client', 32769, 'DENY'],
      ['default/client', 'default/db', 31999, 'DENY'],
      ['default/client', 'default/db', 32500, 'ALLOW'],
      ['default/client', 'default/db', 32768, 'ALLOW'],
    ],
  );
});

describe(`namespaces by label, and by name with kubernetes.io/metadata.name (${concepts}#targeting-a-namespace-by-its-name)`, () => {
  table(
    [
      namespace('frontend', { namespace: 'frontend' }),
      namespace('backend', { namespace: 'backend' }),
      namespace('ops'),
      namespace('server'),
      deployment('frontend', 'web'),
      deployment('backend', 'svc'),
      deployment('ops', 'tool'),
      deployment('server', 'api'),
      networkPolicy('server', 'by-label', {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchExpressions: [
                    {
                      key: 'namespace',
                      operator: 'In',
                      values: ['frontend', 'backend'],
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
      networkPolicy('server', 'by-name', {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'ops' },
                },
              },
            ],
            ports: [{ port: 9090 }],
          },
        ],
      }),
    ],
    [
      ['frontend/web', 'server/api', 80, 'ALLOW'],
      ['backend/svc', 'server/api', 80, 'ALLOW'],
      // the union of both policies: ops only on 9090
      ['ops/tool', 'server/api', 9090, 'ALLOW'],
      ['ops/tool', 'server/api', 80, 'DENY'],
    ],
  );
});

describe('ports: protocol, named container ports, and an unknown port', () => {
  table(
    [
      namespace('ns'),
      deployment('ns', 'api', { ports: [{ name: 'http', port: 8080 }] }),
      deployment('ns', 'client'),
      networkPolicy('ns', 'named', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            ports: [
              { port: 'http' },
              { protocol: 'UDP', port: 53 },
              { protocol: 'SCTP', port: 9000 },
            ],
          },
        ],
      }),
    ],
    [
      // a named port resolves to the destination pod's container port of that name
      ['ns/client', 'ns/api', 8080, 'ALLOW'],
      ['ns/client', 'ns/api', 8081, 'DENY'],
      // Istio's traffic is TCP: UDP and SCTP entries admit none of it
      ['ns/client', 'ns/api', 53, 'DENY'],
      ['ns/client', 'ns/api', 9000, 'DENY'],
      // no port given: it depends on the port
      ['ns/client', 'ns/api', undefined, 'CONDITIONAL'],
    ],
  );
});

describe('isolation per direction, and policyTypes defaults (API reference: NetworkPolicySpec.policyTypes)', () => {
  it('without policyTypes: Ingress, plus Egress where an egress section is present', () => {
    const only = readNetworkPolicy(
      networkPolicy('ns', 'p', { podSelector: {}, ingress: [{}] }),
    );
    expect(only.policyTypes).toEqual(['Ingress']);
    const both = readNetworkPolicy(
      networkPolicy('ns', 'p', { podSelector: {}, egress: [] }),
    );
    expect(both.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  describe('an egress-only policy leaves ingress open; an empty egress section denies all egress', () => {
    table(
      [
        namespace('ns'),
        deployment('ns', 'a'),
        deployment('ns', 'b'),
        networkPolicy('ns', 'egress-only', {
          podSelector: { matchLabels: { app: 'a' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }] }],
        }),
        networkPolicy('ns', 'no-egress-for-b', {
          podSelector: { matchLabels: { app: 'b' } },
          egress: [],
        }),
      ],
      [
        ['ns/b', 'ns/a', 80, 'DENY'], // b's egress (and ingress) are isolated
        ['ns/a', 'ns/b', 80, 'DENY'], // b's ingress is isolated by the defaulted policyTypes
        ['plaintext', 'ns/a', 80, undefined],
      ],
    );
  });
});

describe('label selectors', () => {
  it.each([
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [
      {
        matchExpressions: [
          { key: 'a', operator: 'NotIn' as const, values: ['1'] },
        ],
      },
      {},
      true,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists' as const }] },
      { a: '' },
      true,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' as const }] },
      { a: 'x' },
      false,
    ],
    [{}, { any: 'thing' }, true],
  ])('%j selects %j: %s', (selector, labels, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});

describe('with the mesh (https://istio.io/latest/docs/ambient/usage/networkpolicy/)', () => {
  const ambient = { 'istio.io/dataplane-mode': 'ambient' };
  const webOnly = (ports: number[]) =>
    networkPolicy('apps', 'my-app-allow-ingress-web', {
      podSelector: { matchLabels: { app: 'my-app' } },
      ingress: [{ ports: ports.map(port => ({ port, protocol: 'TCP' })) }],
    });
  const objects = (nsLabels: Record<string, string>, ports: number[]) => [
    namespace('apps', nsLabels),
    namespace('amb', ambient),
    namespace('side', { 'istio-injection': 'enabled' }),
    namespace('plain'),
    deployment('apps', 'my-app', { ports: [8080] }),
    deployment('amb', 'client'),
    deployment('side', 'client'),
    deployment('plain', 'client'),
    webOnly(ports),
  ];
  describe('an ambient server admitting only 8080 blocks HBONE on 15008', () => {
    table(objects(ambient, [8080]), [
      ['amb/client', 'apps/my-app', 8080, 'DENY'],
      ['side/client', 'apps/my-app', 8080, 'DENY'],
      // a client outside the mesh reaches the target port in plaintext
      ['plain/client', 'apps/my-app', 8080, 'ALLOW'],
    ]);
  });
  describe("Istio's corrected policy, 8080 and 15008", () => {
    table(objects(ambient, [8080, 15008]), [
      ['amb/client', 'apps/my-app', 8080, 'ALLOW'],
      ['plain/client', 'apps/my-app', 8080, 'ALLOW'],
    ]);
  });
  describe('a sidecar server receives sidecar mTLS on the target port, and ambient clients on 15008', () => {
    table(objects({ 'istio-injection': 'enabled' }, [8080]), [
      ['side/client', 'apps/my-app', 8080, 'ALLOW'],
      ['amb/client', 'apps/my-app', 8080, 'DENY'],
    ]);
  });
  it('leaves a bare identity to a sidecar server conditional where only one of its ways in is open', () => {
    const principal: Caller = {
      kind: 'principal',
      principal: 'cluster.local/ns/amb/sa/default',
    };
    const verdict = (ports: number[]) => {
      const m = model(...objects({ 'istio-injection': 'enabled' }, ports));
      return networkVerdict(principal, m.resolveWorkload('apps/my-app'), 8080)
        ?.decision;
    };
    // A sidecar client would be refused, an ambient one let through on 15008.
    expect(verdict([15008])).toBe('CONDITIONAL');
    expect(verdict([8080])).toBe('CONDITIONAL');
    expect(verdict([8080, 15008])).toBe('ALLOW');
    expect(verdict([9000])).toBe('DENY');
  });
});

describe('callers from another cluster', () => {
  const m = multiClusterModel({
    east: [
      namespace('ns'),
      deployment('ns', 'api'),
      networkPolicy('ns', 'same-namespace', {
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }] }],
      }),
    ],
    west: [namespace('ns'), deployment('ns', 'client')],
  });
  it('reach it from addresses no pod selector of this cluster selects', () => {
    expect(network(m, 'west/ns/client', 'east/ns/api', 80)).toBe('DENY');
  });
});

describe('check carries the network layer (contracts: check `network`)', () => {
  const m = model(
    namespace('ns', { 'istio-injection': 'enabled' }),
    namespace('free', { 'istio-injection': 'enabled' }),
    deployment('ns', 'api', { ports: [8080] }),
    deployment('ns', 'client'),
    deployment('free', 'a'),
    deployment('free', 'b', { ports: [8080] }),
    networkPolicy('ns', 'api-ingress', {
      podSelector: { matchLabels: { app: 'api' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }] }],
    }),
  );
  it('an Istio-allowed caller dropped by a NetworkPolicy is DENY, naming both layers', () => {
    const result = check(m, { from: 'ns/client', to: 'ns/api', port: 8080 });
    expect(result.decision).toBe('DENY');
    expect(result.network).toEqual({
      decision: 'DENY',
      policies: ['ns/api-ingress'],
    });
    expect(result.reason).toMatch(
      /^blocked by network policy ns\/api-ingress: .*though Istio alone would allow it/,
    );
  });
  it('has no network field where no NetworkPolicy applies', () => {
    const result = check(m, { from: 'free/a', to: 'free/b', port: 8080 });
    expect(result.decision).toBe('ALLOW');
    expect(result).not.toHaveProperty('network');
  });
});
