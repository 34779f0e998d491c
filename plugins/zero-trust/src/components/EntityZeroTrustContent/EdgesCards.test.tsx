import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  MeshModel,
  workloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  clusterState,
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
  networking,
  waypointGateway,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { EgressCard, ExposureCard, RoutesCard } from './EdgesCards';

// Renders InfoCards in jsdom: slow on a busy machine.
jest.setTimeout(30_000);

/** productpage exposed through an ingress gateway, with a route and an external host. */
function productpage(
  policy: 'ALLOW_ANY' | 'REGISTRY_ONLY',
  tls?: object,
  ...extra: Record<string, any>[]
) {
  const model = new MeshModel([
    clusterState(
      'c1',
      meshConfigMap(
        'internal.example',
        [],
        `outboundTrafficPolicy:\n  mode: ${policy}`,
      ),
      namespace('istio-ingress', injected),
      namespace('bookinfo', injected),
      deployment('istio-ingress', 'ingress', {
        labels: { istio: 'ingressgateway' },
        annotations: { 'inject.istio.io/templates': 'gateway' },
      }),
      ...meshApp('bookinfo', 'productpage', {
        labels: { app: 'productpage' },
        servicePorts: [{ name: 'http', port: 9080 }],
      }),
      networking('Gateway', 'istio-ingress', 'public', {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: {
              number: tls ? 443 : 80,
              name: 'web',
              protocol: tls ? 'HTTPS' : 'HTTP',
            },
            hosts: ['*.apps.example.com'],
            ...(tls ? { tls } : {}),
          },
        ],
      }),
      networking('VirtualService', 'bookinfo', 'productpage', {
        // From outside through the gateway, and for callers in the mesh.
        hosts: ['bookinfo.apps.example.com', 'productpage'],
        gateways: ['istio-ingress/public', 'mesh'],
        http: [
          {
            route: [{ destination: { host: 'productpage' } }],
            timeout: '30s',
            retries: { attempts: 3, perTryTimeout: '10s', retryOn: '5xx' },
          },
        ],
      }),
      networking('ServiceEntry', 'bookinfo', 'stripe', {
        hosts: ['api.stripe.com'],
        exportTo: ['.'],
        resolution: 'DNS',
        ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
      }),
      ...extra,
    ),
  ]);
  return workloadView(model.resolveWorkload('c1/bookinfo/productpage'), model);
}

/** The ingress gateway's Service, of a type. */
const ingressService = (type: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'ingress', namespace: 'istio-ingress' },
  spec: {
    type,
    selector: { istio: 'ingressgateway' },
    ports: [{ name: 'https', port: 443 }],
  },
});

