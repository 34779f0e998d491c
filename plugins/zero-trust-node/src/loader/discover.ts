import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ManifestError } from '../ManifestError';
import { ReadText, readFromDisk } from '../parseManifests';
import {
  KustomizationRefs,
  kustomizationFileNames,
  kustomizationIn,
  readKustomization,
} from './kustomization';

const manifestExtensions = ['.yaml', '.yml', '.json'];
// Folders that never hold the cluster's manifests.
const skippedFolders = new Set(['node_modules', '.git']);

/** Whether a file name is a manifest's (YAML or JSON). */
export const isManifestFile = (file: string) =>
  manifestExtensions.includes(path.extname(file).toLowerCase());

/** What a folder holds, as its GitOps controller would apply it. */
export interface FolderUnits {
  /** Kustomization folders no other kustomization includes: each rendered once. */
  kustomizations: Kustomization[];
  /** Manifest files no kustomization covers: each read as it is. */
  files: string[];
  /** Helm chart folders, not rendered. */
  charts: string[];
  /** Files inside a kustomization's folder that it does not list: not applied. */
  unlisted: string[];
}

/** A kustomization and everything it reads, transitively. */
export interface Kustomization {
  dir: string;
  /** Every kustomization file it reads (its own first). */
  refs: KustomizationRefs[];
  /** Every file and folder it reads. */
  covers: Set<string>;
}

async function statOf(p: string) {
  return fs.stat(p).catch(() => undefined);
}

/** Follows a kustomization's folder references; each kustomization read once. */
async function closure(
  dir: string,
  cache: Map<string, KustomizationRefs | null>,
  readText: ReadText,
): Promise<Kustomization> {
  const refs: KustomizationRefs[] = [];
  const covers = new Set<string>([dir]);
  const visit = async (d: string) => {
    if (!cache.has(d)) {
      const file = await kustomizationIn(d);
      cache.set(d, file ? await readKustomization(file, readText) : null);
    }
    const k = cache.get(d);
    if (!k || refs.includes(k)) return;
    refs.push(k);
    covers.add(k.file);
    for (const p of k.local) {
      covers.add(p);
      if ((await statOf(p))?.isDirectory()) await visit(p);
    }
  };
  await visit(dir);
  return { dir, refs, covers };
}

/** Every folder and file under `root`, sorted, dot-folders and node_modules skipped. */
async function walk(root: string) {
  const dirs: string[] = [];
  const files: string[] = [];
  const charts: string[] = [];
  const visit = async (dir: string) => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    if (entries.some(e => e.isFile() && e.name === 'Chart.yaml')) {
      charts.push(dir);
      return;
    }
    dirs.push(dir);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.'))
          await visit(full);
      } else if (
        isManifestFile(entry.name) &&
        !kustomizationFileNames.includes(entry.name)
      ) {
        files.push(full);
      }
    }
  };
  await visit(root);
  return { dirs, files, charts };
}

const inside = (p: string, dir: string) =>
  p === dir || p.startsWith(dir + path.sep);

/**
 * Splits a folder into what is rendered and what is read as it is. With `render` false
 * (no kustomize on PATH) every manifest file is read as it is.
 */
export async function discoverUnits(
  root: string,
  render: boolean,
  readText: ReadText = readFromDisk,
): Promise<FolderUnits> {
  const stat = await statOf(root);
  if (!stat) {
    throw new ManifestError(
      `cannot read ${root}: no such file or folder`,
      root,
    );
  }
  if (stat.isFile()) {
    return { kustomizations: [], files: [root], charts: [], unlisted: [] };
  }
  const { dirs, files, charts } = await walk(root);
  if (!render) return { kustomizations: [], files, charts, unlisted: [] };

  const cache = new Map<string, KustomizationRefs | null>();
  const all: Kustomization[] = [];
  for (const dir of dirs) {
    if (await kustomizationIn(dir))
      all.push(await closure(dir, cache, readText));
  }
  // A kustomization another one reads is rendered only as part of that one.
  const included = new Set<string>();
  for (const k of all) {
    for (const p of k.covers) if (p !== k.dir) included.add(p);
  }
  const kustomizations = all.filter(k => !included.has(k.dir));
  const covered = (file: string) => all.some(k => k.covers.has(file));
  // A plain file under a kustomization's folder belongs to the innermost one.
  const owner = (file: string) =>
    all
      .filter(k => inside(file, k.dir))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
  const plain: string[] = [];
  const unlisted: string[] = [];
  for (const file of files) {
    if (covered(file)) continue;
    if (owner(file)) unlisted.push(file);
    else plain.push(file);
  }
  return { kustomizations, files: plain, charts, unlisted };
}
