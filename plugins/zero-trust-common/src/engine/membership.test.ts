import {
  deployment,
  meshConfigMap,
  model,
  namespace,
  pod,
} from '../__fixtures__/manifests';
import { buildClusterState } from '../model/buildClusterState';
import { principalOf, spiffeIdOf, parsePrincipal } from './identity';
import { isGatewayWorkload, meshMembership } from './membership';
import { MeshModel } from './MeshModel';

type Labels = Record<string, string>;

interface MembershipCase {
  name: string;
  ns?: string;
  nsLabels?: Labels;
  /** Pod template labels (besides `app`). */
  labels?: Labels;
  annotations?: Labels;
  hostNetwork?: boolean;
  mode: 'sidecar' | 'ambient' | 'none';
  revision?: string;
  reason?: RegExp;
}

// https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
// https://istio.io/latest/docs/ambient/usage/add-workloads/
const cases: MembershipCase[] = [
  { name: 'no label anywhere', mode: 'none', reason: /no injection/ },
  {
    name: 'namespace istio-injection=enabled',
    nsLabels: { 'istio-injection': 'enabled' },
    mode: 'sidecar',
    reason: /istio-injection=enabled/,
  },
  {
    name: 'namespace istio-injection=disabled',
    nsLabels: { 'istio-injection': 'disabled' },
    mode: 'none',
    reason: /istio-injection=disabled/,
  },
  {
    name: 'namespace istio-injection with another value calls no webhook',
    nsLabels: { 'istio-injection': 'true' },
    mode: 'none',
  },
  {
    name: 'namespace istio.io/rev',
    nsLabels: { 'istio.io/rev': 'canary' },
    mode: 'sidecar',
    revision: 'canary',
    reason: /istio\.io\/rev=canary/,
  },
  {
    name: 'istio-injection=enabled takes precedence over istio.io/rev',
    nsLabels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' },
    mode: 'sidecar',
    revision: undefined,
    reason: /istio-injection=enabled/,
  },
  {
    name: 'istio-injection=disabled takes precedence over istio.io/rev',
    nsLabels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' },
    mode: 'none',
  },
  {
    name: 'pod label sidecar.istio.io/inject=true opts in without a namespace label',
    labels: { 'sidecar.istio.io/inject': 'true' },
    mode: 'sidecar',
    reason: /pod label sidecar\.istio\.io\/inject=true/,
  },
  {
    name: 'pod label sidecar.istio.io/inject=false opts out of an enabled namespace',
    nsLabels: { 'istio-injection': 'enabled' },
    labels: { 'sidecar.istio.io/inject': 'false' },
    mode: 'none',
    reason: /pod label sidecar\.istio\.io\/inject=false/,
  },
  {
    name: 'pod label sidecar.istio.io/inject=false opts out of a revision namespace',
    nsLabels: { 'istio.io/rev': 'canary' },
    labels: { 'sidecar.istio.io/inject': 'false' },
    mode: 'none',
  },
  {
    name: 'pod label sidecar.istio.io/inject=true does not override a disabled namespace',
    nsLabels: { 'istio-injection': 'disabled' },
    labels: { 'sidecar.istio.io/inject': 'true' },
    mode: 'none',
  },
  {
    name: 'pod annotation sidecar.istio.io/inject="false" opts out of an enabled namespace',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    mode: 'none',
    reason: /pod annotation/,
  },
  {
    name: 'pod annotation "false" also opts out of a revision namespace',
    nsLabels: { 'istio.io/rev': 'canary' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    mode: 'none',
  },
  {
    name: 'pod annotation "true" alone does not inject (no webhook is called)',
    annotations: { 'sidecar.istio.io/inject': 'true' },
    mode: 'none',
  },
  {
    name: 'pod annotation "yes" in an enabled namespace injects',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'yes' },
    mode: 'sidecar',
  },
  {
    name: 'pod annotation "nope" in an enabled namespace opts out (not y/yes/true/on)',
    nsLabels: { 'istio-injection': 'enabled' },
    annotations: { 'sidecar.istio.io/inject': 'nope' },
    mode: 'none',
  },
  {
    name: 'the pod label wins over the annotation',
    nsLabels: { 'istio-injection': 'enabled' },
    labels: { 'sidecar.istio.io/inject': 'true' },
    annotations: { 'sidecar.istio.io/inject': 'false' },
    mode: 'sidecar',
  },
  {
    name: 'pod label istio.io/rev without a namespace label',
    labels: { 'istio.io/rev': 'canary' },
    mode: 'sidecar',
    revision: 'canary',
    reason: /pod label istio\.io\/rev=canary/,
  },
  {
    name: 'the namespace revision wins over the pod revision',
    nsLabels: { 'istio.io/rev': 'stable' },
    labels: { 'istio.io/rev': 'canary' },
    mode: 'sidecar',
    revision: 'stable',
  },
  {
    name: 'hostNetwork pods are never injected',
    nsLabels: { 'istio-injection': 'enabled' },
    hostNetwork: true,
    mode: 'none',
    reason: /host network/,
  },
  {
    name: 'kube-system is never injected',
    ns: 'kube-system',
    nsLabels: { 'istio-injection': 'enabled' },
    mode: 'none',
    reason: /kube-system/,
  },
  {
    name: 'namespace istio.io/dataplane-mode=ambient',
    nsLabels: { 'istio.io/dataplane-mode': 'ambient' },
    mode: 'ambient',
    reason: /namespace label istio\.io\/dataplane-mode=ambient/,
  },
  {
    name: 'pod istio.io/dataplane-mode=none opts out of an ambient namespace',
    nsLabels: { 'istio.io/dataplane-mode': 'ambient' },
    labels: { 'istio.io/dataplane-mode': 'none' },
    mode: 'none',
    reason: /dataplane-mode=none/,
  },
  {
    name: 'pod label istio.io/dataplane-mode=ambient alone',
    labels: { 'istio.io/dataplane-mode': 'ambient' },
    mode: 'ambient',
    reason: /pod label istio\.io\/dataplane-mode=ambient/,
  },
  {
    name: 'a sidecar takes precedence over ambient (namespace labels)',
    nsLabels: {
      'istio.io/dataplane-mode': 'ambient',
      'istio-injection': 'enabled',
    },
    mode: 'sidecar',
  },
  {
    name: 'a sidecar takes precedence over ambient (pod opt-in in an ambient namespace)',
    nsLabels: { 'istio.io/dataplane-mode': 'ambient' },
    labels: { 'sidecar.istio.io/inject': 'true' },
    mode: 'sidecar',
  },
  {
    name: 'an opted-out sidecar pod in an ambient namespace is captured by ztunnel',
    nsLabels: {
      'istio.io/dataplane-mode': 'ambient',
      'istio-injection': 'enabled',
    },
    labels: { 'sidecar.istio.io/inject': 'false' },
    mode: 'ambient',
  },
  {
    name: 'hostNetwork pods are not captured by ztunnel either',
    nsLabels: { 'istio.io/dataplane-mode': 'ambient' },
    hostNetwork: true,
    mode: 'none',
  },
];

