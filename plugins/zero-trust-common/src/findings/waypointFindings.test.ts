import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  meshConfigMap,
  model,
  namespace,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { MeshModel } from '../engine/MeshModel';
import {
  buildClusterState,
  ClusterStateReadings,
} from '../model/buildClusterState';
import { detectFindings } from './detect';
import { changedNamespaces } from './findingUnits';
import { IncrementalFindings } from './IncrementalFindings';

/*
 * The waypoint findings, each from the rule it reports: waypoints.go (which waypoint a
 * Service or pod really gets), handleRule in pilot/pkg/serviceregistry/ambient/authorization.go
 * (what ztunnel can read, principals as written), and
 * https://istio.io/latest/docs/ambient/usage/l7-features/ (the destination's ztunnel sees
 * the waypoint's identity).
 */

const shop = (labels: Record<string, string>, ...extra: K8sObject[]) => [
  namespace('shop', { ...ambient, ...labels }),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
  service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
  ...extra,
];

const codes = (...objs: K8sObject[]) =>
  detectFindings(model(...objs)).filter(f =>
    ['ZT015', 'ZT031', 'ZT032', 'ZT033', 'ZT034'].includes(f.code),
  );

const selectApi = { selector: { matchLabels: { app: 'api' } } };
const l7Allow = authorizationPolicy('shop', 'l7', {
  ...selectApi,
  rules: [{ to: [{ operation: { methods: ['GET'] } }] }],
});
const admitWaypoint = authorizationPolicy('shop', 'from-waypoint', {
  ...selectApi,
  rules: [
    {
      from: [{ source: { principals: ['cluster.local/ns/shop/sa/waypoint'] } }],
    },
  ],
});
const use = { 'istio.io/use-waypoint': 'waypoint' };

describe('ZT031: a waypoint named and not used', () => {
  it.each<[string, K8sObject[], RegExp]>([
    ['missing', [], /no waypoint Gateway shop\/waypoint exists/],
    [
      'not ready',
      [
        waypointGateway('shop', 'waypoint', {
          status: {
            addresses: [],
            conditions: [{ type: 'Programmed', status: 'False' }],
          },
        }),
      ],
      /is not ready \(its Programmed condition is False\)/,
    ],
    [
      'taking workload traffic only',
      [
        waypointGateway('shop', 'waypoint', {
          labels: { 'istio.io/waypoint-for': 'workload' },
        }),
      ],
      /takes workload traffic \(istio.io\/waypoint-for\), not service traffic/,
    ],
  ])('%s', (_, extra, message) => {
    const found = codes(...shop(use, ...extra));
    expect(found.map(f => [f.code, f.resource.kind])).toEqual([
      ['ZT031', 'Service'],
    ]);
    expect(found[0].message).toMatch(message);
    expect(found[0].workload).toBe('c1/shop/api');
  });

  it('a waypoint that is there: no finding', () => {
    expect(
      codes(...shop(use, waypointGateway('shop', 'waypoint'), admitWaypoint)),
    ).toEqual([]);
  });
});

describe('ZT015 and ZT032: L7 fields in a selector policy', () => {
  it('without a waypoint: ZT015', () => {
    expect(codes(...shop({}, l7Allow)).map(f => f.code)).toEqual(['ZT015']);
  });

  it('with a waypoint that serves the workload: ZT032 (bind it to the waypoint)', () => {
    const found = codes(
      ...shop(use, waypointGateway('shop', 'waypoint'), l7Allow, admitWaypoint),
    );
    expect(found.map(f => f.code)).toEqual(['ZT032']);
    expect(found[0].message).toMatch(
      /shop\/l7 selects c1\/shop\/api.*cannot read methods; waypoint shop\/waypoint serves/,
    );
  });
});

describe("ZT033: the destination's policies refuse its waypoint", () => {
  it('an ALLOW naming the client, not the waypoint', () => {
    const allowClient = authorizationPolicy('shop', 'from-web', {
      ...selectApi,
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/front/sa/web'] } }],
        },
      ],
    });
    const found = codes(
      ...shop(use, waypointGateway('shop', 'waypoint'), allowClient),
    );
    expect(found.map(f => f.code)).toEqual(['ZT033']);
    expect(found[0].message).toContain(
      'do not admit its waypoint shop/waypoint (identity cluster.local/ns/shop/sa/waypoint) on port 8080',
    );
  });

  it('an ALLOW naming the waypoint: no finding', () => {
    expect(
      codes(...shop(use, waypointGateway('shop', 'waypoint'), admitWaypoint)),
    ).toEqual([]);
  });

  it("the waypoint's service account, which Istio creates, is known: no ZT008 for naming it", () => {
    const all = detectFindings(
      model(...shop(use, waypointGateway('shop', 'waypoint'), admitWaypoint)),
    );
    expect(all.filter(f => f.code === 'ZT008')).toEqual([]);
    // Without the waypoint, the same principal names nobody.
    const without = detectFindings(model(...shop({}, admitWaypoint)));
    expect(without.filter(f => f.code === 'ZT008')).toHaveLength(1);
  });
});

