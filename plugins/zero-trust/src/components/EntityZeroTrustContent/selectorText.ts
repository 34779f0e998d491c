import type { EntityWorkloadSelector } from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * The selector in words: `pods labelled backstage.io/kubernetes-id=reviews in namespace
 * bookinfo in cluster backend`.
 */
export function selectorText(
  selector: EntityWorkloadSelector,
  searchedClusters: string[],
): string {
  const which = [
    selector.kubernetesId !== undefined &&
      `labelled backstage.io/kubernetes-id=${selector.kubernetesId}`,
    selector.labelSelector !== undefined &&
      `matching the label selector ${selector.labelSelector}`,
  ]
    .filter(Boolean)
    .join(' or ');
  const where = selector.namespace
    ? `in namespace ${selector.namespace}`
    : 'in any namespace';
  let clusters: string;
  if (selector.cluster) clusters = `in cluster ${selector.cluster}`;
  else if (!searchedClusters.length) {
    clusters = 'in any configured cluster (none is configured)';
  } else {
    clusters = `in ${
      searchedClusters.length === 1 ? 'cluster' : 'clusters'
    } ${searchedClusters.join(', ')}`;
  }
  return `workloads whose pods are ${
    which || 'selected by no annotation'
  }, ${where}, ${clusters}`;
}
