import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Document,
  Node as YamlNode,
  YAMLMap,
  isMap,
  isScalar,
  parseAllDocuments,
  stringify,
} from 'yaml';

/** A catalog file the action cannot edit: the message names the file and what is wrong. */
export class EntityFileError extends Error {}

/** The entity as the catalog names it: the document to find. */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** The entity's document in a catalog file. */
export interface EntityDocument {
  index: number;
  /** Its `metadata.annotations` as the file has them. */
  annotations: Record<string, unknown>;
}

type Json = Record<string, any>;

const toJs = (doc: Document.Parsed): unknown =>
  doc.toJS({ maxAliasCount: 100 });

function parse(text: string, file: string): Document.Parsed[] {
  const docs = Array.from(parseAllDocuments(text)) as Document.Parsed[];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new EntityFileError(
        `${file} does not parse as YAML: ${doc.errors[0].message}`,
      );
    }
  }
  return docs;
}

const same = (a: unknown, b: string) =>
  typeof a === 'string' &&
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/**
 * Finds the document that defines the entity: same kind, name and namespace (`default`
 * where the document names none), compared without case as the catalog compares
 * entity references.
 */
export function findEntityDocument(
  text: string,
  file: string,
  entity: EntityName,
): EntityDocument {
  const docs = parse(text, file);
  const found: EntityDocument[] = [];
  docs.forEach((doc, index) => {
    let value: Json;
    try {
      value = toJs(doc) as Json;
    } catch (error) {
      throw new EntityFileError(`${file} does not parse as YAML: ${error}`);
    }
    const metadata = value?.metadata;
    if (
      same(value?.kind, entity.kind) &&
      same(metadata?.name, entity.name) &&
      same(metadata?.namespace ?? 'default', entity.namespace)
    ) {
      const annotations = metadata.annotations;
      found.push({
        index,
        annotations:
          annotations && typeof annotations === 'object' ? annotations : {},
      });
    }
  });
  const ref = stringifyEntityRef(entity);
  if (!found.length) {
    throw new EntityFileError(
      `${file} holds no document for ${ref} (kind ${entity.kind}, metadata.name ${entity.name}, metadata.namespace ${entity.namespace})`,
    );
  }
  if (found.length > 1) {
    throw new EntityFileError(
      `${file} holds ${found.length} documents for ${ref}; the catalog would refuse it`,
    );
  }
  return found[0];
}

function range(node: YamlNode): [number, number, number] {
  if (!node.range) throw new EntityFileError('a YAML node without a position');
  return node.range;
}

const column = (text: string, pos: number) =>
  pos - (text.lastIndexOf('\n', pos - 1) + 1);

/** The end of the last entry of a map: where its value (or its key) ends. */
function mapEnd(map: YAMLMap): number {
  const last = map.items[map.items.length - 1];
  return last.value
    ? range(last.value as YamlNode)[1]
    : range(last.key as YamlNode)[1];
}

/** A block scalar, quoted where the plain form would read back as something else. */
const blockScalar = (value: string) =>
  stringify(value, { lineWidth: 0 }).trimEnd();

/** In a flow map, a plain scalar may not hold `,` `{` `}`: quote every value. */
const flowEntries = (entries: Record<string, string>) =>
  Object.entries(entries)
    .map(([k, v]) => `${blockScalar(k)}: ${JSON.stringify(v)}`)
    .join(', ');

/** Inserts before a flow map's closing brace: `{a: b}` becomes `{a: b, c: d}`. */
function insertIntoFlow(text: string, map: YAMLMap, entries: string): string {
  const close = text.lastIndexOf('}', range(map)[1] - 1);
  const before = text.slice(0, close);
  const kept = before.replace(/\s*$/, '');
  let sep = '';
  if (map.items.length) sep = kept.endsWith(',') ? ' ' : ', ';
  return `${kept}${sep}${entries}${before.slice(kept.length)}${text.slice(
    close,
  )}`;
}

/** Inserts whole lines after the line on which `end` falls. */
function insertLinesAfter(text: string, end: number, lines: string[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const newline = text.indexOf('\n', Math.max(end - 1, 0));
  const at = newline === -1 ? text.length : newline + 1;
  const lead = at === text.length && !text.endsWith('\n') ? eol : '';
  return `${text.slice(0, at)}${lead}${lines
    .map(l => `${l}${eol}`)
    .join('')}${text.slice(at)}`;
}

/**
 * Adds entries to the document's `metadata.annotations` (creating the map where it is
 * missing) by splicing new lines into the original text: comments, key order, quoting
 * and every other line stay byte for byte, as the GitOps writer edits manifests. The
 * result is parsed again and must read back as the same documents with exactly these
 * entries added, else nothing is returned.
 */
export function addAnnotations(
  text: string,
  file: string,
  index: number,
  entries: Record<string, string>,
): string {
  const docs = parse(text, file);
  const doc = docs[index];
  const expected = toJs(doc) as Json;
  const metadataNode = doc.getIn(['metadata'], true) as YamlNode | undefined;
  if (!isMap(metadataNode)) {
    throw new EntityFileError(`${file}: the entity's metadata is not a map`);
  }
  const annotationsNode = metadataNode.get('annotations', true) as
    | YamlNode
    | undefined;
  const lines = (indent: number) =>
    Object.entries(entries).map(
      ([k, v]) => `${' '.repeat(indent)}${blockScalar(k)}: ${blockScalar(v)}`,
    );

  let edited: string;
  if (isMap(annotationsNode)) {
    if (annotationsNode.flow) {
      edited = insertIntoFlow(text, annotationsNode, flowEntries(entries));
    } else {
      const first = annotationsNode.items[0].key as YamlNode;
      edited = insertLinesAfter(
        text,
        mapEnd(annotationsNode),
        lines(column(text, range(first)[0])),
      );
    }
  } else if (annotationsNode === undefined && metadataNode.flow) {
    edited = insertIntoFlow(
      text,
      metadataNode,
      `annotations: {${flowEntries(entries)}}`,
    );
  } else if (
    annotationsNode === undefined ||
    (isScalar(annotationsNode) &&
      annotationsNode.value === null &&
      range(annotationsNode)[0] === range(annotationsNode)[1])
  ) {
    // The indentation step the file uses: metadata's keys against the top level's.
    const col = column(text, range(metadataNode.items[0].key as YamlNode)[0]);
    const root = doc.contents as YamlNode;
    const rootCol = isMap(root)
      ? column(text, range(root.items[0].key as YamlNode)[0])
      : 0;
    const step = Math.max(col - rootCol, 2);
    edited =
      annotationsNode === undefined
        ? insertLinesAfter(text, mapEnd(metadataNode), [
            `${' '.repeat(col)}annotations:`,
            ...lines(col + step),
          ])
        : // `annotations:` with nothing after it: the entries go under it.
          insertLinesAfter(text, range(annotationsNode)[1], lines(col + step));
  } else {
    throw new EntityFileError(
      `${file}: the entity's metadata.annotations is not a map`,
    );
  }

  expected.metadata.annotations = {
    ...(expected.metadata.annotations ?? {}),
    ...entries,
  };
  const after = Array.from(parseAllDocuments(edited)) as Document.Parsed[];
  const readsBack =
    after.length === docs.length &&
    after.every(d => d.errors.length === 0) &&
    after.every(
      (d, i) =>
        JSON.stringify(toJs(d)) ===
        JSON.stringify(i === index ? expected : toJs(docs[i])),
    );
  if (!readsBack) {
    throw new EntityFileError(
      `${file}: the annotations could not be added in place (the edited file did not read back as intended); add them by hand`,
    );
  }
  return edited;
}
