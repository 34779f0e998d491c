// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  deployment,
  destinationRule,
  injected,
  model,
  multiClusterModel,
  namespace,
  networkPolicy,
  service,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import {
  allowedCallers,
  buildClusterState,
  detectFindings,
  MeshModel,
  sortFindings,
  workloadView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { IncrementalFindingIndex } from './FindingIndex';
import { MeshView } from './MeshView';

// The real engine, observed: counts MeshView's own calls of allowedCallers (the findings'
// calls inside the engine are not seen here, which the ZT018 case below covers).
jest.mock('@zero-trust/backstage-plugin-zero-trust-common', () => {
  const actual = jest.requireActual(
    '@zero-trust/backstage-plugin-zero-trust-common',
  );
  return { ...actual, allowedCallers: jest.fn(actual.allowedCallers) };
});
const computeCallers = allowedCallers as jest.MockedFunction<
  typeof allowedCallers
>;

describe('MeshView', () => {
  it("files a DestinationRule's finding under the workloads it affects, not the rule's namespace", () => {
    const view = new MeshView(
      multiClusterModel({
        c1: [
          namespace('shop', injected),
          deployment('shop', 'api', { sa: 'api', ports: [8080] }),
          deployment('shop', 'web', { sa: 'web', ports: [8080] }),
          service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
          service('shop', 'web', { ports: [{ name: 'http', port: 8080 }] }),
          namespace('clients', injected),
          destinationRule('clients', 'no-tls', {
            host: 'api.shop.svc.cluster.local',
            trafficPolicy: { tls: { mode: 'DISABLE' } },
          }),
        ],
      }),
    );
    const codes = (findings: { code: string }[]) => findings.map(f => f.code);

    expect(codes(view.findingsForWorkload('c1/shop/api'))).toContain('ZT011');
    expect(codes(view.findingsForWorkload('c1/shop/web'))).not.toContain(
      'ZT011',
    );
    expect(codes(view.findingsForNamespace('c1', 'clients'))).not.toContain(
      'ZT011',
    );
    // Namespace-wide findings still go to their namespace.
    expect(codes(view.findingsForNamespace('c1', 'shop'))).toContain('ZT013');
  });

  it("files a cluster-scoped object's finding under its cluster, a namespaced one under its namespace", () => {
    // Cilium's policies are not read (ZT022): a cluster-wide one concerns every namespace.
    const view = new MeshView(
      model(
        namespace('shop', injected),
        deployment('shop', 'api', { sa: 'api', ports: [8080] }),
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumClusterwideNetworkPolicy',
          metadata: { name: 'lock-down' },
          spec: {},
        },
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: 'api-l7', namespace: 'shop' },
          spec: {},
        },
      ),
    );
    const named = (findings: { code: string; resource: { name: string } }[]) =>
      findings.filter(f => f.code === 'ZT022').map(f => f.resource.name);
    expect(named(view.findingsForCluster('c1'))).toEqual(['lock-down']);
    expect(named(view.findingsForNamespace('c1', 'shop'))).toEqual(['api-l7']);
    expect(view.findingsForCluster('c2')).toEqual([]);
  });

  describe('allowed callers', () => {
    // web may call api by Istio's policy; the namespace's default deny drops it (ZT018).
    const shop = () =>
      model(
        namespace('shop', injected),
        deployment('shop', 'api', { sa: 'api', ports: [8080] }),
        deployment('shop', 'web', { sa: 'web', ports: [8080] }),
        service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
        networkPolicy('shop', 'default-deny', {
          podSelector: {},
          policyTypes: ['Ingress'],
        }),
        authorizationPolicy('shop', 'api-allow', {
          selector: { matchLabels: { app: 'api' } },
          rules: [
            {
              from: [
                { source: { principals: ['cluster.local/ns/shop/sa/web'] } },
              ],
            },
          ],
        }),
      );

    beforeEach(() => computeCallers.mockClear());

    it('are computed once per workload, for its view and the findings, with the same answers', () => {
      const m = shop();
      const view = new MeshView(m);
      const [api] = m.workloads.filter(w => w.id === 'c1/shop/api');
      expect(view.view(api)).toEqual(workloadView(api, m));
      computeCallers.mockClear();

      view.view(api);
      const findings = view.findings();
      for (const w of m.workloads) view.view(w);

      expect(computeCallers.mock.calls.map(([w]) => w.id).sort()).toEqual(
        m.workloads
          .filter(w => w !== api)
          .map(w => w.id)
          .sort(),
      );
      expect(findings.map(f => f.code)).toContain('ZT018');
      expect(findings).toEqual(sortFindings(detectFindings(m)));
      for (const w of m.workloads) {
        expect(view.view(w)).toEqual(workloadView(w, m));
      }
    });

    it("are the findings' (ZT018 reads what the views computed)", () => {
      const m = shop();
      const view = new MeshView(m);
      const [api] = m.workloads.filter(w => w.id === 'c1/shop/api');
      // Computed for api's view with no network-blocked caller: the findings, reading
      // them, report no broken path to api, where computing them again would.
      computeCallers.mockImplementationOnce((w, mesh) => ({
        ...jest
          .requireActual('@zero-trust/backstage-plugin-zero-trust-common')
          .allowedCallers(w, mesh),
        blockedByNetwork: [],
      }));
      expect(view.view(api).blockedByNetwork).toEqual([]);
      const zt018 = view.findings().filter(f => f.code === 'ZT018');
      expect(zt018.filter(f => f.workload === 'c1/shop/api')).toEqual([]);
      expect(
        sortFindings(detectFindings(m)).filter(
          f => f.code === 'ZT018' && f.workload === 'c1/shop/api',
        ),
      ).not.toEqual([]);
    });
  });

  it('judges dry-run policies by the configured window (zeroTrust.findings.dryRunMaxAgeDays)', () => {
    const policy = authorizationPolicy('shop', 'rollout', {
      selector: { matchLabels: { app: 'api' } },
      action: 'DENY',
      rules: [{}],
    });
    const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    policy.metadata.creationTimestamp = threeDaysAgo.toISOString();
    policy.metadata.annotations = { 'istio.io/dry-run': 'true' };
    const mesh = () =>
      model(
        namespace('shop', injected),
        deployment('shop', 'api', { sa: 'api', ports: [8080] }),
        policy,
      );
    const zt023 = (view: MeshView) =>
      view
        .findings()
        .filter(f => f.code === 'ZT023')
        .map(f => f.message);
    // Istio's rollout window by default: 14 days.
    expect(zt023(new MeshView(mesh()))).toEqual([]);
    expect(zt023(new MeshView(mesh(), { dryRunMaxAgeDays: 2 }))).toEqual([
      expect.stringMatching(
        /shop\/rollout has been in dry-run .* for 3 days, more than 2/,
      ),
    ]);
  });
});