describe('ZT034: cluster.local principals ztunnel reads as written', () => {
  const policy = authorizationPolicy('shop', 'td', {
    ...selectApi,
    rules: [
      { from: [{ source: { principals: ['cluster.local/ns/front/sa/web'] } }] },
    ],
  });

  it('in a mesh of another trust domain', () => {
    const found = codes(meshConfigMap('corp.example'), ...shop({}, policy));
    expect(found.map(f => f.code)).toEqual(['ZT034']);
    expect(found[0].message).toMatch(
      /no workload of trust domain corp.example/,
    );
  });

  it('found again after a policy naming one is added, where the rest is reused', () => {
    // Objects kept across builds keep their readings, as a live source's do, so the
    // second detection takes the incremental path (only namespace shop changed).
    const kept = [meshConfigMap('corp.example'), ...shop({})].map(object => ({
      object,
    }));
    const readings: ClusterStateReadings = new WeakMap();
    const build = (...extra: K8sObject[]) =>
      new MeshModel([
        buildClusterState(
          'c1',
          [...kept, ...extra.map(object => ({ object }))],
          { readings },
        ),
      ]);
    const incremental = new IncrementalFindings();
    const before = build();
    expect(incremental.detect(before).map(f => f.code)).not.toContain('ZT034');
    const after = build(policy);
    const units = changedNamespaces(
      before.clusters.map(c => c.state),
      after,
    );
    expect(units && [...units]).toEqual(['c1/shop']);
    expect(
      incremental
        .detect(after)
        .filter(f => f.code === 'ZT034')
        .map(f => f.resource.name),
    ).toEqual(['td']);
  });

  it('in a mesh whose trust domain is cluster.local: none', () => {
    expect(codes(...shop({}, policy))).toEqual([]);
  });

  it('on a sidecar, which rewrites cluster.local: none', () => {
    const sidecar = [
      meshConfigMap('corp.example'),
      namespace('shop', { 'istio-injection': 'enabled' }),
      deployment('shop', 'api', { sa: 'api', ports: [8080] }),
      policy,
    ];
    expect(codes(...sidecar)).toEqual([]);
  });
});

describe('ZT042: a policy bound to a Service or ServiceEntry no waypoint serves', () => {
  // ShouldAttachPolicy (pilot/pkg/model/policyattachment.go): only a waypoint reads a
  // Service or ServiceEntry targetRef; WaypointPolicyStatusCollection
  // (pilot/pkg/serviceregistry/ambient/policies.go) reports AncestorNotBound or
  // TargetNotFound for it.
  const httpbin = (labels?: Record<string, string>) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: {
      name: 'httpbin',
      namespace: 'shop',
      ...(labels ? { labels } : {}),
    },
    spec: {
      hosts: ['httpbin.org'],
      location: 'MESH_EXTERNAL',
      resolution: 'DNS',
      ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
    },
  });
  const bound = (kind: string, name: string, group: string) =>
    authorizationPolicy('shop', 'bound', {
      targetRefs: [{ group, kind, name }],
      rules: [{}],
    });
  const zt042 = (...objs: K8sObject[]) =>
    detectFindings(model(...objs))
      .filter(f => f.code === 'ZT042')
      .map(f => f.message);

  it.each<[string, K8sObject[], RegExp | null]>([
    [
      'a Service without a waypoint',
      shop({}, bound('Service', 'api', '')),
      /shop\/bound is bound to Service shop\/api, which uses no waypoint .*no proxy enforces this one/,
    ],
    [
      'a Service whose waypoint is used',
      shop(
        use,
        waypointGateway('shop', 'waypoint'),
        bound('Service', 'api', ''),
      ),
      null,
    ],
    [
      'a Service that does not exist',
      shop({}, bound('Service', 'gone', '')),
      /Service shop\/gone, which does not exist/,
    ],
    [
      'a ServiceEntry without a waypoint',
      shop(
        {},
        httpbin(),
        bound('ServiceEntry', 'httpbin', 'networking.istio.io'),
      ),
      /bound to ServiceEntry shop\/httpbin, which uses no waypoint/,
    ],
    [
      'a ServiceEntry whose waypoint is missing',
      shop(
        {},
        httpbin(use),
        bound('ServiceEntry', 'httpbin', 'networking.istio.io'),
      ),
      /ServiceEntry shop\/httpbin, whose waypoint is not used \(no waypoint Gateway shop\/waypoint exists\)/,
    ],
    [
      'a ServiceEntry that uses a waypoint',
      shop(
        {},
        httpbin(use),
        waypointGateway('shop', 'waypoint'),
        bound('ServiceEntry', 'httpbin', 'networking.istio.io'),
      ),
      null,
    ],
  ])('%s', (_, objs, expected) => {
    const found = zt042(...objs);
    expect(found).toHaveLength(expected ? 1 : 0);
    expect(found.join('')).toMatch(expected ?? /^$/);
  });

  it('a dry-run policy is left to ZT023', () => {
    const policy = bound('Service', 'api', '');
    policy.metadata.annotations = { 'istio.io/dry-run': 'true' };
    expect(zt042(...shop({}, policy))).toEqual([]);
  });
});
