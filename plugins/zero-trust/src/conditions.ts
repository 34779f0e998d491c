import { Entity } from '@backstage/catalog-model';
import { entityWorkloadSelector } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * Whether the Security tab has something to show: the entity names its workloads with
 * one of Backstage's kubernetes annotations (the backend's rule, from the common package).
 *
 * @public
 */
export function isZeroTrustAvailable(entity: Entity): boolean {
  return entityWorkloadSelector(entity.metadata.annotations) !== undefined;
}
