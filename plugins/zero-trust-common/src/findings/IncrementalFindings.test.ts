import {
  GeneratedWorkload,
  Random,
  generateMesh,
} from '../../bench/generateMesh';
import {
  caCertificate,
  jsonCertificates,
  rootCertificates,
} from '../__fixtures__/certificates';
import {
  deployment,
  injected,
  namespace as namespaceObject,
} from '../__fixtures__/manifests';
import { MeshModel } from '../engine/MeshModel';
import {
  buildClusterState,
  ClusterStateReadings,
  SourcedObject,
} from '../model/buildClusterState';
import { detectFindings, Finding, finding } from './detect';
import { mergeSortedFindings, sortFindings } from '../report/analyze';
import { changedNamespaces } from './findingUnits';
import { IncrementalFindings } from './IncrementalFindings';

type Json = Record<string, any>;

const kindOf = (o: SourcedObject) => (o.object as Json).kind as string;
const now = Date.parse('2026-06-01T00:00:00Z');

/** A random AuthorizationPolicy: most shapes the rules read, some Istio rejects. */
function randomPolicy(
  rnd: Random,
  workloads: GeneratedWorkload[],
  ambient: GeneratedWorkload[],
  serial: number,
): Json {
  // Mostly about a workload of the mesh (half the time an ambient one, whose L7
  // fields and waypoints more rules read): its namespace, its app label.
  const target = rnd.pick(
    rnd.chance(0.5) && ambient.length ? ambient : workloads,
  );
  const namespaces = workloads.map(w => w.namespace);
  const apps = workloads.map(w => w.app);
  let namespace = target.namespace;
  if (rnd.chance(0.15)) namespace = 'istio-system';
  else if (rnd.chance(0.04)) namespace = 'nowhere';
  const spec: Json = {};
  const binding = rnd.weighted({ selector: 6, none: 3, targetRefs: 1 });
  if (binding === 'selector') {
    spec.selector = {
      matchLabels: { app: rnd.chance(0.9) ? target.app : 'no-such-app' },
    };
  } else if (binding === 'targetRefs') {
    spec.targetRefs = [{ kind: 'Service', group: '', name: target.app }];
  }
  spec.action = rnd.weighted({ ALLOW: 6, DENY: 3, BOGUS: 1 });
  if (!rnd.chance(0.15)) {
    spec.rules = [...Array(1 + rnd.int(2))].map(() => {
      const rule: Json = {};
      if (rnd.chance(0.8)) {
        const source: Json = {};
        const shape = rnd.weighted({
          principal: 3,
          namespace: 2,
          wildcard: 1,
          foreign: 1,
          edge: 1,
        });
        const ns = rnd.pick(namespaces);
        if (shape === 'principal') {
          source.principals = [
            `cluster.local/ns/${ns}/sa/${
              rnd.chance(0.8) ? rnd.pick(apps) : 'x'
            }`,
          ];
        } else if (shape === 'namespace') {
          source.namespaces = [rnd.chance(0.9) ? ns : 'missing'];
        } else if (shape === 'wildcard') {
          source.principals = ['*'];
        } else if (shape === 'foreign') {
          source.principals = ['other.example/ns/billing/sa/exporter'];
        } else {
          // The third cluster's workload, whose root this cluster does not trust (ZT028).
          source.principals = ['edge.example/ns/web/sa/web'];
        }
        rule.from = [{ source }];
      }
      if (rnd.chance(0.6)) {
        rule.to = [
          {
            operation: {
              ...(rnd.chance(0.8) ? { methods: ['GET'] } : {}),
              ports: [String(rnd.pick([8080, 9090, 5432]))],
            },
          },
        ];
      }
      return rule;
    });
  }
  const annotations = rnd.chance(0.1) ? { 'istio.io/dry-run': 'true' } : {};
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: {
      namespace,
      name: `random-${serial}`,
      annotations,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec,
  };
}

