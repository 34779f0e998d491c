import {
  authorizationPolicy,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
} from '../__fixtures__/manifests';
import { analyze, workloadView } from '../report/analyze';
import { edgeInventories } from '../report/inventory';

type Obj = Record<string, any>;

const gatewayApi = (
  kind: string,
  ns: string,
  name: string,
  spec: Obj,
): Obj => ({
  apiVersion: `gateway.networking.k8s.io/${
    kind === 'TLSRoute' || kind === 'TCPRoute' ? 'v1alpha2' : 'v1'
  }`,
  kind,
  metadata: { name, namespace: ns },
  spec,
});

const httpsListener = {
  name: 'https',
  hostname: '*.apps.example.com',
  port: 443,
  protocol: 'HTTPS',
  tls: { mode: 'Terminate', certificateRefs: [{ name: 'apps-cert' }] },
  allowedRoutes: { namespaces: { from: 'All' } },
};

const ingress = (listeners: Obj[] = [httpsListener], className = 'istio') =>
  gatewayApi('Gateway', 'istio-ingress', 'public', {
    gatewayClassName: className,
    listeners,
  });

const httpRoute = (spec: Obj = {}, ns = 'bookinfo', name = 'productpage') =>
  gatewayApi('HTTPRoute', ns, name, {
    parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
    hostnames: ['bookinfo.apps.example.com'],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/productpage/' } }],
        backendRefs: [{ name: 'productpage', port: 9080 }],
      },
    ],
    ...spec,
  });

