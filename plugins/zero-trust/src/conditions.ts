import { Entity } from '@backstage/catalog-model';

/** Backstage's own annotations that tie an entity to its workloads. */
export const kubernetesIdAnnotation = 'backstage.io/kubernetes-id';
export const kubernetesLabelSelectorAnnotation =
  'backstage.io/kubernetes-label-selector';

/**
 * Whether the Security tab has something to show: the entity names its workloads with
 * one of Backstage's kubernetes annotations.
 *
 * @public
 */
export function isZeroTrustAvailable(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[kubernetesIdAnnotation] ||
      annotations[kubernetesLabelSelectorAnnotation],
  );
}
