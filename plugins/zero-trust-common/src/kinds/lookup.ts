import { Json, isObject, pick } from './fields';
import {
  KindCaveat,
  ObjectName,
  ResourceKind,
  ResourceKindName,
  resourceKinds,
} from './resourceKinds';

/**
 * `security.istio.io/v1` → `security.istio.io`; `v1` → `''` (the core group).
 *
 * @public
 */
export function groupOf(apiVersion: unknown): string {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  return text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '';
}

const byGroupAndKind = new Map<string, ResourceKind<ResourceKindName>>(
  resourceKinds.map(k => [`${k.group}:${k.kind}`, k]),
);
const found = new Map<
  string,
  Map<string, ResourceKind<ResourceKindName> | undefined>
>();
/** Distinct apiVersions remembered by findKind; manifests hold a few dozen. */
const maxFound = 1000;

/**
 * The table's entry for an object's `apiVersion` and `kind`, whatever its version (an API
 * server serves `v1` and `v1beta1` of one stored object alike); undefined for a kind the
 * suite does not read.
 *
 * @public
 */
export function findKind(
  apiVersion: unknown,
  kind: unknown,
): ResourceKind<ResourceKindName> | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return byGroupAndKind.get(`${groupOf(apiVersion)}:${String(kind)}`);
  }
  // Asked for every object by several readers of a state: answered from a small memo
  // of the few apiVersion and kind pairs a cluster holds.
  let byKind = found.get(apiVersion);
  if (!byKind) {
    if (found.size >= maxFound) found.clear();
    byKind = new Map();
    found.set(apiVersion, byKind);
  }
  if (!byKind.has(kind)) {
    byKind.set(kind, byGroupAndKind.get(`${groupOf(apiVersion)}:${kind}`));
  }
  return byKind.get(kind);
}

/**
 * What makes two manifests the same object: group, kind, namespace and name, not
 * version (`security.istio.io/v1` and `v1beta1` are one stored object).
 *
 * @public
 */
export function objectKey(object: unknown): string {
  const obj = isObject(object) ? object : {};
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  return objectKeyOf(
    groupOf(obj.apiVersion),
    String(obj.kind),
    typeof meta.namespace === 'string' ? meta.namespace : '',
    String(meta.name),
  );
}

/** {@link objectKey} from its parts; `''` namespace for a cluster-scoped object. @public */
export function objectKeyOf(
  group: string,
  kind: string,
  namespace: string,
  name: string,
): string {
  return JSON.stringify([group, kind, namespace, name]);
}

/**
 * `raw` as read from `version` of the kind's API, reduced to the fields the table keeps;
 * undefined for an object the suite does not read (no metadata, an owned pod).
 *
 * @public
 */
export function trimObject(
  kind: Pick<ResourceKind, 'group' | 'kind' | 'keep'>,
  version: string,
  raw: unknown,
): Json | undefined {
  if (!isObject(raw) || !isObject(raw.metadata)) return undefined;
  const kept = kind.keep(raw);
  if (!kept) return undefined;
  const { metadata, ...rest } = kept;
  return {
    apiVersion: kind.group ? `${kind.group}/${version}` : version,
    kind: kind.kind,
    metadata: { ...pick(raw.metadata, ['name', 'namespace']), ...metadata },
    ...rest,
  };
}

/**
 * Whether the kind reads this object: every object, or one of the objects it is
 * restricted to (`only`).
 *
 * @public
 */
export function readsObject(
  kind: ResourceKind,
  namespace: string | undefined,
  name: string,
): boolean {
  return (
    !kind.only ||
    kind.only.some(
      o => o.name === name && (!o.namespace || o.namespace === namespace),
    )
  );
}

/**
 * RBAC's name of a resource the live source reads: the kind's `id`, or `PLURAL/NAME` per
 * object for a kind read by name in several objects (`configmaps/istio`).
 *
 * @public
 */
export function resourceIdOf(kind: ResourceKind, object?: ObjectName): string {
  return object && (kind.only?.length ?? 0) > 1
    ? `${kind.id}/${object.name}`
    : kind.id;
}

const caveatsById = new Map<string, KindCaveat>(
  resourceKinds
    .filter(kind => kind.watched !== false)
    .flatMap(kind =>
      (kind.only ?? [undefined]).flatMap(object => {
        const caveat = object?.caveat ?? kind.caveat;
        return caveat ? [[resourceIdOf(kind, object), caveat] as const] : [];
      }),
    ),
);

/**
 * What an answer may get wrong without a resource the live source reads, by RBAC's name
 * ({@link resourceIdOf}); undefined for one the table does not know.
 *
 * @public
 */
export function resourceCaveat(resource: string): KindCaveat | undefined {
  return caveatsById.get(resource);
}
