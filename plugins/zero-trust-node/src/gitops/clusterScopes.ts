import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  OnboardingRequestError,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ReadUnit, SnapshotReader } from '../loader/SnapshotReader';
import { readRepositoryTexts } from './repoIndex';

/** A kustomize patch, its file relative to the repository's root. */
export interface ScopePatch {
  file?: string;
  inline?: string;
  targetKind?: string;
}

/** One unit of a cluster's render: a file read as it is, or a kustomization rendered as one. */
export interface ScopeUnit {
  /** The kustomization file of a rendered unit (the top one: the overlay). */
  kustomizationFile?: string;
  /** Every kustomization file the unit reads, its own first. */
  kustomizationFiles: string[];
  /** The files whose documents are the unit's resources. */
  resourceFiles: Set<string>;
  /** Every patch of every kustomization the unit reads. */
  patches: ScopePatch[];
  objects: SourcedObject[];
}

/**
 * What one cluster renders from the repository, and from which files: the writer
 * changes exactly these, so that the change reaches this cluster and no other. Paths
 * are relative to the repository's root, `/`-separated.
 */
export interface ClusterScope {
  name: string;
  /** The rendered objects, as the loader read them (files relative to the root). */
  objects: SourcedObject[];
  /** Folders read as plain manifests: the cluster's folder, and each path it follows. */
  folders: string[];
  units: ScopeUnit[];
  /** The files whose documents the render holds, whichever unit reads them. */
  resourceFiles: Set<string>;
  /** Every kustomization file the render reads. */
  kustomizationFiles: Set<string>;
}

/** The repository as one onboarding run reads it: once, for the plan and the writer. */
export interface RepositoryClusters {
  /** Every manifest file's text, relative to the root. */
  texts: Map<string, string>;
  /** Whether the root has a `clusters/` folder (one subfolder per cluster). */
  hasClustersFolder: boolean;
  clusters: ClusterScope[];
}

interface ReadOptions {
  repoUrls?: string[];
  onNote?: (note: string) => void;
  /** The texts read already (`readRepositoryTexts`). */
  texts?: Map<string, string>;
}

/** Whether a `/`-separated path is inside a folder (`''` being the root). */
export const inFolder = (file: string, folder: string) =>
  folder === '' || file.startsWith(`${folder}/`);

/** Whether a cluster applies a file listed in `kustomization` (or, read as it is, in none). */
export function appliesFile(
  cluster: ClusterScope,
  file: string,
  kustomization: string | undefined,
): boolean {
  return kustomization
    ? cluster.kustomizationFiles.has(kustomization)
    : cluster.folders.some(f => inFolder(file, f));
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function scopeOf(
  name: string,
  root: string,
  objects: SourcedObject[],
  structure: { folders: string[]; units: ReadUnit[] },
): ClusterScope {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const units = structure.units.map((u): ScopeUnit => {
    const refs = u.kustomization?.refs ?? [];
    return {
      ...(refs.length ? { kustomizationFile: rel(refs[0].file) } : {}),
      kustomizationFiles: refs.map(r => rel(r.file)),
      resourceFiles: new Set(
        u.file ? [rel(u.file)] : refs.flatMap(r => r.resources.map(rel)),
      ),
      patches: refs.flatMap(r =>
        r.patches.map(p => ({
          ...p,
          ...(p.file ? { file: rel(p.file) } : {}),
        })),
      ),
      objects: u.objects,
    };
  });
  return {
    name,
    objects: objects.map(o => (o.file ? { ...o, file: rel(o.file) } : o)),
    folders: structure.folders.map(rel),
    units,
    resourceFiles: new Set(units.flatMap(u => [...u.resourceFiles])),
    kustomizationFiles: new Set(units.flatMap(u => u.kustomizationFiles)),
  };
}

async function readCluster(
  name: string,
  root: string,
  folder: string,
  texts: Map<string, string>,
  options: ReadOptions,
): Promise<ClusterScope> {
  // Files the repository's walk read already come from memory: one read per run.
  const readText = async (file: string) =>
    texts.get(path.relative(root, file).split(path.sep).join('/')) ??
    fs.readFile(file, 'utf8');
  const reader = new SnapshotReader({ ...options, repoRoot: root, readText });
  const objects = await reader.read(folder);
  return scopeOf(name, root, objects, reader.structure());
}

/**
 * Reads the repository's clusters (as `readRepositoryClusters`) and picks the one a change
 * to it is for: `cluster` where given, else the only one the repository holds.
 *
 * @throws OnboardingRequestError where the repository holds no such cluster, or several
 *   and none is named
 */
export async function readChangeScope(
  root: string,
  cluster: string | undefined,
  repoUrls: string[] | undefined,
): Promise<{ read: RepositoryClusters; scope: ClusterScope }> {
  const read = await readRepositoryClusters(root, cluster, {
    ...(repoUrls?.length ? { repoUrls } : {}),
  });
  const names = read.clusters.map(c => c.name);
  const clusterName = cluster ?? (names.length === 1 ? names[0] : undefined);
  const scope = read.clusters.find(c => c.name === clusterName);
  if (!scope) {
    throw new OnboardingRequestError([
      {
        path: 'cluster',
        message: clusterName
          ? `no cluster "${clusterName}" in the repository (it holds: ${names.join(
              ', ',
            )})`
          : `is required: the repository holds several clusters (${names.join(
              ', ',
            )})`,
      },
    ]);
  }
  return { read, scope };
}

/**
 * Reads the repository's clusters as their GitOps controllers apply them. Each folder
 * under `clusters/` is a cluster (the layout's `clusters/{cluster}/`); without a
 * `clusters/` folder the whole repository is one cluster, named by the request (else
 * `default`, as the CLI names a bare path).
 */
export async function readRepositoryClusters(
  root: string,
  requestedCluster: string | undefined,
  options: ReadOptions = {},
): Promise<RepositoryClusters> {
  const abs = path.resolve(root);
  if (!(await isDirectory(abs))) {
    throw new OnboardingRequestError([
      { path: 'root', message: `${root} is not a folder` },
    ]);
  }
  const texts = options.texts ?? (await readRepositoryTexts(abs));
  const clustersDir = path.join(abs, 'clusters');
  if (!(await isDirectory(clustersDir))) {
    const name = requestedCluster ?? 'default';
    return {
      texts,
      hasClustersFolder: false,
      clusters: [await readCluster(name, abs, abs, texts, options)],
    };
  }
  const entries = await fs.readdir(clustersDir, { withFileTypes: true });
  const names = entries
    .filter(e => e.isDirectory() && !e.name.startsWith('.'))
    .map(e => e.name)
    .sort();
  if (!names.length) {
    throw new OnboardingRequestError([
      {
        path: 'cluster',
        message:
          'the repository has a clusters/ folder with no cluster folder in it',
      },
    ]);
  }
  const clusters: ClusterScope[] = [];
  for (const name of names) {
    clusters.push(
      await readCluster(
        name,
        abs,
        path.join(clustersDir, name),
        texts,
        options,
      ),
    );
  }
  return { texts, hasClustersFolder: true, clusters };
}
