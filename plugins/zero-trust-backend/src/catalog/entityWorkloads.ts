import { Entity } from '@backstage/catalog-model';
import {
  EntityWorkloadSelector,
  ParsedLabelSelector,
  LabelSelectorError,
  MeshModel,
  WorkloadModel,
  labelSelectorMatches,
  parseLabelSelector,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { InputError } from '@backstage/errors';

// Backstage's own annotations (plugins/kubernetes-common), so an entity the Kubernetes
// plugin already shows needs nothing new.
export const kubernetesIdAnnotation = 'backstage.io/kubernetes-id';
export const labelSelectorAnnotation = 'backstage.io/kubernetes-label-selector';
export const namespaceAnnotation = 'backstage.io/kubernetes-namespace';
export const clusterAnnotation = 'backstage.io/kubernetes-cluster';

/** The selector from an entity's annotations; undefined when it has none to find workloads by. */
export function entitySelector(
  entity: Entity,
): EntityWorkloadSelector | undefined {
  const a = entity.metadata.annotations ?? {};
  const kubernetesId = a[kubernetesIdAnnotation]?.trim();
  const labelSelector = a[labelSelectorAnnotation]?.trim();
  if (!kubernetesId && !labelSelector) return undefined;
  const namespace = a[namespaceAnnotation]?.trim();
  const cluster = a[clusterAnnotation]?.trim();
  return {
    ...(kubernetesId ? { kubernetesId } : {}),
    ...(labelSelector ? { labelSelector } : {}),
    ...(namespace ? { namespace } : {}),
    ...(cluster ? { cluster } : {}),
  };
}

/**
 * As Backstage's Kubernetes plugin finds an entity's objects: the label-selector
 * annotation when present, else the label `backstage.io/kubernetes-id=<id>`
 * (plugins/kubernetes-backend/src/service/KubernetesFanOutHandler.ts). Workloads are
 * matched by their pod template's labels.
 */
export function workloadLabelSelector(
  selector: EntityWorkloadSelector,
): ParsedLabelSelector {
  try {
    return parseLabelSelector(
      selector.labelSelector ??
        `${kubernetesIdAnnotation}=${selector.kubernetesId}`,
    );
  } catch (error) {
    if (error instanceof LabelSelectorError) {
      throw new InputError(
        `the entity's ${labelSelectorAnnotation} annotation: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The clusters an entity may run in. */
export function entityClusters(
  selector: EntityWorkloadSelector,
  clusterNames: string[],
): string[] {
  return selector.cluster
    ? clusterNames.filter(c => c === selector.cluster)
    : clusterNames;
}

/** The entity's workloads in one cluster. */
export function entityWorkloads(
  selector: EntityWorkloadSelector,
  labels: ParsedLabelSelector,
  model: MeshModel,
  cluster: string,
): WorkloadModel[] {
  const c = model.cluster(cluster);
  if (!c) return [];
  const candidates = selector.namespace
    ? c.workloadsByNamespace.get(selector.namespace) ?? []
    : c.workloads;
  return candidates.filter(w =>
    labelSelectorMatches(labels, w.workload.labels),
  );
}
