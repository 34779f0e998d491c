import {
  deployment,
  destinationRule,
  injected,
  meshApp,
  meshConfigMap,
  multiClusterModel,
  namespace,
  networking,
} from '../__fixtures__/manifests';
import { analyze, workloadView } from '../report/analyze';
import { edgeInventories } from '../report/inventory';
import { meshPaths } from './meshPaths';

type Obj = Record<string, any>;

const host = 'orders.backend.example';

const gatewayPod = (ns: string, name: string, istio: string) =>
  deployment(ns, name, {
    labels: { istio },
    annotations: { 'inject.istio.io/templates': 'gateway' },
    ports: [8443],
  });

const gatewayService = (
  ns: string,
  name: string,
  istio: string,
  type: string,
) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: {
    type,
    selector: { istio },
    ports: [{ name: 'https', port: 443, targetPort: 8443 }],
  },
});

/** Cluster `edge`: shop/cart calls the host, registered by a ServiceEntry. */
function client(...extra: Obj[]): Obj[] {
  return [
    meshConfigMap(
      'external.example',
      [],
      'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
    ),
    namespace('istio-system', {}),
    namespace('shop', injected),
    ...meshApp('shop', 'cart', { labels: { app: 'cart' } }),
    networking('ServiceEntry', 'shop', 'orders', {
      hosts: [host],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
    }),
    ...extra,
  ];
}

/** Cluster `backend`: its ingress gateway serves the host for orders/orders-api. */
function server(
  serverTls: Obj | undefined,
  serviceType = 'LoadBalancer',
): Obj[] {
  return [
    meshConfigMap('internal.example'),
    namespace('istio-system', {}),
    namespace('orders', injected),
    gatewayPod('istio-system', 'istio-ingressgateway', 'ingressgateway'),
    gatewayService(
      'istio-system',
      'istio-ingressgateway',
      'ingressgateway',
      serviceType,
    ),
    ...meshApp('orders', 'orders-api', { labels: { app: 'orders-api' } }),
    networking('Gateway', 'istio-system', 'meshes', {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: [host],
          ...(serverTls ? { tls: serverTls } : {}),
        },
      ],
    }),
    networking('VirtualService', 'orders', 'from-meshes', {
      hosts: [host],
      gateways: ['istio-system/meshes'],
      // A passthrough server carries TLS routes (by SNI), a terminating one HTTP routes.
      ...(serverTls?.mode === 'PASSTHROUGH'
        ? {
            tls: [
              {
                match: [{ sniHosts: [host], port: 443 }],
                route: [{ destination: { host: 'orders-api' } }],
              },
            ],
          }
        : { http: [{ route: [{ destination: { host: 'orders-api' } }] }] }),
    }),
  ];
}

/** A DestinationRule for the host, originating TLS in `mode` (the sidecar sends it out). */
const originate = (mode: string, extra: Obj = {}) =>
  destinationRule('shop', 'orders-tls', {
    host,
    trafficPolicy: {
      portLevelSettings: [{ port: { number: 443 }, tls: { mode, ...extra } }],
    },
  });

const mutualServer = { mode: 'MUTUAL', credentialName: 'orders-server' };

