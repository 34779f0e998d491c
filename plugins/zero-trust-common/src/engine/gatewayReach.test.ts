import {
  deployment,
  injected,
  meshApp,
  meshConfigMap,
  model,
  namespace,
  networking,
  service,
} from '../__fixtures__/manifests';
import { analyze, workloadView } from '../report/analyze';
import { edgeInventories } from '../report/inventory';

type Obj = Record<string, any>;

const gatewayPod = (name: string, istio: string) =>
  deployment('istio-system', name, {
    labels: { istio },
    annotations: { 'inject.istio.io/templates': 'gateway' },
    ports: [8443],
  });

/** The Service in front of a gateway: `spec` fields merged over a ClusterIP Service. */
const gatewayService = (name: string, istio: string, spec: Obj = {}) => {
  const base = service('istio-system', name, {
    selector: { istio },
    ports: [{ name: 'tls', port: 443 }],
  });
  return { ...base, spec: { ...base.spec, ...spec } };
};

const ingressGateway = networking('Gateway', 'istio-system', 'apps', {
  selector: { istio: 'ingressgateway' },
  servers: [
    {
      port: { number: 443, name: 'https', protocol: 'HTTPS' },
      hosts: ['*.apps.example.com'],
      tls: { mode: 'SIMPLE', credentialName: 'apps-cert' },
    },
  ],
});

const publicRoute = networking('VirtualService', 'bookinfo', 'public', {
  hosts: ['bookinfo.apps.example.com'],
  gateways: ['istio-system/apps'],
  http: [{ route: [{ destination: { host: 'productpage' } }] }],
});

function mesh(...extra: Obj[]) {
  return model(
    meshConfigMap(
      'internal.example',
      [],
      'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
    ),
    namespace('istio-system', {}),
    namespace('bookinfo', injected),
    gatewayPod('istio-ingressgateway', 'ingressgateway'),
    gatewayPod('istio-egressgateway', 'egressgateway'),
    ...meshApp('bookinfo', 'productpage', {
      labels: { app: 'productpage' },
      servicePorts: [{ name: 'http', port: 9080 }],
    }),
    ingressGateway,
    publicRoute,
    ...extra,
  );
}

const exposure = (m: ReturnType<typeof mesh>, id: string) =>
  workloadView(m.resolveWorkload(id), m).exposure ?? [];

// A Gateway server is a way in from outside only where the gateway's workloads sit behind
// a Service outside clients reach: Kubernetes' Service types
// (https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types:
// ClusterIP is reachable only from within the cluster; NodePort, LoadBalancer and
// externalIPs from outside), the istio/gateway chart's Service (LoadBalancer by default,
// manifests/charts/gateway/values.yaml).
describe("a gateway's reach: the Service in front of its workloads", () => {
  it.each([
    [
      'LoadBalancer',
      [
        gatewayService('istio-ingressgateway', 'ingressgateway', {
          type: 'LoadBalancer',
        }),
      ],
      {
        from: 'outside',
        services: ['istio-system/istio-ingressgateway (LoadBalancer)'],
      },
    ],
    [
      'NodePort',
      [
        gatewayService('istio-ingressgateway', 'ingressgateway', {
          type: 'NodePort',
        }),
      ],
      {
        from: 'outside',
        services: ['istio-system/istio-ingressgateway (NodePort)'],
      },
    ],
    [
      'ClusterIP with externalIPs',
      [
        gatewayService('istio-ingressgateway', 'ingressgateway', {
          externalIPs: ['203.0.113.10'],
        }),
      ],
      {
        from: 'outside',
        services: [
          'istio-system/istio-ingressgateway (ClusterIP, externalIPs 203.0.113.10)',
        ],
      },
    ],
    [
      'ClusterIP only (in-cluster clients only)',
      [gatewayService('istio-ingressgateway', 'ingressgateway')],
      {
        from: 'cluster',
        services: ['istio-system/istio-ingressgateway (ClusterIP)'],
      },
    ],
    [
      'a ClusterIP and a LoadBalancer Service (either way in counts)',
      [
        gatewayService('internal', 'ingressgateway'),
        gatewayService('public', 'ingressgateway', { type: 'LoadBalancer' }),
      ],
      {
        from: 'outside',
        services: [
          'istio-system/internal (ClusterIP)',
          'istio-system/public (LoadBalancer)',
        ],
      },
    ],
  ])('%s', (_, services, reach) => {
    expect(
      exposure(mesh(...services), 'c1/bookinfo/productpage')[0].reach,
    ).toEqual(reach);
  });

  it.each([
    ['no Service at all', []],
    [
      'a Service of another namespace only (a selector picks its own namespace)',
      [
        {
          ...gatewayService('elsewhere', 'ingressgateway', {
            type: 'LoadBalancer',
          }),
          metadata: { name: 'elsewhere', namespace: 'bookinfo' },
        },
      ],
    ],
    [
      'an ExternalName Service (it selects no pods)',
      [
        gatewayService('alias', 'ingressgateway', {
          type: 'ExternalName',
          externalName: 'lb.example.com',
        }),
      ],
    ],
  ])(
    'is unknown with %s in the snapshot, said so and listed as reachable',
    (_, services) => {
      const [x] = exposure(mesh(...services), 'c1/bookinfo/productpage');
      expect(x.reach).toMatchObject({ from: 'unknown', services: [] });
      expect(x.reach.note).toMatch(/taken as reachable from outside/);
    },
  );

  it('raises no ZT037 for a route through a gateway only the cluster reaches', () => {
    const internal = gatewayService('istio-ingressgateway', 'ingressgateway');
    const open = gatewayService('istio-ingressgateway', 'ingressgateway', {
      type: 'LoadBalancer',
    });
    const zt037 = (m: ReturnType<typeof mesh>) =>
      analyze(m).findings.filter(f => f.code === 'ZT037');
    expect(zt037(mesh(internal))).toEqual([]);
    expect(zt037(mesh(open))).toHaveLength(1);
  });

  // Istio's deployment controller creates NAME-istio for a Gateway API Gateway, of the
  // type its networking.istio.io/service-type annotation names, LoadBalancer by default.
  it.each([
    [{}, 'outside', 'LoadBalancer'],
    [
      { 'networking.istio.io/service-type': 'ClusterIP' },
      'cluster',
      'ClusterIP',
    ],
    [{ 'networking.istio.io/service-type': 'NodePort' }, 'outside', 'NodePort'],
  ])(
    'reads a Gateway API Gateway annotated %j as %s',
    (annotations, from, type) => {
      const gw = {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'public', namespace: 'istio-system', annotations },
        spec: {
          gatewayClassName: 'istio',
          listeners: [
            {
              name: 'https',
              hostname: '*.apps.example.com',
              port: 443,
              protocol: 'HTTPS',
              tls: { mode: 'Terminate', certificateRefs: [{ name: 'c' }] },
              allowedRoutes: { namespaces: { from: 'All' } },
            },
          ],
        },
      };
      const route = {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'productpage', namespace: 'bookinfo' },
        spec: {
          parentRefs: [{ name: 'public', namespace: 'istio-system' }],
          hostnames: ['bookinfo.apps.example.com'],
          rules: [{ backendRefs: [{ name: 'productpage', port: 9080 }] }],
        },
      };
      const reach = exposure(mesh(gw, route), 'c1/bookinfo/productpage').find(
        x => x.gatewayClass === 'istio',
      )!.reach;
      expect(reach).toMatchObject({
        from,
        services: [`istio-system/public-istio (${type})`],
      });
    },
  );
});

