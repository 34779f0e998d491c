import {
  clusterAnnotation,
  formatSelector,
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
  namespaceAnnotation,
} from '@zero-trust/backstage-plugin-zero-trust-common';

// The annotations the Security tab and the zero-trust backend find an entity's workloads
// by (Backstage's own; one home in the common package).
export {
  clusterAnnotation,
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
  namespaceAnnotation,
};

/** What the onboarding request says about where the service's workloads run. */
export interface WorkloadPlacement {
  namespace: string;
  cluster?: string;
  /** The pod labels, as the request's `selector` map. */
  selector: Record<string, string>;
}

/**
 * The annotations that point an entity at the onboarded workloads. The selector is
 * written `k=v,...` in the map's order, the equality-based form the Kubernetes plugin
 * passes on as a label selector.
 */
export function wantedAnnotations(
  placement: WorkloadPlacement,
): Record<string, string> {
  return {
    [labelSelectorAnnotation]: formatSelector(placement.selector),
    [namespaceAnnotation]: placement.namespace,
    ...(placement.cluster ? { [clusterAnnotation]: placement.cluster } : {}),
  };
}

/**
 * The annotation that already selects the entity's workloads, if any: the user chose
 * it, so it is never rewritten.
 */
export function existingSelection(
  annotations: Record<string, unknown> | undefined,
): string | undefined {
  for (const name of [kubernetesIdAnnotation, labelSelectorAnnotation]) {
    const value = annotations?.[name];
    if (typeof value === 'string' && value.trim()) return name;
  }
  return undefined;
}

/**
 * Splits the wanted annotations into those to add (absent) and those the entity already
 * has with another value, even an empty one (kept: a value someone wrote is theirs to
 * change).
 */
export function missingAnnotations(
  annotations: Record<string, unknown> | undefined,
  wanted: Record<string, string>,
): { add: Record<string, string>; kept: Record<string, string> } {
  const add: Record<string, string> = {};
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(wanted)) {
    const current = annotations?.[name];
    if (current === undefined) add[name] = value;
    else if (String(current ?? '') !== value)
      kept[name] = String(current ?? '');
  }
  return { add, kept };
}
