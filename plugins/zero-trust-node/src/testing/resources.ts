import { resourceKinds } from '@zero-trust/backstage-plugin-zero-trust-common';

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
 * What the server serves: every kind of the suite's table that the live source watches (Istio's at `istioVersions`,
 * none when empty, as a cluster without Istio; the optional ones, cert-manager's, unless
 * told not to; a kind `servedVersions` names, by its RBAC id, at the versions it lists,
 * none when empty, as a cluster without its CRD), and built-in kinds the live source must
 * never read (Secrets) or that Backstage's Kubernetes plugin lists, so tests can check
 * they are not read and the benchmark can compare against this server.
 */
export function servedResources(
  istioVersions: string[],
  optionalKinds = true,
  servedVersions: Record<string, string[]> = {},
): ServedResource[] {
  const isIstio = (group: string) => group.endsWith('istio.io');
  const read = resourceKinds
    .filter(k => k.watched !== false)
    .filter(k => optionalKinds || !k.optional)
    .map(
      (k): ServedResource => ({
        group: k.group,
        versions:
          servedVersions[k.id] ??
          (isIstio(k.group) ? istioVersions : k.versions),
        plural: k.plural,
        singular: k.kind.toLowerCase(),
        kind: k.kind,
        namespaced: k.namespaced,
        ...(k.custom ? { custom: true } : {}),
      }),
    )
    .filter(r => r.versions.length);
  // Built-in kinds first, custom ones last, as an API server's discovery lists them.
  return [
    ...read.filter(r => !r.custom),
    builtIn('', 'Secret', 'secrets'),
    builtIn('apps', 'ReplicaSet', 'replicasets'),
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
    ...read.filter(r => r.custom),
  ];
}
