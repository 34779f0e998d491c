import {
  K8sObject,
  authorizationPolicy,
  clusterState,
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
  peerAuthentication,
  pod,
} from '../__fixtures__/manifests';
import { check } from '../engine/check';
import { MeshModel } from '../engine/MeshModel';
import { buildClusterState, defaultMeshConfig } from './buildClusterState';

const pa = (spec: K8sObject): K8sObject => ({
  ...peerAuthentication('apps', 'bad'),
  spec,
});
const ap = (spec: K8sObject) => authorizationPolicy('apps', 'bad', spec);
const dr = (spec: K8sObject) => destinationRule('apps', 'bad', spec);

interface ProblemCase {
  name: string;
  object: K8sObject;
  kind: string;
  message: RegExp;
}

// Field names and enums: istio/api security/v1beta1, networking/v1alpha3 and the CRDs' CEL rules.
const problems: ProblemCase[] = [
  {
    name: 'action: FOO',
    object: ap({ action: 'FOO', rules: [{}] }),
    kind: 'AuthorizationPolicy',
    message: /spec\.action.*FOO/,
  },
  {
    name: 'selector with targetRef',
    object: ap({
      selector: { matchLabels: { app: 'w' } },
      targetRef: { kind: 'Service', name: 'w' },
    }),
    kind: 'AuthorizationPolicy',
    message: /only one of targetRefs or selector/,
  },
  {
    name: 'unknown field in a rule (form for from)',
    object: ap({ rules: [{ form: [{ source: { namespaces: ['a'] } }] }] }),
    kind: 'AuthorizationPolicy',
    message: /unknown field "spec\.rules\[0\]\.form"/,
  },
  {
    name: 'unknown field in a source (principal for principals)',
    object: ap({ rules: [{ from: [{ source: { principal: ['x'] } }] }] }),
    kind: 'AuthorizationPolicy',
    message: /unknown field "spec\.rules\[0\]\.from\[0\]\.source\.principal"/,
  },
  {
    name: 'unknown field in an operation',
    object: ap({ rules: [{ to: [{ operation: { method: ['GET'] } }] }] }),
    kind: 'AuthorizationPolicy',
    message: /operation\.method"/,
  },
  {
    name: 'a from entry without source',
    object: ap({ rules: [{ from: [{ namespaces: ['a'] }] }] }),
    kind: 'AuthorizationPolicy',
    message: /must have a "source" object/,
  },
  {
    name: 'a port that is not a number',
    object: ap({ rules: [{ to: [{ operation: { ports: ['http'] } }] }] }),
    kind: 'AuthorizationPolicy',
    message: /invalid port "http"/,
  },
  {
    name: 'an unsupported condition key',
    object: ap({ rules: [{ when: [{ key: 'source.name', values: ['x'] }] }] }),
    kind: 'AuthorizationPolicy',
    message: /not a supported key/,
  },
  {
    name: 'CUSTOM without provider',
    object: ap({ action: 'CUSTOM', rules: [{}] }),
    kind: 'AuthorizationPolicy',
    message: /CUSTOM policy needs "spec\.provider"/,
  },
  {
    name: 'unknown mTLS mode',
    object: pa({ mtls: { mode: 'STRICTER' } }),
    kind: 'PeerAuthentication',
    message: /spec\.mtls\.mode.*STRICTER/,
  },
  {
    name: 'unknown port-level mTLS mode',
    object: pa({
      selector: { matchLabels: { app: 'w' } },
      portLevelMtls: { 8080: { mode: 'OFF' } },
    }),
    kind: 'PeerAuthentication',
    message: /portLevelMtls\.8080\.mode/,
  },
  {
    name: 'portLevelMtls without selector',
    object: pa({ portLevelMtls: { 8080: { mode: 'DISABLE' } } }),
    kind: 'PeerAuthentication',
    message: /portLevelMtls requires selector/,
  },
  {
    name: 'PeerAuthentication selector with targetRef',
    object: pa({
      selector: { matchLabels: { app: 'w' } },
      targetRef: { kind: 'Service', name: 'w' },
      mtls: { mode: 'STRICT' },
    }),
    kind: 'PeerAuthentication',
    // Istio 1.31's PeerAuthentication CRD has no targetRef field at all.
    message: /unknown field "spec\.targetRef"/,
  },
  // The CRDs' CEL rules (x-kubernetes-validations in crd-all.gen.yaml, Istio 1.31).
  {
    name: 'serviceAccounts beside principals',
    object: ap({
      rules: [
        { from: [{ source: { serviceAccounts: ['a/b'], principals: ['x'] } }] },
      ],
    }),
    kind: 'AuthorizationPolicy',
    message: /Cannot set serviceAccounts with namespaces or principals/,
  },
  {
    name: 'a wildcard in a selector label value',
    object: ap({ selector: { matchLabels: { app: 'web*' } }, rules: [{}] }),
    kind: 'AuthorizationPolicy',
    message: /wildcard not allowed in label value match/,
  },
  {
    name: 'a targetRef in another namespace',
    object: ap({
      targetRefs: [{ group: '', kind: 'Service', name: 'w', namespace: 'x' }],
      rules: [{}],
    }),
    kind: 'AuthorizationPolicy',
    message: /cross namespace referencing is not currently supported/,
  },
  {
    name: 'a port-level mTLS port out of range',
    object: pa({
      selector: { matchLabels: { app: 'w' } },
      portLevelMtls: { 70000: { mode: 'DISABLE' } },
    }),
    kind: 'PeerAuthentication',
    message: /port must be between 1-65535/,
  },
  // The CRD schema itself: types and unknown fields anywhere in the spec.
  {
    name: 'a DestinationRule field of the wrong type',
    object: dr({
      host: 'w',
      trafficPolicy: { connectionPool: { tcp: { maxConnections: 'many' } } },
    }),
    kind: 'DestinationRule',
    message: /maxConnections" must be integer/,
  },
  {
    name: 'an unknown DestinationRule field',
    object: dr({ host: 'w', subsets: [{ name: 'v1', label: { v: '1' } }] }),
    kind: 'DestinationRule',
    message: /unknown field "spec\.subsets\[0\]\.label"/,
  },
  {
    name: 'DestinationRule without host',
    object: dr({ trafficPolicy: { tls: { mode: 'DISABLE' } } }),
    kind: 'DestinationRule',
    message: /spec\.host" is required/,
  },
  {
    name: 'unknown client TLS mode',
    object: dr({ host: 'w', trafficPolicy: { tls: { mode: 'MTLS' } } }),
    kind: 'DestinationRule',
    message: /tls\.mode.*MTLS/,
  },
];

