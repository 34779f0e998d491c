import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  setMapEntries,
  YamlEditError,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { Document, parseAllDocuments } from 'yaml';

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

/**
 * Adds entries to the document's `metadata.annotations` (creating the map where it is
 * missing) in place, with the same edit the GitOps writer uses for a namespace's labels:
 * comments, key order, quoting and every other line stay byte for byte, and the result
 * must read back as intended.
 */
export function addAnnotations(
  text: string,
  file: string,
  index: number,
  entries: Record<string, string>,
): string {
  try {
    return setMapEntries(text, index, ['metadata', 'annotations'], entries);
  } catch (error) {
    if (!(error instanceof YamlEditError)) throw error;
    throw new EntityFileError(
      `${file}: the annotations cannot be added in place (${error.message}); add them by hand`,
    );
  }
}
