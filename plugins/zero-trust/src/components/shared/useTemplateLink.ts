import { configApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { selectedTemplateRouteRef } from '../../routes';
import { onboardTemplate, withFormData } from './onboardLink';

/** The app's path prefix from `app.baseUrl` (empty when the app is served at the root). */
function appBasePath(baseUrl: string | undefined): string {
  if (!baseUrl) return '';
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/**
 * A link to a template (default: the onboarding template) with its form prefilled:
 * through the scaffolder's route when the app binds it, else `/create/templates/...`
 * under the app's base URL.
 */
export function useTemplateLink(
  template: { namespace: string; templateName: string } = onboardTemplate,
): (formData: Record<string, string>) => string {
  const templateRoute = useRouteRef(selectedTemplateRouteRef);
  const config = useApi(configApiRef);
  const templatePath = templateRoute
    ? templateRoute(template)
    : `${appBasePath(
        config.getOptionalString('app.baseUrl'),
      )}/create/templates/${template.namespace}/${template.templateName}`;
  return formData => withFormData(templatePath, formData);
}
