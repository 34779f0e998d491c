import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/core-plugin-api';

export const rootRouteRef = createRouteRef({
  id: 'zero-trust',
});

/**
 * The scaffolder's template page, for the "Onboard to the mesh" action. Optional: when
 * the app does not bind it, the action links to `/create/templates/...` under the app's
 * base URL.
 */
export const selectedTemplateRouteRef = createExternalRouteRef({
  id: 'zero-trust:selected-template',
  params: ['namespace', 'templateName'],
  optional: true,
  defaultTarget: 'scaffolder.selectedTemplate',
});
