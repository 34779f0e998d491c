import {
  BuildClusterStateOptions,
  ClusterState,
  SourcedObject,
  buildClusterState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from './certificates/parseCertificates';
import { ManifestError } from './ManifestError';
import { SnapshotReader } from './loader/SnapshotReader';
import { parseManifests } from './parseManifests';

export { ManifestError };
export { parseManifests };

/** @public */
export interface LoadManifestsOptions {
  /**
   * Other URLs of the repository being read, besides its `origin` remote (the CLI's
   * `--repo-url`): Applications and Flux Kustomizations whose source is one of them are
   * followed.
   */
  repoUrls?: string[];
  /** The repository's root, where sources' paths start (default: the git work tree's). */
  repoRoot?: string;
  /** Receives each line about what was skipped or not followed (the CLI prints them on stderr). */
  onNote?: (note: string) => void;
  /** Standard input, for the path `-`. */
  readStdin?: () => Promise<string>;
  /**
   * Reads a file's text (given its absolute path); default from disk. The onboarding
   * passes the texts it has read already, so that one run reads each file once.
   */
  readText?: (file: string) => Promise<string>;
}

/**
 * Reads a file or folder of manifests (searched recursively) the way a GitOps controller
 * applies it: kustomizations rendered with `kustomize` (or `kubectl kustomize`), Helm
 * chart folders skipped, Argo CD Applications and Flux Kustomizations of this repository
 * followed to their folders. `-` reads standard input.
 *
 * @throws ManifestError naming the file: malformed YAML, a kustomization that does not
 *   build, an Application whose path does not exist, a cycle of Applications.
 * @public
 */
export async function loadManifests(
  root: string,
  options: LoadManifestsOptions = {},
): Promise<SourcedObject[]> {
  const reader = new SnapshotReader(options);
  return reader.read(root);
}

/** A cluster snapshot from a file or folder of manifests. @public */
export async function loadClusterSnapshot(
  name: string,
  root: string,
  options?: BuildClusterStateOptions & LoadManifestsOptions,
): Promise<ClusterState> {
  return buildClusterState(name, await loadManifests(root, options), {
    parseCertificates,
    ...options,
  });
}
