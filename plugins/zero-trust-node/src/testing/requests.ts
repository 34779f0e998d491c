import {
  ParsedLabelSelector,
  labelSelectorMatches,
  parseLabelSelector,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ServedResource } from './resources';

type Json = Record<string, any>;

/** A `Status` body, as the API server answers every failure. */
export function statusBody(code: number, reason: string, message: string) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}

/** A request the server cannot serve, with the Status it answers. */
export class StatusError extends Error {
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
    this.name = 'StatusError';
  }

  get body() {
    return statusBody(this.code, this.reason, this.message);
  }
}

/** What a request path names. */
export type ApiTarget =
  | { type: 'versions' }
  | { type: 'groups' }
  | { type: 'resources'; group: string; version: string }
  | {
      type: 'collection';
      resource: ServedResource;
      version: string;
      namespace?: string;
    }
  | {
      type: 'object';
      resource: ServedResource;
      version: string;
      namespace?: string;
      name: string;
    };

/**
 * Reads `/api/v1/...` and `/apis/GROUP/VERSION/...` paths: a collection (all namespaces
 * or `namespaces/NS/PLURAL`) or one object. Unknown paths are 404, as on a real server.
 */
export function parseApiPath(
  path: string,
  resources: ServedResource[],
): ApiTarget {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const notFound = () =>
    new StatusError(
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { type: 'versions' };
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { type: 'groups' };
    if (segments.length === 2) throw notFound();
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  } else {
    throw notFound();
  }
  const inGroupVersion = resources.filter(
    r => r.group === group && r.versions.includes(version),
  );
  if (!inGroupVersion.length) throw notFound();
  if (!rest.length) return { type: 'resources', group, version };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const resource = inGroupVersion.find(r => r.plural === rest[0]);
  if (!resource || rest.length > 2 || (namespace && !resource.namespaced)) {
    throw notFound();
  }
  return rest.length === 2
    ? { type: 'object', resource, version, namespace, name: rest[1] }
    : { type: 'collection', resource, version, namespace };
}

/** A parsed `fieldSelector`: the fields every resource supports, `=`, `==` and `!=`. */
export function parseFieldSelector(
  text: string | null,
): (object: Json) => boolean {
  if (!text) return () => true;
  const terms = text.split(',').map(term => {
    const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) {
      throw new StatusError(
        400,
        'BadRequest',
        `invalid field selector: '${term}'`,
      );
    }
    const [, field, operator, value] = match;
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw new StatusError(
        400,
        'BadRequest',
        `field label not supported: ${field}`,
      );
    }
    const key = field === 'metadata.name' ? 'name' : 'namespace';
    return (object: Json) =>
      ((object.metadata?.[key] ?? '') === value) === (operator !== '!=');
  });
  return object => terms.every(term => term(object));
}

/** A parsed `labelSelector`, equality- and set-based, as the API server reads it. */
export function parseLabels(text: string | null): (object: Json) => boolean {
  if (!text) return () => true;
  let selector: ParsedLabelSelector;
  try {
    selector = parseLabelSelector(text);
  } catch (error) {
    throw new StatusError(400, 'BadRequest', (error as Error).message);
  }
  return object =>
    labelSelectorMatches(selector, object.metadata?.labels ?? {});
}

/** The object as served at `version`: custom resources convert between their versions. */
export function served(
  object: Json,
  resource: ServedResource,
  version: string,
): Json {
  return {
    ...object,
    apiVersion: resource.group ? `${resource.group}/${version}` : version,
    kind: resource.kind,
  };
}

/** A list's `continue` token: the snapshot it reads and the last key it returned. */
export interface ContinueToken {
  resourceVersion: number;
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString());
    if (
      Number.isInteger(token.resourceVersion) &&
      typeof token.start === 'string'
    ) {
      return token;
    }
  } catch {
    // answered below
  }
  throw new StatusError(400, 'BadRequest', `invalid continue token`);
}

/** A `resourceVersion` parameter: absent, or a number this server issued. */
export function parseResourceVersion(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text)) {
    throw new StatusError(
      400,
      'BadRequest',
      `invalid resource version: ${text}`,
    );
  }
  return Number(text);
}
