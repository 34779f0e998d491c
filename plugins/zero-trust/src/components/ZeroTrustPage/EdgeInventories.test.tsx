import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  edgeInventories,
  MeshModel,
  type MeshPath,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  clusterState,
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  namespace,
  networking,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { baseUrl, renderWithZeroTrust } from '../../__testUtils__/testApp';
import { EgressInventory } from './EgressInventory';
import { ExposureInventory } from './ExposureInventory';

// Renders tables in jsdom with a real client through msw: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const gatewayPod = deployment('istio-ingress', 'ingress', {
  labels: { istio: 'ingressgateway' },
  annotations: { 'inject.istio.io/templates': 'gateway' },
});

/**
 * Cluster c1: productpage exposed over HTTPS with a policy on it, ratings over plain
 * HTTP with none; bookinfo reaches api.stripe.com directly, payments through an egress
 * gateway, and payments' Sidecar opens any host.
 */
const model = new MeshModel([
  clusterState(
    'c1',
    meshConfigMap(
      'internal.example',
      [],
      'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
    ),
    namespace('istio-ingress', injected),
    namespace('bookinfo', injected),
    namespace('payments', injected),
    gatewayPod,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingress', namespace: 'istio-ingress' },
      spec: {
        type: 'LoadBalancer',
        selector: { istio: 'ingressgateway' },
        ports: [{ name: 'https', port: 443 }],
      },
    },
    ...meshApp('bookinfo', 'productpage', {
      labels: { app: 'productpage' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...meshApp('bookinfo', 'ratings', {
      labels: { app: 'ratings' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ...meshApp('payments', 'charge', {
      labels: { app: 'charge' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    networking('Gateway', 'istio-ingress', 'public', {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['bookinfo.apps.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' },
        },
        {
          port: { number: 80, name: 'http', protocol: 'HTTP' },
          hosts: ['ratings.apps.example.com'],
        },
      ],
    }),
    networking('VirtualService', 'bookinfo', 'productpage', {
      hosts: ['bookinfo.apps.example.com'],
      gateways: ['istio-ingress/public'],
      http: [{ route: [{ destination: { host: 'productpage' } }] }],
    }),
    networking('VirtualService', 'bookinfo', 'ratings', {
      hosts: ['ratings.apps.example.com'],
      gateways: ['istio-ingress/public'],
      http: [{ route: [{ destination: { host: 'ratings' } }] }],
    }),
    authorizationPolicy('bookinfo', 'productpage', {
      selector: { matchLabels: { app: 'productpage' } },
      rules: [{ from: [{ source: { namespaces: ['istio-ingress'] } }] }],
    }),
    networking('ServiceEntry', 'bookinfo', 'stripe', {
      hosts: ['api.stripe.com'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
    }),
    networking('VirtualService', 'payments', 'stripe-via-egress', {
      hosts: ['api.stripe.com'],
      exportTo: ['.'],
      tls: [
        {
          match: [{ port: 443, sniHosts: ['api.stripe.com'] }],
          route: [
            {
              destination: {
                host: 'istio-egressgateway.istio-system.svc.cluster.local',
              },
            },
          ],
        },
      ],
    }),
    networking('Sidecar', 'payments', 'default', {
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    }),
    // ratings also through a Gateway API Gateway of class istio.
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'web', namespace: 'istio-ingress' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'https',
            hostname: 'ratings.example.org',
            port: 443,
            protocol: 'HTTPS',
            tls: { certificateRefs: [{ name: 'ratings-cert' }] },
            allowedRoutes: { namespaces: { from: 'All' } },
          },
        ],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      spec: {
        parentRefs: [{ name: 'web', namespace: 'istio-ingress' }],
        rules: [{ backendRefs: [{ name: 'ratings', port: 9080 }] }],
      },
    },
  ),
]);
const inventories = edgeInventories(model);
const namespaces = ['bookinfo', 'payments'].map(n => ({
  cluster: 'c1',
  namespace: n,
  injection: 'sidecar' as const,
  mtls: 'STRICT' as const,
  defaultDeny: false,
  networkDefaultDeny: false,
  workloads: 1,
  findings: 0,
}));

/** A backend answering from the model's inventories, filtering as the contract says. */
function serveEdges() {
  const queries: string[] = [];
  server.use(
    http.get(`${baseUrl}/exposure`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      queries.push(`exposure?${q}`);
      const ns = q.get('namespace');
      return HttpResponse.json({
        items: inventories.exposure.filter(
          x => !ns || x.service.startsWith(`${ns}/`),
        ),
      });
    }),
    http.get(`${baseUrl}/egress`, ({ request }) => {
      queries.push(`egress?${new URL(request.url).searchParams}`);
      return HttpResponse.json({
        items: inventories.egress,
        anyHost: inventories.anyHost,
      });
    }),
  );
  return queries;
}

function rows(title: RegExp) {
  const paper = screen.getByText(title).closest('[class*="MuiPaper"]');
  return within(paper as HTMLElement)
    .queryAllByRole('row')
    .slice(1);
}

describe('the exposure inventory', () => {
  it('lists each exposed host with its gateway, TLS and authorization, and filters them', async () => {
    const queries = serveEdges();
    await renderWithZeroTrust(
      <ExposureInventory clusters={['c1']} namespaces={namespaces} />,
    );
    await screen.findByText(/^Exposed services \(3\)/);
    const productpage = screen
      .getByText('bookinfo.apps.example.com:443')
      .closest('tr')!;
    expect(within(productpage).getByText('SIMPLE')).toBeInTheDocument();
    expect(
      within(productpage).getByText('workload: bookinfo/productpage'),
    ).toBeInTheDocument();
    expect(
      within(productpage).getByText(
        'Reached from outside (Service istio-ingress/ingress (LoadBalancer))',
      ),
    ).toBeInTheDocument();
    const ratings = screen
      .getByText('ratings.apps.example.com:80')
      .closest('tr')!;
    expect(within(ratings).getByText('no TLS')).toBeInTheDocument();
    expect(within(ratings).getByText('none')).toBeInTheDocument();
    expect(
      within(ratings).getByText('HTTP · VirtualService bookinfo/ratings'),
    ).toBeInTheDocument();
    // Through a Gateway API Gateway: its class and listener, and the HTTPRoute.
    const gatewayApi = screen
      .getByText('ratings.example.org:443')
      .closest('tr')!;
    expect(
      within(gatewayApi).getByText(
        'istio-ingress/web (Gateway API, class istio, listener https)',
      ),
    ).toBeInTheDocument();
    expect(
      within(gatewayApi).getByText('HTTPS · HTTPRoute bookinfo/ratings'),
    ).toBeInTheDocument();
    expect(within(gatewayApi).getByText('SIMPLE')).toBeInTheDocument();
    // The Service istiod creates for it: LoadBalancer unless annotated otherwise.
    expect(
      within(gatewayApi).getByText(
        'Reached from outside (Service istio-ingress/web-istio (LoadBalancer))',
      ),
    ).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('TLS'), 'none');
    expect(rows(/^Exposed services/)).toHaveLength(1);
    expect(screen.getByText('ratings.apps.example.com:80')).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('TLS'), '');
    await userEvent.selectOptions(
      screen.getByLabelText('Authorization'),
      'workload',
    );
    expect(rows(/^Exposed services/)).toHaveLength(1);
    expect(
      screen.getByText('bookinfo.apps.example.com:443'),
    ).toBeInTheDocument();

    // Cluster and namespace go to the backend.
    await userEvent.selectOptions(
      screen.getByLabelText('Namespace'),
      'payments',
    );
    await waitFor(() =>
      expect(queries).toContain('exposure?namespace=payments'),
    );
    expect(
      await screen.findByText(/No Gateway routes to a service\./),
    ).toBeInTheDocument();
  });
});

describe('the egress inventory', () => {
  it('lists each external host with who reaches it and how, and who may reach any host', async () => {
    serveEdges();
    await renderWithZeroTrust(
      <EgressInventory clusters={['c1']} namespaces={namespaces} />,
    );
    await screen.findByText(/^External hosts \(1\)/);
    const stripe = screen.getByText('api.stripe.com').closest('tr')!;
    expect(
      within(stripe).getByText('c1/bookinfo/productpage directly'),
    ).toBeInTheDocument();
    expect(
      within(stripe).getByText(
        'c1/payments/charge through the egress gateway istio-egressgateway.istio-system.svc.cluster.local',
      ),
    ).toBeInTheDocument();
    const alert = screen
      .getByText(/Any host, registered or not/)
      .closest('[role="alert"]') as HTMLElement;
    expect(
      within(alert).getByText(/decided by Sidecar payments\/default/),
    ).toHaveTextContent('c1/payments/charge');

    await userEvent.selectOptions(screen.getByLabelText('Reached'), 'blocked');
    expect(
      screen.getByText(
        /No ServiceEntry registers an external host that passes these filters/,
      ),
    ).toBeInTheDocument();
    await userEvent.selectOptions(
      screen.getByLabelText('Reached'),
      'egress-gateway',
    );
    expect(rows(/^External hosts/)).toHaveLength(1);
  });
});

describe('mesh-to-mesh paths in the inventories', () => {
  /** A path from c2's cart to c1's productpage, through c1's ingress gateway. */
  const path = (mtls: boolean): MeshPath => ({
    client: {
      cluster: 'c2',
      workload: 'c2/shop/cart',
      host: 'bookinfo.apps.example.com',
      serviceEntry: 'shop/bookinfo',
      how: 'direct',
    },
    origination: mtls
      ? {
          by: 'sidecar',
          mode: 'ISTIO_MUTUAL',
          destinationRule: 'shop/bookinfo',
          ports: [443],
          certificate: "c2's mesh CA",
        }
      : undefined,
    server: {
      cluster: 'c1',
      gateway: 'istio-ingress/public',
      gatewayWorkloads: ['c1/istio-ingress/ingress'],
      host: 'bookinfo.apps.example.com',
      port: 443,
      tls: 'ISTIO_MUTUAL',
      service: 'bookinfo/productpage',
      workloads: ['c1/bookinfo/productpage'],
    },
    mtls,
    ...(mtls ? {} : { gap: 'no DestinationRule originates TLS' }),
  });

  it('names on the exposed service who reaches it from another cluster, and on the external host where it is served, with the verdict', async () => {
    const exposure = inventories.exposure.map(x =>
      x.service === 'bookinfo/productpage'
        ? { ...x, meshClients: [path(true)] }
        : x,
    );
    const egress = inventories.egress.map(h => ({
      ...h,
      callers: h.callers.map(c => ({ ...c, meshPaths: [path(false)] })),
    }));
    server.use(
      http.get(`${baseUrl}/exposure`, () =>
        HttpResponse.json({ items: exposure }),
      ),
      http.get(`${baseUrl}/egress`, () =>
        HttpResponse.json({ items: egress, anyHost: inventories.anyHost }),
      ),
    );
    await renderWithZeroTrust(
      <>
        <ExposureInventory clusters={['c1']} namespaces={namespaces} />
        <EgressInventory clusters={['c1']} namespaces={namespaces} />
      </>,
    );
    const productpage = (
      await screen.findByText('bookinfo.apps.example.com:443')
    ).closest('tr')!;
    expect(
      within(productpage).getByText(
        "reached from cluster c2's c2/shop/cart, mTLS originated by its sidecar (ISTIO_MUTUAL), certificate from c2's mesh CA: mTLS end to end",
      ),
    ).toBeInTheDocument();
    const notMtls = await screen.findAllByText(
      'not mTLS end to end: no DestinationRule originates TLS',
    );
    expect(notMtls.length).toBe(
      inventories.egress.flatMap(h => h.callers).length,
    );
    expect(
      screen.getAllByText(
        /^to cluster c1's ingress gateway istio-ingress\/public \(host bookinfo\.apps\.example\.com:443, ISTIO_MUTUAL\), no TLS originated by the mesh:/,
      ).length,
    ).toBe(notMtls.length);
  });
});
