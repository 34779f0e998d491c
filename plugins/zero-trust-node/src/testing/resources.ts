/** A resource type the test API server serves. */
export interface ServedResource {
  /** `''` for the core group. */
  group: string;
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** A custom resource (Istio's): its list items keep kind and apiVersion. */
  custom?: boolean;
}

/** `pods`, `deployments.apps`, `authorizationpolicies.security.istio.io`: RBAC's spelling. */
export function resourceId(resource: { group: string; plural: string }) {
  return resource.group
    ? `${resource.plural}.${resource.group}`
    : resource.plural;
}

const builtIn = (
  group: string,
  kind: string,
  plural: string,
  namespaced = true,
  version = 'v1',
): ServedResource => ({
  group,
  versions: [version],
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
});

/** The Istio API versions a test server serves by default: both, as Istio 1.22+ does. */
export const defaultIstioVersions = ['v1', 'v1beta1'];

/**
 * What the server serves. Built-in kinds the live source must never read (Secrets,
 * ConfigMaps other than `istio`) are served too, so tests can check they are not read.
 */
export function servedResources(istioVersions: string[]): ServedResource[] {
  const istio = (group: string, kind: string, plural: string) => ({
    group,
    versions: istioVersions,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced: true,
    custom: true,
  });
  return [
    builtIn('', 'Namespace', 'namespaces', false),
    builtIn('', 'ServiceAccount', 'serviceaccounts'),
    builtIn('', 'Service', 'services'),
    builtIn('', 'Pod', 'pods'),
    builtIn('', 'ConfigMap', 'configmaps'),
    builtIn('', 'Secret', 'secrets'),
    builtIn('apps', 'Deployment', 'deployments'),
    builtIn('apps', 'StatefulSet', 'statefulsets'),
    builtIn('apps', 'DaemonSet', 'daemonsets'),
    builtIn('apps', 'ReplicaSet', 'replicasets'),
    // What Backstage's Kubernetes plugin also lists for an entity, so the benchmark can
    // compare it against this server.
    builtIn('', 'LimitRange', 'limitranges'),
    builtIn('', 'ResourceQuota', 'resourcequotas'),
    builtIn(
      'autoscaling',
      'HorizontalPodAutoscaler',
      'horizontalpodautoscalers',
      true,
      'v2',
    ),
    builtIn('batch', 'Job', 'jobs'),
    builtIn('batch', 'CronJob', 'cronjobs'),
    builtIn('networking.k8s.io', 'Ingress', 'ingresses'),
    ...(istioVersions.length
      ? [
          istio(
            'security.istio.io',
            'PeerAuthentication',
            'peerauthentications',
          ),
          istio(
            'security.istio.io',
            'AuthorizationPolicy',
            'authorizationpolicies',
          ),
          istio('networking.istio.io', 'DestinationRule', 'destinationrules'),
        ]
      : []),
  ];
}
