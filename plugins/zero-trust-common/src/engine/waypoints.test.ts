import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  injected,
  model,
  namespace,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { allowedCallers } from './callers';
import { check } from './check';

/*
 * Ambient waypoints, rule by rule. The sources: istiod's
 * pilot/pkg/serviceregistry/ambient/waypoints.go (which waypoint a Service or pod uses),
 * pilot/pkg/model/policyattachment.go (which policies a waypoint enforces), ztunnel's
 * src/proxy/outbound.rs (which traffic goes through it), and
 * https://istio.io/latest/docs/ambient/usage/waypoint/ and .../l7-features/.
 */

const waypointPrincipal = 'cluster.local/ns/shop/sa/waypoint';

/** Targets the waypoint `waypoint` of namespace shop. */
const toWaypoint = {
  targetRefs: [
    { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' },
  ],
};

/** The destination's ztunnel admits only the waypoint: the pattern the docs teach. */
const ztunnelAdmitsWaypoint = authorizationPolicy('shop', 'api-ztunnel', {
  selector: { matchLabels: { app: 'api' } },
  action: 'ALLOW',
  rules: [{ from: [{ source: { principals: [waypointPrincipal] } }] }],
});

const waypointAllowsWebGet = authorizationPolicy('shop', 'api-waypoint', {
  ...toWaypoint,
  action: 'ALLOW',
  rules: [
    {
      from: [{ source: { principals: ['cluster.local/ns/front/sa/web'] } }],
      to: [{ operation: { methods: ['GET'] } }],
    },
  ],
});

interface Setup {
  shopLabels?: Record<string, string>;
  apiPodLabels?: Record<string, string>;
  apiServiceLabels?: Record<string, string>;
  extra?: K8sObject[];
  waypoint?: K8sObject | null;
}

function mesh(setup: Setup = {}) {
  return model(
    namespace('shop', {
      ...ambient,
      'istio.io/use-waypoint': 'waypoint',
      ...setup.shopLabels,
    }),
    ...(setup.waypoint === null
      ? []
      : [setup.waypoint ?? waypointGateway('shop', 'waypoint')]),
    deployment('shop', 'api', {
      sa: 'api',
      labels: { app: 'api', ...setup.apiPodLabels },
      ports: [8080, 9090],
    }),
    // 9090 is on no Service: traffic to it is addressed to the pod.
    service('shop', 'api', {
      selector: { app: 'api' },
      ports: [{ name: 'http', port: 8080 }],
      labels: setup.apiServiceLabels,
    }),
    namespace('front', ambient),
    deployment('front', 'web', { sa: 'web' }),
    deployment('front', 'batch', { sa: 'batch' }),
    namespace('side', injected),
    deployment('side', 'legacy-client', { sa: 'legacy' }),
    namespace('outside'),
    deployment('outside', 'plain'),
    ...(setup.extra ?? []),
  );
}

const ask = (
  m: ReturnType<typeof mesh>,
  from: string,
  extra: { port?: number; method?: string } = {},
) => check(m, { from, to: 'shop/api', port: 8080, ...extra });

describe('policies through a waypoint', () => {
  const m = mesh({ extra: [ztunnelAdmitsWaypoint, waypointAllowsWebGet] });

  it.each([
    // The waypoint's policy reads the client's identity and its method.
    ['front/web', 'GET', 'ALLOW'],
    ['front/web', 'POST', 'DENY'],
    ['front/web', undefined, 'CONDITIONAL'],
    ['front/batch', 'GET', 'DENY'],
    // A sidecar client goes through the waypoint too (sidecar_interop.go).
    ['side/legacy-client', 'GET', 'DENY'],
    ['principal:cluster.local/ns/front/sa/web', 'GET', 'ALLOW'],
  ])('%s %s → %s', (from, method, decision) => {
    const answer = ask(m, from, method ? { method } : {});
    expect(answer.decision).toBe(decision);
    expect(answer.mtls).toBe(true);
    expect(answer.reason).toContain('through waypoint shop/waypoint');
  });

  it('names both hops: the waypoint policy and the ztunnel policy', () => {
    const answer = ask(m, 'front/web', { method: 'GET' });
    expect(answer.policies.sort()).toEqual([
      'shop/api-waypoint',
      'shop/api-ztunnel',
    ]);
    expect(answer.reason).toContain(
      `which sees the waypoint's identity ${waypointPrincipal}`,
    );
  });

  it('a plaintext client outside the mesh skips the waypoint: ztunnel sees no identity', () => {
    const answer = ask(m, 'outside/plain');
    expect(answer.decision).toBe('DENY');
    expect(answer.reason).not.toContain('waypoint shop/waypoint');
    expect(answer.policies).toEqual(['shop/api-ztunnel']);
  });

  it('traffic addressed to the pod (a port on no Service) does not use a service waypoint', () => {
    // The namespace's waypoint takes service traffic only; a pod inheriting it has none.
    const answer = ask(m, 'front/web', { port: 9090 });
    expect(answer.decision).toBe('DENY');
    expect(answer.reason).toMatch(/no rule of ALLOW policy shop\/api-ztunnel/);
  });
});

describe('the destination ztunnel sees the waypoint, not the client', () => {
  it('a selector policy naming the client denies every call through the waypoint', () => {
    const m = mesh({
      extra: [
        authorizationPolicy('shop', 'api-ztunnel', {
          selector: { matchLabels: { app: 'api' } },
          action: 'ALLOW',
          rules: [
            {
              from: [
                { source: { principals: ['cluster.local/ns/front/sa/web'] } },
              ],
            },
          ],
        }),
      ],
    });
    const answer = ask(m, 'front/web', { method: 'GET' });
    expect(answer.decision).toBe('DENY');
    expect(answer.reason).toContain(`identity ${waypointPrincipal}`);
    // The same client straight to the pod's port 9090: ztunnel sees it and admits it.
    expect(ask(m, 'front/web', { port: 9090 }).decision).toBe('ALLOW');
  });

  it('a selector DENY naming the waypoint denies every caller through it', () => {
    const m = mesh({
      extra: [
        authorizationPolicy('shop', 'deny-waypoint', {
          selector: { matchLabels: { app: 'api' } },
          action: 'DENY',
          rules: [{ from: [{ source: { namespaces: ['shop'] } }] }],
        }),
      ],
    });
    expect(ask(m, 'front/web').decision).toBe('DENY');
  });
});

describe('which waypoint takes the traffic (waypoints.go, fetchWaypointForTarget)', () => {
  const viaWaypoint = (m: ReturnType<typeof mesh>, port = 8080) =>
    ask(m, 'front/web', { port }).reason.includes('through waypoint');

  it.each<[string, Setup, number, boolean]>([
    ['the namespace label', {}, 8080, true],
    [
      'the Service label opts out with none',
      { apiServiceLabels: { 'istio.io/use-waypoint': 'none' } },
      8080,
      false,
    ],
    [
      'a pod label does not change Service traffic',
      { apiPodLabels: { 'istio.io/use-waypoint': 'none' } },
      8080,
      true,
    ],
    [
      'a Service label naming a missing waypoint: no waypoint, no fallback to the namespace',
      { apiServiceLabels: { 'istio.io/use-waypoint': 'gone' } },
      8080,
      false,
    ],
    ['no Gateway at all', { waypoint: null }, 8080, false],
    [
      'a Gateway of another class',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          gatewayClassName: 'istio',
        }),
      },
      8080,
      false,
    ],
    [
      'a waypoint whose status has no address is not ready',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          status: {
            addresses: [],
            conditions: [{ type: 'Programmed', status: 'False' }],
          },
        }),
      },
      8080,
      false,
    ],
    [
      'a waypoint with an address in its status is ready',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          status: {
            addresses: [
              { type: 'Hostname', value: 'waypoint.shop.svc.cluster.local' },
            ],
            conditions: [{ type: 'Programmed', status: 'True' }],
          },
        }),
      },
      8080,
      true,
    ],
    [
      'waypoint-for: workload takes no Service traffic',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          labels: { 'istio.io/waypoint-for': 'workload' },
        }),
      },
      8080,
      false,
    ],
    [
      'waypoint-for: workload takes pod traffic from a pod label',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          labels: { 'istio.io/waypoint-for': 'workload' },
        }),
        apiPodLabels: { 'istio.io/use-waypoint': 'waypoint' },
      },
      9090,
      true,
    ],
    [
      'waypoint-for: all takes pod traffic from the namespace label',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          labels: { 'istio.io/waypoint-for': 'all' },
        }),
      },
      9090,
      true,
    ],
    [
      'waypoint-for: none takes nothing',
      {
        waypoint: waypointGateway('shop', 'waypoint', {
          labels: { 'istio.io/waypoint-for': 'none' },
        }),
      },
      8080,
      false,
    ],
  ])('%s', (_, setup, port, through) => {
    expect(viaWaypoint(mesh(setup), port)).toBe(through);
  });

  it('a waypoint in another namespace needs its listener to admit the namespace', () => {
    const labels = {
      'istio.io/use-waypoint': 'shared',
      'istio.io/use-waypoint-namespace': 'waypoints',
    };
    const shared = (allowedRoutes?: K8sObject) =>
      mesh({
        apiServiceLabels: labels,
        extra: [
          namespace('waypoints'),
          waypointGateway(
            'waypoints',
            'shared',
            allowedRoutes ? { allowedRoutes } : {},
          ),
        ],
      });
    expect(viaWaypoint(shared({ from: 'All' }))).toBe(true);
    expect(ask(shared({ from: 'All' }), 'front/web').reason).toContain(
      'cluster.local/ns/waypoints/sa/shared',
    );
    // allowedRoutes defaults to Same (makeWaypointSelector).
    expect(viaWaypoint(shared())).toBe(false);
    expect(
      viaWaypoint(
        shared({
          from: 'Selector',
          selector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
        }),
      ),
    ).toBe(true);
  });
});

