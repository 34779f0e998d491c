import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { allowedCallers, sourceKey } from './callers';
import { check } from './check';

const apiHost = 'api.server.svc.cluster.local';
const pCaller = 'cluster.local/ns/client/sa/caller';

const base: K8sObject[] = [
  namespace('client', injected),
  deployment('client', 'c', { sa: 'caller' }),
  deployment('client', 'other', { sa: 'other' }),
  namespace('third', injected),
  deployment('third', 't', { sa: 't' }),
  namespace('server', injected),
  ...meshApp('server', 'api', { sa: 'api' }),
  ...meshApp('server', 'web', { sa: 'web' }),
];

const sidecar = (ns: string, name: string, spec: K8sObject) =>
  networking('Sidecar', ns, name, spec);
/** The common mesh-wide default: each namespace sees itself and istio-system. */
const rootDefault = sidecar('istio-system', 'default', {
  egress: [{ hosts: ['./*', 'istio-system/*'] }],
});
const mode = (m: 'STRICT' | 'PERMISSIVE') =>
  peerAuthentication('server', 'default', { mode: m });
const registryOnly = meshConfigMap(
  'cluster.local',
  [],
  'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
);

const decide = (objs: K8sObject[], from: string, to = 'server/api') =>
  check(model(...base, ...objs), { from, to, port: 8080 });

