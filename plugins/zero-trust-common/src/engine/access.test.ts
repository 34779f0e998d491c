import {
  deployment,
  destinationRule,
  injected,
  meshApp,
  model,
  multiClusterModel,
  namespace,
  peerAuthentication,
  service,
} from '../__fixtures__/manifests';
import { ServicePortInfo } from '../model/types';
import { Caller, evaluateAccess } from './access';
import { check, parseCaller } from './check';
import { UnknownReferenceError } from './MeshModel';
import { protocolOf } from './ports';

describe('evaluateAccess per port', () => {
  const m = model(
    namespace('client', injected),
    deployment('client', 'c'),
    namespace('server', injected),
    ...meshApp('server', 'api', {
      servicePorts: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'http-metrics', port: 9090 },
      ],
    }),
    peerAuthentication('server', 'api', {
      selector: { app: 'api' },
      mode: 'STRICT',
      portLevelMtls: { 8080: 'PERMISSIVE' },
    }),
  );
  const server = m.resolveWorkload('server/api');
  const plaintext: Caller = { kind: 'plaintext' };

  it.each([
    [8080, 'ALLOW'],
    [9090, 'DENY'],
  ])(
    'a plaintext caller on target port %d (port-level mTLS) → %s',
    (port, decision) => {
      const access = evaluateAccess(plaintext, server, { port });
      expect(access.decision).toBe(decision);
      expect(access.mtls).toBe(false);
    },
  );

  it('without a port: each known port, CONDITIONAL where they differ', () => {
    const access = evaluateAccess(plaintext, server, {});
    expect(access.decision).toBe('CONDITIONAL');
    expect(access.ports.map(p => [p.port, p.decision])).toEqual([
      [8080, 'ALLOW'],
      [9090, 'DENY'],
    ]);
    expect(access.reason).toMatch(/depends on the port/);
    expect(access.policies).toEqual(['server/api']);
  });

  it('a mesh caller gets mTLS on every port', () => {
    const access = evaluateAccess(
      { kind: 'workload', workload: m.resolveWorkload('client/c') },
      server,
      {},
    );
    expect(access).toMatchObject({ decision: 'ALLOW', mtls: true });
    expect(access.ports).toHaveLength(2);
  });
});

describe('a server outside the mesh', () => {
  const build = (tls: string) =>
    model(
      namespace('client', injected),
      deployment('client', 'c'),
      namespace('legacy'),
      ...meshApp('legacy', 'api', {
        servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }],
      }),
      destinationRule('client', 'to-legacy', {
        host: 'api.legacy.svc.cluster.local',
        trafficPolicy: { tls: { mode: tls } },
      }),
    );
  const access = (m: ReturnType<typeof model>, from: string) =>
    evaluateAccess(
      { kind: 'workload', workload: m.resolveWorkload(from) },
      m.resolveWorkload('legacy/api'),
      { port: 8080 },
    );

  it('cannot be reached by a sidecar whose DestinationRule sets ISTIO_MUTUAL: nothing terminates the mTLS', () => {
    const m = build('ISTIO_MUTUAL');
    expect(access(m, 'client/c')).toMatchObject({
      decision: 'DENY',
      mtls: false,
      reason: expect.stringMatching(
        /^DestinationRule client\/to-legacy makes the client send Istio mTLS, but .*legacy\/api is outside the mesh and no proxy terminates it/,
      ),
    });
    // Plaintext callers are not affected.
    expect(
      evaluateAccess({ kind: 'plaintext' }, m.resolveWorkload('legacy/api'), {
        port: 8080,
      }).decision,
    ).toBe('ALLOW');
  });

  it('is reached in plaintext where the DestinationRule disables TLS', () => {
    expect(access(build('DISABLE'), 'client/c')).toMatchObject({
      decision: 'ALLOW',
      mtls: false,
    });
  });
});

describe('ambient server mTLS', () => {
  const m = model(
    namespace('client', injected),
    deployment('client', 'c'),
    namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }),
    ...meshApp('amb', 'z'),
    peerAuthentication('amb', 'default', { mode: 'DISABLE' }),
  );
  it.each([
    ['plaintext', { decision: 'ALLOW', mtls: false }],
    ['client/c', { decision: 'ALLOW', mtls: true }],
    ['principal:cluster.local/ns/x/sa/y', { decision: 'ALLOW', mtls: true }],
  ])(
    '%s to an ambient server with DISABLE (not honoured by ztunnel) → %j',
    (from, want) => {
      const result = check(m, { from, to: 'amb/z', port: 8080 });
      expect({ decision: result.decision, mtls: result.mtls }).toEqual(want);
    },
  );
});