// The egress gateway pattern of Istio's "Egress Gateways" task
// (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/): one
// VirtualService binds `mesh` and the egress gateway's Gateway, a route per match
// `gateways` (the sidecars' to the egress gateway's Service, the gateway's to the
// external host). The sidecars' route does not apply on the gateway
// (TLSMatchAttributes.gateways, L4MatchAttributes.gateways and HTTPMatchRequest.gateways
// override the VirtualService's own).
describe('an egress gateway is no way in', () => {
  const egressGateway = networking(
    'Gateway',
    'istio-system',
    'googleapis-egress',
    {
      selector: { istio: 'egressgateway' },
      servers: [
        {
          port: { number: 443, name: 'tls', protocol: 'TLS' },
          hosts: ['www.googleapis.com'],
          tls: { mode: 'PASSTHROUGH' },
        },
      ],
    },
  );
  const egressService = gatewayService('istio-egressgateway', 'egressgateway');
  const toGateway = {
    host: 'istio-egressgateway.istio-system.svc.cluster.local',
    port: { number: 443 },
  };
  const toHost = { host: 'www.googleapis.com', port: { number: 443 } };
  const through = (kind: 'tls' | 'tcp' | 'http', withMatch: boolean) => {
    const match = (gateway: string) =>
      withMatch
        ? {
            match: [
              kind === 'tls'
                ? {
                    gateways: [gateway],
                    port: 443,
                    sniHosts: ['www.googleapis.com'],
                  }
                : { gateways: [gateway], port: 443 },
            ],
          }
        : {};
    return networking('VirtualService', 'bookinfo', 'googleapis', {
      hosts: ['www.googleapis.com'],
      gateways: ['mesh', 'istio-system/googleapis-egress'],
      [kind]: [
        { ...match('mesh'), route: [{ destination: toGateway }] },
        {
          ...match('istio-system/googleapis-egress'),
          route: [{ destination: toHost }],
        },
      ],
    });
  };
  const egressId = 'c1/istio-system/istio-egressgateway';

  it.each([
    ['tls', 'TLS'],
    ['tcp', 'TCP'],
    ['http', 'HTTP'],
  ] as const)(
    'lists no exposure for the %s route that applies on mesh only',
    (kind, protocol) => {
      const gw =
        kind === 'tls'
          ? egressGateway
          : networking('Gateway', 'istio-system', 'googleapis-egress', {
              selector: { istio: 'egressgateway' },
              servers: [
                {
                  port: { number: 443, name: 'p', protocol },
                  hosts: ['www.googleapis.com'],
                },
              ],
            });
      const m = mesh(gw, egressService, through(kind, true));
      expect(exposure(m, egressId)).toEqual([]);
      expect(edgeInventories(m).exposure.map(x => x.gateway)).not.toContain(
        'istio-system/googleapis-egress',
      );
    },
  );

  it('still reads a route without per-match gateways as applying on every gateway bound', () => {
    // Istio would loop such a route through the gateway; the model reads it as written.
    const m = mesh(egressGateway, egressService, through('tls', false));
    expect(exposure(m, egressId)).toMatchObject([
      {
        gateway: 'istio-system/googleapis-egress',
        reach: { from: 'cluster' },
      },
    ]);
  });
});