// The pattern of Istio's "Perform mutual TLS origination with an egress gateway"
// (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/)
// with the external server another modelled cluster's ingress gateway: the client's
// DestinationRule (ClientTLSSettings.mode) against the server's (ServerTLSSettings.mode,
// https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings-TLSmode).
describe('mesh to mesh: a client cluster reaching another cluster’s ingress gateway', () => {
  it.each([
    [
      'MUTUAL with a credential to a MUTUAL server',
      originate('MUTUAL', { credentialName: 'orders-client' }),
      mutualServer,
      { mtls: true },
    ],
    [
      'ISTIO_MUTUAL to an ISTIO_MUTUAL server (the clusters trust each other)',
      originate('ISTIO_MUTUAL'),
      { mode: 'ISTIO_MUTUAL' },
      { mtls: true },
    ],
    [
      'MUTUAL to a PASSTHROUGH server (the service checks the certificate)',
      originate('MUTUAL', { credentialName: 'orders-client' }),
      { mode: 'PASSTHROUGH' },
      {
        mtls: true,
        gap: 'the gateway passes TLS through: the service, not the gateway, checks the client certificate',
      },
    ],
    [
      'SIMPLE origination to a MUTUAL server',
      originate('SIMPLE'),
      mutualServer,
      {
        mtls: false,
        gap: 'SIMPLE origination presents no client certificate, and the MUTUAL gateway server requires one: the handshake fails',
      },
    ],
    [
      'no origination to a MUTUAL server',
      undefined,
      mutualServer,
      {
        mtls: false,
        gap: "no DestinationRule originates TLS: the mesh presents no client certificate (only the application's own TLS, if any), and the MUTUAL gateway server requires one: the handshake fails",
      },
    ],
    [
      'MUTUAL origination to a SIMPLE server',
      originate('MUTUAL', { credentialName: 'orders-client' }),
      { mode: 'SIMPLE', credentialName: 'orders-server' },
      {
        mtls: false,
        gap: 'the gateway server is SIMPLE: it does not require a client certificate, so the client is not authenticated',
      },
    ],
    [
      'MUTUAL origination to a plaintext server',
      originate('MUTUAL', { credentialName: 'orders-client' }),
      undefined,
      {
        mtls: false,
        gap: 'the gateway server takes plaintext: nothing on the way is encrypted by the mesh',
      },
    ],
  ])('%s', (_, rule, serverTls, verdict) => {
    const m = multiClusterModel({
      edge: client(...(rule ? [rule] : [])),
      backend: server(serverTls),
    });
    const paths = meshPaths(m);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatchObject({
      client: {
        cluster: 'edge',
        workload: 'edge/shop/cart',
        host,
        serviceEntry: 'shop/orders',
        how: 'direct',
      },
      server: {
        cluster: 'backend',
        gateway: 'istio-system/meshes',
        gatewayWorkloads: ['backend/istio-system/istio-ingressgateway'],
        host,
        port: 443,
        tls: serverTls?.mode ?? 'none',
        service: 'orders/orders-api',
        workloads: ['backend/orders/orders-api'],
      },
    });
    expect({ mtls: paths[0].mtls, gap: paths[0].gap }).toEqual({
      gap: undefined,
      ...verdict,
    });
    // ZT043 exactly where it is not mTLS end to end, on the client's ServiceEntry.
    const zt043 = analyze(m).findings.filter(f => f.code === 'ZT043');
    expect(zt043.map(f => [f.resource, f.workload])).toEqual(
      verdict.mtls
        ? []
        : [
            [
              {
                cluster: 'edge',
                kind: 'ServiceEntry',
                namespace: 'shop',
                name: 'orders',
              },
              'edge/shop/cart',
            ],
          ],
    );
  });

  it('names where the client certificate comes from', () => {
    const mutualPath = meshPaths(
      multiClusterModel({
        edge: client(originate('MUTUAL', { credentialName: 'orders-client' })),
        backend: server(mutualServer),
      }),
    )[0];
    expect(mutualPath.origination).toMatchObject({
      by: 'sidecar',
      mode: 'MUTUAL',
      destinationRule: 'shop/orders-tls',
      clientCertificate: 'Secret orders-client',
      certificate: 'Secret orders-client (DestinationRule shop/orders-tls)',
    });
    const istioPath = meshPaths(
      multiClusterModel({
        edge: client(originate('ISTIO_MUTUAL')),
        backend: server({ mode: 'ISTIO_MUTUAL' }),
      }),
    )[0];
    expect(istioPath.origination?.certificate).toBe(
      "cluster edge's mesh CA (spiffe://external.example/ns/shop/sa/default)",
    );
  });

  it('shows the path on both ends: the client’s egress host and the server’s way in, and in both inventories', () => {
    const m = multiClusterModel({
      edge: client(originate('MUTUAL', { credentialName: 'orders-client' })),
      backend: server(mutualServer),
    });
    const cart = workloadView(m.resolveWorkload('edge/shop/cart'), m);
    expect(cart.egress?.hosts[0].meshPaths?.map(p => p.server)).toEqual([
      expect.objectContaining({
        cluster: 'backend',
        gateway: 'istio-system/meshes',
      }),
    ]);
    const orders = workloadView(
      m.resolveWorkload('backend/orders/orders-api'),
      m,
    );
    expect(orders.exposure?.[0].meshClients?.map(p => p.client)).toEqual([
      expect.objectContaining({ cluster: 'edge', workload: 'edge/shop/cart' }),
    ]);
    const { exposure, egress } = edgeInventories(m);
    expect(
      exposure.find(x => x.service === 'orders/orders-api')?.meshClients,
    ).toHaveLength(1);
    expect(
      egress.find(x => x.host === host)?.callers[0].meshPaths?.[0].mtls,
    ).toBe(true);
  });

  it.each([
    [
      'a gateway only the server cluster reaches (ClusterIP)',
      () => server(mutualServer, 'ClusterIP'),
    ],
    [
      'another host',
      () =>
        server(mutualServer).map(o =>
          o.kind === 'VirtualService'
            ? { ...o, spec: { ...o.spec, hosts: ['other.backend.example'] } }
            : o,
        ),
    ],
  ])('finds no path through %s', (_, backend) => {
    const m = multiClusterModel({
      edge: client(originate('MUTUAL', { credentialName: 'c' })),
      backend: backend(),
    });
    expect(meshPaths(m)).toEqual([]);
  });

  it('originates at the egress gateway a VirtualService routes the host through', () => {
    const egressPod = gatewayPod(
      'istio-system',
      'istio-egressgateway',
      'egressgateway',
    );
    const egressService = gatewayService(
      'istio-system',
      'istio-egressgateway',
      'egressgateway',
      'ClusterIP',
    );
    const throughGateway = networking('VirtualService', 'shop', 'orders-out', {
      hosts: [host],
      gateways: ['mesh', 'istio-system/orders-egress'],
      http: [
        {
          match: [{ gateways: ['mesh'], port: 443 }],
          route: [
            {
              destination: {
                host: 'istio-egressgateway.istio-system.svc.cluster.local',
                port: { number: 443 },
              },
            },
          ],
        },
        {
          match: [{ gateways: ['istio-system/orders-egress'], port: 443 }],
          route: [{ destination: { host, port: { number: 443 } } }],
        },
      ],
    });
    // The Istio task's rule in the egress gateway's namespace, read by its proxy.
    const atGateway = destinationRule('istio-system', 'originate-mtls-orders', {
      host,
      trafficPolicy: {
        portLevelSettings: [
          {
            port: { number: 443 },
            tls: { mode: 'MUTUAL', credentialName: 'orders-client' },
          },
        ],
      },
    });
    const m = multiClusterModel({
      edge: client(egressPod, egressService, throughGateway, atGateway),
      backend: server(mutualServer),
    });
    const [path] = meshPaths(m);
    expect(path).toMatchObject({
      client: {
        how: 'egress-gateway',
        via: 'istio-egressgateway.istio-system.svc.cluster.local',
      },
      origination: {
        by: 'egress-gateway',
        gateway: 'edge/istio-system/istio-egressgateway',
        mode: 'MUTUAL',
        destinationRule: 'istio-system/originate-mtls-orders',
      },
      mtls: true,
    });
  });
});
