import {
  ResourceKind,
  resourceKinds,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/** A resource the live source lists and watches: an entry of the kinds table. */
export type WatchedResource = ResourceKind;

/** The kinds table's watched kinds: what the engine reads, never Secrets. */
export const watchedResources: readonly WatchedResource[] =
  resourceKinds.filter(kind => kind.watched !== false);

/** The namespace a restricted kind is read in (the `istio` ConfigMap's); else all. */
export function namespaceOf(resource: WatchedResource): string | undefined {
  return resource.only?.namespace;
}

/**
 * `metadata.name=istio` for a kind read as one object: a list or watch that selects it
 * is authorized by RBAC's `resourceNames`.
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