describe('schema problems', () => {
  it.each(problems)(
    '$name is reported, left out, and the rest still analysed',
    ({ object, kind, message }) => {
      const objs = [
        namespace('apps', injected),
        ...meshApp('apps', 'w'),
        authorizationPolicy('apps', 'good', {
          selector: { matchLabels: { app: 'w' } },
          rules: [{ from: [{ source: { namespaces: ['apps'] } }] }],
        }),
        object,
      ];
      const state = buildClusterState(
        'c1',
        objs.map(o => ({ object: o, file: 'manifests/all.yaml' })),
      );
      expect(state.problems).toEqual([
        {
          ref: { cluster: 'c1', kind, namespace: 'apps', name: 'bad' },
          message: expect.stringMatching(message),
          file: 'manifests/all.yaml',
        },
      ]);
      const named = [
        ...state.authorizationPolicies,
        ...state.peerAuthentications,
        ...state.destinationRules,
      ].map(o => o.name);
      expect(named).toEqual(['good']);
      expect(state.workloads.map(w => w.name)).toEqual(['w']);
    },
  );

  // Fields Istio 1.31's CRDs declare (crd-all.gen.yaml) are never reported invalid.
  it.each([
    [
      'AuthorizationPolicy with trustDomains, targetRefs and every source and operation field',
      authorizationPolicy('apps', 'wide', {
        targetRefs: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'waypoint',
          },
          { group: '', kind: 'Service', name: 'w' },
        ],
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['a'],
                  notPrincipals: ['b'],
                  requestPrincipals: ['c'],
                  notRequestPrincipals: ['d'],
                  namespaces: ['e'],
                  notNamespaces: ['f'],
                  ipBlocks: ['10.0.0.0/8'],
                  notIpBlocks: ['10.1.0.0/16'],
                  remoteIpBlocks: ['1.2.3.4'],
                  notRemoteIpBlocks: ['5.6.7.8'],
                  trustDomains: ['td.example'],
                  notTrustDomains: ['old.example'],
                },
              },
              {
                source: {
                  serviceAccounts: ['ns/sa'],
                  notServiceAccounts: ['x'],
                },
              },
            ],
            to: [
              {
                operation: {
                  hosts: ['a.example'],
                  notHosts: ['b.example'],
                  ports: ['8080'],
                  notPorts: ['9090'],
                  methods: ['GET'],
                  notMethods: ['POST'],
                  paths: ['/a/{*}'],
                  notPaths: ['/b'],
                },
              },
            ],
            when: [{ key: 'source.trustDomain', values: ['td.example'] }],
          },
        ],
      }),
    ],
    [
      'DestinationRule with subsets, traffic policy and workloadSelector',
      destinationRule('apps', 'full', {
        host: 'w.apps.svc.cluster.local',
        exportTo: ['.'],
        workloadSelector: { matchLabels: { app: 'client' } },
        trafficPolicy: {
          connectionPool: {
            tcp: { maxConnections: 10 },
            http: { http2MaxRequests: 5 },
          },
          loadBalancer: { simple: 'ROUND_ROBIN' },
          outlierDetection: {
            consecutive5xxErrors: 3,
            interval: '10s',
            baseEjectionTime: '30s',
          },
          tls: { mode: 'ISTIO_MUTUAL', sni: 'w' },
          portLevelSettings: [
            { port: { number: 8080 }, tls: { mode: 'DISABLE' } },
          ],
          proxyProtocol: { version: 'V1' },
        },
        subsets: [{ name: 'v1', labels: { version: 'v1' } }],
      }),
    ],
    [
      'PeerAuthentication with port-level mTLS',
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'pa', namespace: 'apps' },
        spec: {
          selector: { matchLabels: { app: 'w' } },
          mtls: { mode: 'STRICT' },
          portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
        },
      },
    ],
  ])('accepts %s', (_, object) => {
    expect(clusterState('c1', object).problems).toEqual([]);
  });

  it('a rejected policy does not change the decision', () => {
    // Loaded, the policy would match no port (an allow-nothing policy) and the
    // PeerAuthentication would make the namespace STRICT.
    const m = new MeshModel([
      clusterState(
        'c1',
        namespace('apps', injected),
        ...meshApp('apps', 'w'),
        ap({ rules: [{ to: [{ operation: { ports: ['http'] } }] }] }),
        pa({
          mtls: { mode: 'STRICT' },
          portLevelMtls: { 9090: { mode: 'DISABLE' } },
        }),
      ),
    ]);
    expect(m.clusters[0].state.problems).toHaveLength(2);
    expect(
      check(m, { from: 'plaintext', to: 'apps/w', port: 8080 }),
    ).toMatchObject({ decision: 'ALLOW', policies: [] });
  });

  it.each([
    [
      'AuthorizationPolicy',
      {
        action: 'DENY',
        rules: [
          {
            from: [{ source: { principals: ['*'], notNamespaces: ['a'] } }],
            to: [{ operation: { ports: ['8080'], methods: ['GET'] } }],
            when: [{ key: 'request.headers[x-a]', values: ['b'] }],
          },
        ],
      },
    ],
    ['AuthorizationPolicy', {}],
    [
      'AuthorizationPolicy',
      { action: 'CUSTOM', provider: { name: 'ext' }, rules: [{}] },
    ],
    [
      'PeerAuthentication',
      {
        selector: { matchLabels: { app: 'w' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
      },
    ],
    [
      'DestinationRule',
      {
        host: 'w',
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          portLevelSettings: [
            { port: { number: 80 }, tls: { mode: 'DISABLE' } },
          ],
        },
      },
    ],
  ])('a valid %s reports no problem: %j', (kind, spec) => {
    const build: Record<string, (s: K8sObject) => K8sObject> = {
      AuthorizationPolicy: ap,
      PeerAuthentication: pa,
      DestinationRule: dr,
    };
    const object = build[kind](spec);
    expect(clusterState('c1', object).problems).toEqual([]);
  });

  it('an Istio object without a name is reported', () => {
    const state = buildClusterState('c1', [
      {
        object: {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: { namespace: 'apps' },
          spec: {},
        },
      },
    ]);
    expect(state.problems).toEqual([
      expect.objectContaining({
        ref: expect.objectContaining({ name: '(unnamed)' }),
        message: 'metadata.name is required',
      }),
    ]);
    expect(state.authorizationPolicies).toEqual([]);
  });
});

