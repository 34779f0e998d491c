import {
  authorizationPolicy,
  deployment,
  injected,
  meshConfigMap,
  model,
  namespace,
  networking,
  service,
} from '../__fixtures__/manifests';
import { analyze } from '../report/analyze';
import { check } from './check';

type Obj = Record<string, any>;

/**
 * istio-ingressgateway as its chart installs it: pods on 8080 and 8443, its Service
 * mapping 80 (http2) and 443 (https) to them.
 */
const ingress = [
  deployment('istio-ingress', 'ingressgateway', {
    labels: { istio: 'ingressgateway' },
    annotations: { 'inject.istio.io/templates': 'gateway' },
    ports: [8080, 8443],
  }),
  service('istio-ingress', 'ingressgateway', {
    selector: { istio: 'ingressgateway' },
    ports: [
      { name: 'http2', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
  }),
];

const gateway = (...servers: Obj[]) =>
  networking('Gateway', 'istio-ingress', 'public', {
    selector: { istio: 'ingressgateway' },
    servers,
  });

const server = (port: number, protocol: string, tls?: Obj): Obj => ({
  port: { number: port, name: `p${port}`, protocol },
  hosts: ['*.apps.example.com'],
  ...(tls ? { tls } : {}),
});

/** An ALLOW policy on the gateway pods admitting one host: an HTTP-only field. */
const hostRule = authorizationPolicy('istio-ingress', 'hosts', {
  selector: { matchLabels: { istio: 'ingressgateway' } },
  action: 'ALLOW',
  rules: [{ to: [{ operation: { hosts: ['shop.apps.example.com'] } }] }],
});

function mesh(...extra: Obj[]) {
  return model(
    meshConfigMap('internal.example'),
    namespace('istio-ingress', injected),
    ...ingress,
    hostRule,
    ...extra,
  );
}

const portsOf = (m: ReturnType<typeof mesh>) =>
  m
    .resolveWorkload('c1/istio-ingress/ingressgateway')
    .ports.map(p => [p.port, p.protocol]);

const zt012 = (m: ReturnType<typeof mesh>) =>
  analyze(m).findings.filter(f => f.code === 'ZT012');

// IsHTTPServer and IsHTTPSServerWithTLSTermination (pkg/config/gateway/gateway.go),
// buildGatewayTCPBasedFilterChains (pilot/pkg/networking/core/gateway.go), resolvePorts
// (pilot/pkg/model/gateway.go); https://istio.io/latest/docs/reference/config/networking/gateway/#Port
describe("a gateway's ports, from its Gateway servers' protocols", () => {
  it.each([
    [
      'HTTPS terminated (SIMPLE): HTTP',
      server(443, 'HTTPS', { mode: 'SIMPLE', credentialName: 'c' }),
      'http',
    ],
    [
      'HTTPS terminated (MUTUAL): HTTP',
      server(443, 'HTTPS', { mode: 'MUTUAL', credentialName: 'c' }),
      'http',
    ],
    [
      'HTTPS passed through: TCP',
      server(443, 'HTTPS', { mode: 'PASSTHROUGH' }),
      'tcp',
    ],
    [
      'TLS terminated (SIMPLE): TCP',
      server(443, 'TLS', { mode: 'SIMPLE', credentialName: 'c' }),
      'tcp',
    ],
    ['TCP: TCP', server(443, 'TCP'), 'tcp'],
    ['GRPC: HTTP', server(443, 'GRPC'), 'http'],
  ])('%s, at the Service port’s target port', (_, s, protocol) => {
    const ports = portsOf(mesh(gateway(s)));
    expect(ports).toContainEqual([8443, protocol]);
    // The port name "https" alone read it as TCP; no server names 80: its name stays.
    expect(ports).toContainEqual([8080, 'http']);
  });

  it('reads a server port no Service has as the pod port itself, and servers that disagree on a port as TCP', () => {
    expect(
      portsOf(mesh(gateway(server(9443, 'HTTPS', { mode: 'SIMPLE' })))),
    ).toContainEqual([9443, 'http']);
    const both = gateway(
      server(443, 'HTTPS', { mode: 'SIMPLE', credentialName: 'c' }),
      {
        ...server(443, 'TLS', { mode: 'PASSTHROUGH' }),
        hosts: ['db.apps.example.com'],
      },
    );
    expect(portsOf(mesh(both))).toContainEqual([8443, 'tcp']);
  });

  it('gives a Gateway API gateway’s pods (the gateway-name label) the protocols of its listeners', () => {
    const listeners = [
      {
        name: 'https',
        port: 443,
        protocol: 'HTTPS',
        tls: { certificateRefs: [{ name: 'c' }] },
      },
      {
        name: 'tls',
        port: 8443,
        protocol: 'TLS',
        tls: { mode: 'Passthrough' },
      },
    ];
    const m = model(
      meshConfigMap('internal.example'),
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'web', namespace: 'istio-ingress' },
        spec: { gatewayClassName: 'istio', listeners },
      },
      deployment('istio-ingress', 'web-istio', {
        labels: { 'gateway.networking.k8s.io/gateway-name': 'web' },
        ports: [443, 8443],
      }),
      service('istio-ingress', 'web-istio', {
        selector: { 'gateway.networking.k8s.io/gateway-name': 'web' },
        ports: [
          { name: 'https', port: 443 },
          { name: 'tls', port: 8443 },
        ],
      }),
    );
    expect(
      m
        .resolveWorkload('c1/istio-ingress/web-istio')
        .ports.map(p => [p.port, p.protocol]),
    ).toEqual([
      [443, 'http'],
      [8443, 'tcp'],
    ]);
  });
});

describe('ZT012 on a gateway reads its servers, not its port names', () => {
  it.each([
    [
      'a TLS-terminating HTTPS server',
      server(443, 'HTTPS', { mode: 'SIMPLE', credentialName: 'c' }),
      0,
    ],
    [
      'an HTTPS server passed through',
      server(443, 'HTTPS', { mode: 'PASSTHROUGH' }),
      1,
    ],
    [
      'a TLS server',
      server(443, 'TLS', { mode: 'SIMPLE', credentialName: 'c' }),
      1,
    ],
    ['a TCP server', server(443, 'TCP'), 1],
  ])('%s with host rules', (_, s, count) => {
    // Where it fires, it names the gateway's target port.
    expect(
      zt012(mesh(gateway(s))).filter(f =>
        f.message.includes('c1/istio-ingress/ingressgateway:8443'),
      ),
    ).toHaveLength(count);
  });

  it('lets check decide the host rule on a terminated HTTPS port (HTTP there, so the host is read)', () => {
    const m = mesh(
      gateway(server(443, 'HTTPS', { mode: 'SIMPLE', credentialName: 'c' })),
      namespace('shop', injected),
      deployment('shop', 'web', { labels: { app: 'web' } }),
    );
    const ask = (host: string) =>
      check(m, {
        from: 'shop/web',
        to: 'istio-ingress/ingressgateway',
        port: 8443,
        host,
      }).decision;
    expect(ask('shop.apps.example.com')).toBe('ALLOW');
    expect(ask('admin.apps.example.com')).toBe('DENY');
  });
});