describe('MeshView with the detection of the models before it', () => {
  it("finds a policy change's findings as a view of its own does", () => {
    const readings = new WeakMap();
    const detection = new IncrementalFindingIndex();
    const objects = [
      namespace('shop', injected),
      deployment('shop', 'api', { sa: 'api', ports: [8080] }),
      service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
      namespace('clients', injected),
      deployment('clients', 'web', { sa: 'web', ports: [8080] }),
    ].map(object => ({ object }));
    // As MeshState builds them: the objects that did not change keep their reading.
    const viewOf = (list: typeof objects) =>
      new MeshView(
        new MeshModel([buildClusterState('c1', list, { readings })]),
        {},
        detection,
      );
    const codes = (findings: { code: string }[]) => findings.map(f => f.code);

    const before = viewOf(objects);
    expect(codes(before.findingsForWorkload('c1/shop/api'))).toContain('ZT004');
    const changed = [
      ...objects,
      {
        object: authorizationPolicy('shop', 'api-callers', {
          selector: { matchLabels: { app: 'api' } },
          action: 'ALLOW',
          rules: [{ from: [{ source: { namespaces: ['clients'] } }] }],
        }),
      },
    ];
    const after = viewOf(changed);
    const own = new MeshView(new MeshModel([buildClusterState('c1', changed)]));

    expect(codes(after.findingsForWorkload('c1/shop/api'))).not.toContain(
      'ZT004',
    );
    // The workload the policy does not reach keeps its finding.
    expect(codes(after.findingsForWorkload('c1/clients/web'))).toContain(
      'ZT004',
    );
    expect(JSON.stringify(after.findings())).toBe(
      JSON.stringify(own.findings()),
    );
  });
});
