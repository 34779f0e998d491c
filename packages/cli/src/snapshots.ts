import {
  ClusterState,
  SourcedObject,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  loadManifests,
  parseCertificates,
} from '@zero-trust/backstage-plugin-zero-trust-node';
import { stampCreationFromWorkTree } from '@zero-trust/backstage-plugin-zero-trust-node/git';
import { UsageError } from './errors';
import { CliIo } from './io';

/** How PATHs are read, for each command's usage. */
export const snapshotHelp = `A PATH is a file or folder of manifests, or - for standard input. Folders are read as
their GitOps controller applies them: kustomizations rendered with kustomize (or
kubectl kustomize), Helm chart folders skipped, Argo CD Applications and Flux
Kustomizations whose source is this repository (its origin remote, or --repo-url URL)
followed to their paths. What is skipped or not followed is noted on stderr. In a git
work tree, an Istio object without a creationTimestamp is taken as created when the
commit that added its file was (as its GitOps controller would create it).
`;

const clusterName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** How snapshots are read: notes go to stderr; `--repo-url` names the repository. */
export interface SnapshotOptions {
  io: CliIo;
  repoUrls?: string[];
}

/** The loaded clusters, and where each object came from (for SARIF locations). */
export interface LoadedSnapshots {
  clusters: ClusterState[];
  objects: Map<string, SourcedObject[]>;
}

/**
 * The clusters named on the command line: each `--cluster NAME=PATH`, and the bare
 * positional paths together as one cluster named `default`. Each path is read as its
 * GitOps controller applies it; what is skipped or not followed is noted on stderr, and
 * so is a cluster in which no workload was found.
 */
export async function loadSnapshots(
  paths: string[],
  clusterOptions: string[],
  options: SnapshotOptions,
): Promise<ClusterState[]> {
  return (await loadSnapshotObjects(paths, clusterOptions, options)).clusters;
}

export async function loadSnapshotObjects(
  paths: string[],
  clusterOptions: string[],
  options: SnapshotOptions,
): Promise<LoadedSnapshots> {
  const specs: { name: string; paths: string[] }[] = [];
  for (const option of clusterOptions) {
    const eq = option.indexOf('=');
    const name = option.slice(0, eq);
    if (eq <= 0 || eq === option.length - 1) {
      throw new UsageError(`--cluster takes NAME=PATH, not "${option}"`);
    }
    if (!clusterName.test(name)) {
      throw new UsageError(
        `cluster name "${name}" must be a DNS label (lower case letters, digits, "-")`,
      );
    }
    if (specs.some(s => s.name === name)) {
      throw new UsageError(`cluster "${name}" is given twice`);
    }
    specs.push({ name, paths: [option.slice(eq + 1)] });
  }
  if (paths.length && specs.some(s => s.name === 'default')) {
    throw new UsageError(
      'a bare PATH is the cluster "default", which --cluster also names',
    );
  }
  if (!paths.length && !specs.length) {
    throw new UsageError('give a snapshot: PATH, or --cluster NAME=PATH');
  }
  if (paths.length) specs.push({ name: 'default', paths });
  if ([...specs.flatMap(s => s.paths)].filter(p => p === '-').length > 1) {
    throw new UsageError('standard input (-) can be read only once');
  }
  const { io, repoUrls } = options;
  const clusters: ClusterState[] = [];
  const objects = new Map<string, SourcedObject[]>();
  for (const spec of specs) {
    const notes: string[] = [];
    const read: SourcedObject[] = [];
    for (const p of spec.paths) {
      const fromPath = await loadManifests(p, {
        repoUrls,
        onNote: note => notes.push(note),
        ...(io.stdin ? { readStdin: io.stdin } : {}),
      });
      // In a git work tree (a GitOps checkout), each Istio object without a
      // creationTimestamp was created when the commit that added its file was synced,
      // as the backend reads a git cluster.
      if (p !== '-') await stampCreationFromWorkTree(fromPath, p);
      read.push(...fromPath);
    }
    const state = buildClusterState(spec.name, read, { parseCertificates });
    for (const note of notes) io.stderr(`note: ${note}\n`);
    if (!state.workloads.length) {
      io.stderr(
        `note: no workload found in ${spec.paths.join(', ')} (cluster ${
          spec.name
        })${
          notes.length
            ? `; skipped or not followed: ${notes.join('; ')}`
            : '; nothing was skipped'
        }\n`,
      );
    }
    clusters.push(state);
    objects.set(spec.name, read);
  }
  return { clusters, objects };
}