describe('a bare principal caller', () => {
  it.each([
    ['STRICT', { decision: 'ALLOW', mtls: true }],
    ['DISABLE', { decision: 'ALLOW', mtls: false }],
  ])('to a %s server → %j', (mode, want) => {
    const m = model(
      namespace('server', injected),
      ...meshApp('server', 'api'),
      peerAuthentication('server', 'default', { mode }),
    );
    const result = check(m, {
      from: 'principal:cluster.local/ns/x/sa/y',
      to: 'server/api',
      port: 8080,
    });
    expect({ decision: result.decision, mtls: result.mtls }).toEqual(want);
  });
});

describe('protocolOf', () => {
  const port = (p: Partial<ServicePortInfo>): ServicePortInfo => ({
    port: 80,
    protocol: 'TCP',
    ...p,
  });
  it.each([
    [{ name: 'http' }, 'http'],
    [{ name: 'http-web' }, 'http'],
    [{ name: 'http2' }, 'http'],
    [{ name: 'grpc-api' }, 'http'],
    [{ name: 'tcp-db' }, 'tcp'],
    [{ name: 'https' }, 'tcp'],
    [{ name: 'tls-x' }, 'tcp'],
    [{ name: 'mysql' }, 'tcp'],
    [{ name: 'web' }, 'auto'],
    [{}, 'auto'],
    [{ appProtocol: 'kubernetes.io/h2c' }, 'http'],
    [{ appProtocol: 'HTTP' }, 'http'],
    [{ name: 'http', appProtocol: 'tcp' }, 'tcp'],
    [{ name: 'tcp', appProtocol: 'grpc' }, 'http'],
    [{ name: 'http', protocol: 'UDP' }, 'tcp'],
  ] as [Partial<ServicePortInfo>, string][])('%j → %s', (p, want) => {
    expect(protocolOf(port(p))).toBe(want);
  });
});

describe('workload ports', () => {
  it('resolves named target ports, keeps unexposed container ports, and reads TCP over HTTP', () => {
    const m = model(
      namespace('server', injected),
      deployment('server', 'api', {
        ports: [
          { name: 'web', port: 8080 },
          { name: 'debug', port: 6060 },
        ],
      }),
      service('server', 'api', {
        ports: [{ name: 'http', port: 80, targetPort: 'web' }],
      }),
      service('server', 'api-raw', {
        selector: { app: 'api' },
        ports: [{ name: 'tcp-raw', port: 81, targetPort: 8080 }],
      }),
      service('server', 'unrelated', { selector: { app: 'other' } }),
    );
    const ports = m.resolveWorkload('server/api').ports;
    expect(
      ports.map(p => ({
        port: p.port,
        protocol: p.protocol,
        services: p.services.map(s => `${s.service.name}:${s.servicePort}`),
      })),
    ).toEqual([
      { port: 6060, protocol: 'auto', services: [] },
      { port: 8080, protocol: 'tcp', services: ['api:80', 'api-raw:81'] },
    ]);
  });
});

describe('references', () => {
  const m = multiClusterModel({
    a: [namespace('ns', injected), deployment('ns', 'w')],
    b: [
      namespace('ns', injected),
      deployment('ns', 'w'),
      deployment('ns', 'v'),
    ],
  });

  it.each([
    ['ns/v', 'b/ns/v'],
    ['a/ns/w', 'a/ns/w'],
    ['b/ns/w', 'b/ns/w'],
  ])('resolves %s to %s', (ref, id) => {
    expect(m.resolveWorkload(ref).id).toBe(id);
  });

  it.each([
    ['ns/w', /clusters a, b/],
    ['ns/missing', /no workload/],
    ['c/ns/w', /no workload/],
    ['just-a-name', /not a workload reference/],
    ['a/b/c/d', /not a workload reference/],
  ])('rejects %s', (ref, message) => {
    expect(() => m.resolveWorkload(ref)).toThrow(UnknownReferenceError);
    expect(() => m.resolveWorkload(ref)).toThrow(message);
  });

  it.each([
    ['plaintext', { kind: 'plaintext' }],
    [
      'principal:td/ns/a/sa/b',
      { kind: 'principal', principal: 'td/ns/a/sa/b' },
    ],
  ])('parses the caller %s', (ref, want) => {
    expect(parseCaller(m, ref)).toEqual(want);
  });

  it('rejects a malformed principal caller', () => {
    expect(() => parseCaller(m, 'principal:not-a-principal')).toThrow(
      UnknownReferenceError,
    );
  });
});