describe("the waypoint's identity (deploymentcontroller.go, Waypoint.ServiceAccounts)", () => {
  const policyFor = (principal: string) =>
    authorizationPolicy('shop', 'api-ztunnel', {
      selector: { matchLabels: { app: 'api' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: [principal] } }] }],
    });

  it('is the Gateway name by default', () => {
    const m = mesh({ extra: [policyFor(waypointPrincipal)] });
    expect(ask(m, 'front/web').decision).toBe('ALLOW');
  });

  it('is gateway.istio.io/service-account where set', () => {
    const m = mesh({
      waypoint: waypointGateway('shop', 'waypoint', {
        annotations: { 'gateway.istio.io/service-account': 'wp-sa' },
      }),
      extra: [policyFor('cluster.local/ns/shop/sa/wp-sa')],
    });
    expect(ask(m, 'front/web').decision).toBe('ALLOW');
  });

  it("is its pods' service account where the snapshot holds them", () => {
    const m = mesh({
      extra: [
        deployment('shop', 'waypoint', {
          sa: 'from-pods',
          labels: {
            'gateway.networking.k8s.io/gateway-name': 'waypoint',
            'istio.io/dataplane-mode': 'none',
          },
        }),
        policyFor('cluster.local/ns/shop/sa/from-pods'),
      ],
    });
    expect(ask(m, 'front/web').decision).toBe('ALLOW');
    // A waypoint never reads selector policies (policyattachment.go).
    expect(m.resolveWorkload('shop/waypoint').policies).toEqual([]);
  });
});

