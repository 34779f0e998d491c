import {
  caCertificate,
  jsonCertificates,
  rootCertificates,
  trustModel,
} from '../__fixtures__/certificates';
import {
  K8sObject,
  ambient,
  authorizationPolicy,
  deployment,
  injected,
  meshConfigMap,
  namespace,
  service,
  waypointGateway,
} from '../__fixtures__/manifests';
import { buildClusterState } from '../model/buildClusterState';
import { analyze } from '../report/analyze';
import { allowedCallers } from './callers';
import { check } from './check';
import { MeshModel } from './MeshModel';

const shared = caCertificate('demo root');
const own = caCertificate('analytics istiod');

/** A client cluster: one injected workload, `reporting/reports`, under `root`. */
const client = (trustDomain: string, root = shared): K8sObject[] => [
  meshConfigMap(trustDomain),
  namespace('reporting', injected),
  deployment('reporting', 'reports', { sa: 'reports', ports: [9090] }),
  rootCertificates('istio-system', root),
];

/** The server cluster: `shop/api` (sidecar) and `orders/orders` (ambient, a waypoint). */
const server = (principals: string[]): K8sObject[] => [
  meshConfigMap('backend.example'),
  rootCertificates('istio-system', shared),
  namespace('shop', injected),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
  service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
  authorizationPolicy('shop', 'api-callers', {
    selector: { matchLabels: { app: 'api' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals } }] }],
  }),
  namespace('orders', { ...ambient, 'istio.io/use-waypoint': 'waypoint' }),
  waypointGateway('orders', 'waypoint', {
    labels: { 'istio.io/waypoint-for': 'service' },
  }),
  deployment('orders', 'orders', { sa: 'orders', ports: [8080] }),
  service('orders', 'orders', { ports: [{ name: 'http', port: 8080 }] }),
  authorizationPolicy('orders', 'orders-callers', {
    targetRefs: [{ kind: 'Service', group: '', name: 'orders' }],
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals } }] }],
  }),
];

describe("callers a policy names, refused because their cluster's root is not trusted", () => {
  it('lists them apart with the reason, sidecar and waypoint alike, as check answers', () => {
    const model = trustModel({
      backend: server([
        'edge.example/ns/reporting/sa/reports',
        'analytics.example/ns/reporting/sa/reports',
      ]),
      edge: client('edge.example'),
      analytics: client('analytics.example', own),
    });
    for (const id of ['backend/shop/api', 'backend/orders/orders']) {
      const target = model.workloads.find(w => w.id === id)!;
      const analysis = allowedCallers(target, model);
      // edge shares the root: not listed here (backend refuses its trust domain, a
      // refusal of another kind, which the next test shows).
      expect(analysis.untrustedCallers).toEqual([
        {
          source: {
            kind: 'workload',
            workload: 'analytics/reporting/reports',
            principal: 'analytics.example/ns/reporting/sa/reports',
          },
          label: 'analytics/reporting/reports',
          cluster: 'analytics',
          reason: "cluster analytics's root is not trusted by cluster backend",
        },
      ]);
      expect(analysis.allowedCallers.map(c => c.label)).not.toContain(
        'analytics/reporting/reports',
      );
      const answer = check(model, {
        from: 'analytics/reporting/reports',
        to: id,
        port: 8080,
      });
      expect(answer.decision).toBe('DENY');
      expect(answer.reason).toContain(analysis.untrustedCallers![0].reason);
    }
    // The workload view carries them; a server whose callers all pass has none.
    const views = analyze(model).workloads;
    expect(
      views.find(w => w.name === 'api')!.untrustedCallers?.map(u => u.cluster),
    ).toEqual(['analytics']);
    expect(views.find(w => w.name === 'reports')!.untrustedCallers).toBe(
      undefined,
    );
  });

  it('has none where the caller is refused for another reason, or where roots are not known', () => {
    const model = trustModel({
      backend: server(['analytics.example/ns/reporting/sa/reports']),
      // The same root, another trust domain backend does not accept: refused for its
      // trust domain, not its root.
      analytics: client('analytics.example'),
    });
    const api = model.workloads.find(w => w.id === 'backend/shop/api')!;
    expect(allowedCallers(api, model).untrustedCallers).toBe(undefined);
    expect(
      check(model, { from: 'analytics/reporting/reports', to: api.id })
        .decision,
    ).toBe('DENY');
    // Without root certificates in a snapshot, clusters are taken to trust each other.
    const unknown = trustModel({
      backend: server(['analytics.example/ns/reporting/sa/reports']).filter(
        o => o.kind !== 'ConfigMap' || o.metadata.name !== 'istio-ca-root-cert',
      ),
      analytics: client('analytics.example', own),
    });
    const api2 = unknown.workloads.find(w => w.id === 'backend/shop/api')!;
    expect(allowedCallers(api2, unknown).untrustedCallers).toBe(undefined);
  });
});

describe('a mesh built again after one cluster changed', () => {
  const state = (name: string, objects: K8sObject[]) =>
    buildClusterState(
      name,
      objects.map(object => ({ object })),
      { parseCertificates: jsonCertificates },
    );

  it("reuses the unchanged cluster's model, and answers with the changed cluster's new root", () => {
    const backend = state(
      'backend',
      server(['analytics.example/ns/reporting/sa/reports']),
    );
    const before = new MeshModel([
      backend,
      state('analytics', client('analytics.example', shared)),
    ]);
    const api = (m: MeshModel) =>
      m.workloads.find(w => w.id === 'backend/shop/api')!;
    expect(allowedCallers(api(before), before).untrustedCallers).toBe(
      undefined,
    );

    // analytics rotates to a root of its own; backend's state is the same object.
    const after = new MeshModel([
      backend,
      state('analytics', client('analytics.example', own)),
    ]);
    expect(after.cluster('backend')).toBe(before.cluster('backend'));
    expect(
      allowedCallers(api(after), after).untrustedCallers?.map(u => u.reason),
    ).toEqual(["cluster analytics's root is not trusted by cluster backend"]);
    // The same as a mesh where nothing is reused.
    const fresh = trustModel({
      backend: server(['analytics.example/ns/reporting/sa/reports']),
      analytics: client('analytics.example', own),
    });
    expect(after.cluster('backend')).not.toBe(fresh.cluster('backend'));
    expect(JSON.stringify(analyze(after))).toBe(JSON.stringify(analyze(fresh)));
  });
});
