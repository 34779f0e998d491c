import {
  K8sObject,
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { evaluateAccess } from './access';
import { destinationRuleFor, resolveRuleHost } from './destinationRules';

const fqdn = 'api.server.svc.cluster.local';
const tls = (mode: string) => ({ trafficPolicy: { tls: { mode } } });

interface DrCase {
  name: string;
  rules: K8sObject[];
  /** The server's namespace labels; default sidecar injection. */
  serverNsLabels?: Record<string, string>;
  /** The server's mTLS mode (namespace-wide); default STRICT. */
  serverMode?: string;
  extra?: K8sObject[];
  decision: string;
  mtls: boolean;
  reason?: RegExp;
}

// Client side TLS: https://istio.io/latest/docs/concepts/security/#auto-mutual-tls and
// the lookup order of pilot/pkg/model/push_context.go (destinationRule).
const cases: DrCase[] = [
  {
    name: 'auto mTLS (no DestinationRule) to an in-mesh server',
    rules: [],
    decision: 'ALLOW',
    mtls: true,
    reason: /auto mTLS/,
  },
  {
    name: 'auto mTLS to a PERMISSIVE server still sends mTLS',
    rules: [],
    serverMode: 'PERMISSIVE',
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'auto mTLS to a DISABLE server sends plaintext',
    rules: [],
    serverMode: 'DISABLE',
    decision: 'ALLOW',
    mtls: false,
  },
  {
    name: 'auto mTLS to a server outside the mesh sends plaintext',
    rules: [],
    serverNsLabels: {},
    decision: 'ALLOW',
    mtls: false,
    reason: /outside the mesh/,
  },
  {
    name: 'auto mTLS turned off in the mesh config: plaintext, STRICT rejects it',
    rules: [],
    extra: [meshConfigMap('cluster.local', [], 'enableAutoMtls: false')],
    decision: 'DENY',
    mtls: false,
    reason: /auto mTLS is off/,
  },
  {
    name: 'auto mTLS off, but a DestinationRule sets ISTIO_MUTUAL',
    rules: [
      destinationRule('server', 'dr', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
    ],
    extra: [meshConfigMap('cluster.local', [], 'enableAutoMtls: false')],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'DR ISTIO_MUTUAL',
    rules: [
      destinationRule('client', 'dr', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
    ],
    decision: 'ALLOW',
    mtls: true,
    reason: /ISTIO_MUTUAL/,
  },
  {
    name: 'DR ISTIO_MUTUAL toward a DISABLE server fails',
    rules: [
      destinationRule('client', 'dr', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
    ],
    serverMode: 'DISABLE',
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'DR DISABLE toward a STRICT server',
    rules: [destinationRule('server', 'dr', { host: fqdn, ...tls('DISABLE') })],
    decision: 'DENY',
    mtls: false,
    reason: /STRICT/,
  },
  {
    name: 'DR DISABLE toward a PERMISSIVE server: plaintext, allowed',
    rules: [destinationRule('server', 'dr', { host: fqdn, ...tls('DISABLE') })],
    serverMode: 'PERMISSIVE',
    decision: 'ALLOW',
    mtls: false,
  },
  {
    name: 'DR SIMPLE originates TLS without the mesh identity: STRICT rejects it',
    rules: [destinationRule('server', 'dr', { host: fqdn, ...tls('SIMPLE') })],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'lookup: the client namespace comes before the service namespace',
    rules: [
      destinationRule('client', 'mine', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
      destinationRule('server', 'theirs', { host: fqdn, ...tls('DISABLE') }),
    ],
    decision: 'ALLOW',
    mtls: true,
    reason: /client\/mine/,
  },
  {
    name: 'lookup: the client namespace comes before the service namespace (reversed)',
    rules: [
      destinationRule('client', 'mine', { host: fqdn, ...tls('DISABLE') }),
      destinationRule('server', 'theirs', {
        host: fqdn,
        ...tls('ISTIO_MUTUAL'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'lookup: the service namespace comes before the root namespace',
    rules: [
      destinationRule('server', 'theirs', { host: fqdn, ...tls('DISABLE') }),
      destinationRule('istio-system', 'mesh', {
        host: '*.local',
        ...tls('ISTIO_MUTUAL'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'lookup: the root namespace applies last',
    rules: [
      destinationRule('istio-system', 'mesh', {
        host: '*.local',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
    reason: /istio-system\/mesh/,
  },
  {
    name: 'a rule in an unrelated namespace is not consulted',
    rules: [
      destinationRule('elsewhere', 'dr', { host: fqdn, ...tls('DISABLE') }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'exportTo "." hides a service-namespace rule from other namespaces',
    rules: [
      destinationRule('server', 'private', {
        host: fqdn,
        exportTo: ['.'],
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'exportTo "." hides a root-namespace rule from other namespaces',
    rules: [
      destinationRule('istio-system', 'private', {
        host: '*',
        exportTo: ['.'],
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'exportTo "." does not hide a rule from its own namespace',
    rules: [
      destinationRule('client', 'private', {
        host: fqdn,
        exportTo: ['.'],
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'exportTo naming the client namespace',
    rules: [
      destinationRule('server', 'dr', {
        host: fqdn,
        exportTo: ['client'],
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'exportTo naming another namespace',
    rules: [
      destinationRule('server', 'dr', {
        host: fqdn,
        exportTo: ['other'],
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'a short host resolves in the rule’s namespace (server)',
    rules: [
      destinationRule('server', 'dr', { host: 'api', ...tls('DISABLE') }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'a short host in the client namespace names a service there, not ours',
    rules: [
      destinationRule('client', 'dr', { host: 'api', ...tls('DISABLE') }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'NAME.NAMESPACE is taken as written, not expanded',
    rules: [
      destinationRule('client', 'dr', {
        host: 'api.server',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'wildcard host *.server.svc.cluster.local',
    rules: [
      destinationRule('client', 'dr', {
        host: '*.server.svc.cluster.local',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'a wildcard host of another namespace does not match',
    rules: [
      destinationRule('client', 'dr', {
        host: '*.other.svc.cluster.local',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'most specific host wins: exact over wildcard',
    rules: [
      destinationRule('client', 'wide', {
        host: '*.server.svc.cluster.local',
        ...tls('DISABLE'),
      }),
      destinationRule('client', 'exact', {
        host: fqdn,
        ...tls('ISTIO_MUTUAL'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
    reason: /client\/exact/,
  },
  {
    name: 'most specific host wins: longer wildcard over "*"',
    rules: [
      destinationRule('client', 'any', { host: '*', ...tls('ISTIO_MUTUAL') }),
      destinationRule('client', 'ns', {
        host: '*.server.svc.cluster.local',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'port-level tls on the service port (80) overrides the rule’s',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          portLevelSettings: [
            { port: { number: 80 }, tls: { mode: 'DISABLE' } },
          ],
        },
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'port-level tls keyed by the target port (8080) does not apply',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        trafficPolicy: {
          tls: { mode: 'ISTIO_MUTUAL' },
          portLevelSettings: [
            { port: { number: 8080 }, tls: { mode: 'DISABLE' } },
          ],
        },
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    // Port-level settings do not inherit the rule's: an omitted tls is the default,
    // auto mTLS (pilot/pkg/networking/util/util.go, GetPortLevelTrafficPolicy).
    name: 'a port-level setting without tls does not inherit the rule’s tls',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        trafficPolicy: {
          tls: { mode: 'DISABLE' },
          portLevelSettings: [
            {
              port: { number: 80 },
              connectionPool: { tcp: { maxConnections: 10 } },
            },
          ],
        },
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    // ClientTLSSettings.mode's zero value is DISABLE, and a tls block present
    // disables auto mTLS (buildAutoMtlsSettings).
    name: 'a tls block without mode means DISABLE',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        trafficPolicy: { tls: { sni: 'api.example' } },
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'a rule with no trafficPolicy leaves auto mTLS',
    rules: [destinationRule('client', 'dr', { host: fqdn })],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'workloadSelector in the client namespace matching the client',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'batch' } },
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
  },
  {
    name: 'workloadSelector in the client namespace not matching the client',
    rules: [
      destinationRule('client', 'dr', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'web' } },
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'a matching workloadSelector rule wins over a catch-all rule of the same host',
    rules: [
      destinationRule('client', 'all', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
      destinationRule('client', 'batch', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'batch' } },
        ...tls('DISABLE'),
      }),
    ],
    decision: 'DENY',
    mtls: false,
    reason: /client\/batch/,
  },
  {
    name: 'the catch-all rule of the same host applies when the selector does not match',
    rules: [
      destinationRule('client', 'web', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'web' } },
        ...tls('DISABLE'),
      }),
      destinationRule('client', 'all', { host: fqdn, ...tls('ISTIO_MUTUAL') }),
    ],
    decision: 'ALLOW',
    mtls: true,
    reason: /client\/all/,
  },
  {
    // push_context.go destinationRule returns the client namespace's rules for the
    // most specific host, selector rules included; SidecarScope.DestinationRule then
    // finds none for this client, and the lookup does not go on to other namespaces.
    name: 'a non-matching workloadSelector rule in the client namespace ends the lookup there',
    rules: [
      destinationRule('client', 'web', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'web' } },
        ...tls('ISTIO_MUTUAL'),
      }),
      destinationRule('server', 'theirs', { host: fqdn, ...tls('DISABLE') }),
    ],
    decision: 'ALLOW',
    mtls: true,
    reason: /auto mTLS/,
  },
  {
    name: 'a non-matching selector rule on the exact host hides a wildcard catch-all',
    rules: [
      destinationRule('client', 'web', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'web' } },
        ...tls('DISABLE'),
      }),
      destinationRule('client', 'wide', {
        host: '*.server.svc.cluster.local',
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
  {
    name: 'a workloadSelector rule in the service namespace is never exported',
    rules: [
      destinationRule('server', 'dr', {
        host: fqdn,
        workloadSelector: { matchLabels: { role: 'batch' } },
        ...tls('DISABLE'),
      }),
    ],
    decision: 'ALLOW',
    mtls: true,
  },
];

describe('DestinationRule client TLS', () => {
  it.each(cases)(
    '$name → $decision (mtls $mtls)',
    ({
      rules,
      serverNsLabels = injected,
      serverMode = 'STRICT',
      extra = [],
      decision,
      mtls,
      reason,
    }) => {
      const m = model(
        ...extra,
        namespace('client', injected),
        deployment('client', 'c', { labels: { app: 'c', role: 'batch' } }),
        namespace('server', serverNsLabels),
        ...meshApp('server', 'api', {
          servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }],
        }),
        peerAuthentication('server', 'default', { mode: serverMode }),
        ...rules,
      );
      const access = evaluateAccess(
        { kind: 'workload', workload: m.resolveWorkload('client/c') },
        m.resolveWorkload('server/api'),
        { port: 8080 },
      );
      expect({ decision: access.decision, mtls: access.mtls }).toEqual({
        decision,
        mtls,
      });
      expect(access.reason).toMatch(reason ?? /./);
    },
  );

  it('an ambient client always sends HBONE mTLS, whatever the DestinationRule', () => {
    const m = model(
      namespace('client', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('client', 'c'),
      namespace('server', injected),
      ...meshApp('server', 'api'),
      peerAuthentication('server', 'default', { mode: 'STRICT' }),
      destinationRule('client', 'dr', { host: fqdn, ...tls('DISABLE') }),
    );
    const access = evaluateAccess(
      { kind: 'workload', workload: m.resolveWorkload('client/c') },
      m.resolveWorkload('server/api'),
      { port: 8080 },
    );
    expect(access).toMatchObject({ decision: 'ALLOW', mtls: true });
  });

  it.each([
    ['api', 'server', 'api.server.svc.cluster.local'],
    ['api.server.svc.cluster.local', 'client', 'api.server.svc.cluster.local'],
    ['*.server.svc.cluster.local', 'client', '*.server.svc.cluster.local'],
    ['*', 'client', '*'],
    ['api.server', 'client', 'api.server'],
  ])('resolveRuleHost(%s in %s) = %s', (host, ns, want) => {
    expect(
      resolveRuleHost({
        namespace: ns,
        name: 'dr',
        host,
        exportTo: ['*'],
        portLevelTls: {},
      }),
    ).toBe(want);
  });

  it.each([
    ['batch first', ['batch', 'web']],
    ['web first', ['web', 'batch']],
  ])(
    'the remembered lookup keeps clients of one namespace apart where a rule selects workloads (%s)',
    (_, order) => {
      const m = model(
        namespace('client', injected),
        deployment('client', 'batch', { labels: { app: 'b', role: 'batch' } }),
        deployment('client', 'web', { labels: { app: 'w', role: 'web' } }),
        namespace('server', injected),
        ...meshApp('server', 'api', {
          servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }],
        }),
        peerAuthentication('server', 'default', { mode: 'STRICT' }),
        destinationRule('client', 'all', {
          host: fqdn,
          ...tls('ISTIO_MUTUAL'),
        }),
        destinationRule('client', 'batch', {
          host: fqdn,
          workloadSelector: { matchLabels: { role: 'batch' } },
          ...tls('DISABLE'),
        }),
      );
      const server = m.resolveWorkload('server/api');
      const seen = Object.fromEntries(
        order.map(name => {
          const access = evaluateAccess(
            { kind: 'workload', workload: m.resolveWorkload(`client/${name}`) },
            server,
            { port: 8080 },
          );
          return [name, { decision: access.decision, mtls: access.mtls }];
        }),
      );
      expect(seen).toEqual({
        batch: { decision: 'DENY', mtls: false },
        web: { decision: 'ALLOW', mtls: true },
      });
    },
  );

  it('the remembered lookup answers as destinationRuleFor does, asked once or again', () => {
    const m = model(
      namespace('a', injected),
      deployment('a', 'one', { labels: { app: 'one' } }),
      deployment('a', 'two', { labels: { app: 'two' } }),
      namespace('b', injected),
      deployment('b', 'three', { labels: { app: 'three' } }),
      namespace('server', injected),
      ...meshApp('server', 'api'),
      namespace('other', injected),
      ...meshApp('other', 'db', {
        servicePorts: [{ name: 'tcp', port: 5432 }],
      }),
      destinationRule('a', 'to-api', { host: fqdn, ...tls('DISABLE') }),
      destinationRule('a', 'to-other', {
        host: '*.other.svc.cluster.local',
        ...tls('SIMPLE'),
      }),
      destinationRule('server', 'own', {
        host: 'api',
        exportTo: ['b'],
        ...tls('ISTIO_MUTUAL'),
      }),
      destinationRule('istio-system', 'mesh', {
        host: '*.svc.cluster.local',
        ...tls('ISTIO_MUTUAL'),
      }),
    );
    const [cluster] = m.clusters;
    const services = cluster.state.services;
    expect(services.map(s => s.name).sort()).toEqual(['api', 'db']);
    const name = (r: { namespace: string; name: string } | undefined) =>
      r ? `${r.namespace}/${r.name}` : 'none';
    const answers = (ask: 'remembered' | 'direct') =>
      cluster.workloads.flatMap(client =>
        services.map(
          service =>
            `${client.id} → ${service.name}: ${name(
              ask === 'remembered'
                ? cluster.destinationRules.forService(client.workload, service)
                : destinationRuleFor(
                    cluster.state.mesh,
                    client.workload,
                    `${service.name}.${service.namespace}.svc.cluster.local`,
                    service.namespace,
                    cluster.destinationRulesByNamespace,
                  ),
            )}`,
        ),
      );
    const direct = answers('direct');
    expect(answers('remembered')).toEqual(direct);
    expect(answers('remembered')).toEqual(direct);
    // The case spans every branch of the lookup.
    expect(direct).toEqual(
      expect.arrayContaining([
        'c1/a/one → api: a/to-api',
        'c1/a/two → db: a/to-other',
        'c1/b/three → api: server/own',
        'c1/b/three → db: istio-system/mesh',
      ]),
    );
  });
});
