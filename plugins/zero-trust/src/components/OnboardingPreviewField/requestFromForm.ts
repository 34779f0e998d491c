import { onboardingRequestFields } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * The onboarding request a template's form holds: its fields carry the request's names
 * (as the template passes them to the actions); other fields (the owner, the component)
 * are left out, and so are the optional ones left empty.
 */
export function requestFromForm(
  formData: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const field of onboardingRequestFields) {
    const value = formData?.[field];
    const empty =
      value === undefined ||
      value === null ||
      value === '' ||
      (field === 'ports' && Array.isArray(value) && value.length === 0);
    if (!empty) request[field] = value;
  }
  request.allowedCallers ??= [];
  return request;
}