describe('normalization', () => {
  it('flattens kind: List items', () => {
    const state = clusterState('c1', {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        namespace('apps', injected),
        deployment('apps', 'w'),
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [authorizationPolicy('apps', 'p', {})],
        },
      ],
    });
    expect(state.namespaces.map(n => n.name)).toEqual(['apps']);
    expect(state.workloads.map(w => w.name)).toEqual(['w']);
    expect(state.authorizationPolicies.map(p => p.name)).toEqual(['p']);
  });

  it('ignores pods owned by a controller and keeps bare pods', () => {
    const state = clusterState(
      'c1',
      deployment('apps', 'w'),
      pod('apps', 'w-abc-123', { owner: 'w-abc' }),
      pod('apps', 'debug'),
    );
    expect(state.workloads.map(w => [w.kind, w.name])).toEqual([
      ['Deployment', 'w'],
      ['Pod', 'debug'],
    ]);
  });

  it.each(['StatefulSet', 'DaemonSet'])('reads a %s pod template', kind => {
    const state = clusterState('c1', {
      ...deployment('apps', 'w', { sa: 'svc', ports: [9000] }),
      kind,
    });
    expect(state.workloads).toEqual([
      expect.objectContaining({
        kind,
        name: 'w',
        serviceAccount: 'svc',
        containerPorts: [{ port: 9000 }],
      }),
    ]);
  });

  it('ignores kinds it does not model', () => {
    const state = clusterState(
      'c1',
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'v' },
        spec: { nonsense: 1 },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } },
      { not: 'a kubernetes object' },
    );
    expect(state).toMatchObject({
      workloads: [],
      authorizationPolicies: [],
      problems: [],
    });
  });

  it('reads NetworkPolicies (networking.k8s.io/v1), and names Cilium and Calico policies it does not read', () => {
    const state = clusterState(
      'c1',
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'api', namespace: 'apps' },
        spec: {
          podSelector: { matchLabels: { app: 'api' } },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {},
                  podSelector: { matchLabels: { a: 'b' } },
                },
              ],
              ports: [
                { port: 'http' },
                { port: 9000, endPort: 9010, protocol: 'UDP' },
              ],
            },
          ],
        },
      },
      {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: 'l7', namespace: 'apps' },
      },
      {
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'GlobalNetworkPolicy',
        metadata: { name: 'global' },
      },
    );
    expect(state.networkPolicies).toEqual([
      {
        namespace: 'apps',
        name: 'api',
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            peers: [
              {
                namespaceSelector: {},
                podSelector: { matchLabels: { a: 'b' } },
              },
            ],
            ports: [
              { protocol: 'TCP', port: 'http' },
              { protocol: 'UDP', port: 9000, endPort: 9010 },
            ],
          },
        ],
        egress: [],
      },
    ]);
    expect(state.otherNetworkPolicies).toEqual([
      {
        engine: 'Cilium',
        cluster: 'c1',
        kind: 'CiliumNetworkPolicy',
        namespace: 'apps',
        name: 'l7',
      },
      {
        engine: 'Calico',
        cluster: 'c1',
        kind: 'GlobalNetworkPolicy',
        name: 'global',
      },
    ]);
  });

  it.each([
    [
      'a tls block without mode is DISABLE',
      { host: 'w', trafficPolicy: { tls: { sni: 'w.example' } } },
      { tlsMode: 'DISABLE', portLevelTls: {} },
    ],
    [
      'no tls block leaves the mode unset',
      { host: 'w', trafficPolicy: {} },
      { tlsMode: undefined, portLevelTls: {} },
    ],
    [
      'port-level settings, with and without tls',
      {
        host: 'w',
        trafficPolicy: {
          portLevelSettings: [
            { port: { number: 80 }, tls: { mode: 'ISTIO_MUTUAL' } },
            { port: { number: 81 }, tls: {} },
            { port: { number: 82 }, connectionPool: {} },
          ],
        },
      },
      {
        tlsMode: undefined,
        portLevelTls: { 80: 'ISTIO_MUTUAL', 81: 'DISABLE', 82: undefined },
      },
    ],
  ])('DestinationRule: %s', (_, spec, want) => {
    const [rule] = clusterState('c1', dr(spec)).destinationRules;
    expect({ tlsMode: rule.tlsMode, portLevelTls: rule.portLevelTls }).toEqual(
      want,
    );
    expect(rule.exportTo).toEqual(['*']);
  });
});

