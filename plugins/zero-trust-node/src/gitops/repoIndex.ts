import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  isObject,
  malformedYaml,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitopsConflictError } from './GitopsConflictError';

type Json = Record<string, any>;

/** One Kubernetes object in the repository, and where it is. */
export interface RepoDocument {
  /** Relative to the root, `/`-separated. */
  file: string;
  /** The document's index in its file. */
  index: number;
  object: Json;
  /** Inside a `kind: List` (found, but not editable in place). */
  inList: boolean;
  json: boolean;
}

/** Every manifest file's objects. */
export interface RepoIndex {
  documents: RepoDocument[];
}

const manifestExtensions = ['.yaml', '.yml', '.json'];

/** Files under `root`, as the manifest loader walks it: dot-folders and node_modules skipped. */
async function listFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string) => {
    const entries = await fs.readdir(path.join(root, dir), {
      withFileTypes: true,
    });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
          await walk(rel);
        }
      } else if (
        entry.isFile() &&
        manifestExtensions.includes(path.extname(entry.name).toLowerCase())
      ) {
        files.push(rel);
      }
    }
  };
  await walk('');
  return files;
}

/** The 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineOf(text, Number(position[1])) : undefined;
    throw new GitopsConflictError(
      `${file}${line ? `:${line}` : ''}: malformed JSON: ${
        message.split('\n')[0]
      }`,
      file,
      line,
    );
  }
}

function collect(
  value: unknown,
  file: string,
  index: number,
  json: boolean,
  out: RepoDocument[],
) {
  if (!isObject(value)) return;
  if (
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    Array.isArray(value.items)
  ) {
    for (const item of value.items) {
      if (isObject(item) && item.kind !== 'Secret') {
        out.push({ file, index, object: item, inList: true, json });
      }
    }
    return;
  }
  // A Secret can never be what the onboarding writes or edits: not even kept in memory.
  if (value.kind === 'Secret') return;
  out.push({ file, index, object: value, inList: false, json });
}

/**
 * Parses one file, or fails naming it and the line where it is malformed. With
 * `collectObjects` false it only checks that the file parses.
 */
export function parseRepoFile(
  text: string,
  file: string,
  collectObjects = true,
): RepoDocument[] {
  const out: RepoDocument[] = [];
  if (file.toLowerCase().endsWith('.json')) {
    collect(parseJson(text, file), file, 0, true, out);
    return out;
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((doc, index) => {
    const malformed = malformedYaml(doc, file);
    if (malformed) {
      throw new GitopsConflictError(malformed.message, file, malformed.line);
    }
    if (collectObjects) {
      collect(doc.toJS({ maxAliasCount: 100 }), file, index, false, out);
    }
  });
  return out;
}

const readConcurrency = 32;

/**
 * Reads the text of every manifest file of the working copy, once: the loader (through
 * `readText`) and the writer's index both read from it. Keys are relative to the root,
 * `/`-separated, in the loader's walking order.
 */
export async function readRepositoryTexts(
  root: string,
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const files = await listFiles(root);
  for (let i = 0; i < files.length; i += readConcurrency) {
    const batch = files.slice(i, i + readConcurrency);
    const read = await Promise.all(
      batch.map(file => fs.readFile(path.join(root, file), 'utf8')),
    );
    batch.forEach((file, k) => texts.set(file, read[k]));
  }
  return texts;
}

/**
 * Indexes every manifest of the working copy; a file that does not parse is an error
 * naming it. Every file is parsed, but only the objects of those whose text may hold one
 * of `kinds` (or a List) are converted: the rest cannot matter to the change.
 */
export function indexRepo(
  texts: Map<string, string>,
  kinds: string[],
): RepoIndex {
  const words = [...kinds, 'List'].map(k =>
    k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  const relevant = new RegExp(`\\b(${words.join('|')})\\b`);
  const documents: RepoDocument[] = [];
  for (const [file, text] of texts) {
    documents.push(...parseRepoFile(text, file, relevant.test(text)));
  }
  return { documents };
}
