import {
  findKind,
  groupOf,
  isObject,
  objectKey,
  objectKeyOf,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import type {
  OnboardingChangeSummary,
  OnboardingDrift,
  OnboardingResourceRef,
  OnboardingSpecDifference,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';

type Json = Record<string, unknown>;

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
  const step = plain ? key : `[${JSON.stringify(key)}]`;
  if (!parent) return step;
  return plain ? `${parent}.${step}` : `${parent}${step}`;
}

/**
 * Every leaf where `actual` is not `expected`: a field missing, a field the generated
 * spec does not have, or a different value. Strict on purpose: an extra field can change
 * what a policy means (`rules` added to an allow-nothing policy admits traffic). A field
 * a webhook or controller adds to the live spec therefore shows as drift, by design.
 */
export function specDifferences(
  expected: unknown,
  actual: unknown,
  path = '',
): OnboardingSpecDifference[] {
  if (isObject(expected) && isObject(actual)) {
    const keys = [
      ...new Set([...Object.keys(expected), ...Object.keys(actual)]),
    ];
    return keys.sort().flatMap(key => {
      const at = childPath(path, key);
      if (!(key in actual)) return [{ path: at, expected: expected[key] }];
      if (!(key in expected)) return [{ path: at, actual: actual[key] }];
      return specDifferences(expected[key], actual[key], at);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    return Array.from({ length }, (_, i) => {
      const at = childPath(path, i);
      if (i >= actual.length) return [{ path: at, expected: expected[i] }];
      if (i >= expected.length) return [{ path: at, actual: actual[i] }];
      return specDifferences(expected[i], actual[i], at);
    }).flat();
  }
  if (Object.is(expected, actual)) return [];
  return [{ path: path || '(spec)', expected, actual }];
}

function describeDifferences(
  ref: OnboardingResourceRef,
  differences: OnboardingSpecDifference[],
): string {
  const shown = differences.slice(0, 3).map(d => d.path);
  const more = differences.length - shown.length;
  return `${ref.kind} ${ref.namespace}/${ref.name} differs at ${shown.join(
    ', ',
  )}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A cluster's objects by group, kind, namespace and name; built once per state. */
export type ClusterIndex = ReadonlyMap<string, Json>;

export function indexCluster(objects: SourcedObject[]): ClusterIndex {
  const live = new Map<string, Json>();
  for (const { object } of objects) {
    if (!isObject(object) || !isObject(object.metadata)) continue;
    live.set(objectKey(object), object);
  }
  return live;
}

/**
 * How a cluster's objects differ from what an onboarding change asked for: the
 * namespace's labels, and each generated resource's spec against the live one's. Empty
 * when the cluster holds the change.
 */
export function compareWithCluster(
  cluster: string,
  change: OnboardingChangeSummary,
  live: ClusterIndex,
): OnboardingDrift[] {
  const drift: OnboardingDrift[] = [];
  const namespace = live.get(
    objectKeyOf('', 'Namespace', '', change.namespace),
  );
  if (!namespace) {
    drift.push({
      type: 'missingNamespace',
      namespace: change.namespace,
      message: `namespace ${change.namespace} does not exist in cluster ${cluster}`,
    });
  } else {
    const metadata = namespace.metadata as Json;
    const labels = isObject(metadata.labels) ? metadata.labels : {};
    for (const [label, expected] of Object.entries(change.namespaceLabels)) {
      const actual = labels[label];
      if (actual === expected) continue;
      drift.push({
        type: 'missingLabel',
        namespace: change.namespace,
        label,
        expected,
        ...(typeof actual === 'string' ? { actual } : {}),
        message:
          typeof actual === 'string'
            ? `namespace ${change.namespace} has ${label}=${actual}, not ${expected}`
            : `namespace ${change.namespace} lacks the label ${label}=${expected}`,
      });
    }
  }

  for (const resource of change.resources) {
    const ref: OnboardingResourceRef = {
      kind: resource.kind,
      namespace: resource.metadata.namespace,
      name: resource.metadata.name,
    };
    // By group, not version: the live source reads whichever version the cluster serves.
    const found = live.get(
      objectKeyOf(
        groupOf(resource.apiVersion),
        ref.kind,
        ref.namespace,
        ref.name,
      ),
    );
    if (!found) {
      drift.push({
        type: 'missingResource',
        resource: ref,
        message: `${ref.kind} ${ref.namespace}/${ref.name} is not in cluster ${cluster}`,
      });
      continue;
    }
    const differences = specDifferences(resource.spec, found.spec ?? {});
    if (differences.length) {
      drift.push({
        type: 'differentSpec',
        resource: ref,
        differences,
        message: describeDifferences(ref, differences),
      });
    }
  }
  return drift;
}

/** Where a cluster source lists a kind as unreadable (`degraded`), by RBAC's name. */
export function resourceName(apiVersion: string, kind: string): string {
  const known = findKind(apiVersion, kind);
  if (known) return known.id;
  const group = groupOf(apiVersion);
  const plural = `${kind.toLowerCase()}s`;
  return group ? `${plural}.${group}` : plural;
}