describe('which policies the waypoint enforces (policyattachment.go, ShouldAttachPolicy)', () => {
  const denyAll = (ns: string, name: string, targetRef: K8sObject) =>
    authorizationPolicy(ns, name, {
      targetRefs: [targetRef],
      action: 'DENY',
      rules: [{}],
    });

  it.each<[string, K8sObject, boolean]>([
    [
      'a Gateway targetRef from the waypoint namespace',
      denyAll('shop', 'p', {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: 'waypoint',
      }),
      true,
    ],
    [
      'a Gateway targetRef without the group names no Gateway',
      denyAll('shop', 'p', { kind: 'Gateway', name: 'waypoint' }),
      false,
    ],
    [
      'a Service targetRef to the Service called',
      denyAll('shop', 'p', { kind: 'Service', name: 'api' }),
      true,
    ],
    [
      'a Service targetRef with group ""',
      denyAll('shop', 'p', { group: '', kind: 'Service', name: 'api' }),
      true,
    ],
    [
      'a Service targetRef to another Service',
      denyAll('shop', 'p', { kind: 'Service', name: 'other' }),
      false,
    ],
    [
      'the GatewayClass istio-waypoint from the root namespace',
      denyAll('istio-system', 'p', {
        group: 'gateway.networking.k8s.io',
        kind: 'GatewayClass',
        name: 'istio-waypoint',
      }),
      true,
    ],
    [
      'the GatewayClass from another namespace',
      denyAll('shop', 'p', {
        group: 'gateway.networking.k8s.io',
        kind: 'GatewayClass',
        name: 'istio-waypoint',
      }),
      false,
    ],
    [
      'a Gateway targetRef from another namespace',
      denyAll('front', 'p', {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: 'waypoint',
      }),
      false,
    ],
  ])('%s', (_, policy, enforced) => {
    const answer = ask(mesh({ extra: [policy] }), 'front/web', {
      method: 'GET',
    });
    expect(answer.decision).toBe(enforced ? 'DENY' : 'ALLOW');
  });

  it('a dry-run waypoint policy is logged, not enforced', () => {
    const policy = denyAll('shop', 'p', { kind: 'Service', name: 'api' });
    policy.metadata.annotations = { 'istio.io/dry-run': 'true' };
    expect(ask(mesh({ extra: [policy] }), 'front/web').decision).toBe('ALLOW');
  });

  it('a sidecar destination ignores targetRef policies, as before', () => {
    const m = model(
      namespace('front', ambient),
      deployment('front', 'web', { sa: 'web' }),
      namespace('shop', { ...injected, 'istio.io/use-waypoint': 'waypoint' }),
      waypointGateway('shop', 'waypoint'),
      deployment('shop', 'api', { sa: 'api', ports: [8080] }),
      service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
      denyAll('shop', 'p', { kind: 'Service', name: 'api' }),
    );
    const answer = check(m, { from: 'front/web', to: 'shop/api', port: 8080 });
    expect(answer.decision).toBe('ALLOW');
    expect(answer.reason).not.toContain('waypoint');
  });
});