describe('readings', () => {
  it('reads again only the objects it has not seen, giving the same state as a build from scratch', () => {
    const objects = [
      namespace('apps', injected),
      meshConfigMap('apps.example'),
      ...meshApp('apps', 'reviews'),
      ...meshApp('apps', 'ratings'),
      authorizationPolicy('apps', 'allow', {
        rules: [{ from: [{ source: { namespaces: ['apps'] } }] }],
      }),
      ap({ action: 'FOO', rules: [{}] }),
    ].map(object => ({ object }));
    const readings = new WeakMap<object, unknown>();
    const first = buildClusterState('c1', objects, { readings });
    expect(first).toEqual(buildClusterState('c1', objects));
    expect(first.problems).toHaveLength(1);

    // One policy replaced, as a live source replaces an object that changed.
    const changed = objects.map(o =>
      o.object.metadata?.name === 'allow'
        ? {
            object: authorizationPolicy('apps', 'allow', {
              rules: [{ from: [{ source: { namespaces: ['other'] } }] }],
            }),
          }
        : o,
    );
    const second = buildClusterState('c1', changed, { readings });
    expect(second).toEqual(buildClusterState('c1', changed));
    // The unchanged objects' readings are the same objects; the changed one is new.
    expect(second.workloads[0]).toBe(first.workloads[0]);
    expect(second.services[1]).toBe(first.services[1]);
    expect(second.problems[0]).toBe(first.problems[0]);
    expect(second.authorizationPolicies[0]).not.toBe(
      first.authorizationPolicies[0],
    );
    expect(
      second.authorizationPolicies[0].rules[0].from?.[0].namespaces,
    ).toEqual(['other']);
    // The engine compiles a policy once per trust domain.
    expect(
      new MeshModel([second]).clusters[0].policiesByNamespace.get('apps')![0],
    ).toBe(
      new MeshModel([second]).clusters[0].policiesByNamespace.get('apps')![0],
    );
  });
});

