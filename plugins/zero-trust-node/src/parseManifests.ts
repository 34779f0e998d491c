import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Document, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { SourcedObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { malformedYaml } from '@zero-trust/backstage-plugin-zero-trust-common';
import { ManifestError } from './ManifestError';

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) line++;
  }
  return line;
}

/** The documents' objects, `kind: List` items each with their own line. */
function objectsOf(
  doc: Document.Parsed,
  text: string,
  file: string,
): SourcedObject[] {
  const value = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return [];
  const contents = doc.contents;
  const line = contents?.range ? lineAt(text, contents.range[0]) : undefined;
  const items = isMap(contents) ? contents.get('items', true) : undefined;
  if (
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    Array.isArray(value.items) &&
    isSeq(items)
  ) {
    return value.items.map((object: unknown, i: number) => {
      const range = items.items[i] && (items.items[i] as any).range;
      return { object, file, line: range ? lineAt(text, range[0]) : line };
    });
  }
  return [{ object: value, file, ...(line ? { line } : {}) }];
}

/**
 * Parses one file's documents (YAML, multi-document, or JSON), each object with the line
 * it starts at.
 *
 * @public
 */
export function parseManifests(text: string, file: string): SourcedObject[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const objects: SourcedObject[] = [];
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    const malformed = malformedYaml(doc, file);
    if (malformed) {
      throw new ManifestError(malformed.message, file, malformed.line);
    }
    objects.push(...objectsOf(doc, text, file));
  }
  return objects;
}

/** Everything on standard input. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a file's text (an absolute path): from disk, or from texts read already. */
export type ReadText = (file: string) => Promise<string>;

/** Reads from disk. */
export const readFromDisk: ReadText = file => fs.readFile(file, 'utf8');

/** Reads a file as text, or fails naming it. */
export async function readManifestFile(
  file: string,
  readText: ReadText = readFromDisk,
): Promise<string> {
  try {
    return await readText(file);
  } catch (e) {
    throw new ManifestError(
      `cannot read ${file}: ${(e as Error).message}`,
      path.normalize(file),
    );
  }
}
