/**
 * The CPU of one policy change as the backend spends it, in-process: N clusters of the
 * synthetic mesh (10k workloads each, each its own trust domain), one AuthorizationPolicy
 * added to the first cluster's state at a time, then the state built again (unchanged
 * objects keep their readings, as a live source's do), the mesh model, and the sorted
 * findings (`IncrementalFindings`). Prints each change and the median of seven.
 *
 *   node -r @backstage/cli-node/config/nodeTransform.cjs bench/change.bench.ts [clusters] [workloads]
 */
/* eslint-disable no-console */
import { MeshModel } from '../src/engine/MeshModel';
import { IncrementalFindings } from '../src/findings/IncrementalFindings';
import {
  buildClusterState,
  ClusterStateReadings,
  SourcedObject,
} from '../src/model/buildClusterState';
import { generateMesh } from './generateMesh';

const [clusterCount = 5, workloads = 10_000] = process.argv
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
const detection = new IncrementalFindings();
detection.detectSorted(new MeshModel(states));

const target = mesh.workloads.find(w => w.tier === 'backend')!;
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
  const model = new MeshModel(states);
  const modelled = ms(process.cpuUsage(start));
  detection.detectSorted(model);
  const total = ms(process.cpuUsage(start));
  totals.push(total);
  console.log(
    `change ${i + 1}: state ${state.toFixed(0)} ms, model ${(
      modelled - state
    ).toFixed(0)} ms, findings ${(total - modelled).toFixed(0)} ms`,
  );
}
totals.sort((a, b) => a - b);
console.log(
  `${clusterCount} cluster(s) of ${workloads} workloads: CPU of one change, median of 7: ${totals[3].toFixed(
    0,
  )} ms`,
);