describe('meshMembership', () => {
  it.each(cases)(
    '$name → $mode',
    ({ ns = 'apps', nsLabels, labels, annotations, hostNetwork, ...want }) => {
      const m = model(
        ...(nsLabels ? [namespace(ns, nsLabels)] : []),
        deployment(ns, 'w', {
          labels: { app: 'w', ...labels },
          annotations,
          hostNetwork,
        }),
      );
      const membership = m.resolveWorkload(`${ns}/w`).membership;
      expect(membership.mode).toBe(want.mode);
      expect(membership.revision).toBe(want.revision);
      expect(membership.reason).toMatch(want.reason ?? /./);
      expect(m.resolveWorkload(`${ns}/w`).inMesh).toBe(want.mode !== 'none');
    },
  );

  it('reads a bare Pod the same way as a Deployment template', () => {
    const m = model(
      namespace('apps', { 'istio-injection': 'enabled' }),
      pod('apps', 'p', { labels: { 'sidecar.istio.io/inject': 'false' } }),
      pod('apps', 'q'),
    );
    expect(m.resolveWorkload('apps/p').membership.mode).toBe('none');
    expect(m.resolveWorkload('apps/q').membership.mode).toBe('sidecar');
  });

  it('treats an undeclared namespace as unlabelled', () => {
    const workload = buildClusterState('c1', [
      { object: deployment('apps', 'w') },
    ]).workloads[0];
    expect(meshMembership(undefined, workload).mode).toBe('none');
  });
});