describe('mesh config', () => {
  it('defaults without the istio ConfigMap', () => {
    expect(clusterState('c1').mesh).toEqual({
      trustDomain: 'cluster.local',
      trustDomainAliases: [],
      rootNamespace: 'istio-system',
      enableAutoMtls: true,
      outboundTrafficPolicy: 'ALLOW_ANY',
      skipValidateTrustDomain: false,
      caCertificateTrustDomains: [],
      pathNormalization: 'BASE',
      revisions: ['default'],
    });
    expect(defaultMeshConfig.trustDomain).toBe('cluster.local');
  });

  it('reads trustDomain, trustDomainAliases and rootNamespace', () => {
    expect(
      clusterState(
        'c1',
        meshConfigMap(
          'td.example',
          ['old.example', 'older.example'],
          'rootNamespace: mesh-root',
        ),
      ).mesh,
    ).toEqual({
      trustDomain: 'td.example',
      trustDomainAliases: ['old.example', 'older.example'],
      rootNamespace: 'mesh-root',
      enableAutoMtls: true,
      outboundTrafficPolicy: 'ALLOW_ANY',
      skipValidateTrustDomain: false,
      caCertificateTrustDomains: [],
      pathNormalization: 'BASE',
      revisions: ['default'],
    });
  });

  it('reads enableAutoMtls: false', () => {
    expect(
      clusterState(
        'c1',
        meshConfigMap('cluster.local', [], 'enableAutoMtls: false'),
      ).mesh.enableAutoMtls,
    ).toBe(false);
  });

  // pilot/pkg/features/security.go: PILOT_SKIP_VALIDATE_TRUST_DOMAIN, a bool of istiod's env.
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['yes', false],
  ])(
    "reads an IstioOperator's PILOT_SKIP_VALIDATE_TRUST_DOMAIN=%s",
    (value, skip) => {
      const operator = {
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        metadata: { name: 'installed-state', namespace: 'istio-system' },
        spec: {
          values: {
            pilot: { env: { PILOT_SKIP_VALIDATE_TRUST_DOMAIN: value } },
          },
        },
      };
      const state = clusterState('c1', meshConfigMap('td.example'), operator);
      expect(state.mesh.skipValidateTrustDomain).toBe(skip);
      expect(state.mesh.trustDomain).toBe('td.example');
    },
  );

  it('ignores a ConfigMap named istio outside istio-system', () => {
    const cm = meshConfigMap('td.example');
    cm.metadata.namespace = 'other';
    expect(clusterState('c1', cm).mesh.trustDomain).toBe('cluster.local');
  });

  it('reports mesh config that is not YAML and keeps the defaults', () => {
    const cm = meshConfigMap('td.example');
    cm.data.mesh = 'trustDomain: [unclosed';
    const state = clusterState('c1', cm);
    expect(state.mesh.trustDomain).toBe('cluster.local');
    expect(state.problems).toEqual([
      expect.objectContaining({
        ref: expect.objectContaining({ kind: 'ConfigMap', name: 'istio' }),
        message: expect.stringMatching(/not valid YAML/),
      }),
    ]);
  });
});
