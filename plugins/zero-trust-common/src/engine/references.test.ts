import {
  authorizationPolicy,
  deployment,
  injected,
  model,
  multiClusterModel,
  namespace,
  service,
} from '../__fixtures__/manifests';
import { check } from './check';
import { UnknownReferenceError } from './MeshModel';
import { resolveReference } from './references';

/** bookinfo's reviews: one Service over three versions, each its own Deployment. */
const reviews = (...extra: any[]) =>
  model(
    namespace('bookinfo', injected),
    ...['v1', 'v2', 'v3'].map(v =>
      deployment('bookinfo', `reviews-${v}`, {
        labels: { app: 'reviews', version: v },
      }),
    ),
    service('bookinfo', 'reviews', { selector: { app: 'reviews' } }),
    deployment('bookinfo', 'productpage'),
    service('bookinfo', 'headless', { selector: {} }),
    service('bookinfo', 'nobody', { selector: { app: 'gone' } }),
    ...extra,
  );

describe('resolveReference', () => {
  it('resolves a workload first, else the workloads a Service selects', () => {
    const m = reviews();
    expect(resolveReference(m, 'bookinfo/productpage')).toEqual({
      workloads: [m.resolveWorkload('bookinfo/productpage')],
    });
    const { workloads, service: id } = resolveReference(m, 'bookinfo/reviews');
    expect(id).toBe('c1/bookinfo/reviews');
    expect(workloads.map(w => w.id)).toEqual([
      'c1/bookinfo/reviews-v1',
      'c1/bookinfo/reviews-v2',
      'c1/bookinfo/reviews-v3',
    ]);
    expect(resolveReference(m, 'c1/bookinfo/reviews').workloads).toHaveLength(
      3,
    );
  });

  it.each([
    [
      'bookinfo/reviewz',
      'no workload bookinfo/reviewz, nor a Service or ServiceEntry of that name; closest: bookinfo/reviews, bookinfo/reviews-v1, bookinfo/reviews-v2',
    ],
    [
      'elsewhere/qqqqqqqq',
      'no workload elsewhere/qqqqqqqq, nor a Service or ServiceEntry of that name',
    ],
    ['bookinfo/headless', 'Service c1/bookinfo/headless has no selector'],
    [
      'bookinfo/nobody',
      'Service c1/bookinfo/nobody selects no workload (its selector: app=gone)',
    ],
    ['just-a-name', 'not a workload reference'],
  ])('rejects %s, saying why', (ref, message) => {
    const m = reviews();
    expect(() => resolveReference(m, ref)).toThrow(UnknownReferenceError);
    expect(() => resolveReference(m, ref)).toThrow(message);
  });

  it('asks for the cluster where a Service exists in several', () => {
    const m = multiClusterModel({
      a: [
        deployment('ns', 'api-1', { labels: { app: 'api' } }),
        service('ns', 'api'),
      ],
      b: [
        deployment('ns', 'api-2', { labels: { app: 'api' } }),
        service('ns', 'api'),
      ],
    });
    expect(() => resolveReference(m, 'ns/api')).toThrow(
      'Service ns/api exists in clusters a, b: use CLUSTER/NAMESPACE/NAME',
    );
    expect(resolveReference(m, 'b/ns/api').workloads.map(w => w.id)).toEqual([
      'b/ns/api-2',
    ]);
  });
});

describe('resolveReference with a ServiceEntry', () => {
  const entry = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name, namespace: 'bookinfo' },
    spec: { hosts: [`${name}.internal`], location: 'MESH_INTERNAL', ...spec },
  });

  it('resolves a ServiceEntry with a workloadSelector to the pods of its namespace it selects, after workloads and Services', () => {
    const m = reviews(
      entry('reviews-vm', { workloadSelector: { labels: { version: 'v2' } } }),
      entry('reviews', { workloadSelector: { labels: { version: 'v3' } } }),
      namespace('other', injected),
      deployment('other', 'reviews-v2-copy', { labels: { version: 'v2' } }),
    );
    const resolved = resolveReference(m, 'bookinfo/reviews-vm');
    expect(resolved.service).toBe('c1/bookinfo/reviews-vm');
    expect(resolved.kind).toBe('ServiceEntry');
    expect(resolved.workloads.map(w => w.id)).toEqual([
      'c1/bookinfo/reviews-v2',
    ]);
    // The Service of that name comes first.
    expect(resolveReference(m, 'bookinfo/reviews').kind).toBeUndefined();
  });

  it.each([
    [
      entry('external', { location: 'MESH_EXTERNAL' }),
      'bookinfo/external',
      'ServiceEntry c1/bookinfo/external has no workloadSelector, so its endpoints (external.internal) are not workloads of the snapshot: name a workload instead',
    ],
    [
      entry('gone', { workloadSelector: { labels: { app: 'gone' } } }),
      'bookinfo/gone',
      'ServiceEntry c1/bookinfo/gone selects no workload (its workloadSelector: app=gone)',
    ],
  ])(
    'rejects one whose endpoints are no workload: %#',
    (object, ref, message) => {
      const m = reviews(object);
      expect(() => resolveReference(m, ref)).toThrow(message);
    },
  );
});

describe('check with a Service', () => {
  it('answers once where every workload it selects agrees', () => {
    const result = check(reviews(), {
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews',
      port: 8080,
    });
    expect(result).toMatchObject({
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews',
      decision: 'ALLOW',
      services: {
        to: {
          service: 'c1/bookinfo/reviews',
          workloads: [
            'c1/bookinfo/reviews-v1',
            'c1/bookinfo/reviews-v2',
            'c1/bookinfo/reviews-v3',
          ],
        },
      },
    });
    expect(result.answers).toBeUndefined();
    expect(result.reason).toMatch(/^all 3 workload pairs answer alike/);
  });

  it('answers per workload where they differ, as CONDITIONAL', () => {
    const m = reviews(
      authorizationPolicy('bookinfo', 'only-v1', {
        selector: { matchLabels: { version: 'v3' } },
        action: 'DENY',
        rules: [{}],
      }),
    );
    const result = check(m, {
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews',
      port: 8080,
    });
    expect(result.decision).toBe('CONDITIONAL');
    expect(result.policies).toEqual(['bookinfo/only-v1']);
    expect(result.answers!.map(a => [a.from, a.to, a.decision])).toEqual([
      ['c1/bookinfo/productpage', 'c1/bookinfo/reviews-v1', 'ALLOW'],
      ['c1/bookinfo/productpage', 'c1/bookinfo/reviews-v2', 'ALLOW'],
      ['c1/bookinfo/productpage', 'c1/bookinfo/reviews-v3', 'DENY'],
    ]);
    expect(result.reason).toContain('c1/bookinfo/reviews-v3: DENY');
  });

  it('keeps the contract exactly for workload references', () => {
    const result = check(reviews(), {
      from: 'bookinfo/productpage',
      to: 'bookinfo/reviews-v1',
    });
    expect(Object.keys(result).sort()).toEqual(
      ['decision', 'from', 'mtls', 'policies', 'reason', 'to'].sort(),
    );
  });
});
