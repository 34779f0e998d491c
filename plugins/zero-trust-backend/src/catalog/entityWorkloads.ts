import { Entity } from '@backstage/catalog-model';
import {
  EntityWorkloadSelector,
  ParsedLabelSelector,
  LabelSelectorError,
  MeshModel,
  WorkloadModel,
  entityWorkloadSelector,
  kubernetesIdAnnotation,
  labelSelectorAnnotation,
  labelSelectorMatches,
  parseLabelSelector,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { InputError } from '@backstage/errors';

/** The selector from an entity's annotations; undefined when it has none to find workloads by. */
export function entitySelector(
  entity: Entity,
): EntityWorkloadSelector | undefined {
  return entityWorkloadSelector(entity.metadata.annotations);
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