describe('allowed callers through a waypoint agree with check', () => {
  it('lists the clients the waypoint admits, not the waypoint', () => {
    const m = mesh({ extra: [ztunnelAdmitsWaypoint, waypointAllowsWebGet] });
    const server = m.resolveWorkload('shop/api');
    const { allowedCallers: listed } = allowedCallers(server, m);
    const workloads = listed
      .filter(c => c.source.kind === 'workload')
      .map(c => c.label);
    expect(workloads).toEqual(['c1/front/web']);
    const web = listed.find(c => c.label === 'c1/front/web')!;
    expect(web).toMatchObject({ decision: 'CONDITIONAL', ports: [8080] });
    expect(web.admittedBy).toEqual([
      { policy: 'shop/api-waypoint', rule: 0 },
      { policy: 'shop/api-ztunnel', rule: 0 },
    ]);
    expect(web.narrowing).toEqual({ methods: ['GET'] });
  });

  it('with no ALLOW policy at the waypoint, any mesh identity through it', () => {
    const m = mesh({ extra: [ztunnelAdmitsWaypoint] });
    const labels = allowedCallers(
      m.resolveWorkload('shop/api'),
      m,
    ).allowedCallers.map(c => c.source.kind);
    expect(labels).toContain('authenticated');
    expect(labels).not.toContain('anyone');
  });
});
