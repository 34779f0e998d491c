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
import { edgeInventories } from './inventory';

const ingressPod = deployment('istio-ingress', 'ingress', {
  labels: { istio: 'ingressgateway' },
  annotations: { 'inject.istio.io/templates': 'gateway' },
  ports: [8443],
});

const stripe = networking('ServiceEntry', 'shop', 'stripe', {
  hosts: ['api.stripe.com'],
  location: 'MESH_EXTERNAL',
  resolution: 'DNS',
  ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
});

function mesh(...extra: Record<string, any>[]) {
  return model(
    meshConfigMap(
      'internal.example',
      [],
      'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY',
    ),
    namespace('istio-ingress', injected),
    namespace('shop', injected),
    namespace('other', injected),
    ingressPod,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingress', namespace: 'istio-ingress' },
      spec: {
        type: 'LoadBalancer',
        selector: { istio: 'ingressgateway' },
        ports: [{ name: 'https', port: 443, targetPort: 8443 }],
      },
    },
    networking('Gateway', 'istio-ingress', 'public', {
      selector: { istio: 'ingressgateway' },
      servers: [
        {
          port: { number: 443, name: 'https', protocol: 'HTTPS' },
          hosts: ['*.apps.example.com'],
          tls: { mode: 'SIMPLE', credentialName: 'apps-cert' },
        },
      ],
    }),
    networking('VirtualService', 'shop', 'checkout-ingress', {
      hosts: ['shop.apps.example.com'],
      gateways: ['istio-ingress/public'],
      http: [{ route: [{ destination: { host: 'checkout' } }] }],
    }),
    ...meshApp('shop', 'checkout', {
      labels: { app: 'checkout' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    ...meshApp('other', 'batch', {
      labels: { app: 'batch' },
      servicePorts: [{ name: 'http', port: 8080 }],
    }),
    stripe,
    ...extra,
  );
}

// The inventories gather what each workload's view holds (exposure.test.ts and
// edges.test.ts test the rules themselves): one row per way in and per external host.
describe('edge inventories', () => {
  it('lists each way in with its TLS and the AuthorizationPolicies in its path', () => {
    const policy = authorizationPolicy('shop', 'checkout', {
      selector: { matchLabels: { app: 'checkout' } },
      rules: [{ from: [{ source: { namespaces: ['istio-ingress'] } }] }],
    });
    expect(edgeInventories(mesh(policy)).exposure).toEqual([
      {
        cluster: 'c1',
        host: 'shop.apps.example.com',
        port: 443,
        protocol: 'HTTPS',
        tls: 'SIMPLE',
        gateway: 'istio-ingress/public',
        virtualService: 'shop/checkout-ingress',
        service: 'shop/checkout',
        workloads: ['c1/shop/checkout'],
        authz: { gateway: [], workloads: ['shop/checkout'] },
        reach: {
          from: 'outside',
          services: ['istio-ingress/ingress (LoadBalancer)'],
        },
      },
    ]);
  });

  it('lists each external host with who reaches it, and how', () => {
    const onlyShop = networking('Sidecar', 'other', 'default', {
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    const { egress, anyHost } = edgeInventories(mesh(onlyShop));
    expect(egress).toEqual([
      {
        cluster: 'c1',
        host: 'api.stripe.com',
        ports: [{ number: 443, protocol: 'TLS' }],
        serviceEntry: 'shop/stripe',
        callers: [{ workload: 'c1/shop/checkout', how: 'direct' }],
        blocked: ['c1/other/batch'],
      },
    ]);
    expect(anyHost).toEqual([]);
  });

  it('names the workloads that may reach any host, by what decided it', () => {
    const open = networking('Sidecar', 'other', 'default', {
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    });
    expect(edgeInventories(mesh(open)).anyHost).toEqual([
      {
        cluster: 'c1',
        decidedBy: 'Sidecar other/default',
        outboundTrafficPolicy: 'ALLOW_ANY',
        workloads: ['c1/other/batch'],
      },
    ]);
  });
});
