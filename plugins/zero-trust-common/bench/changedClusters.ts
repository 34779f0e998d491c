/**
 * What the change benches share: N clusters of one synthetic mesh (each its own trust
 * domain), a change to the first (one more AuthorizationPolicy for a backend app, its
 * state built again, unchanged objects keeping their readings as a live source's do),
 * and the CPU time each step takes.
 */
/* eslint-disable no-console */
import {
  buildClusterState,
  ClusterStateReadings,
  SourcedObject,
} from '../src/model/buildClusterState';
import { ClusterState } from '../src/model/types';
import { generateMesh } from './generateMesh';

/** The cluster count and workloads per cluster from the command line. */
export function changeArgs(defaultClusters: number): [number, number] {
  const [clusters = defaultClusters, workloads = 10_000] = process.argv
    .slice(2)
    .map(Number);
  return [clusters, workloads];
}

export function changedClusters(clusterCount: number, workloads: number) {
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
  const states: ClusterState[] = clusters.map(stateOf);
  const target = mesh.workloads.find(w => w.tier === 'backend')!;
  /** The i-th change: one more ALLOW policy for the target's app in the first cluster. */
  const change = (i: number) => {
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
    states[0] = stateOf(first);
  };
  return { states, target, change };
}

/**
 * Runs seven changes and prints each one's steps and the median total. `run` makes the
 * i-th change; `cpu` returns the CPU milliseconds since it began, and `run` returns each
 * step's name with the clock read at its end.
 */
export function timeChanges(
  label: string,
  run: (i: number, cpu: () => number) => [string, number][],
) {
  const totals: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = process.cpuUsage();
    const cpu = () => {
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    };
    let before = 0;
    const parts = run(i, cpu).map(([name, at]) => {
      const part = `${name} ${(at - before).toFixed(0)} ms`;
      before = at;
      return part;
    });
    totals.push(before);
    console.log(`change ${i + 1}: ${parts.join(', ')}`);
  }
  totals.sort((a, b) => a - b);
  console.log(
    `${label}: CPU of one change, median of 7: ${totals[3].toFixed(0)} ms`,
  );
}
