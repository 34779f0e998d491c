import {
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { workloadView } from '../report/analyze';

type Objects = Record<string, any>[];

const ingressPod = deployment('istio-ingress', 'ingress', {
  labels: { istio: 'ingressgateway' },
  annotations: { 'inject.istio.io/templates': 'gateway' },
  ports: [8080, 8443],
});

const gateway = (servers: unknown[], selector = { istio: 'ingressgateway' }) =>
  networking('Gateway', 'istio-ingress', 'public', { selector, servers });

const https = {
  port: { number: 443, name: 'https', protocol: 'HTTPS' },
  hosts: ['*.apps.example.com'],
  tls: { mode: 'SIMPLE', credentialName: 'apps-cert' },
};

const route = (extra: Record<string, unknown> = {}) =>
  networking('VirtualService', 'bookinfo', 'productpage', {
    hosts: ['bookinfo.apps.example.com'],
    gateways: ['istio-ingress/public'],
    http: [
      {
        match: [{ uri: { prefix: '/productpage' } }],
        route: [
          { destination: { host: 'productpage', port: { number: 9080 } } },
        ],
      },
    ],
    ...extra,
  });

function mesh(...extra: Objects) {
  return model(
    meshConfigMap('internal.example'),
    namespace('istio-ingress', injected),
    namespace('bookinfo', injected),
    ingressPod,
    ...meshApp('bookinfo', 'productpage', {
      labels: { app: 'productpage' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...meshApp('bookinfo', 'ratings', {
      labels: { app: 'ratings' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...extra,
  );
}

const exposure = (m: ReturnType<typeof mesh>, id = 'c1/bookinfo/productpage') =>
  workloadView(m.resolveWorkload(id), m).exposure;

// https://istio.io/latest/docs/reference/config/networking/gateway/ and
// https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-gateways
describe('exposure through Istio Gateways', () => {
  it('follows Gateway (selector, server) and VirtualService (gateways, host, route) to the workload', () => {
    const m = mesh(gateway([https]), route());
    expect(exposure(m)).toEqual([
      {
        gateway: 'istio-ingress/public',
        gatewayWorkloads: ['c1/istio-ingress/ingress'],
        host: 'bookinfo.apps.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: 'SIMPLE',
        virtualService: 'bookinfo/productpage',
        match: ['uri prefix /productpage'],
        service: 'bookinfo/productpage',
        gatewayPolicies: [],
        reach: {
          from: 'unknown',
          services: [],
          note: 'no Service in the snapshot selects the gateway workloads (as for a gateway installed from a Helm chart that is not rendered, whose Service is LoadBalancer by default), so it is taken as reachable from outside',
        },
      },
    ]);
    // Another service of the namespace is not exposed.
    expect(exposure(m, 'c1/bookinfo/ratings')).toBeUndefined();
  });

  it('says "none" for a server without TLS, and marks an HTTPS redirect', () => {
    const plain = {
      port: { number: 80, name: 'http', protocol: 'HTTP' },
      hosts: ['*'],
    };
    const redirect = { ...plain, tls: { httpsRedirect: true } };
    expect(exposure(mesh(gateway([plain]), route()))![0]).toMatchObject({
      port: 80,
      tls: 'none',
    });
    // A tls block without a mode is PASSTHROUGH (the enum's zero value).
    expect(exposure(mesh(gateway([redirect]), route()))![0]).toMatchObject({
      tls: 'PASSTHROUGH',
      httpsRedirect: true,
    });
  });

  it('binds a Gateway whose selector matches no pod to no workload', () => {
    const found = exposure(mesh(gateway([https], { istio: 'none' }), route()));
    expect(found![0].gatewayWorkloads).toEqual([]);
  });

  it.each([
    [
      'a server whose hosts do not admit the VirtualService host',
      gateway([{ ...https, hosts: ['*.other.example.com'] }]),
      route(),
    ],
    [
      "a server admitting only the Gateway's own namespace",
      gateway([{ ...https, hosts: ['./*'] }]),
      route(),
    ],
    [
      'a VirtualService for the mesh only',
      gateway([https]),
      route({ gateways: ['mesh'] }),
    ],
  ])('exposes nothing through %s', (_, gw, vs) => {
    expect(exposure(mesh(gw, vs))).toBeUndefined();
  });

  it("lists the gateway's own AuthorizationPolicies in the path", () => {
    const policy = authorizationPolicy('istio-ingress', 'ingress-jwt', {
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }],
    });
    expect(exposure(mesh(gateway([https]), route(), policy))![0]).toMatchObject(
      {
        gatewayPolicies: ['istio-ingress/ingress-jwt'],
      },
    );
  });

  it('carries TLS routes only on passthrough servers', () => {
    const passthrough = {
      port: { number: 443, name: 'tls', protocol: 'TLS' },
      hosts: ['bookinfo.apps.example.com'],
      tls: { mode: 'PASSTHROUGH' },
    };
    const tlsRoute = networking('VirtualService', 'bookinfo', 'productpage', {
      hosts: ['bookinfo.apps.example.com'],
      gateways: ['istio-ingress/public'],
      tls: [
        {
          match: [{ sniHosts: ['bookinfo.apps.example.com'], port: 443 }],
          route: [
            { destination: { host: 'productpage.bookinfo.svc.cluster.local' } },
          ],
        },
      ],
    });
    expect(exposure(mesh(gateway([passthrough]), tlsRoute))![0]).toMatchObject({
      tls: 'PASSTHROUGH',
      protocol: 'TLS',
    });
    expect(exposure(mesh(gateway([https]), tlsRoute))).toBeUndefined();
  });
});