describe('isGatewayWorkload', () => {
  it('recognises pods injected with the gateway template, alone or among others', () => {
    const m = model(
      namespace('edge', { 'istio-injection': 'enabled' }),
      deployment('edge', 'ingress', {
        annotations: { 'inject.istio.io/templates': 'gateway' },
      }),
      deployment('edge', 'both', {
        annotations: { 'inject.istio.io/templates': 'sidecar, gateway' },
      }),
      deployment('edge', 'app', {
        annotations: { 'inject.istio.io/templates': 'sidecar' },
      }),
      deployment('edge', 'plain'),
    );
    const gateway = (name: string) =>
      isGatewayWorkload(m.resolveWorkload(`edge/${name}`).workload);
    expect(['ingress', 'both', 'app', 'plain'].map(gateway)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('identity', () => {
  it.each([
    {
      name: 'the default ServiceAccount and trust domain',
      objs: [] as Record<string, any>[],
      sa: undefined,
      principal: 'cluster.local/ns/apps/sa/default',
    },
    {
      name: 'a named ServiceAccount',
      objs: [],
      sa: 'api',
      principal: 'cluster.local/ns/apps/sa/api',
    },
    {
      name: 'the trust domain from the mesh config',
      objs: [meshConfigMap('example.org')],
      sa: 'api',
      principal: 'example.org/ns/apps/sa/api',
    },
  ])('$name → $principal', ({ objs, sa, principal }) => {
    const w = model(...objs, deployment('apps', 'w', { sa })).resolveWorkload(
      'apps/w',
    );
    expect(w.principal).toBe(principal);
    expect(w.spiffeId).toBe(`spiffe://${principal}`);
  });

  it('lets the build option override the trust domain', () => {
    const state = buildClusterState(
      'c1',
      [
        { object: meshConfigMap('example.org') },
        { object: deployment('apps', 'w', { sa: 'api' }) },
      ],
      { trustDomain: 'override.example' },
    );
    const w = new MeshModel([state]).resolveWorkload('apps/w');
    expect(w.principal).toBe('override.example/ns/apps/sa/api');
  });

  it.each([
    ['td', 'ns1', 'sa1', 'td/ns/ns1/sa/sa1'],
    ['example.org', 'default', 'default', 'example.org/ns/default/sa/default'],
  ])('principalOf(%s, %s, %s) = %s', (td, ns, sa, principal) => {
    expect(principalOf(td, ns, sa)).toBe(principal);
    expect(spiffeIdOf(td, ns, sa)).toBe(`spiffe://${principal}`);
    expect(parsePrincipal(principal)).toEqual({
      trustDomain: td,
      namespace: ns,
      serviceAccount: sa,
    });
    expect(parsePrincipal(`spiffe://${principal}`)).toEqual(
      parsePrincipal(principal),
    );
  });

  it.each(['td/ns/a', 'ns/a/sa/b', 'td/ns/a/sa/b/extra', ''])(
    'parsePrincipal rejects %p',
    text => {
      expect(parsePrincipal(text)).toBeUndefined();
    },
  );

  it('indexes a workload under its trust domain and each alias', () => {
    const m = model(
      meshConfigMap('new.example', ['old.example']),
      deployment('apps', 'w', { sa: 'api' }),
    );
    for (const td of ['new.example', 'old.example']) {
      expect(
        m.workloadsWithPrincipal(`${td}/ns/apps/sa/api`).map(w => w.id),
      ).toEqual(['c1/apps/w']);
    }
    expect(m.workloadsWithPrincipal('cluster.local/ns/apps/sa/api')).toEqual(
      [],
    );
  });
});