describe('the Security tab edges cards', () => {
  it('shows the exposure: gateway, host, port and TLS mode', async () => {
    const view = productpage('REGISTRY_ONLY', {
      mode: 'SIMPLE',
      credentialName: 'apps',
    });
    await renderInTestApp(<ExposureCard exposure={view.exposure} />);
    expect(screen.getByText('Exposure')).toBeInTheDocument();
    expect(
      screen.getByText('bookinfo.apps.example.com:443'),
    ).toBeInTheDocument();
    expect(screen.getByText(/through Gateway/)).toHaveTextContent(
      'through Gateway istio-ingress/public (HTTPS, TLS SIMPLE)',
    );
    expect(
      screen.getByText('No AuthorizationPolicy on the gateway'),
    ).toBeInTheDocument();
    // No Service in front of the gateway in the snapshot: said so, as a warning.
    expect(screen.getByText(/^Reached/)).toHaveTextContent(
      'Reached unknown: no Service in the snapshot selects the gateway workloads',
    );
  });

  it.each([
    [
      'LoadBalancer',
      'Reached from outside (Service istio-ingress/ingress (LoadBalancer))',
    ],
    [
      'ClusterIP',
      'Reached only from inside the cluster (Service istio-ingress/ingress (ClusterIP)): not a way in from outside',
    ],
  ])("says whom the gateway's %s Service lets in", async (type, text) => {
    const tls = { mode: 'SIMPLE', credentialName: 'apps' };
    const view = productpage('REGISTRY_ONLY', tls, ingressService(type));
    await renderInTestApp(<ExposureCard exposure={view.exposure} />);
    expect(screen.getByText(/^Reached/)).toHaveTextContent(text);
  });

  it('names a Gateway API way in by its class, listener and route', async () => {
    const model = new MeshModel([
      clusterState(
        'c1',
        namespace('istio-ingress'),
        namespace('bookinfo', injected),
        ...meshApp('bookinfo', 'productpage', {
          labels: { app: 'productpage' },
          servicePorts: [{ name: 'http', port: 9080 }],
        }),
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          metadata: { name: 'web', namespace: 'istio-ingress' },
          spec: {
            gatewayClassName: 'istio',
            listeners: [
              {
                name: 'http',
                port: 80,
                protocol: 'HTTP',
                allowedRoutes: { namespaces: { from: 'All' } },
              },
            ],
          },
        },
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: { name: 'productpage', namespace: 'bookinfo' },
          spec: {
            parentRefs: [{ name: 'web', namespace: 'istio-ingress' }],
            hostnames: ['bookinfo.example.org'],
            rules: [{ backendRefs: [{ name: 'productpage', port: 9080 }] }],
          },
        },
      ),
    ]);
    const view = workloadView(
      model.resolveWorkload('c1/bookinfo/productpage'),
      model,
    );
    await renderInTestApp(<ExposureCard exposure={view.exposure} />);
    expect(screen.getByText(/through Gateway/)).toHaveTextContent(
      'through Gateway istio-ingress/web (Gateway API, class istio, listener http) (HTTP, no TLS)',
    );
    expect(screen.getByText(/^to bookinfo\/productpage/)).toHaveTextContent(
      'to bookinfo/productpage by HTTPRoute bookinfo/productpage',
    );
  });

  it('warns of a gateway server without TLS, and says "Not exposed" where nothing routes in', async () => {
    const view = productpage('REGISTRY_ONLY');
    await renderInTestApp(
      <>
        <ExposureCard exposure={view.exposure} />
        <ExposureCard />
      </>,
    );
    expect(screen.getByText('no TLS')).toBeInTheDocument();
    expect(screen.getByText('Not exposed')).toBeInTheDocument();
  });

  it('shows the egress: ALLOW_ANY as a warning, and each registered host', async () => {
    const open = productpage('ALLOW_ANY');
    await renderInTestApp(<EgressCard egress={open.egress!} />);
    expect(
      screen.getByText('ALLOW_ANY: any host outside the mesh'),
    ).toBeInTheDocument();
    expect(screen.getByText(/api\.stripe\.com:443/)).toHaveTextContent(
      'api.stripe.com:443 direct (ServiceEntry bookinfo/stripe)',
    );
    expect(screen.getByText('From mesh config')).toBeInTheDocument();
  });

  it("shows the policies on the way to a host and what they decide for the workload's calls", async () => {
    const model = new MeshModel([
      clusterState(
        'c1',
        meshConfigMap('internal.example'),
        namespace('bookinfo', injected),
        namespace('egress', { 'istio.io/dataplane-mode': 'ambient' }),
        ...meshApp('bookinfo', 'productpage', {
          labels: { app: 'productpage' },
          servicePorts: [{ name: 'http', port: 9080 }],
        }),
        waypointGateway('egress', 'egress-waypoint', {
          allowedRoutes: { from: 'All' },
        }),
        {
          ...networking('ServiceEntry', 'egress', 'httpbin', {
            hosts: ['httpbin.org'],
            resolution: 'DNS',
            ports: [
              { number: 80, name: 'http', protocol: 'HTTP' },
              { number: 443, name: 'tls', protocol: 'TLS' },
            ],
          }),
          metadata: {
            name: 'httpbin',
            namespace: 'egress',
            labels: { 'istio.io/use-waypoint': 'egress-waypoint' },
          },
        },
        authorizationPolicy('egress', 'only-bookinfo', {
          targetRefs: [
            {
              group: 'networking.istio.io',
              kind: 'ServiceEntry',
              name: 'httpbin',
            },
          ],
          rules: [{ from: [{ source: { namespaces: ['bookinfo'] } }] }],
        }),
      ),
    ]);
    const view = workloadView(
      model.resolveWorkload('c1/bookinfo/productpage'),
      model,
    );
    await renderInTestApp(<EgressCard egress={view.egress!} />);
    expect(screen.getByText(/through waypoint/)).toHaveTextContent(
      'through waypoint egress/egress-waypoint (egress/only-bookinfo): 80 ALLOW, 443 ALLOW',
    );
  });

  it('says where TLS toward a host is originated', async () => {
    const model = new MeshModel([
      clusterState(
        'c1',
        namespace('bookinfo', injected),
        ...meshApp('bookinfo', 'productpage', {
          labels: { app: 'productpage' },
          servicePorts: [{ name: 'http', port: 9080 }],
        }),
        networking('ServiceEntry', 'bookinfo', 'stripe', {
          hosts: ['api.stripe.com'],
          resolution: 'DNS',
          ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        }),
        destinationRule('bookinfo', 'stripe-tls', {
          host: 'api.stripe.com',
          trafficPolicy: { tls: { mode: 'SIMPLE' } },
        }),
      ),
    ]);
    const view = workloadView(
      model.resolveWorkload('c1/bookinfo/productpage'),
      model,
    );
    await renderInTestApp(<EgressCard egress={view.egress!} />);
    expect(screen.getByText(/api\.stripe\.com:80/)).toHaveTextContent(
      'api.stripe.com:80 direct (ServiceEntry bookinfo/stripe), TLS originated by the sidecar (SIMPLE on 80, DestinationRule bookinfo/stripe-tls)',
    );
  });

  it('says REGISTRY_ONLY plainly', async () => {
    const closed = productpage('REGISTRY_ONLY');
    await renderInTestApp(<EgressCard egress={closed.egress!} />);
    expect(
      screen.getByText('REGISTRY_ONLY: only registered hosts'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/ALLOW_ANY/)).toBeNull();
  });

  it("shows the routes' timeout and retries as callers get them", async () => {
    const view = productpage('REGISTRY_ONLY');
    await renderInTestApp(<RoutesCard routes={view.routes!} />);
    expect(view.routes).toHaveLength(1);
    expect(screen.getByText('Routes')).toBeInTheDocument();
    expect(
      screen.getByText('Timeout 30s; 3 retries, 10s per try, on 5xx'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('VirtualService bookinfo/productpage'),
    ).toBeInTheDocument();
  });

  it('shows the connection pool beside the outlier detection, and where a port or subset differs', async () => {
    const model = new MeshModel([
      clusterState(
        'c1',
        namespace('bookinfo', injected),
        ...meshApp('bookinfo', 'reviews', {
          labels: { app: 'reviews' },
          servicePorts: [{ name: 'http', port: 9080 }],
        }),
        networking('VirtualService', 'bookinfo', 'reviews', {
          hosts: ['reviews'],
          http: [
            { route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
          ],
        }),
        destinationRule('bookinfo', 'reviews', {
          host: 'reviews.bookinfo.svc.cluster.local',
          trafficPolicy: {
            connectionPool: {
              tcp: { maxConnections: 100 },
              http: { http1MaxPendingRequests: 10, maxRetries: 2 },
            },
            outlierDetection: { consecutive5xxErrors: 5 },
          },
          subsets: [
            {
              name: 'v2',
              labels: { app: 'reviews' },
              trafficPolicy: { connectionPool: { tcp: { maxConnections: 7 } } },
            },
          ],
        }),
      ),
    ]);
    const view = workloadView(
      model.resolveWorkload('c1/bookinfo/reviews'),
      model,
    );
    await renderInTestApp(<RoutesCard routes={view.routes!} />);
    expect(screen.getByText(/^Outlier detection/)).toHaveTextContent(
      'Outlier detection: consecutive5xxErrors 5',
    );
    expect(screen.getByText(/^Connection pool/)).toHaveTextContent(
      'Connection pool: tcp.maxConnections 100, http.http1MaxPendingRequests 10, http.maxRetries 2',
    );
    // The subset's pool replaces the top level's; its outlier detection is inherited.
    expect(screen.getByText(/^Port 9080/)).toHaveTextContent(
      'Port 9080, subset v2: connection pool tcp.maxConnections 7; outlier detection consecutive5xxErrors 5',
    );
  });

  it("says where Istio's defaults apply", async () => {
    await renderInTestApp(
      <RoutesCard
        routes={[
          {
            host: 'ratings.bookinfo.svc.cluster.local',
            timeout: null,
            retries: {
              attempts: 2,
              retryOn:
                'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
              istioDefault: true,
            },
          },
        ]}
      />,
    );
    expect(
      screen.getByText(
        "Timeout none (Istio's default); 2 retries, on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes (Istio's default)",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('No VirtualService')).toBeInTheDocument();
  });
});

/**
 * Mesh to mesh: edge's shop/cart reaches orders.backend.example, which backend's ingress
 * gateway serves (MUTUAL) for orders/orders-api; `tls` is the client's origination.
 */
function meshToMesh(origination: object) {
  const host = 'orders.backend.example';
  const model = new MeshModel([
    clusterState(
      'edge',
      meshConfigMap('external.example'),
      namespace('shop', injected),
      ...meshApp('shop', 'cart', { labels: { app: 'cart' } }),
      networking('ServiceEntry', 'shop', 'orders', {
        hosts: [host],
        resolution: 'DNS',
        ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
      }),
      destinationRule('shop', 'orders-tls', {
        host,
        trafficPolicy: { tls: origination },
      }),
    ),
    clusterState(
      'backend',
      meshConfigMap('internal.example'),
      namespace('istio-system'),
      namespace('orders', injected),
      deployment('istio-system', 'ingress', {
        labels: { istio: 'ingressgateway' },
        annotations: { 'inject.istio.io/templates': 'gateway' },
      }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ingress', namespace: 'istio-system' },
        spec: {
          type: 'LoadBalancer',
          selector: { istio: 'ingressgateway' },
          ports: [{ name: 'https', port: 443 }],
        },
      },
      ...meshApp('orders', 'orders-api', { labels: { app: 'orders-api' } }),
      networking('Gateway', 'istio-system', 'meshes', {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 443, name: 'https', protocol: 'HTTPS' },
            hosts: [host],
            tls: { mode: 'MUTUAL', credentialName: 'orders-server' },
          },
        ],
      }),
      networking('VirtualService', 'orders', 'from-meshes', {
        hosts: [host],
        gateways: ['istio-system/meshes'],
        http: [{ route: [{ destination: { host: 'orders-api' } }] }],
      }),
    ),
  ]);
  return {
    cart: workloadView(model.resolveWorkload('edge/shop/cart'), model),
    orders: workloadView(
      model.resolveWorkload('backend/orders/orders-api'),
      model,
    ),
  };
}