function mesh(...extra: Obj[]) {
  return model(
    meshConfigMap('internal.example'),
    namespace('istio-ingress', {
      'kubernetes.io/metadata.name': 'istio-ingress',
    }),
    namespace('bookinfo', { ...injected, exposed: 'yes' }),
    namespace('shop', injected),
    ...meshApp('bookinfo', 'productpage', {
      labels: { app: 'productpage' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...meshApp('shop', 'cart', {
      labels: { app: 'cart' },
      servicePorts: [{ name: 'grpc', port: 7070 }],
    }),
    ...extra,
  );
}

const exposure = (m: ReturnType<typeof mesh>, id = 'c1/bookinfo/productpage') =>
  workloadView(m.resolveWorkload(id), m).exposure ?? [];

// istio/istio pilot/pkg/config/kube/gateway/ (conversion.go, route_collections.go,
// gateway_collection.go) and https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
describe('exposure through Gateway API Gateways of class istio', () => {
  it('follows Gateway (listener) and HTTPRoute (parentRefs, hostnames, backendRefs) to the workload, as the Istio Gateway path does', () => {
    expect(exposure(mesh(ingress(), httpRoute()))).toEqual([
      {
        gateway: 'istio-ingress/public',
        gatewayClass: 'istio',
        listener: 'https',
        gatewayWorkloads: [],
        host: 'bookinfo.apps.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: 'SIMPLE',
        virtualService: 'bookinfo/productpage',
        routeKind: 'HTTPRoute',
        // createURIMatch drops a prefix's trailing slash.
        match: ['uri prefix /productpage'],
        service: 'bookinfo/productpage',
        gatewayPolicies: [],
        // No pod nor Service in the snapshot: the one istiod creates, LoadBalancer.
        reach: {
          from: 'outside',
          services: ['istio-ingress/public-istio (LoadBalancer)'],
          note: 'istiod creates the Service (not in the snapshot) of the type the networking.istio.io/service-type annotation names, LoadBalancer by default',
        },
      },
    ]);
    expect(exposure(mesh(ingress(), httpRoute()), 'c1/shop/cart')).toEqual([]);
  });

  it.each([
    ['the waypoint class', ingress([httpsListener], 'istio-waypoint')],
    ['another controller', ingress([httpsListener], 'nginx')],
  ])('reads no exposure through a Gateway of %s', (_, gw) => {
    expect(exposure(mesh(gw, httpRoute()))).toEqual([]);
  });

  // referenceAllowed and namespacesFromSelector (conversion.go),
  // GenerateGatewaySupportedKinds (gatewaycommon/conversion.go).
  it.each([
    [
      'a parentRef without namespace (the route’s own)',
      { parentRefs: [{ name: 'public' }] },
      {},
      0,
    ],
    [
      'a sectionName naming the listener',
      {
        parentRefs: [
          { name: 'public', namespace: 'istio-ingress', sectionName: 'https' },
        ],
      },
      {},
      1,
    ],
    [
      'a sectionName naming another listener',
      {
        parentRefs: [
          { name: 'public', namespace: 'istio-ingress', sectionName: 'http' },
        ],
      },
      {},
      0,
    ],
    [
      'a port naming another listener',
      {
        parentRefs: [{ name: 'public', namespace: 'istio-ingress', port: 80 }],
      },
      {},
      0,
    ],
    [
      'a hostname outside the listener’s',
      { hostnames: ['shop.other.example.com'] },
      {},
      0,
    ],
    [
      'allowedRoutes Same (the default), route elsewhere',
      {},
      { allowedRoutes: undefined },
      0,
    ],
    [
      'allowedRoutes Selector matching the namespace',
      {},
      {
        allowedRoutes: {
          namespaces: {
            from: 'Selector',
            selector: { matchLabels: { exposed: 'yes' } },
          },
        },
      },
      1,
    ],
    [
      'allowedRoutes Selector by metadata.name of another',
      {},
      {
        allowedRoutes: {
          namespaces: {
            from: 'Selector',
            selector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'shop' },
            },
          },
        },
      },
      0,
    ],
    [
      'allowedRoutes kinds without HTTPRoute',
      {},
      {
        allowedRoutes: {
          namespaces: { from: 'All' },
          kinds: [{ kind: 'GRPCRoute' }],
        },
      },
      0,
    ],
    [
      'allowedRoutes kinds empty (the protocol’s kinds)',
      {},
      { allowedRoutes: { namespaces: { from: 'All' }, kinds: [] } },
      1,
    ],
    [
      'an HTTPS listener without a tls block (istiod builds no server)',
      {},
      { tls: undefined },
      0,
    ],
  ])('%s', (_, routeSpec, listenerSpec, count) => {
    const listener = { ...httpsListener, ...listenerSpec };
    expect(
      exposure(mesh(ingress([listener]), httpRoute(routeSpec))),
    ).toHaveLength(count);
  });

  it('serves a route without hostnames on the listener’s hostname, and a wider route host on the narrower listener host', () => {
    const narrow = { ...httpsListener, hostname: 'bookinfo.apps.example.com' };
    expect(
      exposure(mesh(ingress(), httpRoute({ hostnames: [] })))[0].host,
    ).toBe('*.apps.example.com');
    expect(
      exposure(
        mesh(ingress([narrow]), httpRoute({ hostnames: ['*.example.com'] })),
      )[0].host,
    ).toBe('bookinfo.apps.example.com');
  });

  it('leaves a wildcard listener the hosts a more specific listener on the same port takes (hostnameAllowedByIsolation)', () => {
    const specific = {
      ...httpsListener,
      name: 'bookinfo',
      hostname: 'bookinfo.apps.example.com',
    };
    expect(
      exposure(mesh(ingress([httpsListener, specific]), httpRoute())).map(
        x => x.listener,
      ),
    ).toEqual(['bookinfo']);
  });

  it.each([
    [
      'Terminate as SIMPLE',
      { mode: 'Terminate', certificateRefs: [{ name: 'c' }] },
      'SIMPLE',
    ],
    [
      'Terminate with tls-terminate-mode MUTUAL as MUTUAL',
      {
        certificateRefs: [{ name: 'c' }],
        options: { 'gateway.istio.io/tls-terminate-mode': 'MUTUAL' },
      },
      'MUTUAL',
    ],
    [
      'Terminate with tls-terminate-mode ISTIO_MUTUAL as ISTIO_MUTUAL',
      { options: { 'gateway.istio.io/tls-terminate-mode': 'ISTIO_MUTUAL' } },
      'ISTIO_MUTUAL',
    ],
  ])('reads tls %s (buildTLS)', (_, tls, mode) => {
    expect(
      exposure(mesh(ingress([{ ...httpsListener, tls }]), httpRoute()))[0].tls,
    ).toBe(mode);
  });

  it('reads an HTTP listener as no TLS', () => {
    const http = {
      name: 'http',
      port: 80,
      protocol: 'HTTP',
      allowedRoutes: { namespaces: { from: 'All' } },
    };
    expect(exposure(mesh(ingress([http]), httpRoute()))[0]).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      tls: 'none',
      host: 'bookinfo.apps.example.com',
    });
  });

  it('follows TLSRoutes on Passthrough TLS listeners, GRPCRoutes with their method as a path', () => {
    const passthrough = {
      name: 'tls',
      hostname: 'cart.apps.example.com',
      port: 8443,
      protocol: 'TLS',
      tls: { mode: 'Passthrough' },
      allowedRoutes: { namespaces: { from: 'All' } },
    };
    const tlsRoute = gatewayApi('TLSRoute', 'shop', 'cart', {
      parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
      hostnames: ['cart.apps.example.com'],
      rules: [{ backendRefs: [{ name: 'cart', port: 7070 }] }],
    });
    const grpcRoute = gatewayApi('GRPCRoute', 'shop', 'cart-grpc', {
      parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
      hostnames: ['cart.apps.example.com'],
      rules: [
        {
          matches: [{ method: { service: 'shop.Cart', method: 'Get' } }],
          backendRefs: [{ name: 'cart', port: 7070 }],
        },
      ],
    });
    const m = mesh(ingress([passthrough, httpsListener]), tlsRoute, grpcRoute);
    expect(
      exposure(m, 'c1/shop/cart').map(x => [
        x.routeKind,
        x.listener,
        x.tls,
        x.match,
      ]),
    ).toEqual([
      ['TLSRoute', 'tls', 'PASSTHROUGH', undefined],
      ['GRPCRoute', 'https', 'SIMPLE', ['uri exact /shop.Cart/Get']],
    ]);
  });

  it('reaches a Service of another namespace only with a ReferenceGrant there (buildDestination, BackendAllowed)', () => {
    const route = httpRoute(
      {
        rules: [
          {
            backendRefs: [
              { name: 'productpage', namespace: 'bookinfo', port: 9080 },
            ],
          },
        ],
      },
      'shop',
      'to-bookinfo',
    );
    expect(exposure(mesh(ingress(), route))).toEqual([]);
    const grant = (from: Obj) =>
      gatewayApi('ReferenceGrant', 'bookinfo', 'from-shop', {
        from: [
          {
            group: 'gateway.networking.k8s.io',
            kind: 'HTTPRoute',
            namespace: 'shop',
            ...from,
          },
        ],
        to: [{ group: '', kind: 'Service' }],
      });
    expect(exposure(mesh(ingress(), route, grant({})))).toHaveLength(1);
    expect(
      exposure(mesh(ingress(), route, grant({ kind: 'GRPCRoute' }))),
    ).toEqual([]);
  });

  // ShouldAttachPolicy (pilot/pkg/model/policyattachment.go) and kube-gateway.yaml's labels.
  it("lists the gateway's policies: targetRefs to its Gateway, selectors matching its pods", () => {
    const byRef = authorizationPolicy('istio-ingress', 'jwt', {
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' },
      ],
      rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }],
    });
    const bySelector = authorizationPolicy('istio-ingress', 'by-label', {
      selector: {
        matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
      },
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
    });
    const otherGateway = authorizationPolicy('istio-ingress', 'other', {
      targetRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'internal',
        },
      ],
    });
    const elsewhere = authorizationPolicy('bookinfo', 'not-here', {
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' },
      ],
    });
    const m = mesh(
      ingress(),
      httpRoute(),
      byRef,
      bySelector,
      otherGateway,
      elsewhere,
    );
    // The GitOps repository holds no Deployment: the labels istiod gives it decide.
    expect(exposure(m)[0]).toMatchObject({
      gatewayWorkloads: [],
      gatewayPolicies: ['istio-ingress/jwt', 'istio-ingress/by-label'],
    });
    // A live cluster holds it: public-istio, with the gateway-name label.
    const pod = deployment('istio-ingress', 'public-istio', {
      labels: {
        'gateway.networking.k8s.io/gateway-name': 'public',
        'sidecar.istio.io/inject': 'false',
      },
    });
    const live = mesh(ingress(), httpRoute(), byRef, bySelector, pod);
    expect(exposure(live)[0]).toMatchObject({
      gatewayWorkloads: ['c1/istio-ingress/public-istio'],
      gatewayPolicies: ['istio-ingress/jwt', 'istio-ingress/by-label'],
    });
  });

  it('lists the way in in the exposure inventory and raises ZT037 where no policy is in the path', () => {
    const m = mesh(ingress(), httpRoute());
    expect(edgeInventories(m).exposure).toEqual([
      expect.objectContaining({
        gateway: 'istio-ingress/public',
        gatewayClass: 'istio',
        routeKind: 'HTTPRoute',
        virtualService: 'bookinfo/productpage',
        workloads: ['c1/bookinfo/productpage'],
      }),
    ]);
    expect(
      analyze(m)
        .findings.filter(f => f.code === 'ZT037')
        .map(f => f.message),
    ).toEqual([
      'c1/bookinfo/productpage is reachable from outside through bookinfo.apps.example.com (Gateway istio-ingress/public), and neither the gateway workloads nor c1/bookinfo/productpage enforce any AuthorizationPolicy: every request the gateway accepts reaches it.',
    ]);
  });
});

