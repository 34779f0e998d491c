import {
  authorizationPolicy,
  deployment,
  destinationRule,
  meshApp,
  model,
  namespace,
  peerAuthentication,
} from '../__fixtures__/manifests';
import { analyze } from '../report/analyze';
import { allowedCallers } from './callers';
import { check } from './check';
import { uncaptured } from './interception';

const exclude = 'traffic.sidecar.istio.io/excludeInboundPorts';
const include = 'traffic.sidecar.istio.io/includeInboundPorts';

/** A STRICT shop whose api (ports 8080 and 9102) carries the annotations given. */
function shop(annotations: Record<string, string>, ...extra: any[]) {
  return model(
    namespace('shop', { 'istio-injection': 'enabled' }),
    namespace('legacy'),
    namespace('ambient', { 'istio.io/dataplane-mode': 'ambient' }),
    ...meshApp('shop', 'api', {
      annotations,
      ports: [8080, 9102],
      servicePorts: [
        { name: 'http', port: 8080 },
        { name: 'http-metrics', port: 9102 },
      ],
    }),
    deployment('shop', 'web', { sa: 'web' }),
    deployment('legacy', 'batch'),
    deployment('ambient', 'worker', { sa: 'worker' }),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    ...extra,
  );
}

describe('ports the sidecar does not capture', () => {
  it('reads the annotations as istio-iptables does', () => {
    const why = (annotations: Record<string, string>, port: number) =>
      uncaptured(shop(annotations).resolveWorkload('shop/api'), port);
    expect(why({}, 8080)).toBeUndefined();
    expect(why({ [exclude]: '9102, 9000' }, 9102)).toBe(
      'port 9102 is in its traffic.sidecar.istio.io/excludeInboundPorts (9102, 9000)',
    );
    expect(why({ [exclude]: '9102' }, 8080)).toBeUndefined();
    expect(why({ [exclude]: '9000:9200' }, 9102)).toMatch(/is in its/);
    // A list of included ports redirects only those; the exclusions then do not count.
    expect(why({ [include]: '8080', [exclude]: '8080' }, 8080)).toBeUndefined();
    expect(why({ [include]: '8080' }, 9102)).toBe(
      'port 9102 is not in its traffic.sidecar.istio.io/includeInboundPorts (8080)',
    );
    expect(why({ [include]: '' }, 8080)).toMatch(/no inbound port/);
    expect(why({ 'sidecar.istio.io/interceptionMode': 'NONE' }, 8080)).toMatch(
      /interceptionMode is NONE/,
    );
    // No sidecar, no iptables of its own: an ambient pod is not read so.
    const ambient = model(
      namespace('ambient', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('ambient', 'api', { annotations: { [exclude]: '8080' } }),
    ).resolveWorkload('ambient/api');
    expect(uncaptured(ambient, 8080)).toBeUndefined();
  });

  it('lets a plaintext client through to the application, past STRICT mTLS and every policy', () => {
    const m = shop({ [exclude]: '9102' });
    const excluded = check(m, {
      from: 'legacy/batch',
      to: 'shop/api',
      port: 9102,
    });
    expect(excluded).toMatchObject({ decision: 'ALLOW', mtls: false });
    expect(excluded.reason).toContain(
      "c1/shop/api's sidecar does not capture port 9102 (port 9102 is in its traffic.sidecar.istio.io/excludeInboundPorts (9102)): the application takes the connection directly",
    );
    // The captured port is STRICT as before.
    expect(
      check(m, { from: 'legacy/batch', to: 'shop/api', port: 8080 }).decision,
    ).toBe('DENY');
  });

  it('fails a sidecar client’s auto mTLS there, unless a DestinationRule sends plaintext', () => {
    const m = shop({ [exclude]: '9102' });
    const fromWeb = check(m, { from: 'shop/web', to: 'shop/api', port: 9102 });
    expect(fromWeb.decision).toBe('DENY');
    expect(fromWeb.reason).toMatch(
      /the application does not terminate that TLS and the connection fails/,
    );
    const plain = destinationRule('shop', 'api-metrics', {
      host: 'api.shop.svc.cluster.local',
      trafficPolicy: {
        portLevelSettings: [
          { port: { number: 9102 }, tls: { mode: 'DISABLE' } },
        ],
      },
    });
    expect(
      check(shop({ [exclude]: '9102' }, plain), {
        from: 'shop/web',
        to: 'shop/api',
        port: 9102,
      }).decision,
    ).toBe('ALLOW');
  });

  it('leaves an ambient client to the sidecar, which takes its HBONE whatever the port', () => {
    const m = shop({ [exclude]: '9102' });
    expect(
      check(m, { from: 'ambient/worker', to: 'shop/api', port: 9102 }),
    ).toMatchObject({ decision: 'ALLOW', mtls: true });
  });

  it('lists anyone as a caller on that port and raises ZT044', () => {
    const m = shop({ [exclude]: '9102' });
    const anyone = allowedCallers(
      m.resolveWorkload('shop/api'),
      m,
    ).allowedCallers.find(c => c.source.kind === 'anyone');
    expect(anyone?.ports).toEqual([9102]);
    const zt044 = analyze(m).findings.filter(f => f.code === 'ZT044');
    expect(zt044.map(f => f.message)).toEqual([
      "c1/shop/api's sidecar does not capture port 9102 (port 9102 is in its traffic.sidecar.istio.io/excludeInboundPorts (9102)): whoever reaches the pod talks to the application there in plaintext, and no PeerAuthentication or AuthorizationPolicy applies.",
    ]);
    expect(analyze(shop({})).findings.map(f => f.code)).not.toContain('ZT044');
  });

  it('sends a sidecar client past its sidecar to the ports it excludes outbound, as the application dials them', () => {
    const excludeOutbound = 'traffic.sidecar.istio.io/excludeOutboundPorts';
    const mesh = (clientAnnotations: Record<string, string>) =>
      model(
        namespace('shop', { 'istio-injection': 'enabled' }),
        ...meshApp('shop', 'api', {
          ports: [8080],
          servicePorts: [{ name: 'http', port: 80, targetPort: 8080 }],
        }),
        deployment('shop', 'web', {
          sa: 'web',
          annotations: clientAnnotations,
        }),
        deployment('shop', 'admin', { sa: 'admin' }),
        peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
        authorizationPolicy('shop', 'api', {
          selector: { matchLabels: { app: 'api' } },
          rules: [{ from: [{ source: { namespaces: ['shop'] } }] }],
        }),
      );
    const fromWeb = (m: ReturnType<typeof mesh>) =>
      check(m, { from: 'shop/web', to: 'shop/api', port: 8080 });
    // The Service's port 80 is what the application dials.
    const excluded = fromWeb(mesh({ [excludeOutbound]: '80' }));
    expect(excluded).toMatchObject({ decision: 'DENY', mtls: false });
    expect(excluded.reason).toContain(
      "c1/shop/web's sidecar does not capture this connection (port 80 is in its traffic.sidecar.istio.io/excludeOutboundPorts (80)), so it leaves in plaintext, and STRICT mTLS",
    );
    expect(
      fromWeb(mesh({ 'sidecar.istio.io/interceptionMode': 'NONE' })).decision,
    ).toBe('DENY');
    expect(fromWeb(mesh({ [excludeOutbound]: '9090' }))).toMatchObject({
      decision: 'ALLOW',
      mtls: true,
    });
    const m = mesh({ [excludeOutbound]: '80' });
    const callers = allowedCallers(m.resolveWorkload('shop/api'), m)
      .allowedCallers.map(c => c.label)
      .filter(l => l.startsWith('c1/'));
    expect(callers).toContain('c1/shop/admin');
    expect(callers).not.toContain('c1/shop/web');
  });
});
