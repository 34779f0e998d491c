import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  injected,
  meshConfigMap,
  model,
  namespace,
  networking,
  waypointGateway,
} from '../__fixtures__/manifests';
import { workloadView } from '../report/analyze';
import { egressPolicies } from './egressWaypoints';
import { policyEnforcement } from './enforcement';

/*
 * Policies bound to a ServiceEntry with targetRefs, enforced at its (egress) waypoint.
 * Sources: ShouldAttachPolicy in istio/istio pilot/pkg/model/policyattachment.go (kind
 * ServiceEntry, group networking.istio.io, from the entry's namespace, only on a
 * waypoint), serviceEntryServiceBuilder in pilot/pkg/serviceregistry/ambient/services.go
 * (a ServiceEntry binds a waypoint by istio.io/use-waypoint, on it or its namespace, as
 * a Service does: fetchWaypointForService in waypoints.go), WaypointPolicyStatusCollection
 * in pilot/pkg/serviceregistry/ambient/policies.go ("ServiceEntry NS/NAME is not bound
 * to a waypoint"), and https://istio.io/latest/docs/ambient/usage/waypoint/.
 */

const httpbin = (labels?: Record<string, string>, ns = 'egress') => {
  const entry = networking('ServiceEntry', ns, 'httpbin', {
    hosts: ['httpbin.org'],
    location: 'MESH_EXTERNAL',
    resolution: 'DNS',
    ports: [
      { number: 80, name: 'http', protocol: 'HTTP' },
      { number: 443, name: 'tls', protocol: 'TLS' },
    ],
  });
  if (labels) entry.metadata.labels = labels;
  return entry;
};
const useEgressWaypoint = { 'istio.io/use-waypoint': 'egress-waypoint' };
const toEntry = (name = 'httpbin') => ({
  targetRefs: [{ group: 'networking.istio.io', kind: 'ServiceEntry', name }],
});
const onlyShopGets = authorizationPolicy('egress', 'p', {
  ...toEntry(),
  rules: [
    {
      from: [{ source: { namespaces: ['shop'] } }],
      to: [{ operation: { methods: ['GET'] } }],
    },
  ],
});

function mesh(egressNsLabels: Record<string, string>, ...extra: K8sObject[]) {
  return model(
    meshConfigMap('internal.example'),
    namespace('egress', egressNsLabels),
    namespace('shop', injected),
    namespace('ops', ambient),
    namespace('plain'),
    waypointGateway('egress', 'egress-waypoint', {
      allowedRoutes: { from: 'All' },
    }),
    deployment('shop', 'checkout', { sa: 'checkout', ports: [8080] }),
    deployment('ops', 'runner', { sa: 'runner', ports: [8080] }),
    deployment('plain', 'legacy', { sa: 'legacy', ports: [8080] }),
    ...extra,
  );
}

const enforcementFor = (m: ReturnType<typeof mesh>, id: string) =>
  policyEnforcement(m.resolveWorkload(id)).filter(e => e.calls);

describe('policies bound to a ServiceEntry', () => {
  it.each<[string, Record<string, string>, K8sObject[], string, RegExp | null]>(
    [
      [
        'its own istio.io/use-waypoint: enforced at that waypoint',
        ambient,
        [httpbin(useEgressWaypoint), onlyShopGets],
        'waypoint egress/egress-waypoint',
        null,
      ],
      [
        "its namespace's istio.io/use-waypoint",
        { ...ambient, ...useEgressWaypoint },
        [httpbin(), onlyShopGets],
        'waypoint egress/egress-waypoint',
        null,
      ],
      [
        'no waypoint: enforced nowhere, and why',
        ambient,
        [httpbin(), onlyShopGets],
        'nowhere',
        /ServiceEntry egress\/httpbin uses no waypoint .* enforced only at its waypoint: sidecars and ztunnel ignore targetRefs/,
      ],
      [
        'istio.io/use-waypoint: none on the entry opts out of the namespace waypoint',
        { ...ambient, ...useEgressWaypoint },
        [httpbin({ 'istio.io/use-waypoint': 'none' }), onlyShopGets],
        'nowhere',
        /uses no waypoint/,
      ],
      [
        'a waypoint that does not exist: enforced nowhere',
        ambient,
        [httpbin({ 'istio.io/use-waypoint': 'gone' }), onlyShopGets],
        'nowhere',
        /waypoint is not used: no waypoint Gateway egress\/gone exists/,
      ],
      [
        'a waypoint for workload traffic only takes no ServiceEntry traffic',
        ambient,
        [
          httpbin({ 'istio.io/use-waypoint': 'pods-only' }),
          waypointGateway('egress', 'pods-only', {
            labels: { 'istio.io/waypoint-for': 'workload' },
          }),
          onlyShopGets,
        ],
        'nowhere',
        /takes workload traffic \(istio.io\/waypoint-for\), not service traffic/,
      ],
    ],
  )('%s', (_, egressLabels, objects, enforcedAt, why) => {
    const list = enforcementFor(
      mesh(egressLabels, ...objects),
      'shop/checkout',
    );
    expect(list.map(e => [e.policy, e.enforcedAt])).toEqual([
      ['egress/p', enforcedAt],
    ]);
    expect(list[0].calls).toBe('httpbin.org (ServiceEntry egress/httpbin)');
    expect(list[0].why ?? '').toMatch(why ?? /^$/);
  });

  it.each<[string, K8sObject]>([
    [
      'a policy in another namespace than the entry',
      authorizationPolicy('shop', 'p', { ...toEntry(), rules: [{}] }),
    ],
    [
      'a targetRef without the networking.istio.io group',
      authorizationPolicy('egress', 'p', {
        targetRefs: [{ kind: 'ServiceEntry', name: 'httpbin' }],
        rules: [{}],
      }),
    ],
    [
      'a targetRef naming another ServiceEntry',
      authorizationPolicy('egress', 'p', { ...toEntry('other'), rules: [{}] }),
    ],
  ])('not bound: %s', (_, policy) => {
    const m = mesh(ambient, httpbin(useEgressWaypoint), policy);
    expect(enforcementFor(m, 'shop/checkout')).toEqual([]);
  });

  it('also lists the policies bound to the waypoint itself, for the entry', () => {
    const atWaypoint = authorizationPolicy('egress', 'w', {
      targetRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: 'egress-waypoint',
        },
      ],
      action: 'DENY',
      rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
    });
    const m = mesh(
      ambient,
      httpbin(useEgressWaypoint),
      onlyShopGets,
      atWaypoint,
    );
    expect(
      enforcementFor(m, 'ops/runner').map(e => [e.policy, e.enforcedAt]),
    ).toEqual([
      ['egress/p', 'waypoint egress/egress-waypoint'],
      ['egress/w', 'waypoint egress/egress-waypoint'],
    ]);
  });

  it('a dry-run policy is logged at the waypoint and decides nothing', () => {
    const dryRun = authorizationPolicy('egress', 'p', {
      ...toEntry(),
      action: 'DENY',
      rules: [{}],
    });
    dryRun.metadata.annotations = { 'istio.io/dry-run': 'true' };
    const m = mesh(ambient, httpbin(useEgressWaypoint), dryRun);
    const w = m.resolveWorkload('shop/checkout');
    expect(policyEnforcement(w).filter(e => e.calls)).toEqual([
      {
        policy: 'egress/p',
        action: 'DENY',
        enforcedAt: 'waypoint egress/egress-waypoint',
        why: 'dry-run: the waypoint logs it',
        dryRun: true,
        calls: 'httpbin.org (ServiceEntry egress/httpbin)',
      },
    ]);
    expect(egressPolicies(w)[0].decisions.map(d => d.decision)).toEqual([
      'ALLOW',
      'ALLOW',
    ]);
    expect(
      egressPolicies(w.withDryRunEnforced())[0].decisions.map(d => d.decision),
    ).toEqual(['DENY', 'DENY']);
  });
});