describe('IncrementalFindings', () => {
  // Three clusters, the one that changes most the second: before it a cluster that
  // changes now and then (a policy added), whose state between its changes keeps its
  // identity, as a live source's does, and whose units are handed on whole; after it
  // one that never changes, whose workload the policies name across clusters though
  // its root is not the others' (ZT028). Each cluster's trust domain is its own.
  const shared = rootCertificates('istio-system', caCertificate('mesh root'));
  const otherMesh = generateMesh({ workloads: 60, seed: 5 });
  const otherReadings: ClusterStateReadings = new WeakMap();
  const otherState = (objects: SourcedObject[], readings = otherReadings) =>
    buildClusterState('other', [...objects, { object: shared }], {
      trustDomain: 'other.example',
      parseCertificates: jsonCertificates,
      readings,
    });
  const meshState = (
    objects: SourcedObject[],
    readings?: ClusterStateReadings,
  ) =>
    buildClusterState('mesh', [...objects, { object: shared }], {
      parseCertificates: jsonCertificates,
      ...(readings ? { readings } : {}),
    });
  const edge = buildClusterState(
    'edge',
    [
      namespaceObject('web', injected),
      deployment('web', 'web', { sa: 'web', ports: [8080] }),
      rootCertificates('istio-system', caCertificate('edge istiod')),
    ].map(object => ({ object })),
    { trustDomain: 'edge.example', parseCertificates: jsonCertificates },
  );

  // Small namespaces, so that some ambient ones have no waypoint (ZT015 reads their
  // policies); the second with NetworkPolicies (ZT018 reads each workload's callers).
  it.each([
    [1, 800, false],
    [2, 300, true],
  ])(
    'finds what a full detection finds, byte for byte, over random changes (seed %i, %i workloads, NetworkPolicies %s)',
    (seed, workloads, networkPolicies) => {
      const mesh = generateMesh({
        workloads,
        workloadsPerNamespace: 10,
        seed,
        networkPolicies,
      });
      const rnd = new Random(seed * 7919);
      let objects: SourcedObject[] = [...mesh.objects];
      const start = new MeshModel([meshState(objects)]);
      const ambient = mesh.workloads.filter(
        w =>
          start.workload(`mesh/${w.namespace}/${w.name}`)?.membership.mode ===
          'ambient',
      );
      const readings: ClusterStateReadings = new WeakMap();
      let otherObjects: SourcedObject[] = [...otherMesh.objects];
      let other = otherState(otherObjects);
      const incremental = new IncrementalFindings();
      // Sorted, merged from the last sorted findings: as sortFindings sorts them all.
      const sorted = new IncrementalFindings();
      let last: MeshModel | undefined;
      let reused = 0;
      let crossCluster = 0;
      let merged = 0;
      let quiet = 0;
      const wrong: string[] = [];
      for (let step = 0; step < 30; step++) {
        const change = rnd.weighted({
          add: 4,
          remove: 2,
          replace: 2,
          move: 1,
          other: 1,
          none: 1,
        });
        const policies = objects
          .map((o, i) => [o, i] as const)
          .filter(([o]) => kindOf(o) === 'AuthorizationPolicy');
        const fresh = () => ({
          object: randomPolicy(rnd, mesh.workloads, ambient, step),
        });
        if (change === 'add') {
          objects = [...objects, fresh()];
        } else if (change === 'remove') {
          const [, i] = rnd.pick(policies);
          objects = objects.filter((_, j) => j !== i);
        } else if (change === 'replace') {
          // An update in place: a new object where the old one was.
          const [, i] = rnd.pick(policies);
          objects = objects.map((o, j) => (j === i ? fresh() : o));
        } else if (change === 'move') {
          // The same policy read again (a relist): a new object, at the end.
          const [o, i] = rnd.pick(policies);
          objects = [
            ...objects.filter((_, j) => j !== i),
            { object: JSON.parse(JSON.stringify(o.object)) },
          ];
        } else if (change === 'other') {
          // A workload's Deployment gone: every finding is found again.
          const i = objects.findIndex(o => kindOf(o) === 'Deployment');
          objects = objects.filter((_, j) => j !== i);
        }
        let unchanged = change === 'none';
        if (rnd.chance(0.2)) {
          unchanged = false;
          // The other cluster's own change, alone or beside this one's.
          const policy = randomPolicy(rnd, otherMesh.workloads, [], step);
          otherObjects = [...otherObjects, { object: policy }];
          other = otherState(otherObjects);
        }
        const state = meshState(objects, readings);
        const model = new MeshModel([other, state, edge]);
        if (
          last &&
          changedNamespaces(
            last.clusters.map(c => c.state),
            model,
          )
        ) {
          reused++;
        }
        last = model;
        const found = incremental.detect(model, { now });
        const full = detectFindings(
          new MeshModel([
            otherState(otherObjects, new WeakMap()),
            meshState(objects),
            edge,
          ]),
          { now },
        );
        crossCluster += full.filter(f => f.code === 'ZT028').length;
        expect(JSON.stringify(found)).toBe(JSON.stringify(full));
        const result = sorted.detectChange(model, { now });
        expect(JSON.stringify(result.sorted)).toBe(
          JSON.stringify(sortFindings(full)),
        );
        if (result.since) {
          // What it says changed is what changed, finding by finding.
          const { added, removed, sorted: before } = result.since;
          const was = new Set(before);
          const is = new Set(result.sorted);
          const addedNow = result.sorted.filter(f => !was.has(f));
          const gone = new Set(before.filter(f => !is.has(f)));
          if (
            added.length !== addedNow.length ||
            added.some((f, i) => f !== addedNow[i]) ||
            removed.length !== gone.size ||
            removed.some(f => !gone.has(f))
          ) {
            wrong.push(`step ${step}: not what changed`);
          }
          merged++;
          // A finding found again as it was is the same finding: a step that changes
          // nothing (ZT023 is found again every time) adds and drops none.
          if (unchanged) {
            quiet++;
            if (added.length || removed.length) {
              wrong.push(
                `step ${step}: ${added.length} added, ${removed.length} dropped`,
              );
            }
          }
        }
      }
      // Most steps take the incremental path: the test exercises it, not only the full one.
      expect(reused).toBeGreaterThan(10);
      expect(wrong).toEqual([]);
      expect(merged).toBeGreaterThan(10);
      expect(quiet).toBeGreaterThan(0);
      // And the policies reach across clusters.
      expect(crossCluster).toBeGreaterThan(0);
    },
  );
});

describe('mergeSortedFindings', () => {
  const f = (name: string, workloads: string[]): Finding => ({
    ...finding('ZT016', { cluster: 'c', kind: 'DestinationRule', name }, 'm'),
    workloads,
  });

  it('merges new findings into the kept ones, as a sort of all would order them', () => {
    const [a, b, c] = [f('a', []), f('b', []), f('c', [])];
    expect(mergeSortedFindings([a, c], [c, b, a])).toEqual([a, b, c]);
    // Dropped ones are left out.
    expect(mergeSortedFindings([a, b, c], [c, a])).toEqual([a, c]);
  });

  it('leaves findings that compare equal to a sort of all of them', () => {
    // Same severity, resource, code and message: only their order in the input decides.
    const [x, y] = [f('a', ['c/ns/x']), f('a', ['c/ns/y'])];
    expect(mergeSortedFindings([x], [y, x])).toBeUndefined();
  });
});
