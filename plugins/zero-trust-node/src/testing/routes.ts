import { ExpiredError, ObjectStore, objectKey } from './ObjectStore';
import {
  StatusError,
  decodeContinue,
  encodeContinue,
  parseFieldSelector,
  parseLabels,
  parseResourceVersion,
  served,
} from './requests';
import { ServedResource } from './resources';

type Json = Record<string, any>;

/** `GET /api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION`: enough discovery for clients. */
export function discovery(
  target:
    | { type: 'versions' }
    | { type: 'groups' }
    | { type: 'resources'; group: string; version: string },
  resources: ServedResource[],
): Json {
  if (target.type === 'versions') {
    return { kind: 'APIVersions', versions: ['v1'] };
  }
  if (target.type === 'groups') {
    const groups = new Map<string, string[]>();
    for (const r of resources) {
      if (r.group && !groups.has(r.group)) groups.set(r.group, r.versions);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map(version => ({
          groupVersion: `${name}/${version}`,
          version,
        })),
        preferredVersion: {
          groupVersion: `${name}/${versions[0]}`,
          version: versions[0],
        },
      })),
    };
  }
  const { group, version } = target;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources
      .filter(r => r.group === group && r.versions.includes(version))
      .map(r => ({
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'list', 'watch'],
      })),
  };
}

function expired(error: unknown, message: string): never {
  if (error instanceof ExpiredError) {
    throw new StatusError(410, 'Expired', message);
  }
  throw error;
}

/**
 * A list, following https://kubernetes.io/docs/reference/using-api/api-concepts/: no
 * `resourceVersion` (or `0`) reads the latest state; `resourceVersionMatch=Exact` reads
 * that version, 410 once compacted; `limit` pages through one consistent snapshot whose
 * `continue` token expires (410) when the store compacts past it.
 *
 * With `watchCache` (the API server's default), `resourceVersion=0` is answered from the
 * watch cache in one piece: `limit` is ignored, so no `continue` token
 * (kubernetes/kubernetes#70735, staging/src/k8s.io/apiserver/pkg/storage/cacher: a list
 * at resourceVersion 0 is served from the cache even with a limit). Without it (an API
 * server run with `--watch-cache=false`) it pages like any other list.
 */
export function list(
  store: ObjectStore,
  target: { resource: ServedResource; version: string; namespace?: string },
  query: URLSearchParams,
  options: { watchCache: boolean } = { watchCache: true },
): Json {
  const { resource, version, namespace } = target;
  const selects = parseFieldSelector(query.get('fieldSelector'));
  const labels = parseLabels(query.get('labelSelector'));
  const limitText = query.get('limit');
  let limit = limitText ? Number(limitText) : 0;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new StatusError(400, 'BadRequest', `invalid limit: ${limitText}`);
  }
  if (
    options.watchCache &&
    query.get('resourceVersion') === '0' &&
    !query.get('continue')
  ) {
    limit = 0;
  }

  let snapshot = store.resourceVersion;
  let start = '';
  const continueText = query.get('continue');
  const requested = parseResourceVersion(query.get('resourceVersion'));
  if (continueText) {
    ({ resourceVersion: snapshot, start } = decodeContinue(continueText));
  } else if (requested && query.get('resourceVersionMatch') === 'Exact') {
    snapshot = requested;
  } else if (requested && requested > store.resourceVersion) {
    throw new StatusError(
      504,
      'Timeout',
      `Too large resource version: ${requested}, current: ${store.resourceVersion}`,
    );
  }

  let objects: Json[];
  try {
    objects = store.list(resource, snapshot);
  } catch (error) {
    expired(
      error,
      continueText
        ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
        : `The resourceVersion for the provided list is too old.`,
    );
  }
  const matching = objects.filter(
    o =>
      (!namespace || o.metadata.namespace === namespace) &&
      selects(o) &&
      labels(o) &&
      objectKey(o) > start,
  );
  const page = limit ? matching.slice(0, limit) : matching;
  const more = page.length < matching.length;
  return {
    kind: `${resource.kind}List`,
    apiVersion: resource.group ? `${resource.group}/${version}` : version,
    metadata: {
      resourceVersion: String(snapshot),
      ...(more
        ? {
            continue: encodeContinue({
              resourceVersion: snapshot,
              start: objectKey(page[page.length - 1]),
            }),
            remainingItemCount: matching.length - page.length,
          }
        : {}),
    },
    // Built-in lists leave kind and apiVersion off their items; custom resources keep them.
    items: page.map(o => {
      if (resource.custom) {
        return served(o, resource, version);
      }
      const { apiVersion: _v, kind: _k, ...item } = o;
      return item;
    }),
  };
}

/** `GET .../PLURAL/NAME`. */
export function get(
  store: ObjectStore,
  target: {
    resource: ServedResource;
    version: string;
    namespace?: string;
    name: string;
  },
): Json {
  const { resource, version, namespace, name } = target;
  const object = store.get(resource, `${namespace ?? ''}/${name}`);
  if (!object) {
    throw new StatusError(
      404,
      'NotFound',
      `${resource.plural}${
        resource.group ? `.${resource.group}` : ''
      } "${name}" not found`,
    );
  }
  return served(object, resource, version);
}
