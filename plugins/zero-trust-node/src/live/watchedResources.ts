import {
  ObjectName,
  ResourceKind,
  resourceIdOf,
  resourceKinds,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * A resource the live source lists and watches: an entry of the kinds table, or one
 * object of a kind read by name.
 */
export interface WatchedResource extends Omit<ResourceKind, 'only'> {
  /** The one object listed, for a kind read by name. */
  only?: ObjectName;
}

/**
 * The kinds table's watched kinds: what the engine reads, never Secrets. A kind read by
 * name is one resource per object (a field selector names one), each named
 * `PLURAL/NAME` where the kind names several: `configmaps/istio`.
 */
export const watchedResources: readonly WatchedResource[] = resourceKinds
  .filter(kind => kind.watched !== false)
  .flatMap((kind): WatchedResource[] => {
    const { only, ...rest } = kind;
    if (!only) return [rest];
    return only.map(object => ({
      ...rest,
      id: resourceIdOf(kind, object),
      only: object,
    }));
  });

/** The namespace an object read by name is read in (the `istio` ConfigMap's); else all. */
export function namespaceOf(resource: WatchedResource): string | undefined {
  return resource.only?.namespace;
}

/**
 * `metadata.name=istio` for an object read by name: a list or watch that selects it is
 * authorized by RBAC's `resourceNames`.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
 */
export function fieldSelectorOf(resource: WatchedResource): string | undefined {
  return resource.only ? `metadata.name=${resource.only.name}` : undefined;
}

/** The collection's path at `version`, e.g. `/apis/apps/v1/deployments`. */
export function collectionPath(
  resource: WatchedResource,
  version: string,
): string {
  const root = resource.group
    ? `/apis/${resource.group}/${version}`
    : `/api/${version}`;
  const namespace = namespaceOf(resource);
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.plural}`;
}
