import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { getEntityRelations } from '@backstage/plugin-catalog-react';
import type { SecurityWorkload } from '@zero-trust/backstage-plugin-zero-trust-common';

/** The onboarding template, `template:default/onboard-service`. */
export const onboardTemplate = {
  namespace: 'default',
  templateName: 'onboard-service',
};

/** The promotion template, `template:default/promote-dry-run`: enforces a dry-run onboarding. */
export const promoteTemplate = {
  namespace: 'default',
  templateName: 'promote-dry-run',
};

/**
 * The tightening template, `template:default/tighten-callers` ("Tighten who may call
 * this service"): narrows a service's ALLOW policies to the callers seen in a window.
 */
export const tightenTemplate = {
  namespace: 'default',
  templateName: 'tighten-callers',
};

/**
 * The template form's fields, filled from the workload and its entity: the owner is the
 * catalog's `ownedBy` relation (a full ref, as the template's OwnerPicker takes it).
 */
export function onboardFormData(
  workload: Pick<SecurityWorkload, 'name' | 'namespace' | 'cluster'>,
  entity: Entity,
): Record<string, string> {
  const [owner] = getEntityRelations(entity, RELATION_OWNED_BY);
  return {
    service: workload.name,
    namespace: workload.namespace,
    cluster: workload.cluster,
    component: stringifyEntityRef(entity),
    ...(owner && { owner: stringifyEntityRef(owner) }),
  };
}

/** `<templatePath>?formData=<json>`, as the scaffolder reads prefilled values. */
export function withFormData(
  templatePath: string,
  formData: Record<string, string>,
): string {
  return `${templatePath}?${new URLSearchParams({
    formData: JSON.stringify(formData),
  })}`;
}
