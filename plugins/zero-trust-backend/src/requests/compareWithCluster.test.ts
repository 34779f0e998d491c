import type {
  OnboardingChangeSummary,
  OnboardingPlan,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { backendCluster, inventoryPlan } from './__testUtils__/inventory';
import {
  compareWithCluster as compareIndexed,
  indexCluster,
  specDifferences,
} from './compareWithCluster';

const compareWithCluster = (
  cluster: string,
  change: OnboardingChangeSummary,
  objects: SourcedObject[],
) => compareIndexed(cluster, change, indexCluster(objects));

type Json = Record<string, any>;

/** The demo cluster with the change applied, as a GitOps sync would apply it. */
function applied(objects: SourcedObject[], plan: OnboardingPlan) {
  const out = objects.map(({ object }) => {
    const o = object as Json;
    if (o.kind === 'Namespace' && o.metadata.name === plan.request.namespace) {
      return {
        object: {
          ...o,
          metadata: {
            ...o.metadata,
            labels: { ...o.metadata.labels, ...plan.namespaceLabels },
          },
        },
      };
    }
    return { object: o };
  });
  return [
    ...out,
    ...plan.resources.map(r => ({ object: JSON.parse(JSON.stringify(r)) })),
  ];
}

// Reads the demo's backend cluster from disk and plans the onboarding in beforeAll: past
// Jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

describe('compareWithCluster', () => {
  let plan: OnboardingPlan;
  let change: OnboardingChangeSummary;
  let before: SourcedObject[];

  beforeAll(async () => {
    plan = await inventoryPlan();
    change = {
      namespace: 'inventory',
      namespaceLabels: plan.namespaceLabels,
      resources: plan.resources,
    };
    before = await backendCluster();
  });

  it('names the missing label and every missing resource before the change is applied', () => {
    const drift = compareWithCluster('backend', change, before);
    expect(drift.filter(d => d.type === 'missingLabel')).toEqual([
      expect.objectContaining({
        namespace: 'inventory',
        label: 'istio-injection',
        expected: 'enabled',
        message: 'namespace inventory lacks the label istio-injection=enabled',
      }),
    ]);
    expect(
      drift
        .filter(d => d.type === 'missingResource')
        .map(d => 'resource' in d && `${d.resource.kind}/${d.resource.name}`)
        .sort(),
    ).toEqual(plan.resources.map(r => `${r.kind}/${r.metadata.name}`).sort());
  });

  it('finds nothing once the cluster holds the change, whatever Istio API version it serves', () => {
    expect(
      compareWithCluster('backend', change, applied(before, plan)),
    ).toEqual([]);
    const older = applied(before, plan).map(({ object }) => {
      const o = object as Json;
      return {
        object: o.apiVersion?.endsWith('istio.io/v1')
          ? { ...o, apiVersion: o.apiVersion.replace(/v1$/, 'v1beta1') }
          : o,
      };
    });
    expect(compareWithCluster('backend', change, older)).toEqual([]);
  });

  it('names each field of a live policy that is not what was generated', () => {
    const policy = plan.resources.find(
      r => r.kind === 'AuthorizationPolicy' && r.spec.rules,
    )!;
    const live = applied(before, plan).map(({ object }) => {
      const o = object as Json;
      if (o.kind !== policy.kind || o.metadata.name !== policy.metadata.name) {
        return { object: o };
      }
      const spec = JSON.parse(JSON.stringify(o.spec));
      spec.rules[0].from[0].source.principals = [
        'internal.example/ns/edge/sa/intruder',
      ];
      spec.rules.push({ from: [{ source: { namespaces: ['edge'] } }] });
      return { object: { ...o, spec } };
    });

    const drift = compareWithCluster('backend', change, live);
    expect(drift).toHaveLength(1);
    const [only] = drift;
    expect(only.type).toBe('differentSpec');
    if (only.type !== 'differentSpec') return;
    expect(only.resource).toEqual({
      kind: 'AuthorizationPolicy',
      namespace: 'inventory',
      name: policy.metadata.name,
    });
    expect(only.differences).toEqual([
      {
        path: 'rules[0].from[0].source.principals[0]',
        expected: (policy.spec as Json).rules[0].from[0].source.principals[0],
        actual: 'internal.example/ns/edge/sa/intruder',
      },
      {
        path: `rules[${(policy.spec as Json).rules.length}]`,
        actual: { from: [{ source: { namespaces: ['edge'] } }] },
      },
    ]);
    expect(only.message).toContain(
      `AuthorizationPolicy inventory/${policy.metadata.name} differs at rules[0].from[0].source.principals[0]`,
    );
  });

  it('says so when the namespace itself is missing, or carries another value', () => {
    const withoutNamespace = before.filter(
      ({ object }) =>
        !(
          (object as Json).kind === 'Namespace' &&
          (object as Json).metadata.name === 'inventory'
        ),
    );
    expect(compareWithCluster('backend', change, withoutNamespace)[0]).toEqual({
      type: 'missingNamespace',
      namespace: 'inventory',
      message: 'namespace inventory does not exist in cluster backend',
    });

    const disabled = applied(before, plan).map(({ object }) => {
      const o = object as Json;
      return o.kind === 'Namespace' && o.metadata.name === 'inventory'
        ? {
            object: {
              ...o,
              metadata: {
                ...o.metadata,
                labels: { 'istio-injection': 'disabled' },
              },
            },
          }
        : { object: o };
    });
    expect(compareWithCluster('backend', change, disabled)).toEqual([
      expect.objectContaining({
        type: 'missingLabel',
        actual: 'disabled',
        message:
          'namespace inventory has istio-injection=disabled, not enabled',
      }),
    ]);
  });
});

describe('specDifferences', () => {
  it('reports missing, extra and changed leaves with JSON paths', () => {
    expect(
      specDifferences(
        {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'a' } },
          mtls: { mode: 'STRICT' },
        },
        {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'b' } },
          portLevelMtls: { 8080: { mode: 'DISABLE' } },
        },
      ),
    ).toEqual([
      { path: 'mtls', expected: { mode: 'STRICT' } },
      { path: 'portLevelMtls', actual: { 8080: { mode: 'DISABLE' } } },
      {
        path: 'selector.matchLabels["app.kubernetes.io/name"]',
        expected: 'a',
        actual: 'b',
      },
    ]);
    // An allow-nothing policy that gained rules is not allow-nothing any more.
    expect(specDifferences({}, { rules: [{}] })).toEqual([
      { path: 'rules', actual: [{}] },
    ]);
    expect(specDifferences({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
    expect(specDifferences({ a: 1 }, { a: '1' })).toEqual([
      { path: 'a', expected: 1, actual: '1' },
    ]);
  });
});
