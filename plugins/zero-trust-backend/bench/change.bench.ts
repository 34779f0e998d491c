/**
 * The CPU of one policy change along the backend's own path, in-process: N clusters of the
 * synthetic mesh (10k workloads each, each its own trust domain), one AuthorizationPolicy
 * added to the first cluster at a time, then what `MeshState` and a Security tab request
 * do next: the state built again (unchanged objects keep their readings, as a live
 * source's do), the mesh model, the findings and their index (`MeshView` over the shared
 * `IncrementalFindingIndex`) and the changed workload's view. Prints each change and the
 * median of seven; compare cluster counts in one run (`1` then `10`).
 *
 *   node -r @backstage/cli-node/config/nodeTransform.cjs bench/change.bench.ts [clusters] [workloads]
 */
/* eslint-disable no-console */
import {
  buildClusterState,
  ClusterStateReadings,
  MeshModel,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import { generateMesh } from '@zero-trust/backstage-plugin-zero-trust-common/bench/generateMesh';
import { IncrementalFindingIndex } from '../src/clusters/FindingIndex';
import { MeshView } from '../src/clusters/MeshView';

const [clusterCount = 10, workloads = 10_000] = process.argv
  .slice(2)
  .map(Number);
const mesh = generateMesh({ workloads, seed: 1 });
const clusters = Array.from({ length: clusterCount }, (_, i) => ({
  name: `c${i}`,
  objects: [...mesh.objects] as SourcedObject[],
  readings: new WeakMap() as ClusterStateReadings,
}));
const stateOf = (c: (typeof clusters)[number]) =>
  buildClusterState(c.name, c.objects, {
    trustDomain: `${c.name}.example`,
    readings: c.readings,
  });
const states = clusters.map(stateOf);
const detection = new IncrementalFindingIndex();
const target = mesh.workloads.find(w => w.tier === 'backend')!;
const id = `c0/${target.namespace}/${target.name}`;
let view = new MeshView(new MeshModel(states), {}, detection);
view.findingsForWorkload(id);

const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const totals: number[] = [];
for (let i = 0; i < 7; i++) {
  const first = clusters[0];
  first.objects = [
    ...first.objects,
    {
      object: {
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: `probe-${i}`, namespace: target.namespace },
        spec: {
          selector: { matchLabels: { app: target.app } },
          action: 'ALLOW',
          rules: [{ from: [{ source: { namespaces: [`probe-${i}`] } }] }],
        },
      },
    },
  ];
  const start = process.cpuUsage();
  states[0] = stateOf(first);
  const state = ms(process.cpuUsage(start));
  view = new MeshView(new MeshModel(states), {}, detection);
  const modelled = ms(process.cpuUsage(start));
  view.findingsForWorkload(id);
  const found = ms(process.cpuUsage(start));
  view.view(view.model.workload(id)!);
  const total = ms(process.cpuUsage(start));
  totals.push(total);
  console.log(
    `change ${i + 1}: state ${state.toFixed(0)} ms, model ${(
      modelled - state
    ).toFixed(0)} ms, findings and index ${(found - modelled).toFixed(
      0,
    )} ms, view ${(total - found).toFixed(0)} ms`,
  );
}
totals.sort((a, b) => a - b);
console.log(
  `${clusterCount} cluster(s) of ${workloads} workloads: CPU of one change, median of 7: ${totals[3].toFixed(
    0,
  )} ms`,
);
