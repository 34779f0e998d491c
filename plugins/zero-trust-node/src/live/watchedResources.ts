/** A resource the live source lists and watches. */
export interface WatchedResource {
  /** RBAC's spelling, as messages and `degraded` name it: `pods`, `deployments.apps`. */
  id: string;
  /** `''` for the core group. */
  group: string;
  /** Tried in order: Istio's resources fall back to v1beta1 where v1 is not served. */
  versions: string[];
  plural: string;
  kind: string;
  /** Only this namespace. */
  namespace?: string;
  fieldSelector?: string;
  /** A custom resource that a cluster without Istio does not serve. */
  istio?: boolean;
}

const core = (kind: string, plural: string): WatchedResource => ({
  id: plural,
  group: '',
  versions: ['v1'],
  plural,
  kind,
});

const apps = (kind: string, plural: string): WatchedResource => ({
  id: `${plural}.apps`,
  group: 'apps',
  versions: ['v1'],
  plural,
  kind,
});

const istio = (
  group: string,
  kind: string,
  plural: string,
): WatchedResource => ({
  id: `${plural}.${group}`,
  group,
  // v1 since Istio 1.22; v1beta1 for older control planes.
  versions: ['v1', 'v1beta1'],
  plural,
  kind,
  istio: true,
});

/**
 * Exactly what the engine reads (see buildClusterState in the common package). Never
 * Secrets, and of the ConfigMaps only the mesh config `istio` in `istio-system`.
 */
export const watchedResources: WatchedResource[] = [
  core('Namespace', 'namespaces'),
  core('ServiceAccount', 'serviceaccounts'),
  core('Service', 'services'),
  core('Pod', 'pods'),
  {
    ...core('ConfigMap', 'configmaps'),
    namespace: 'istio-system',
    fieldSelector: 'metadata.name=istio',
  },
  apps('Deployment', 'deployments'),
  apps('StatefulSet', 'statefulsets'),
  apps('DaemonSet', 'daemonsets'),
  istio('security.istio.io', 'PeerAuthentication', 'peerauthentications'),
  istio('security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies'),
  istio('networking.istio.io', 'DestinationRule', 'destinationrules'),
];

/** The collection's path at `version`, e.g. `/apis/apps/v1/deployments`. */
export function collectionPath(
  resource: WatchedResource,
  version: string,
): string {
  const root = resource.group
    ? `/apis/${resource.group}/${version}`
    : `/api/${version}`;
  const scope = resource.namespace
    ? `/namespaces/${encodeURIComponent(resource.namespace)}`
    : '';
  return `${root}${scope}/${resource.plural}`;
}
