import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  BuildClusterStateOptions,
  ClusterState,
  SourcedObject,
  buildClusterState,
  malformedYaml,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * A manifest that cannot be read or parsed: the message names the file and, for
 * malformed YAML, the line.
 *
 * @public
 */
export class ManifestError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number) {
    super(message);
    this.name = 'ManifestError';
  }
}

const manifestExtensions = ['.yaml', '.yml', '.json'];
// Folders that never hold the cluster's manifests.
const skippedFolders = new Set(['node_modules', '.git']);

async function listFiles(root: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(root);
  } catch (e) {
    throw new ManifestError(
      `cannot read ${root}: ${
        (e as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'no such file or folder'
          : (e as Error).message
      }`,
      root,
    );
  }
  if (stat.isFile()) return [root];
  const files: string[] = [];
  const walk = async (dir: string) => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !entry.name.startsWith('.'))
          await walk(full);
      } else if (
        manifestExtensions.includes(path.extname(entry.name).toLowerCase())
      ) {
        files.push(full);
      }
    }
  };
  await walk(root);
  return files;
}

/** Parses one file's documents (YAML, multi-document, or JSON). @public */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const objects: SourcedObject[] = [];
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    const malformed = malformedYaml(doc, file);
    if (malformed) {
      throw new ManifestError(malformed.message, file, malformed.line);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined)
      objects.push({ object: value, file });
  }
  return objects;
}

/** Reads every manifest in a file or folder (searched recursively). @public */
export async function loadManifests(root: string): Promise<SourcedObject[]> {
  const files = await listFiles(root);
  const objects: SourcedObject[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new ManifestError(
        `cannot read ${file}: ${(e as Error).message}`,
        file,
      );
    }
    objects.push(...parseManifests(text, file));
  }
  return objects;
}

/** A cluster snapshot from a file or folder of manifests. @public */
export async function loadClusterSnapshot(
  name: string,
  root: string,
  options?: BuildClusterStateOptions,
): Promise<ClusterState> {
  return buildClusterState(name, await loadManifests(root), options);
}