describe('the mesh-to-mesh path on both ends', () => {
  it("shows the client's Egress card the other cluster's gateway and the server's Exposure card the client", async () => {
    const { cart, orders } = meshToMesh({
      mode: 'MUTUAL',
      credentialName: 'orders-client',
    });
    await renderInTestApp(
      <>
        <EgressCard egress={cart.egress!} />
        <ExposureCard exposure={orders.exposure} />
      </>,
    );
    expect(screen.getByText(/^to cluster backend/)).toHaveTextContent(
      "to cluster backend's ingress gateway istio-system/meshes (host orders.backend.example:443, MUTUAL), mTLS originated by its sidecar (MUTUAL), certificate from Secret orders-client (DestinationRule shop/orders-tls): mTLS end to end",
    );
    expect(screen.getByText(/^reached from cluster edge/)).toHaveTextContent(
      "reached from cluster edge's edge/shop/cart, mTLS originated by its sidecar (MUTUAL), certificate from Secret orders-client (DestinationRule shop/orders-tls): mTLS end to end",
    );
  });

  it('warns where the path is not mTLS end to end', async () => {
    const { cart } = meshToMesh({ mode: 'SIMPLE' });
    await renderInTestApp(<EgressCard egress={cart.egress!} />);
    expect(screen.getByText(/^not mTLS end to end/)).toHaveTextContent(
      'not mTLS end to end: SIMPLE origination presents no client certificate, and the MUTUAL gateway server requires one: the handshake fails',
    );
  });
});
