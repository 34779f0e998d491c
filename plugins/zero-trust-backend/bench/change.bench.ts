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
import { MeshModel } from '@zero-trust/backstage-plugin-zero-trust-common';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  changeArgs,
  changedClusters,
  timeChanges,
} from '@zero-trust/backstage-plugin-zero-trust-common/bench/changedClusters';
import { IncrementalFindingIndex } from '../src/clusters/FindingIndex';
import { MeshView } from '../src/clusters/MeshView';

const [clusterCount, workloads] = changeArgs(10);
const { states, target, change } = changedClusters(clusterCount, workloads);
const detection = new IncrementalFindingIndex();
const id = `c0/${target.namespace}/${target.name}`;
let view = new MeshView(new MeshModel(states), {}, detection);
view.findingsForWorkload(id);

timeChanges(
  `${clusterCount} cluster(s) of ${workloads} workloads`,
  (i, cpu) => {
    change(i);
    const state = cpu();
    view = new MeshView(new MeshModel(states), {}, detection);
    const modelled = cpu();
    view.findingsForWorkload(id);
    const found = cpu();
    view.view(view.model.workload(id)!);
    return [
      ['state', state],
      ['model', modelled],
      ['findings and index', found],
      ['view', cpu()],
    ];
  },
);
