import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import {
  YamlEditError,
  appendToSequence,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ChangeSet } from './ChangeSet';
import { GitopsConflictError } from './GitopsConflictError';

const kustomizationNames = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];

const parentOf = (dir: string) =>
  dir.includes('/') ? path.posix.dirname(dir) : '';
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/** The kustomization file in a folder, existing or created by this change. */
async function kustomizationIn(
  change: ChangeSet,
  dir: string,
): Promise<string | undefined> {
  for (const name of kustomizationNames) {
    const file = join(dir, name);
    if ((await change.kind(file)) === 'file') return file;
  }
  return undefined;
}

/** The nearest kustomization at or above `dir`, up to the root. */
async function nearestKustomization(
  change: ChangeSet,
  dir: string,
  existingOnly = false,
): Promise<string | undefined> {
  for (let d: string | undefined = dir; d !== undefined; ) {
    const found = await kustomizationIn(change, d);
    if (found && !(existingOnly && change.isCreated(found))) return found;
    d = d === '' ? undefined : parentOf(d);
  }
  return undefined;
}

function resourcesOf(text: string): string[] {
  const value = parseDocument(text).toJS();
  const list = value && typeof value === 'object' ? value.resources : undefined;
  return Array.isArray(list) ? list.filter(e => typeof e === 'string') : [];
}

/**
 * Whether the repository gives each folder its own kustomization: the nearest one above
 * lists folders among its resources. A new folder then gets one too, listed in its
 * parent's; otherwise new files are listed directly in the nearest kustomization.
 */
async function foldersHaveKustomizations(
  change: ChangeSet,
  dir: string,
): Promise<boolean> {
  // The repository's own convention: kustomizations this change adds do not count.
  const file = await nearestKustomization(change, parentOf(dir), true);
  if (!file) return false;
  const text = (await change.read(file)) ?? '';
  const base = parentOf(file);
  for (const entry of resourcesOf(text)) {
    const target = path.posix.normalize(join(base, entry));
    if (!target.startsWith('..') && (await change.kind(target)) === 'dir') {
      return true;
    }
  }
  return false;
}

/**
 * Appends a file to a kustomization's `resources` or (as `{ path }`) `patches`, in place,
 * or refuses naming the kustomization.
 */
async function append(
  change: ChangeSet,
  file: string,
  entry: string,
  field: 'resources' | 'patches' = 'resources',
) {
  try {
    await change.edit(file, text =>
      appendToSequence(
        text,
        0,
        field,
        field === 'patches' ? { path: entry } : entry,
      ),
    );
  } catch (e) {
    if (!(e instanceof YamlEditError)) throw e;
    throw new GitopsConflictError(
      `${file}: cannot add ${entry} to its ${field} in place (${e.message}); add it by hand`,
      file,
    );
  }
}

/**
 * Lists a new file (or folder) in the kustomization that should hold it: its folder's
 * own, else (for a new folder, where the repository gives folders their own) a new one,
 * itself listed in its parent's, else the nearest one above with a relative path. A
 * repository without any kustomization gets none.
 */
export async function listInKustomization(
  change: ChangeSet,
  dir: string,
  entry: string,
  isNewDir: boolean,
): Promise<void> {
  const own = await kustomizationIn(change, dir);
  if (own) {
    await append(change, own, entry);
    return;
  }
  if (isNewDir && (await foldersHaveKustomizations(change, dir))) {
    await change.create(
      join(dir, 'kustomization.yaml'),
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [entry],
      }),
      "the folder's kustomization",
    );
    const parent = parentOf(dir);
    const parentIsNew = !(await change.existedBefore(parent));
    await listInKustomization(
      change,
      parent,
      path.posix.basename(dir),
      parentIsNew,
    );
    return;
  }
  if (dir === '') return;
  const above = await nearestKustomization(change, parentOf(dir));
  if (!above) return;
  await append(
    change,
    above,
    path.posix.relative(parentOf(above), join(dir, entry)),
  );
}

/**
 * Lists a patch file in a kustomization's `patches:` (kustomize's current field; the
 * patch file names its target by kind and name).
 */
export async function listPatch(
  change: ChangeSet,
  kustomizationFile: string,
  entry: string,
): Promise<void> {
  await append(change, kustomizationFile, entry, 'patches');
}

/**
 * The kustomization that the repository had before this change and that (through the
 * kustomizations this change adds) lists a new file: the one whose render now holds
 * it. Undefined where no kustomization lists it: the file is read as it is.
 */
export async function listedIn(
  change: ChangeSet,
  file: string,
): Promise<string | undefined> {
  let k = await nearestKustomization(change, parentOf(file));
  while (k && change.isCreated(k)) {
    const dir = parentOf(k);
    k =
      dir === ''
        ? undefined
        : await nearestKustomization(change, parentOf(dir));
  }
  return k;
}
