import {
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { analyze, workloadView } from '../report/analyze';
import { istioDefaultRetries } from './routes';

type Objects = Record<string, any>[];

/** shop/checkout (sidecar), with the mesh's outbound traffic policy. */
function shop(policy?: 'REGISTRY_ONLY' | 'ALLOW_ANY', ...extra: Objects) {
  return model(
    meshConfigMap(
      'internal.example',
      [],
      policy ? `outboundTrafficPolicy:\n  mode: ${policy}` : '',
    ),
    namespace('shop', injected),
    namespace('other', injected),
    ...meshApp('shop', 'checkout', {
      sa: 'checkout',
      labels: { app: 'checkout' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    ...extra,
  );
}

const view = (m: ReturnType<typeof shop>, id = 'c1/shop/checkout') =>
  workloadView(m.resolveWorkload(id), m);

const stripe = (exportTo?: string[], ns = 'shop') =>
  networking('ServiceEntry', ns, 'stripe', {
    hosts: ['api.stripe.com'],
    ...(exportTo ? { exportTo } : {}),
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
  });

// https://istio.io/latest/docs/reference/config/networking/sidecar/ and
// https://istio.io/latest/docs/reference/config/networking/service-entry/ (exportTo).
describe('egress', () => {
  it.each([
    ['no setting: Istio defaults to ALLOW_ANY', undefined, 'ALLOW_ANY', true],
    [
      'REGISTRY_ONLY in the mesh config',
      'REGISTRY_ONLY',
      'REGISTRY_ONLY',
      false,
    ],
  ] as const)('%s', (_, policy, expected, anyHost) => {
    expect(view(shop(policy)).egress).toEqual({
      outboundTrafficPolicy: expected,
      decidedBy: 'mesh config',
      anyHost,
      hosts: [],
    });
  });

  it('lists each external host exported to the namespace, direct', () => {
    const m = shop('REGISTRY_ONLY', stripe(['.']));
    expect(view(m).egress!.hosts).toEqual([
      {
        host: 'api.stripe.com',
        ports: [{ number: 443, protocol: 'TLS' }],
        serviceEntry: 'shop/stripe',
        how: 'direct',
      },
    ]);
  });

  it.each([
    ['exported to its own namespace only, from another', ['.'], 'other', 0],
    ['exported to the namespace by name', ['shop'], 'other', 1],
    ['exported everywhere (the default)', undefined, 'other', 1],
    ['exported to no one', ['~'], 'shop', 0],
  ])('%s', (_, exportTo, ns, count) => {
    const m = shop('REGISTRY_ONLY', stripe(exportTo, ns));
    expect(view(m).egress!.hosts).toHaveLength(count);
  });

  it('leaves out MESH_INTERNAL entries (they are services of the mesh)', () => {
    const internal = networking('ServiceEntry', 'shop', 'vm', {
      hosts: ['legacy.internal'],
      location: 'MESH_INTERNAL',
      ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
    });
    expect(view(shop('REGISTRY_ONLY', internal)).egress!.hosts).toEqual([]);
  });

  it("takes the Sidecar's outboundTrafficPolicy over the mesh's, the workload's own Sidecar over the namespace's", () => {
    const nsWide = networking('Sidecar', 'shop', 'default', {
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(view(shop(undefined, nsWide)).egress).toMatchObject({
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      decidedBy: 'Sidecar shop/default',
      anyHost: false,
    });
    const own = networking('Sidecar', 'shop', 'checkout', {
      workloadSelector: { labels: { app: 'checkout' } },
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    });
    expect(view(shop(undefined, nsWide, own)).egress).toMatchObject({
      outboundTrafficPolicy: 'ALLOW_ANY',
      decidedBy: 'Sidecar shop/checkout',
    });
    // The root namespace's Sidecar is the mesh-wide default.
    const root = networking('Sidecar', 'istio-system', 'default', {
      outboundTrafficPolicy: {},
    });
    expect(view(shop('ALLOW_ANY', root)).egress).toMatchObject({
      outboundTrafficPolicy: 'REGISTRY_ONLY',
      decidedBy: 'Sidecar istio-system/default',
    });
  });

  it("blocks a registered host the Sidecar's egress hosts do not import under REGISTRY_ONLY", () => {
    const scoped = networking('Sidecar', 'shop', 'default', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    const m = shop('REGISTRY_ONLY', stripe(['*'], 'other'), scoped);
    expect(view(m).egress).toMatchObject({
      sidecar: 'shop/default',
      hosts: [{ host: 'api.stripe.com', how: 'blocked' }],
    });
    const imports = networking('Sidecar', 'shop', 'default', {
      egress: [{ hosts: ['./*', 'other/api.stripe.com'] }],
    });
    expect(
      view(shop('REGISTRY_ONLY', stripe(['*'], 'other'), imports)).egress!
        .hosts[0].how,
    ).toBe('direct');
  });

  it('reads "." in the root Sidecar as the workload\'s namespace, and ~ entries as exclusions', () => {
    // pilot/pkg/model/sidecar.go: the root Sidecar's scope is built per namespace.
    const root = networking('Sidecar', 'istio-system', 'default', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    expect(view(shop('REGISTRY_ONLY', stripe(), root)).egress).toMatchObject({
      sidecar: 'istio-system/default',
      hosts: [{ host: 'api.stripe.com', how: 'direct' }],
    });
    const excluding = networking('Sidecar', 'shop', 'default', {
      egress: [{ hosts: ['*/*', '~/api.stripe.com'] }],
    });
    expect(
      view(shop('REGISTRY_ONLY', stripe(), excluding)).egress!.hosts[0].how,
    ).toBe('blocked');
  });

  it('says where a VirtualService routes the host through an egress gateway', () => {
    const route = networking('VirtualService', 'shop', 'stripe-via-egress', {
      hosts: ['api.stripe.com'],
      gateways: ['mesh', 'istio-system/egress'],
      tls: [
        {
          match: [{ gateways: ['mesh'], sniHosts: ['api.stripe.com'] }],
          route: [
            {
              destination: {
                host: 'istio-egressgateway.istio-system.svc.cluster.local',
                port: { number: 443 },
              },
            },
          ],
        },
      ],
    });
    expect(view(shop('REGISTRY_ONLY', stripe(), route)).egress!.hosts).toEqual([
      expect.objectContaining({
        how: 'egress-gateway',
        via: {
          host: 'istio-egressgateway.istio-system.svc.cluster.local',
          virtualService: 'shop/stripe-via-egress',
        },
      }),
    ]);
  });
});

// https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute and
// istio/istio pilot/pkg/networking/core/route/retry/retry.go (the default policy).
describe('routes', () => {
  const host = 'checkout.shop.svc.cluster.local';

  it("gives a service without a VirtualService Istio's defaults: no timeout, 2 retries", () => {
    expect(view(shop()).routes).toEqual([
      {
        host,
        timeout: null,
        retries: {
          attempts: 2,
          retryOn:
            'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
          istioDefault: true,
        },
      },
    ]);
    expect(istioDefaultRetries.attempts).toBe(2);
  });

  it.each([
    ['the FQDN', host],
    ['a short name in its namespace', 'checkout'],
    ['name.namespace', 'checkout.shop'],
    ['a wildcard', '*.shop.svc.cluster.local'],
  ])("reads the VirtualService's timeout and retries for %s", (_, name) => {
    const vs = networking('VirtualService', 'shop', 'checkout', {
      hosts: [name],
      http: [
        {
          match: [{ method: { exact: 'POST' } }],
          route: [{ destination: { host: name } }],
          timeout: '5s',
        },
        {
          route: [{ destination: { host: name } }],
          timeout: '30s',
          retries: { attempts: 3, perTryTimeout: '10s', retryOn: '5xx' },
        },
      ],
    });
    expect(view(shop(undefined, vs)).routes).toEqual([
      {
        host,
        virtualService: 'shop/checkout',
        match: ['method exact POST'],
        timeout: '5s',
        retries: { ...istioDefaultRetries, istioDefault: true },
      },
      {
        host,
        virtualService: 'shop/checkout',
        timeout: '30s',
        retries: { attempts: 3, perTryTimeout: '10s', retryOn: '5xx' },
      },
    ]);
  });

  it("ignores a gateway's VirtualService and a short name from another namespace", () => {
    const ingress = networking('VirtualService', 'shop', 'public', {
      hosts: ['shop.example.com'],
      gateways: ['shop-gateway'],
      http: [{ route: [{ destination: { host } }], timeout: '1s' }],
    });
    const elsewhere = networking('VirtualService', 'other', 'checkout', {
      hosts: ['checkout'],
      http: [{ route: [{ destination: { host: 'checkout' } }], timeout: '1s' }],
    });
    expect(view(shop(undefined, ingress, elsewhere)).routes![0]).toMatchObject({
      timeout: null,
      retries: { istioDefault: true },
    });
  });

  it("shows the DestinationRule's outlier detection", () => {
    const dr = destinationRule('shop', 'checkout', {
      host,
      trafficPolicy: {
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s' },
      },
    });
    expect(view(shop(undefined, dr)).routes![0].outlierDetection).toEqual({
      consecutive5xxErrors: 5,
      interval: '10s',
      destinationRule: 'shop/checkout',
    });
  });

  // https://istio.io/latest/docs/reference/config/networking/destination-rule/#ConnectionPoolSettings
  // and #TrafficPolicy-PortTrafficPolicy; the merge follows MergeSubsetTrafficPolicy
  // (pilot/pkg/networking/util/util.go) and MergeTrafficPolicy (pilot/pkg/model/destination_rule.go).
  const pool = (
    maxConnections: number,
    extra: Record<string, unknown> = {},
  ) => ({
    tcp: { maxConnections, connectTimeout: '3s' },
    http: { http1MaxPendingRequests: 10, maxRetries: 2, ...extra },
  });
  const outlier = { consecutive5xxErrors: 5, interval: '10s' };

  it("shows the DestinationRule's connection pool beside its outlier detection", () => {
    const dr = destinationRule('shop', 'checkout', {
      host,
      trafficPolicy: {
        connectionPool: pool(100, {
          http2MaxRequests: 1000,
          maxRequestsPerConnection: 1,
        }),
        outlierDetection: outlier,
      },
    });
    const route = view(shop(undefined, dr)).routes![0];
    expect(route.connectionPool).toEqual({
      tcp: { maxConnections: 100, connectTimeout: '3s' },
      http: {
        http1MaxPendingRequests: 10,
        maxRetries: 2,
        http2MaxRequests: 1000,
        maxRequestsPerConnection: 1,
      },
      destinationRule: 'shop/checkout',
    });
    // Nothing differs by port or subset.
    expect(route.trafficPolicies).toBeUndefined();
  });

  const subsetRoute = (subset: string) =>
    networking('VirtualService', 'shop', 'checkout', {
      hosts: ['checkout'],
      http: [{ route: [{ destination: { host: 'checkout', subset } }] }],
    });

  it.each([
    [
      'a port-level entry replaces the top level wholesale (its outlier detection is not inherited)',
      {
        connectionPool: pool(100),
        outlierDetection: outlier,
        portLevelSettings: [
          { port: { number: 8080 }, connectionPool: pool(5) },
        ],
      },
      undefined,
      [
        {
          port: 8080,
          connectionPool: {
            tcp: { maxConnections: 5, connectTimeout: '3s' },
            http: { http1MaxPendingRequests: 10, maxRetries: 2 },
          },
        },
      ],
    ],
    [
      'a port-level entry for another port changes nothing here',
      {
        connectionPool: pool(100),
        portLevelSettings: [
          { port: { number: 9090 }, connectionPool: pool(5) },
        ],
      },
      undefined,
      undefined,
    ],
    [
      "a subset's connection pool overrides the top level's, its outlier detection inherited",
      { connectionPool: pool(100), outlierDetection: outlier },
      { connectionPool: pool(7) },
      [
        {
          port: 8080,
          subset: 'v2',
          connectionPool: {
            tcp: { maxConnections: 7, connectTimeout: '3s' },
            http: { http1MaxPendingRequests: 10, maxRetries: 2 },
          },
          outlierDetection: outlier,
        },
      ],
    ],
    [
      "a subset's port-level entry replaces all (nothing inherited)",
      { connectionPool: pool(100), outlierDetection: outlier },
      {
        connectionPool: pool(7),
        portLevelSettings: [
          {
            port: { number: 8080 },
            outlierDetection: { consecutive5xxErrors: 1 },
          },
        ],
      },
      [
        {
          port: 8080,
          subset: 'v2',
          outlierDetection: { consecutive5xxErrors: 1 },
        },
      ],
    ],
  ] as [string, Record<string, unknown>, Record<string, unknown> | undefined, unknown][])(
    '%s',
    (_, trafficPolicy, subsetPolicy, expected) => {
      const dr = destinationRule('shop', 'checkout', {
        host,
        trafficPolicy,
        subsets: [
          {
            name: 'v2',
            labels: { app: 'checkout' },
            ...(subsetPolicy ? { trafficPolicy: subsetPolicy } : {}),
          },
        ],
      });
      const routes = view(shop(undefined, dr, subsetRoute('v2'))).routes!;
      expect(routes[0].trafficPolicies).toEqual(expected);
    },
  );

  it('appears in analyze as additive fields of the workload', () => {
    const report = analyze(shop('REGISTRY_ONLY', stripe()));
    const checkout = report.workloads.find(w => w.name === 'checkout')!;
    expect(checkout.egress?.hosts.map(h => h.host)).toEqual(['api.stripe.com']);
    expect(checkout.routes?.[0].host).toBe(host);
  });
});

// https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/ and
// .../egress-gateway-tls-origination/ (the DestinationRule the sending proxy uses).
describe('TLS origination toward external hosts', () => {
  const httpEntry = networking('ServiceEntry', 'shop', 'stripe', {
    hosts: ['api.stripe.com'],
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    ports: [
      { number: 80, name: 'http', protocol: 'HTTP' },
      { number: 443, name: 'https', protocol: 'HTTPS' },
    ],
  });
  const originate = (ns: string, trafficPolicy: Record<string, unknown>) =>
    destinationRule(ns, 'stripe-tls', {
      host: 'api.stripe.com',
      trafficPolicy,
    });
  const hostOf = (m: ReturnType<typeof shop>) => view(m).egress!.hosts[0];

  it.each([
    [
      'SIMPLE on every port',
      { tls: { mode: 'SIMPLE' } },
      { mode: 'SIMPLE', ports: [80, 443] },
    ],
    [
      'SIMPLE on port 80 only (portLevelSettings)',
      {
        portLevelSettings: [{ port: { number: 80 }, tls: { mode: 'SIMPLE' } }],
      },
      { mode: 'SIMPLE', ports: [80] },
    ],
    [
      'MUTUAL',
      { tls: { mode: 'MUTUAL', credentialName: 'client' } },
      // Where its client certificate comes from (ClientTLSSettings.credentialName).
      { mode: 'MUTUAL', ports: [80, 443], clientCertificate: 'Secret client' },
    ],
    ['DISABLE: none', { tls: { mode: 'DISABLE' } }, undefined],
  ])('by the sidecar, for a direct host: %s', (_, policy, expected) => {
    const found = hostOf(
      shop('REGISTRY_ONLY', httpEntry, originate('shop', policy)),
    );
    expect(found.tlsOrigination).toEqual(
      expected && {
        by: 'sidecar',
        destinationRule: 'shop/stripe-tls',
        ...expected,
      },
    );
  });

  it('by the egress gateway, with the DestinationRule the gateway uses, for a host routed through it', () => {
    const egressGateway = [
      namespace('istio-system'),
      ...meshApp('istio-system', 'istio-egressgateway', {
        labels: { istio: 'egressgateway' },
        annotations: { 'inject.istio.io/templates': 'gateway' },
        servicePorts: [{ name: 'http', port: 80 }],
      }),
    ];
    const route = networking('VirtualService', 'shop', 'stripe-via-egress', {
      hosts: ['api.stripe.com'],
      gateways: ['mesh'],
      http: [
        {
          route: [
            {
              destination: {
                host: 'istio-egressgateway.istio-system.svc.cluster.local',
              },
            },
          ],
        },
      ],
    });
    // In the gateway's namespace, exported only there: the sidecar does not use it.
    const atGateway = destinationRule('istio-system', 'stripe-tls', {
      host: 'api.stripe.com',
      exportTo: ['.'],
      trafficPolicy: {
        portLevelSettings: [{ port: { number: 443 }, tls: { mode: 'SIMPLE' } }],
      },
    });
    const m = shop(
      'REGISTRY_ONLY',
      httpEntry,
      ...egressGateway,
      route,
      atGateway,
    );
    expect(hostOf(m)).toMatchObject({
      how: 'egress-gateway',
      tlsOrigination: {
        by: 'egress-gateway',
        gateway: 'c1/istio-system/istio-egressgateway',
        mode: 'SIMPLE',
        destinationRule: 'istio-system/stripe-tls',
        ports: [443],
      },
    });
    // Reached directly (no route), the sidecar has no rule that originates TLS.
    expect(
      hostOf(shop('REGISTRY_ONLY', httpEntry, ...egressGateway, atGateway))
        .tlsOrigination,
    ).toBeUndefined();
  });
});
