import type { SecurityWorkload } from '@zero-trust/backstage-plugin-zero-trust-common';

/** The onboarding template, `template:default/onboard-service`. */
export const onboardTemplate = {
  namespace: 'default',
  templateName: 'onboard-service',
};

/** The template form's fields, filled from the workload and its entity. */
export function onboardFormData(
  workload: Pick<SecurityWorkload, 'name' | 'namespace' | 'cluster'>,
  entityRef: string,
) {
  return {
    service: workload.name,
    namespace: workload.namespace,
    cluster: workload.cluster,
    component: entityRef,
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
