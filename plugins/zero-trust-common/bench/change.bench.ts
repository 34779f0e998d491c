/**
 * The CPU of one policy change as the backend spends it, in-process: N clusters of the
 * synthetic mesh (10k workloads each, each its own trust domain), one AuthorizationPolicy
 * added to the first cluster's state at a time, then the state built again (unchanged
 * objects keep their readings, as a live source's do), the mesh model, and the sorted
 * findings (`IncrementalFindings`). Prints each change and the median of seven.
 *
 *   node -r @backstage/cli-node/config/nodeTransform.cjs bench/change.bench.ts [clusters] [workloads]
 */
import { MeshModel } from '../src/engine/MeshModel';
import { IncrementalFindings } from '../src/findings/IncrementalFindings';
import { changeArgs, changedClusters, timeChanges } from './changedClusters';

const [clusterCount, workloads] = changeArgs(5);
const { states, change } = changedClusters(clusterCount, workloads);
const detection = new IncrementalFindings();
detection.detectSorted(new MeshModel(states));

timeChanges(
  `${clusterCount} cluster(s) of ${workloads} workloads`,
  (i, cpu) => {
    change(i);
    const state = cpu();
    const model = new MeshModel(states);
    const modelled = cpu();
    detection.detectSorted(model);
    return [
      ['state', state],
      ['model', modelled],
      ['findings', cpu()],
    ];
  },
);
