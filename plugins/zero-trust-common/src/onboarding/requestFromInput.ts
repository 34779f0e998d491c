import { onboardingRequestFields } from './parseOnboardingRequest';

/**
 * Whether a form or a template left an optional field empty: it gives `undefined`,
 * `null` or `""` for a parameter the user did not fill (the template's "None" for
 * `traffic` is `null`), and an empty list for an untouched list field (`ports`,
 * `egress`).
 */
function leftEmpty(field: string, value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    ((field === 'ports' || field === 'egress') &&
      Array.isArray(value) &&
      value.length === 0)
  );
}

/**
 * The onboarding request a template's form or a scaffolder action's input holds, for
 * `parseOnboardingRequest` to judge: the request's fields (others, such as the owner,
 * are not part of it), without those left empty. The template's preview field and the
 * actions both go through it, so the preview refuses what the actions refuse.
 *
 * Nothing else is dropped: an empty `allowedCallers` list means nobody, and an empty
 * `selector` is the parser's to refuse (it would select every pod of the namespace).
 *
 * @public
 */
export function requestFromInput(
  input: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const field of onboardingRequestFields) {
    const value = input?.[field];
    if (!leftEmpty(field, value)) request[field] = value;
  }
  return request;
}
