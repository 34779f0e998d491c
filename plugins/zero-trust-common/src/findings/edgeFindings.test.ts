import {
  authorizationPolicy,
  deployment,
  injected,
  K8sObject,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { FindingCode } from './catalogue';
import { detectFindings } from './detect';

type Policy = 'ALLOW_ANY' | 'REGISTRY_ONLY' | undefined;

/** shop/checkout and other/batch (sidecars), the mesh's outbound policy, and more. */
function mesh(policy: Policy, ...extra: K8sObject[]) {
  return model(
    meshConfigMap(
      'internal.example',
      [],
      policy ? `outboundTrafficPolicy:\n  mode: ${policy}` : '',
    ),
    namespace('shop', injected),
    namespace('other', injected),
    namespace('istio-ingress', injected),
    ...meshApp('shop', 'checkout', {
      sa: 'checkout',
      labels: { app: 'checkout' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    ...meshApp('other', 'batch', {
      sa: 'batch',
      labels: { app: 'batch' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    ...extra,
  );
}

const found = (m: ReturnType<typeof mesh>, code: FindingCode) =>
  detectFindings(m)
    .filter(f => f.code === code)
    .map(f => ({
      resource: `${f.resource.kind} ${f.resource.namespace}/${f.resource.name}`,
      workloads: f.workloads ?? (f.workload ? [f.workload] : []),
    }));

const sidecar = (ns: string, mode: 'ALLOW_ANY' | 'REGISTRY_ONLY') =>
  networking('Sidecar', ns, 'default', {
    outboundTrafficPolicy: { mode },
  });

// https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-OutboundTrafficPolicy
// (ALLOW_ANY is the default) and
// https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy
describe('ZT035 outbound traffic to any host', () => {
  it.each([
    [
      "no mesh setting: Istio's default ALLOW_ANY",
      undefined,
      [],
      [
        {
          resource: 'ConfigMap istio-system/istio',
          workloads: ['c1/other/batch', 'c1/shop/checkout'],
        },
      ],
    ],
    ['REGISTRY_ONLY in the mesh config', 'REGISTRY_ONLY', [], []],
    [
      "a namespace's Sidecar reopening it under REGISTRY_ONLY",
      'REGISTRY_ONLY',
      [sidecar('shop', 'ALLOW_ANY')],
      [{ resource: 'Sidecar shop/default', workloads: ['c1/shop/checkout'] }],
    ],
    [
      "a namespace's Sidecar closing it under ALLOW_ANY",
      'ALLOW_ANY',
      [sidecar('shop', 'REGISTRY_ONLY')],
      [
        {
          resource: 'ConfigMap istio-system/istio',
          workloads: ['c1/other/batch'],
        },
      ],
    ],
  ] as [string, Policy, K8sObject[], unknown[]][])(
    '%s',
    (_, policy, extra, expected) => {
      const byId = (a: any, b: any) => a.resource.localeCompare(b.resource);
      const sorted = found(mesh(policy, ...extra), 'ZT035')
        .map(f => ({ ...f, workloads: [...f.workloads].sort() }))
        .sort(byId);
      expect(sorted).toEqual(expected);
    },
  );

  it('names the first few workloads in its message and lists them all in workloads', () => {
    const apps = Array.from({ length: 7 }, (_, i) =>
      meshApp('shop', `app-${i}`, {
        sa: `app-${i}`,
        labels: { app: `app-${i}` },
        servicePorts: [{ name: 'http', port: 8080 }],
      }),
    ).flat();
    const [zt035] = detectFindings(mesh(undefined, ...apps)).filter(
      f => f.code === 'ZT035',
    );
    // batch, checkout and seven apps: nine, in id order.
    expect(zt035.workloads).toHaveLength(9);
    expect(zt035.message).toContain(
      '9 workloads (c1/other/batch, c1/shop/app-0, c1/shop/app-1, c1/shop/app-2, c1/shop/app-3 and 4 more)',
    );
    expect(zt035.message).not.toContain('c1/shop/checkout');
  });
});

const ingressPod = deployment('istio-ingress', 'ingress', {
  labels: { istio: 'ingressgateway' },
  annotations: { 'inject.istio.io/templates': 'gateway' },
  ports: [8080, 8443],
});

const gateway = (server: K8sObject, selector = { istio: 'ingressgateway' }) =>
  networking('Gateway', 'istio-ingress', 'public', {
    selector,
    servers: [server],
  });

const routeToCheckout = networking('VirtualService', 'shop', 'checkout', {
  hosts: ['shop.apps.example.com'],
  gateways: ['istio-ingress/public'],
  http: [
    { route: [{ destination: { host: 'checkout', port: { number: 8080 } } }] },
  ],
});

const httpServer = {
  port: { number: 80, name: 'http', protocol: 'HTTP' },
  hosts: ['*.apps.example.com'],
};
const httpsServer = {
  port: { number: 443, name: 'https', protocol: 'HTTPS' },
  hosts: ['*.apps.example.com'],
  tls: { mode: 'SIMPLE', credentialName: 'apps-cert' },
};

// https://istio.io/latest/docs/reference/config/networking/gateway/#Server and
// #ServerTLSSettings (httpsRedirect: "send a 301 redirect for all http connections").
describe('ZT036 gateway server accepting plaintext', () => {
  it.each([
    [
      'plain HTTP, routed to a workload',
      gateway(httpServer),
      [
        {
          resource: 'Gateway istio-ingress/public',
          workloads: ['c1/shop/checkout'],
        },
      ],
    ],
    [
      'plain HTTP that only redirects to HTTPS',
      gateway({ ...httpServer, tls: { httpsRedirect: true } }),
      [],
    ],
    ['HTTPS with SIMPLE TLS', gateway(httpsServer), []],
    [
      'plain TCP, nothing routed there',
      gateway({
        ...httpServer,
        port: { number: 5432, name: 'tcp', protocol: 'TCP' },
      }),
      [{ resource: 'Gateway istio-ingress/public', workloads: [] }],
    ],
    [
      'a Gateway whose selector binds no pod configures nothing',
      gateway(httpServer, { istio: 'nowhere' }),
      [],
    ],
  ] as [string, K8sObject, unknown[]][])('%s', (_, gw, expected) => {
    expect(
      found(mesh('REGISTRY_ONLY', ingressPod, gw, routeToCheckout), 'ZT036'),
    ).toEqual(expected);
  });
});

// https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
describe('ZT037 exposed with no AuthorizationPolicy in the path', () => {
  const onGateway = authorizationPolicy('istio-ingress', 'ingress-jwt', {
    selector: { matchLabels: { istio: 'ingressgateway' } },
    action: 'DENY',
    rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }],
  });
  const onWorkload = authorizationPolicy('shop', 'checkout', {
    selector: { matchLabels: { app: 'checkout' } },
    rules: [
      {
        from: [
          {
            source: {
              principals: ['internal.example/ns/istio-ingress/sa/default'],
            },
          },
        ],
      },
    ],
  });
  it.each([
    [
      'no policy on the gateway nor on the workload',
      [],
      [
        {
          resource: 'Deployment shop/checkout',
          workloads: ['c1/shop/checkout'],
        },
      ],
    ],
    ["a policy on the gateway's pods", [onGateway], []],
    ['a policy on the workload', [onWorkload], []],
  ] as [string, K8sObject[], unknown[]][])('%s', (_, extra, expected) => {
    expect(
      found(
        mesh(
          'REGISTRY_ONLY',
          ingressPod,
          gateway(httpsServer),
          routeToCheckout,
          ...extra,
        ),
        'ZT037',
      ),
    ).toEqual(expected);
  });

  it('is not raised for a workload no gateway routes to', () => {
    expect(
      found(mesh('REGISTRY_ONLY', ingressPod, gateway(httpsServer)), 'ZT037'),
    ).toEqual([]);
  });
});

const entry = (hosts: string[], exportTo?: string[]) =>
  networking('ServiceEntry', 'shop', 'external', {
    hosts,
    ...(exportTo ? { exportTo } : {}),
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
  });

// https://istio.io/latest/docs/reference/config/networking/service-entry/ (hosts may
// hold a wildcard prefix; exportTo absent exports to every namespace).
describe('ZT038 wildcard ServiceEntry exported everywhere', () => {
  it.each([
    [
      'a wildcard host, no exportTo',
      entry(['*.example.com']),
      [{ resource: 'ServiceEntry shop/external', workloads: [] }],
    ],
    [
      'a wildcard host, exportTo "*"',
      entry(['*.example.com'], ['*']),
      [{ resource: 'ServiceEntry shop/external', workloads: [] }],
    ],
    [
      'a wildcard host kept to its namespace',
      entry(['*.example.com'], ['.']),
      [],
    ],
    ['exact hosts exported everywhere', entry(['api.example.com']), []],
  ] as [string, K8sObject, unknown[]][])('%s', (_, se, expected) => {
    expect(found(mesh('REGISTRY_ONLY', se), 'ZT038')).toEqual(expected);
  });
});

const viaEgressGateway = (exportTo?: string[]) =>
  networking('VirtualService', 'shop', 'stripe-via-egress', {
    hosts: ['api.stripe.com'],
    ...(exportTo ? { exportTo } : {}),
    gateways: ['mesh', 'istio-system/egress'],
    tls: [
      {
        match: [
          { gateways: ['mesh'], port: 443, sniHosts: ['api.stripe.com'] },
        ],
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

// https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
// (the mesh VirtualService sends the host to the gateway; visibility follows exportTo:
// https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to)
describe('ZT039 egress gateway bypassed', () => {
  it.each([
    [
      'the routing VirtualService exported to shop only',
      viaEgressGateway(['.']),
      [
        {
          resource: 'ServiceEntry shop/external',
          workloads: ['c1/other/batch'],
        },
      ],
    ],
    ['the routing VirtualService exported everywhere', viaEgressGateway(), []],
  ] as [string, K8sObject, unknown[]][])('%s', (_, vs, expected) => {
    expect(
      found(mesh('REGISTRY_ONLY', entry(['api.stripe.com']), vs), 'ZT039'),
    ).toEqual(expected);
  });

  it('is not raised where no workload is routed through a gateway', () => {
    expect(
      found(mesh('REGISTRY_ONLY', entry(['api.stripe.com'])), 'ZT039'),
    ).toEqual([]);
  });
});

const retrying = (route: K8sObject) =>
  networking('VirtualService', 'shop', 'checkout-routes', {
    hosts: ['checkout'],
    http: [
      {
        ...route,
        route: [{ destination: { host: 'checkout' } }],
      },
    ],
  });

// https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
// (retryOn takes Envoy's x-envoy-retry-on values; attempts 0 disables retries) and
// RFC 9110 section 9.2.2 (POST and PATCH are not idempotent).
describe('ZT040 non-idempotent requests retried after reaching the server', () => {
  const retries = (retryOn: string, attempts = 3) => ({
    retries: { attempts, perTryTimeout: '10s', retryOn },
  });
  it.each([
    ['5xx on every request', retrying(retries('5xx,connect-failure')), 1],
    ['gateway-error on every request', retrying(retries('gateway-error')), 1],
    ['reset on every request', retrying(retries('reset')), 1],
    [
      'connect-failure and refused-stream only',
      retrying(retries('connect-failure,refused-stream')),
      0,
    ],
    [
      '5xx on a GET-only route',
      retrying({ match: [{ method: { exact: 'GET' } }], ...retries('5xx') }),
      0,
    ],
    [
      '5xx on a route matching POST',
      retrying({ match: [{ method: { exact: 'POST' } }], ...retries('5xx') }),
      1,
    ],
    [
      '5xx on a route whose method regex admits PATCH',
      retrying({
        match: [{ method: { regex: 'GET|PATCH' } }],
        ...retries('5xx'),
      }),
      1,
    ],
    [
      '5xx on a route matching a path, any method',
      retrying({ match: [{ uri: { prefix: '/orders' } }], ...retries('5xx') }),
      1,
    ],
    ['5xx with attempts 0 (retries off)', retrying(retries('5xx', 0)), 0],
  ] as [string, K8sObject, number][])('%s', (_, vs, count) => {
    expect(found(mesh('REGISTRY_ONLY', vs), 'ZT040')).toHaveLength(count);
  });

  // A sidecar answers a request its ALLOW policies do not admit with 403 (RBAC: access
  // denied), which no retryOn above retries, before the application sees it
  // (https://istio.io/latest/docs/reference/config/security/authorization-policy/):
  // the demo's reviews, retried on 5xx, admits only GET.
  const allowing = (to?: K8sObject[]) =>
    authorizationPolicy('shop', 'checkout-allow', {
      selector: { matchLabels: { app: 'checkout' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { namespaces: ['other'] } }],
          ...(to ? { to } : {}),
        },
      ],
    });
  it.each([
    [
      'its ALLOW policy admits GET only',
      [allowing([{ operation: { methods: ['GET'] } }])],
      0,
    ],
    [
      'its ALLOW policy admits GET and POST',
      [allowing([{ operation: { methods: ['GET', 'POST'] } }])],
      1,
    ],
    ['its ALLOW rule names no operation', [allowing()], 1],
    [
      'another ALLOW rule admits any method on another port only',
      [
        allowing([
          { operation: { methods: ['GET'] } },
          { operation: { ports: ['15020'] } },
        ]),
      ],
      0,
    ],
    [
      'another ALLOW rule admits any method on its port',
      [
        allowing([
          { operation: { methods: ['GET'] } },
          { operation: { ports: ['8080'] } },
        ]),
      ],
      1,
    ],
    [
      'one operation admits any method but PATCH and POST',
      [allowing([{ operation: { notMethods: ['POST', 'PATCH'] } }])],
      0,
    ],
    [
      'one of two operations admits any method',
      [
        allowing([
          { operation: { methods: ['GET'] } },
          { operation: { paths: ['/x'] } },
        ]),
      ],
      1,
    ],
    [
      'a second ALLOW policy admits PATCH',
      [
        allowing([{ operation: { methods: ['GET'] } }]),
        authorizationPolicy('shop', 'patch', {
          selector: { matchLabels: { app: 'checkout' } },
          rules: [{ to: [{ operation: { methods: ['PATCH'] } }] }],
        }),
      ],
      1,
    ],
    [
      'its GET-only policy is a dry run (logged, not enforced)',
      [
        {
          ...allowing([{ operation: { methods: ['GET'] } }]),
          metadata: {
            name: 'checkout-allow',
            namespace: 'shop',
            annotations: { 'istio.io/dry-run': 'true' },
          },
        },
      ],
      1,
    ],
  ] as [string, K8sObject[], number][])(
    'retries on 5xx toward a service where %s',
    (_, policies, count) => {
      const vs = retrying(retries('5xx'));
      expect(
        found(mesh('REGISTRY_ONLY', vs, ...policies), 'ZT040'),
      ).toHaveLength(count);
    },
  );
});

const timeoutOf = (ns: string, name: string, timeout?: string) =>
  networking('VirtualService', ns, name, {
    hosts: [name],
    http: [
      {
        ...(timeout ? { timeout } : {}),
        route: [{ destination: { host: name } }],
      },
    ],
  });

const batchMayCallCheckout = authorizationPolicy('shop', 'checkout-callers', {
  selector: { matchLabels: { app: 'checkout' } },
  rules: [
    {
      from: [
        { source: { principals: ['internal.example/ns/other/sa/batch'] } },
      ],
    },
  ],
});

// https://istio.io/latest/docs/tasks/traffic-management/request-timeouts/ (a route's
// timeout; none by default) and the callers its ALLOW policies admit.
describe("ZT041 a callee's route timeout outlasting its caller's", () => {
  it.each([
    [
      'caller 5s, callee 30s',
      [timeoutOf('other', 'batch', '5s'), timeoutOf('shop', 'checkout', '30s')],
      [batchMayCallCheckout],
      [
        {
          resource: 'Deployment shop/checkout',
          workloads: ['c1/shop/checkout'],
        },
      ],
    ],
    [
      'caller 5s, callee without a timeout',
      [timeoutOf('other', 'batch', '5s')],
      [batchMayCallCheckout],
      [
        {
          resource: 'Deployment shop/checkout',
          workloads: ['c1/shop/checkout'],
        },
      ],
    ],
    [
      'caller 30s, callee 5s: within the budget',
      [timeoutOf('other', 'batch', '30s'), timeoutOf('shop', 'checkout', '5s')],
      [batchMayCallCheckout],
      [],
    ],
    [
      'the callee names no caller (no ALLOW policy): no known caller',
      [timeoutOf('other', 'batch', '5s'), timeoutOf('shop', 'checkout', '30s')],
      [],
      [],
    ],
  ] as [string, K8sObject[], K8sObject[], unknown[]][])(
    '%s',
    (_, routes, policies, expected) => {
      expect(
        found(mesh('REGISTRY_ONLY', ...routes, ...policies), 'ZT041'),
      ).toEqual(expected);
    },
  );
});
