import {
  Document,
  Node as YamlNode,
  Scalar,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  stringify,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

/**
 * In-place YAML edits that touch only the lines they change. The `yaml` Document API
 * finds the nodes and their source ranges; the edit is spliced into the original
 * text, so comments, key order, quoting and the spacing of every untouched line stay
 * byte for byte (re-printing the whole document would re-indent sequences and
 * re-space comments). Every edit is checked by parsing the result again.
 */

/** Thrown where a document's shape does not allow an in-place edit. */
export class YamlEditError extends Error {}

type Json = Record<string, unknown>;

function documents(text: string): Document.Parsed[] {
  return parseAllDocuments(text) as Document.Parsed[];
}

/** A scalar written so that it reads back as the same string. */
function scalarText(value: string, like?: YamlNode, json = false): string {
  if (json || (isScalar(like) && like.type === Scalar.QUOTE_DOUBLE)) {
    return JSON.stringify(value);
  }
  if (isScalar(like) && like.type === Scalar.QUOTE_SINGLE) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Where a new line goes after a node: after the end of the line its value ends on. */
function afterLineOf(text: string, valueEnd: number): number {
  const newline = text.indexOf('\n', Math.max(valueEnd - 1, 0));
  return newline === -1 ? text.length : newline + 1;
}

/** Inserts a whole line, ending it as the file ends its lines (`\r\n` or `\n`). */
function insertLine(text: string, at: number, line: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const needsNewline = at === text.length && !text.endsWith('\n');
  return `${text.slice(0, at)}${
    needsNewline ? eol : ''
  }${line}${eol}${text.slice(at)}`;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

function range(node: YamlNode): [number, number, number] {
  if (!node.range) throw new YamlEditError('node without a source range');
  return node.range;
}

function checked(
  original: string,
  edited: string,
  docIndex: number,
  expected: unknown,
): string {
  const before = documents(original);
  const after = documents(edited);
  const ok =
    after.length === before.length &&
    after.every(d => d.errors.length === 0) &&
    after.every(
      (d, i) =>
        JSON.stringify(d.toJS({ maxAliasCount: 100 })) ===
        JSON.stringify(
          i === docIndex ? expected : before[i].toJS({ maxAliasCount: 100 }),
        ),
    );
  if (!ok)
    throw new YamlEditError('the in-place edit did not read back as intended');
  return edited;
}

/** Adds an entry before a flow collection's closing bracket: `{a: b}` → `{a: b, c: d}`. */
function insertIntoFlow(
  text: string,
  node: YAMLMap | YAMLSeq,
  closing: '}' | ']',
  entry: string,
): string {
  const close = text.lastIndexOf(closing, range(node)[1] - 1);
  const before = text.slice(0, close);
  const kept = before.replace(/\s*$/, '');
  const trailing = before.slice(kept.length);
  if (node.items.length === 0)
    return `${kept}${entry}${trailing}${text.slice(close)}`;
  const sep = kept.endsWith(',') ? ' ' : ', ';
  return `${kept}${sep}${entry}${trailing}${text.slice(close)}`;
}

/** Inserts `key: value` into a block or flow map, after its last entry. */
function insertIntoMap(
  text: string,
  map: YAMLMap,
  key: string,
  value: string,
  json: boolean,
): string {
  const written = (s: string) => {
    const plain = scalarText(s, undefined, json);
    // In a flow map a plain scalar may not hold `,` `[` `]` `{` `}`: quote it there.
    return map.flow && /[,[\]{}]/.test(plain) ? JSON.stringify(s) : plain;
  };
  const entry = `${written(key)}: ${written(value)}`;
  if (map.flow) {
    return insertIntoFlow(text, map, '}', entry);
  }
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  if (!first || !last) throw new YamlEditError('empty block map');
  const indent = ' '.repeat(column(text, range(first.key as YamlNode)[0]));
  const end = last.value
    ? range(last.value as YamlNode)[1]
    : range(last.key as YamlNode)[1];
  return insertLine(text, afterLineOf(text, end), `${indent}${entry}`);
}

/**
 * Sets string entries of the map at `path` in document `docIndex` (creating the map
 * under its parent where it is missing); entries already equal are left alone.
 * Returns the text unchanged when nothing differs. With `json`, new keys and values
 * are written as JSON strings, so a JSON file stays JSON.
 */
export function setMapEntries(
  text: string,
  docIndex: number,
  path: string[],
  entries: Record<string, string>,
  json = false,
): string {
  let current = text;
  for (const [key, value] of Object.entries(entries)) {
    const doc = documents(current)[docIndex];
    const expected = doc.toJS({ maxAliasCount: 100 }) as Json;
    let cursor: any = expected;
    for (const p of path) {
      cursor[p] ??= {};
      cursor = cursor[p];
      if (typeof cursor !== 'object' || Array.isArray(cursor)) {
        throw new YamlEditError(`${path.join('.')} is not a map`);
      }
    }
    if (cursor[key] === value) continue;
    cursor[key] = value;

    const node = doc.getIn(path, true) as YamlNode | undefined;
    let edited: string;
    if (isMap(node)) {
      const existing = node.items.find(
        i => isScalar(i.key) && i.key.value === key,
      );
      if (existing && isScalar(existing.value)) {
        const [start, end] = range(existing.value);
        edited = `${current.slice(0, start)}${scalarText(
          value,
          existing.value,
        )}${current.slice(end)}`;
      } else if (existing) {
        throw new YamlEditError(
          `${path.concat(key).join('.')} is not a string`,
        );
      } else {
        edited = insertIntoMap(current, node, key, value, json);
      }
    } else if (node === undefined || (isScalar(node) && node.value === null)) {
      const parent = doc.getIn(path.slice(0, -1), true) as YamlNode | undefined;
      if (!isMap(parent) || parent.flow || !parent.items.length) {
        throw new YamlEditError(`cannot add ${path.join('.')} here`);
      }
      const first = parent.items[0].key as YamlNode;
      const col = column(current, range(first)[0]);
      const root = doc.contents as YamlNode;
      const rootFirst = isMap(root)
        ? (root.items[0]?.key as YamlNode)
        : undefined;
      const step =
        parent === root || !rootFirst
          ? 2
          : Math.max(col - column(current, range(rootFirst)[0]), 2);
      const child = `${' '.repeat(col + step)}${scalarText(key)}: ${scalarText(
        value,
      )}`;
      if (node !== undefined) {
        // `labels:` with no value: put the entry under it.
        const [, end] = range(node);
        const at = afterLineOf(current, Math.max(end, 1));
        edited = insertLine(current, at, child);
      } else {
        const last = parent.items[parent.items.length - 1];
        const end = last.value
          ? range(last.value as YamlNode)[1]
          : range(last.key as YamlNode)[1];
        edited = insertLine(
          current,
          afterLineOf(current, end),
          `${' '.repeat(col)}${scalarText(path[path.length - 1])}:\n${child}`,
        );
      }
    } else {
      throw new YamlEditError(`${path.join('.')} is not a map`);
    }
    current = checked(current, edited, docIndex, expected);
  }
  return current;
}

/**
 * An entry's text after `- `: a scalar, or a map of strings (kustomize's `- path: x`),
 * its further keys on lines indented by `indent`, or `{k: v}` in a flow sequence.
 */
function entryText(
  entry: string | Record<string, string>,
  indent: string,
  flow = false,
): string {
  if (typeof entry === 'string') return scalarText(entry);
  const pairs = Object.entries(entry).map(
    ([k, v]) => `${scalarText(k)}: ${scalarText(v)}`,
  );
  return flow ? `{${pairs.join(', ')}}` : pairs.join(`\n${indent}`);
}

/**
 * Appends an entry (a string, or a map of strings) to the sequence under `key` of
 * document `docIndex`'s top-level map (adding `key:` where it is missing), unless it is
 * listed already.
 */
export function appendToSequence(
  text: string,
  docIndex: number,
  key: string,
  entry: string | Record<string, string>,
): string {
  const doc = documents(text)[docIndex];
  const expected = (doc.toJS({ maxAliasCount: 100 }) ?? {}) as Json;
  const list = expected[key];
  const same = (e: unknown) => JSON.stringify(e) === JSON.stringify(entry);
  if (Array.isArray(list) && list.some(same)) return text;
  expected[key] = [...(Array.isArray(list) ? list : []), entry];

  const root = doc.contents as YamlNode | null;
  const node = isMap(root)
    ? (root.get(key, true) as YamlNode | undefined)
    : undefined;
  let edited: string;
  if (isSeq(node) && node.flow) {
    edited = insertIntoFlow(text, node, ']', entryText(entry, '', true));
  } else if (isSeq(node) && node.items.length) {
    const seq = node as YAMLSeq;
    const first = seq.items[0] as YamlNode;
    const last = seq.items[seq.items.length - 1] as YamlNode;
    const start = range(first)[0];
    const prefix = text.slice(lineStart(text, start), start);
    const dash = /^\s*-\s+$/.test(prefix)
      ? prefix
      : `${' '.repeat(
          Math.max(text.lastIndexOf('-', start) - lineStart(text, start), 0),
        )}- `;
    edited = insertLine(
      text,
      afterLineOf(text, range(last)[1]),
      `${dash}${entryText(entry, ' '.repeat(dash.length))}`,
    );
  } else if (
    isMap(root) &&
    !root.flow &&
    root.items.length &&
    (node === undefined || (isScalar(node) && node.value === null))
  ) {
    const firstKey = root.items[0].key as YamlNode;
    const indent = ' '.repeat(column(text, range(firstKey)[0]));
    if (node !== undefined) {
      edited = insertLine(
        text,
        afterLineOf(text, Math.max(range(node)[1], 1)),
        `${indent}- ${entryText(entry, `${indent}  `)}`,
      );
    } else {
      const last = root.items[root.items.length - 1];
      const end = last.value
        ? range(last.value as YamlNode)[1]
        : range(last.key as YamlNode)[1];
      edited = insertLine(
        text,
        afterLineOf(text, end),
        `${indent}${key}:\n${indent}- ${entryText(entry, `${indent}  `)}`,
      );
    }
  } else {
    throw new YamlEditError(`cannot add to ${key} here`);
  }
  return checked(text, edited, docIndex, expected);
}

/** Cuts a block map's entry out: its key's line through the last line of its value. */
function cutPair(text: string, map: YAMLMap, key: string): string {
  const pair = map.items.find(i => isScalar(i.key) && i.key.value === key);
  if (!pair) throw new YamlEditError(`no ${key} here`);
  if (map.flow) throw new YamlEditError(`${key} is in a flow map`);
  const start = range(pair.key as YamlNode)[0];
  const from = lineStart(text, start);
  if (text.slice(from, start).trim() !== '') {
    throw new YamlEditError(`${key} does not start its own line`);
  }
  const end = pair.value
    ? range(pair.value as YamlNode)[1]
    : range(pair.key as YamlNode)[1];
  return `${text.slice(0, from)}${text.slice(afterLineOf(text, end))}`;
}

/**
 * Removes the entry `key` of the block map at `path` in document `docIndex`, and the map
 * itself where that was its only entry (`annotations:` left empty); every other line
 * stays as it was. Returns the text unchanged where there is no such entry.
 *
 * @throws YamlEditError where the map is a flow map (`{...}`, JSON) or the entry shares
 *   its line with another: the caller decides what to do instead
 */
export function removeMapEntry(
  text: string,
  docIndex: number,
  path: string[],
  key: string,
): string {
  const doc = documents(text)[docIndex];
  const expected = doc.toJS({ maxAliasCount: 100 }) as Json;
  const parents: Json[] = [];
  let cursor: unknown = expected;
  for (const p of path) {
    if (!cursor || typeof cursor !== 'object' || Array.isArray(cursor)) {
      return text;
    }
    parents.push(cursor as Json);
    cursor = (cursor as Json)[p];
  }
  if (
    !cursor ||
    typeof cursor !== 'object' ||
    Array.isArray(cursor) ||
    !(key in cursor)
  ) {
    return text;
  }
  delete (cursor as Json)[key];
  const map = doc.getIn(path, true);
  if (!isMap(map)) throw new YamlEditError(`${path.join('.')} is not a map`);
  let edited: string;
  if (Object.keys(cursor).length === 0 && path.length > 0) {
    delete parents[parents.length - 1][path[path.length - 1]];
    const parent =
      path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    if (!isMap(parent)) throw new YamlEditError('not a map');
    edited = cutPair(text, parent, path[path.length - 1]);
  } else {
    edited = cutPair(text, map, key);
  }
  return checked(text, edited, docIndex, expected);
}

/**
 * Sets the entry `key` of the block map at `path` in document `docIndex` to `value`,
 * written as block YAML in place of the entry's old lines (or after the map's last
 * entry where it has none); every other line stays as it was. Comments inside the old
 * value go with it.
 *
 * @throws YamlEditError where the map is a flow map (`{...}`, JSON) or missing
 */
export function replaceMapValue(
  text: string,
  docIndex: number,
  path: string[],
  key: string,
  value: unknown,
): string {
  const doc = documents(text)[docIndex];
  const expected = doc.toJS({ maxAliasCount: 100 }) as Json;
  let cursor: any = expected;
  for (const p of path) {
    cursor = cursor?.[p];
    if (!cursor || typeof cursor !== 'object' || Array.isArray(cursor)) {
      throw new YamlEditError(`${path.join('.')} is not a map`);
    }
  }
  if (JSON.stringify(cursor[key]) === JSON.stringify(value)) return text;
  cursor[key] = value;
  const map = doc.getIn(path, true);
  if (!isMap(map) || map.flow || !map.items.length) {
    throw new YamlEditError(`${path.join('.')} is not a block map`);
  }
  const first = map.items[0].key as YamlNode;
  const indent = ' '.repeat(column(text, range(first)[0]));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = stringify(value, { lineWidth: 0 }).trimEnd();
  const inline =
    (Array.isArray(value) && value.length === 0) ||
    (value !== null && typeof value !== 'object');
  const lines = inline
    ? [`${indent}${scalarText(key)}: ${block}`]
    : [
        `${indent}${scalarText(key)}:`,
        ...block.split('\n').map(l => `${indent}  ${l}`),
      ];
  const pair = map.items.find(i => isScalar(i.key) && i.key.value === key);
  let edited: string;
  if (pair) {
    const start = range(pair.key as YamlNode)[0];
    const from = lineStart(text, start);
    if (text.slice(from, start).trim() !== '') {
      throw new YamlEditError(`${key} does not start its own line`);
    }
    const end = pair.value
      ? range(pair.value as YamlNode)[1]
      : range(pair.key as YamlNode)[1];
    edited = `${text.slice(0, from)}${lines.join(eol)}${eol}${text.slice(
      afterLineOf(text, end),
    )}`;
  } else {
    const last = map.items[map.items.length - 1];
    const end = last.value
      ? range(last.value as YamlNode)[1]
      : range(last.key as YamlNode)[1];
    edited = insertLine(text, afterLineOf(text, end), lines.join(eol));
  }
  return checked(text, edited, docIndex, expected);
}
