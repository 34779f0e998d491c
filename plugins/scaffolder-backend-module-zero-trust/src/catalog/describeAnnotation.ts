import { stringifyEntityRef } from '@backstage/catalog-model';
import { escapeMarkdown } from '@zero-trust/backstage-plugin-zero-trust-common';
import { EntityName } from './entityDocument';

/** `kind:namespace/name`, as the catalog writes references. */
export const entityRefOf = (entity: EntityName) => stringifyEntityRef(entity);

/**
 * One branch per entity, so a re-run finds its own. Entity names allow `.`, which git
 * refuses twice in a row and before a final `lock`.
 */
export function annotateBranch(entity: EntityName): string {
  const part = (s: string) =>
    s
      .toLocaleLowerCase('en-US')
      .replace(/[^a-z0-9._-]/g, '-')
      .replace(/\.{2,}/g, '.')
      .replace(/\.lock$/, '-lock');
  return `zero-trust/annotate-${part(entity.namespace)}-${part(entity.name)}`;
}

export function annotateTitle(entity: EntityName): string {
  return `Annotate ${entityRefOf(entity)} for the zero-trust Security tab`;
}

export function annotateCommitMessage(
  entity: EntityName,
  added: Record<string, string>,
  requestedBy?: string,
): string {
  const lines = [
    annotateTitle(entity),
    '',
    ...Object.entries(added).map(([k, v]) => `${k}: ${v}`),
    '',
    'Added by the zero-trust onboarding template.',
  ];
  if (requestedBy) lines.push(`Requested by ${requestedBy}.`);
  return lines.join('\n');
}

/** Text as a code span where that is safe, else escaped Markdown. */
const code = (text: string) =>
  /[`\r\n]/.test(text) ? escapeMarkdown(text) : `\`${text}\``;

export interface AnnotateDescriptionInput {
  entity: EntityName;
  file: string;
  added: Record<string, string>;
  /** Annotations the entity has with another value than the onboarding's: left alone. */
  kept: Record<string, string>;
  wanted: Record<string, string>;
  requestedBy?: string;
}

/** The pull request's description: which annotations, why, and what was left alone. */
export function describeAnnotation(input: AnnotateDescriptionInput): string {
  const { entity, file, added, kept, wanted, requestedBy } = input;
  const lines = [
    `This adds Backstage's Kubernetes annotations to ${code(
      entityRefOf(entity),
    )} in ${code(
      file,
    )}, so that its **Security** tab and the zero-trust backend find the workloads onboarded into the mesh.`,
    '',
    '| annotation | value |',
    '| --- | --- |',
    ...Object.entries(added).map(
      ([k, v]) => `| ${code(k)} | ${escapeMarkdown(v)} |`,
    ),
    '',
    "Backstage's Kubernetes plugin finds an entity's objects by these annotations: the pods whose labels match the selector, in that namespace and cluster.",
  ];
  const keptEntries = Object.entries(kept);
  if (keptEntries.length) {
    lines.push(
      '',
      'Left as they are (the entity already sets them; the onboarding used another value):',
      '',
      ...keptEntries.map(
        ([k, v]) =>
          `- ${code(k)}: ${escapeMarkdown(v)} (onboarded: ${escapeMarkdown(
            wanted[k],
          )})`,
      ),
    );
  }
  lines.push(
    '',
    `Opened by the zero-trust onboarding template${
      requestedBy ? ` for ${escapeMarkdown(requestedBy)}` : ''
    }.`,
  );
  return lines.join('\n');
}
