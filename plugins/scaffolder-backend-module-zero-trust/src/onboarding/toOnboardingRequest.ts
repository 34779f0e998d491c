import { InputError } from '@backstage/errors';
import {
  OnboardingRequest,
  parseOnboardingRequest,
  requestFromInput,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  GitopsLayout,
  isUserError,
  validateGitopsLayout,
} from '@zero-trust/backstage-plugin-zero-trust-node';

/**
 * The user's errors (the node package's `isUserError`: the request, a reference, the
 * repository) as an InputError, shown as they are, never as a stack trace; others as
 * they are.
 */
export function asInputError(error: unknown): unknown {
  return isUserError(error) ? new InputError(error.message) : error;
}

/**
 * Refuses input fields the action does not know, as the onboarding contract refuses
 * unknown request fields (the scaffolder checks its JSON schema first; a direct call
 * must not slip past).
 */
export function rejectUnknownInputs(
  input: Record<string, unknown>,
  known: string[],
): void {
  const unknown = Object.keys(input).filter(k => !known.includes(k));
  if (unknown.length) {
    throw new InputError(
      `${unknown.join(', ')}: unknown field${
        unknown.length > 1 ? 's' : ''
      } (allowed: ${known.join(', ')})`,
    );
  }
}

/**
 * The action's input as an onboarding request, validated by the same parser as the CLI
 * and the backend. Which fields count as left empty is common's `requestFromInput`,
 * shared with the template's preview field.
 */
export function toOnboardingRequest(
  input: Record<string, unknown>,
): OnboardingRequest {
  try {
    return parseOnboardingRequest(requestFromInput(input));
  } catch (error) {
    throw asInputError(error);
  }
}

/** The layout input with its fields left empty (undefined, null or "") dropped. */
export function toLayout(value: unknown): GitopsLayout | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      'layout must be an object { namespaceFile?, serviceDir? }',
    );
  }
  const layout: GitopsLayout = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'namespaceFile' && key !== 'serviceDir') {
      throw new InputError(
        `layout.${key}: unknown field (allowed: namespaceFile, serviceDir)`,
      );
    }
    if (v !== undefined && v !== null && v !== '') layout[key] = v as string;
  }
  return layout;
}

/** The layout input, checked (relative, inside the repository, known placeholders) before any clone. */
export function checkLayout(value: unknown): GitopsLayout | undefined {
  const layout = toLayout(value);
  try {
    validateGitopsLayout(layout);
  } catch (error) {
    throw asInputError(error);
  }
  return layout;
}
