import {
  authorizationPolicy,
  deployment,
  model,
  namespace,
  peerAuthentication,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { analyze } from '../report/analyze';
import { check } from './check';
import { deployedGateway, isGatewayWorkload } from './membership';

// The pod labels istiod's template gives a Gateway API gateway's Deployment
// (kube-gateway.yaml in istio/istio manifests/charts/istio-control/istio-discovery/files).
const gatewayPodLabels = (name: string, className: string) => ({
  'sidecar.istio.io/inject': 'false',
  'service.istio.io/canonical-name': `${name}-${className}`,
  'service.istio.io/canonical-revision': 'latest',
  'gateway.networking.k8s.io/gateway-name': name,
  'gateway.networking.k8s.io/gateway-class-name': className,
  'gateway.istio.io/managed': 'istio.io-gateway-controller',
});

const publicGateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'public', namespace: 'ingress' },
  spec: {
    gatewayClassName: 'istio',
    listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
  },
};

/** A live cluster: the Gateway, istiod's Deployment for it, and a STRICT shop. */
function liveMesh(...extra: Record<string, any>[]) {
  return model(
    namespace('ingress'),
    namespace('shop', { 'istio-injection': 'enabled' }),
    publicGateway,
    deployment('ingress', 'public-istio', {
      sa: 'public-istio',
      labels: gatewayPodLabels('public', 'istio'),
      ports: [80, 15021],
    }),
    deployment('shop', 'web', { sa: 'web', ports: [8080] }),
    service('shop', 'web', {
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    }),
    peerAuthentication('istio-system', 'default', { mode: 'STRICT' }),
    authorizationPolicy('shop', 'web', {
      selector: { matchLabels: { app: 'web' } },
      rules: [
        {
          from: [
            {
              source: {
                principals: ['cluster.local/ns/ingress/sa/public-istio'],
              },
            },
          ],
        },
      ],
    }),
    ...extra,
  );
}

describe('a Gateway API gateway deployed by istiod', () => {
  it('is in the mesh and a gateway, though its pods say sidecar.istio.io/inject=false', () => {
    const gateway = liveMesh().resolveWorkload('ingress/public-istio');
    expect(gateway.membership).toEqual({
      mode: 'sidecar',
      reason:
        'istiod deploys it for Gateway ingress/public (class istio) with its own proxy',
    });
    expect(isGatewayWorkload(gateway.workload)).toBe(true);
    expect(analyze(liveMesh()).findings.map(f => f.code)).not.toContain(
      'ZT001',
    );
  });

  it('leaves a waypoint’s pods and unmanaged pods with the gateway-name label as they were', () => {
    const m = model(
      namespace('apps', { 'istio.io/dataplane-mode': 'ambient' }),
      waypointGateway('apps', 'waypoint'),
      deployment('apps', 'waypoint', {
        labels: {
          ...gatewayPodLabels('waypoint', 'istio-waypoint'),
          'istio.io/dataplane-mode': 'none',
        },
      }),
      namespace('edge'),
      deployment('edge', 'hand-made', {
        labels: {
          'gateway.networking.k8s.io/gateway-name': 'public',
          'sidecar.istio.io/inject': 'false',
        },
      }),
    );
    for (const ref of ['apps/waypoint', 'edge/hand-made']) {
      const w = m.resolveWorkload(ref);
      expect(deployedGateway(w.workload)).toBeUndefined();
      expect(w.membership.mode).toBe('none');
    }
  });

  it('calls a STRICT workload over mTLS with its own identity', () => {
    expect(
      check(liveMesh(), {
        from: 'ingress/public-istio',
        to: 'shop/web',
        port: 8080,
      }),
    ).toMatchObject({ decision: 'ALLOW', mtls: true, policies: ['shop/web'] });
    const callers = analyze(liveMesh())
      .workloads.find(w => w.name === 'web')!
      .allowedCallers.map(c => c.label);
    expect(callers).toEqual(['c1/ingress/public-istio']);
  });

  it('enforces the policies bound to its Gateway and the selector policies that match its pods', () => {
    const byRef = authorizationPolicy('ingress', 'by-ref', {
      action: 'DENY',
      targetRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public' },
      ],
      rules: [{ from: [{ source: { notPrincipals: ['*'] } }] }],
    });
    const otherGateway = authorizationPolicy('ingress', 'other', {
      targetRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'private',
        },
      ],
      rules: [{}],
    });
    const bySelector = authorizationPolicy('istio-system', 'by-label', {
      selector: {
        matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' },
      },
      action: 'AUDIT',
      rules: [{}],
    });
    const gateway = liveMesh(byRef, otherGateway, bySelector).resolveWorkload(
      'ingress/public-istio',
    );
    expect(gateway.policies.map(p => p.ref).sort()).toEqual([
      'ingress/by-ref',
      'istio-system/by-label',
    ]);
    // The DENY bound to the Gateway refuses plaintext callers.
    expect(
      check(liveMesh(byRef), {
        from: 'plaintext',
        to: 'ingress/public-istio',
        port: 80,
      }).decision,
    ).toBe('DENY');
  });
});