// TCPRouteCollection (route_collections.go: host `*`, one VirtualService of tcp routes
// per parent), convertTCPRoute and buildTCPDestination (conversion.go),
// GenerateGatewaySupportedKinds (gatewaycommon/conversion.go: TCP, and TLS that
// terminates) in istio/istio pilot/pkg/config/kube/.
describe('exposure through TCPRoutes', () => {
  const tcpListener = {
    name: 'postgres',
    port: 5432,
    protocol: 'TCP',
    allowedRoutes: { namespaces: { from: 'All' } },
  };
  const tcpRoute = (spec: Obj = {}, ns = 'shop', name = 'orders-db') =>
    gatewayApi('TCPRoute', ns, name, {
      parentRefs: [{ name: 'public', namespace: 'istio-ingress' }],
      rules: [{ backendRefs: [{ name: 'orders-db', port: 5432 }] }],
      ...spec,
    });
  const db = meshApp('shop', 'orders-db', {
    labels: { app: 'orders-db' },
    servicePorts: [{ name: 'tcp-postgres', port: 5432 }],
  });
  const dbExposure = (listeners: Obj[], ...extra: Obj[]) =>
    exposure(mesh(ingress(listeners), ...db, ...extra), 'c1/shop/orders-db');

  it('follows a TCPRoute on a TCP listener to the workload behind its backendRef', () => {
    expect(dbExposure([tcpListener], tcpRoute())).toEqual([
      {
        gateway: 'istio-ingress/public',
        gatewayClass: 'istio',
        listener: 'postgres',
        gatewayWorkloads: [],
        // No hostnames: any host the gateway's address is reached by.
        host: '*',
        port: 5432,
        protocol: 'TCP',
        tls: 'none',
        virtualService: 'shop/orders-db',
        routeKind: 'TCPRoute',
        service: 'shop/orders-db',
        gatewayPolicies: [],
        reach: {
          from: 'outside',
          services: ['istio-ingress/public-istio (LoadBalancer)'],
          note: 'istiod creates the Service (not in the snapshot) of the type the networking.istio.io/service-type annotation names, LoadBalancer by default',
        },
      },
    ]);
    // Its backend only: the other workloads stay unexposed.
    expect(
      exposure(mesh(ingress([tcpListener]), ...db, tcpRoute()), 'c1/shop/cart'),
    ).toEqual([]);
  });

  it.each([
    ['a sectionName naming the listener', { sectionName: 'postgres' }, 1],
    ['a sectionName naming another listener', { sectionName: 'https' }, 0],
    ['a port naming the listener', { port: 5432 }, 1],
    ['a port naming another listener', { port: 443 }, 0],
    ['a parentRef to another Gateway', { name: 'internal' }, 0],
  ])('%s', (_, parent, count) => {
    const route = tcpRoute({
      parentRefs: [{ name: 'public', namespace: 'istio-ingress', ...parent }],
    });
    expect(dbExposure([tcpListener, httpsListener], route)).toHaveLength(count);
  });

  it.each([
    ['allowedRoutes Same (the default), route elsewhere', undefined, 0],
    [
      'allowedRoutes Selector not matching the route’s namespace',
      {
        namespaces: {
          from: 'Selector',
          selector: { matchLabels: { exposed: 'yes' } },
        },
      },
      0,
    ],
    [
      'allowedRoutes Selector matching it',
      {
        namespaces: {
          from: 'Selector',
          selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        },
      },
      1,
    ],
    [
      'allowedRoutes kinds with TCPRoute',
      { namespaces: { from: 'All' }, kinds: [{ kind: 'TCPRoute' }] },
      1,
    ],
    [
      'allowedRoutes kinds without TCPRoute',
      { namespaces: { from: 'All' }, kinds: [{ kind: 'TLSRoute' }] },
      0,
    ],
    [
      'allowedRoutes kinds naming TCPRoute of another group',
      {
        namespaces: { from: 'All' },
        kinds: [{ group: 'example.com', kind: 'TCPRoute' }],
      },
      0,
    ],
  ])('%s', (_, allowedRoutes, count) => {
    expect(
      dbExposure([{ ...tcpListener, allowedRoutes }], tcpRoute()),
    ).toHaveLength(count);
  });

  it.each([
    ['an HTTP listener', { protocol: 'HTTP', port: 80 }],
    ['an HTTPS listener', { ...httpsListener, name: 'postgres' }],
    [
      'a Passthrough TLS listener',
      { protocol: 'TLS', port: 5433, tls: { mode: 'Passthrough' } },
    ],
    ['a UDP listener (no server on an ingress gateway)', { protocol: 'UDP' }],
  ])('does not attach to %s', (_, listener) => {
    expect(dbExposure([{ ...tcpListener, ...listener }], tcpRoute())).toEqual(
      [],
    );
  });

  it('attaches to a TLS listener that terminates, on its hostname, whatever hostnames a manifest sets', () => {
    const terminate = {
      name: 'postgres-tls',
      hostname: 'db.apps.example.com',
      port: 5433,
      protocol: 'TLS',
      tls: { mode: 'Terminate', certificateRefs: [{ name: 'db-cert' }] },
      allowedRoutes: { namespaces: { from: 'All' } },
    };
    // A TCPRoute has no hostnames field: the CRD prunes it, istiod binds `*`.
    const route = tcpRoute({ hostnames: ['elsewhere.example.org'] });
    expect(
      dbExposure([terminate], route).map(x => [
        x.listener,
        x.host,
        x.protocol,
        x.tls,
        x.routeKind,
      ]),
    ).toEqual([
      ['postgres-tls', 'db.apps.example.com', 'TLS', 'SIMPLE', 'TCPRoute'],
    ]);
  });

  it('reaches a Service of another namespace only with a ReferenceGrant from TCPRoutes there (buildDestination, BackendAllowed)', () => {
    const route = tcpRoute(
      {
        rules: [
          {
            backendRefs: [{ name: 'orders-db', namespace: 'shop', port: 5432 }],
          },
        ],
      },
      'bookinfo',
      'to-shop',
    );
    const grant = (kind: string) =>
      gatewayApi('ReferenceGrant', 'shop', 'from-bookinfo', {
        from: [
          { group: 'gateway.networking.k8s.io', kind, namespace: 'bookinfo' },
        ],
        to: [{ group: '', kind: 'Service', name: 'orders-db' }],
      });
    expect(dbExposure([tcpListener], route)).toEqual([]);
    expect(dbExposure([tcpListener], route, grant('HTTPRoute'))).toEqual([]);
    expect(
      dbExposure([tcpListener], route, grant('TCPRoute')).map(
        x => x.virtualService,
      ),
    ).toEqual(['bookinfo/to-shop']);
  });

  it('lists the way in in the exposure inventory and raises ZT037 where no policy is in the path', () => {
    const m = mesh(ingress([tcpListener]), ...db, tcpRoute());
    expect(edgeInventories(m).exposure).toEqual([
      expect.objectContaining({
        gateway: 'istio-ingress/public',
        listener: 'postgres',
        port: 5432,
        protocol: 'TCP',
        routeKind: 'TCPRoute',
        virtualService: 'shop/orders-db',
        service: 'shop/orders-db',
        workloads: ['c1/shop/orders-db'],
      }),
    ]);
    const zt037 = (mm: ReturnType<typeof mesh>) =>
      analyze(mm)
        .findings.filter(f => f.code === 'ZT037')
        .map(f => f.message);
    expect(zt037(m)).toEqual([
      'c1/shop/orders-db is reachable from outside through * (Gateway istio-ingress/public), and neither the gateway workloads nor c1/shop/orders-db enforce any AuthorizationPolicy: every request the gateway accepts reaches it.',
    ]);
    const onGateway = authorizationPolicy('istio-ingress', 'allow-office', {
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' },
      ],
      rules: [{ from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }] }],
    });
    expect(
      zt037(mesh(ingress([tcpListener]), ...db, tcpRoute(), onGateway)),
    ).toEqual([]);
  });
});

