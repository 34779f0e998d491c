// The engine's own manifest builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  authorizationPolicy,
  deployment,
  injected,
  namespace,
  service,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import {
  buildClusterState,
  ClusterState,
  detectFindings,
  Finding,
  MeshModel,
  sortFindings,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { FindingIndex, IncrementalFindingIndex } from './FindingIndex';

const clusterNames = ['c0', 'c1', 'c2'];

/** Each cluster's objects: two namespaces of callers and servers, a trust domain of its own. */
function clusterObjects(): SourcedObject[] {
  return [
    namespace('shop', injected),
    deployment('shop', 'api', { sa: 'api', ports: [8080] }),
    deployment('shop', 'db', { sa: 'db', ports: [5432] }),
    service('shop', 'api', { ports: [{ name: 'http', port: 8080 }] }),
    namespace('clients', injected),
    deployment('clients', 'web', { sa: 'web', ports: [8080] }),
  ].map(object => ({ object }));
}

const stateOf = (name: string, objects: SourcedObject[], readings?: any) =>
  buildClusterState(name, objects, {
    trustDomain: `${name}.example`,
    ...(readings ? { readings } : {}),
  });

const ids = (findings: Finding[]) =>
  findings.map(f => `${f.code} ${f.resource.cluster} ${f.message}`);

/** Every list of the index, against an index built whole from a detection of its own. */
function expectSameLists(index: FindingIndex, states: ClusterState[]) {
  const fresh = FindingIndex.of(
    sortFindings(detectFindings(new MeshModel(states), {})),
  );
  expect(ids(index.all)).toEqual(ids(fresh.all));
  for (const state of states) {
    expect(ids(index.forCluster(state.name))).toEqual(
      ids(fresh.forCluster(state.name)),
    );
    for (const w of state.workloads) {
      const id = `${state.name}/${w.namespace}/${w.name}`;
      expect([id, ...ids(index.forWorkload(id))]).toEqual([
        id,
        ...ids(fresh.forWorkload(id)),
      ]);
    }
    for (const ns of ['shop', 'clients']) {
      expect(ids(index.forNamespace(state.name, ns))).toEqual(
        ids(fresh.forNamespace(state.name, ns)),
      );
    }
  }
}

describe('IncrementalFindingIndex', () => {
  it('lists what an index of its own lists, after changes in one of three clusters and across them', () => {
    const objects = clusterNames.map(clusterObjects);
    const readings = clusterNames.map(() => new WeakMap());
    const states = clusterNames.map((name, i) =>
      stateOf(name, objects[i], readings[i]),
    );
    const incremental = new IncrementalFindingIndex();
    const indexOf = () => incremental.index(new MeshModel(states), {});
    const change = (i: number, object: object | undefined, drop?: string) => {
      objects[i] = [
        ...objects[i].filter(
          o =>
            (o.object as { metadata: { name: string } }).metadata.name !== drop,
        ),
        ...(object ? [{ object }] : []),
      ];
      states[i] = stateOf(clusterNames[i], objects[i], readings[i]);
    };
    const first = indexOf();
    expectSameLists(first, states);
    // The second cluster's api admits its own web: its ZT004 (no policy) goes.
    change(
      1,
      authorizationPolicy('shop', 'api-callers', {
        selector: { matchLabels: { app: 'api' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              { source: { principals: ['c1.example/ns/clients/sa/web'] } },
            ],
          },
        ],
      }),
    );
    const second = indexOf();
    expectSameLists(second, states);
    expect(ids(second.forWorkload('c1/shop/api'))).not.toEqual(
      ids(first.forWorkload('c1/shop/api')),
    );
    // The other clusters' lists are the last index's own.
    expect(second.forWorkload('c0/shop/api')).toBe(
      first.forWorkload('c0/shop/api'),
    );
    expect(second.forWorkload('c2/shop/api')).toBe(
      first.forWorkload('c2/shop/api'),
    );
    // Across clusters: the third cluster's db admits the second's web.
    change(
      2,
      authorizationPolicy('shop', 'db-callers', {
        selector: { matchLabels: { app: 'db' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              { source: { principals: ['c1.example/ns/clients/sa/web'] } },
            ],
          },
        ],
      }),
    );
    const third = indexOf();
    expectSameLists(third, states);
    expect(ids(third.forWorkload('c2/shop/db'))).not.toEqual(
      ids(second.forWorkload('c2/shop/db')),
    );
    // A policy dropped, in the middle cluster again; then one changed in the first.
    change(1, undefined, 'api-callers');
    expectSameLists(indexOf(), states);
    change(
      0,
      authorizationPolicy('clients', 'web-callers', {
        selector: { matchLabels: { app: 'web' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { namespaces: ['shop'] } }] }],
      }),
    );
    expectSameLists(indexOf(), states);
  });
});
