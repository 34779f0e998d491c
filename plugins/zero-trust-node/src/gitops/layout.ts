import path from 'node:path';
import { OnboardingRequestError } from '@zero-trust/backstage-plugin-zero-trust-common';
import { GitopsLayout } from './types';

/** Where new files go by default (the onboarding request's layout, in common's README). @public */
export const defaultLayout: Required<GitopsLayout> = {
  namespaceFile: 'clusters/{cluster}/namespaces/{namespace}/namespace.yaml',
  serviceDir: 'clusters/{cluster}/namespaces/{namespace}/{service}/',
};

const clusterPrefix = 'clusters/{cluster}/';
const placeholders = ['{cluster}', '{namespace}', '{service}'];

/**
 * Checks a layout before anything is read: relative, inside the root, only the three
 * placeholders, and no character a path should not hold. Returns it with the defaults
 * filled in.
 *
 * @throws OnboardingRequestError naming `layout.namespaceFile` or `layout.serviceDir`
 * @public
 */
export function validateLayout(
  layout: GitopsLayout = {},
): Required<GitopsLayout> {
  const resolved = { ...defaultLayout, ...layout };
  const issues: { path: string; message: string }[] = [];
  for (const field of ['namespaceFile', 'serviceDir'] as const) {
    const template = resolved[field];
    const at = `layout.${field}`;
    const bare = placeholders.reduce((t, p) => t.split(p).join('x'), template);
    if (typeof template !== 'string' || !template.trim()) {
      issues.push({ path: at, message: 'must be a path' });
    } else if (
      template.startsWith('/') ||
      /^[A-Za-z]:/.test(template) ||
      template.includes('\\')
    ) {
      issues.push({
        path: at,
        message:
          'must be a relative path with "/" separators inside the repository',
      });
    } else if (template.split('/').some(s => s === '..' || s === '.')) {
      issues.push({
        path: at,
        message: 'must not contain "." or ".." segments',
      });
    } else if (/[{}]/.test(bare)) {
      issues.push({
        path: at,
        message:
          'may use only the placeholders {cluster}, {namespace} and {service}',
      });
      // eslint-disable-next-line no-control-regex
    } else if (/[\u0000-\u001f\u007f]/.test(template)) {
      issues.push({ path: at, message: 'must not contain control characters' });
    } else if (field === 'namespaceFile' && !/\.ya?ml$/.test(template)) {
      issues.push({ path: at, message: 'must name a .yaml or .yml file' });
    }
  }
  if (issues.length) throw new OnboardingRequestError(issues);
  return resolved;
}

/**
 * A layout template filled in, as a `/`-separated path relative to the root. The
 * `clusters/{cluster}/` prefix is dropped where the repository has no `clusters/`
 * folder (one cluster per repository).
 */
export function fillTemplate(
  template: string,
  values: { cluster: string; namespace: string; service: string },
  hasClustersFolder: boolean,
): string {
  let t = template;
  if (!hasClustersFolder && t.startsWith(clusterPrefix)) {
    t = t.slice(clusterPrefix.length);
  }
  const filled = t
    .split('{cluster}')
    .join(values.cluster)
    .split('{namespace}')
    .join(values.namespace)
    .split('{service}')
    .join(values.service);
  const normal = path.posix.normalize(filled).replace(/\/$/, '');
  // Values are DNS labels, so this cannot fail; kept as a guard for the writer.
  if (normal.startsWith('..') || path.posix.isAbsolute(normal)) {
    throw new OnboardingRequestError([
      { path: 'layout', message: `${filled} leaves the repository` },
    ]);
  }
  return normal;
}