describe('ZT036 on Gateway API listeners', () => {
  const http = (hostname?: string) => ({
    name: 'http',
    ...(hostname ? { hostname } : {}),
    port: 80,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'All' } },
  });
  const redirect = gatewayApi('HTTPRoute', 'istio-ingress', 'to-https', {
    parentRefs: [{ name: 'public', sectionName: 'http' }],
    rules: [
      {
        filters: [
          {
            type: 'RequestRedirect',
            requestRedirect: { scheme: 'https', statusCode: 301 },
          },
        ],
      },
    ],
  });
  const zt036 = (m: ReturnType<typeof mesh>) =>
    analyze(m).findings.filter(f => f.code === 'ZT036');

  it.each([
    [
      'an HTTP listener for any host with a route to a service',
      [http()],
      [
        httpRoute({
          parentRefs: [
            { name: 'public', namespace: 'istio-ingress', sectionName: 'http' },
          ],
        }),
      ],
      1,
    ],
    [
      'an HTTP listener on a public hostname with no route',
      [http('www.example.com')],
      [],
      1,
    ],
    [
      'an HTTP listener on a .internal hostname (private)',
      [http('shop.corp.internal')],
      [],
      0,
    ],
    [
      'an HTTP listener whose only route redirects to HTTPS',
      [http('*.apps.example.com')],
      [redirect],
      0,
    ],
    ['an HTTPS listener', [httpsListener], [httpRoute()], 0],
  ])('%s', (_, listeners, routes, count) => {
    expect(zt036(mesh(ingress(listeners), ...routes))).toHaveLength(count);
  });

  it('names the listener and the workloads it exposes', () => {
    const route = httpRoute({
      parentRefs: [
        { name: 'public', namespace: 'istio-ingress', sectionName: 'http' },
      ],
    });
    expect(zt036(mesh(ingress([http()]), route))[0].message).toBe(
      'Gateway istio-ingress/public (Gateway API, class istio) listener http serves HTTP on port 80 for any host without TLS and without only redirecting to HTTPS: requests to c1/bookinfo/productpage cross the network in the clear.',
    );
  });
});
