import type { EntityWorkloadSelector } from '../api/types';

// Backstage's own Kubernetes annotations, so an entity the Kubernetes plugin already shows
// needs nothing new. `@backstage/plugin-kubernetes-common` exports the first two as
// KUBERNETES_ANNOTATION and KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION; the namespace
// and cluster ones are read by its backend (KubernetesFanOutHandler) by name.

/** @public */
export const kubernetesIdAnnotation = 'backstage.io/kubernetes-id';
/** @public */
export const labelSelectorAnnotation = 'backstage.io/kubernetes-label-selector';
/** @public */
export const namespaceAnnotation = 'backstage.io/kubernetes-namespace';
/** @public */
export const clusterAnnotation = 'backstage.io/kubernetes-cluster';

/**
 * Where an entity's workloads are, from its annotations; undefined when it has none to
 * find them by (neither the id nor the label selector, blank values counting as none).
 * The one rule for whether an entity has a Security tab and which workloads it shows.
 *
 * @public
 */
export function entityWorkloadSelector(
  annotations: Record<string, string> | undefined,
): EntityWorkloadSelector | undefined {
  const a = annotations ?? {};
  const kubernetesId = a[kubernetesIdAnnotation]?.trim();
  const labelSelector = a[labelSelectorAnnotation]?.trim();
  if (!kubernetesId && !labelSelector) return undefined;
  const namespace = a[namespaceAnnotation]?.trim();
  const cluster = a[clusterAnnotation]?.trim();
  return {
    ...(kubernetesId ? { kubernetesId } : {}),
    ...(labelSelector ? { labelSelector } : {}),
    ...(namespace ? { namespace } : {}),
    ...(cluster ? { cluster } : {}),
  };
}