describe("a sidecar client's Sidecar scope", () => {
  it('leaves a client whose Sidecar imports the Service on mTLS, and refuses one whose Sidecar does not (ALLOW_ANY, STRICT)', () => {
    const objs = [
      mode('STRICT'),
      rootDefault,
      sidecar('client', 'default', {
        egress: [{ hosts: ['./*', 'server/*'] }],
      }),
    ];
    expect(decide(objs, 'client/c')).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
      reason: expect.stringContaining('auto mTLS'),
    });
    const refused = decide(objs, 'third/t');
    expect(refused).toMatchObject({ decision: 'DENY', mtls: false });
    expect(refused.reason).toBe(
      `c1/third/t's Sidecar istio-system/default does not import ${apiHost}, so it has no route to it and sends the call through the PassthroughCluster (outbound ALLOW_ANY, mesh config) as plain TCP, without Istio mTLS, and STRICT mTLS (PeerAuthentication server/default) rejects plaintext`,
    );
  });

  it('reads "." in a root-namespace Sidecar as the client\'s own namespace', () => {
    const objs = [mode('STRICT'), rootDefault];
    // server/web sees its own namespace, so server/api is in scope.
    expect(decide(objs, 'server/web')).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
    });
    expect(decide(objs, 'client/c').decision).toBe('DENY');
  });

  it('sends plaintext under PERMISSIVE: a policy naming the principal does not match', () => {
    const byPrincipal = authorizationPolicy('server', 'callers', {
      selector: { matchLabels: { app: 'api' } },
      rules: [{ from: [{ source: { principals: [pCaller] } }] }],
    });
    const access = decide(
      [mode('PERMISSIVE'), rootDefault, byPrincipal],
      'client/c',
    );
    expect(access).toMatchObject({ decision: 'DENY', mtls: false });
    expect(access.reason).toMatch(
      /^no rule of ALLOW policy server\/callers matches \(plaintext: c1\/client\/c's Sidecar istio-system\/default does not import/,
    );
    // Without policies the plaintext call is let in.
    expect(decide([mode('PERMISSIVE'), rootDefault], 'client/c')).toMatchObject(
      {
        decision: 'ALLOW',
        mtls: false,
      },
    );
  });

  it("drops the call under REGISTRY_ONLY, the mesh's or the Sidecar's own", () => {
    const meshWide = decide(
      [mode('PERMISSIVE'), rootDefault, registryOnly],
      'client/c',
    );
    expect(meshWide).toMatchObject({ decision: 'DENY', mtls: false });
    expect(meshWide.reason).toBe(
      `c1/client/c's Sidecar istio-system/default does not import ${apiHost}, and outbound REGISTRY_ONLY (mesh config) sends what it does not import to the BlackHoleCluster: the connection is dropped`,
    );
    const own = sidecar('client', 'default', {
      egress: [{ hosts: ['./*'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(decide([mode('PERMISSIVE'), own], 'client/c').reason).toMatch(
      /outbound REGISTRY_ONLY \(Sidecar client\/default\)/,
    );
    // A server outside the mesh is dropped all the same: the client's proxy drops it.
    const legacy = [namespace('legacy'), ...meshApp('legacy', 'plain')];
    expect(
      check(model(...base, ...legacy, own), {
        from: 'client/c',
        to: 'legacy/plain',
        port: 8080,
      }).decision,
    ).toBe('DENY');
  });

  it("drops the call at the client under REGISTRY_ONLY though the server's sidecar does not capture the port", () => {
    const excluded = [
      namespace('bypass', injected),
      ...meshApp('bypass', 'api', {
        annotations: { 'traffic.sidecar.istio.io/excludeInboundPorts': '8080' },
      }),
      rootDefault,
    ];
    const at = (...extra: K8sObject[]) =>
      check(model(...base, ...excluded, ...extra), {
        from: 'client/c',
        to: 'bypass/api',
        port: 8080,
      });
    expect(at(registryOnly)).toMatchObject({
      decision: 'DENY',
      reason: expect.stringContaining('BlackHoleCluster'),
    });
    // Under ALLOW_ANY the plaintext passthrough reaches the application.
    expect(at()).toMatchObject({
      decision: 'ALLOW',
      mtls: false,
      reason: expect.stringContaining('PassthroughCluster'),
    });
  });

  it("applies a workload's own Sidecar over its namespace's, and the namespace's over the root's", () => {
    const objs = [
      mode('STRICT'),
      rootDefault,
      sidecar('client', 'default', { egress: [{ hosts: ['server/*'] }] }),
      sidecar('client', 'other', {
        workloadSelector: { labels: { app: 'other' } },
        egress: [{ hosts: ['./*'] }],
      }),
    ];
    expect(decide(objs, 'client/c').decision).toBe('ALLOW');
    expect(decide(objs, 'client/other').reason).toContain(
      "c1/client/other's Sidecar client/other does not import",
    );
    expect(decide(objs, 'third/t').reason).toContain(
      "c1/third/t's Sidecar istio-system/default does not import",
    );
  });

  it('imports what an entry includes unless a ~ entry excludes it; a Sidecar without egress imports everything', () => {
    const excluding = sidecar('client', 'default', {
      egress: [{ hosts: ['*/*', `~server/${apiHost}`] }],
    });
    const objs = [mode('STRICT'), excluding];
    expect(decide(objs, 'client/c').decision).toBe('DENY');
    expect(decide(objs, 'client/c', 'server/web').decision).toBe('ALLOW');
    const noEgress = sidecar('client', 'default', {
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(decide([mode('STRICT'), noEgress], 'client/c')).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
    });
  });

  it('imports the destinations of a VirtualService it imports', () => {
    const route = (ns: string) =>
      networking('VirtualService', ns, 'api-alias', {
        hosts: ['api.internal.example'],
        http: [{ route: [{ destination: { host: apiHost } }] }],
      });
    // The root default imports client's own VirtualService, not server's.
    expect(
      decide([mode('STRICT'), rootDefault, route('client')], 'client/c'),
    ).toMatchObject({ decision: 'ALLOW', mtls: true });
    expect(
      decide([mode('STRICT'), rootDefault, route('server')], 'client/c')
        .decision,
    ).toBe('DENY');
  });

  it('applies no DestinationRule to a Service outside the scope', () => {
    const mutual = destinationRule('client', 'api-mtls', {
      host: apiHost,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    const access = decide(
      [mode('PERMISSIVE'), rootDefault, mutual],
      'client/c',
    );
    expect(access).toMatchObject({ decision: 'ALLOW', mtls: false });
    expect(access.reason).not.toContain('DestinationRule');
  });

  it('does not apply to an ambient client: ztunnel reads no Sidecar', () => {
    const objs = [
      mode('STRICT'),
      rootDefault,
      namespace('amb', ambient),
      deployment('amb', 'a', { sa: 'a' }),
    ];
    expect(decide(objs, 'amb/a')).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
    });
    // The same root Sidecar cuts a sidecar client off.
    expect(decide(objs, 'third/t').decision).toBe('DENY');
  });

  it("keeps a caller its Sidecar cuts off out of the server's allowed callers", () => {
    const m = model(
      ...base,
      mode('STRICT'),
      rootDefault,
      sidecar('client', 'other', {
        workloadSelector: { labels: { app: 'other' } },
        egress: [{ hosts: ['server/*'] }],
      }),
      authorizationPolicy('server', 'callers', {
        selector: { matchLabels: { app: 'api' } },
        rules: [{ from: [{ source: { namespaces: ['client'] } }] }],
      }),
    );
    const listed = allowedCallers(
      m.resolveWorkload('server/api'),
      m,
    ).allowedCallers.map(a => sourceKey(a.source));
    expect(listed).toContain('workload:c1/client/other');
    expect(listed).not.toContain('workload:c1/client/c');
  });
});