describe('what the waypoint decides for a caller of the entry', () => {
  // The waypoint reads the original client's identity, and L7 fields where the port
  // carries HTTP; on a TLS port it reads no HTTP, so an ALLOW rule with methods is
  // ignored (as on a sidecar's TCP port: pilot/pkg/security/authz/model/model.go).
  it.each<[string, string, Record<number, string>]>([
    [
      'a caller from the namespace the rule names, on HTTP: allowed where GET',
      'shop/checkout',
      { 80: 'CONDITIONAL', 443: 'DENY' },
    ],
    [
      'an ambient caller of another namespace: denied',
      'ops/runner',
      { 80: 'DENY', 443: 'DENY' },
    ],
  ])('%s', (_, id, expected) => {
    const m = mesh(ambient, httpbin(useEgressWaypoint), onlyShopGets);
    const found = egressPolicies(m.resolveWorkload(id));
    expect(
      Object.fromEntries(found[0].decisions.map(d => [d.port, d.decision])),
    ).toEqual(expected);
  });

  it('a workload outside the mesh does not go through the waypoint', () => {
    const m = mesh(ambient, httpbin(useEgressWaypoint), onlyShopGets);
    expect(egressPolicies(m.resolveWorkload('plain/legacy'))).toEqual([]);
    expect(enforcementFor(m, 'plain/legacy')).toEqual([]);
  });

  it('from the named namespace, the HTTP port depends on the method', () => {
    const m = mesh(ambient, httpbin(useEgressWaypoint), onlyShopGets);
    const [entry] = egressPolicies(m.resolveWorkload('shop/checkout'));
    expect(entry.decisions[0]).toMatchObject({
      port: 80,
      decision: 'CONDITIONAL',
      policies: ['egress/p'],
    });
    expect(entry.decisions[0].reason).toMatch(
      /depends on attributes not given/,
    );
  });

  it("shows in a sidecar caller's egress view, per host", () => {
    const m = mesh(ambient, httpbin(useEgressWaypoint), onlyShopGets);
    const view = workloadView(m.resolveWorkload('shop/checkout'), m);
    expect(view.egress?.hosts).toEqual([
      expect.objectContaining({
        host: 'httpbin.org',
        serviceEntry: 'egress/httpbin',
        authorization: expect.objectContaining({
          waypoint: 'egress/egress-waypoint',
          policies: [
            expect.objectContaining({
              policy: 'egress/p',
              enforcedAt: 'waypoint egress/egress-waypoint',
            }),
          ],
          decisions: [
            expect.objectContaining({ port: 80, decision: 'CONDITIONAL' }),
            expect.objectContaining({ port: 443, decision: 'DENY' }),
          ],
        }),
      }),
    ]);
    const without = mesh(ambient, httpbin(), onlyShopGets);
    const host = workloadView(without.resolveWorkload('shop/checkout'), without)
      .egress?.hosts[0];
    expect(host?.authorization).toEqual({
      policies: [expect.objectContaining({ enforcedAt: 'nowhere' })],
      decisions: [],
    });
  });

  it('the waypoint is no client of itself', () => {
    const m = mesh(
      ambient,
      httpbin(useEgressWaypoint),
      onlyShopGets,
      deployment('egress', 'egress-waypoint', {
        sa: 'egress-waypoint',
        ports: [15008],
        labels: { 'gateway.networking.k8s.io/gateway-name': 'egress-waypoint' },
      }),
    );
    expect(egressPolicies(m.resolveWorkload('egress/egress-waypoint'))).toEqual(
      [],
    );
  });
});
