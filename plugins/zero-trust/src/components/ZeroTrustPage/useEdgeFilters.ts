import type { NamespacePosture } from '@zero-trust/backstage-plugin-zero-trust-common';
import { useMemo, useState } from 'react';

/**
 * The cluster and namespace an inventory is narrowed to on the backend, and the
 * namespaces to offer (those of the chosen cluster).
 */
export function useEdgeFilters(namespaces: NamespacePosture[]) {
  const [cluster, setClusterValue] = useState('');
  const [namespace, setNamespace] = useState('');
  const namespaceOptions = useMemo(
    () =>
      [
        ...new Set(
          namespaces
            .filter(n => !cluster || n.cluster === cluster)
            .map(n => n.namespace),
        ),
      ]
        .sort()
        .map(n => ({ value: n, label: n })),
    [namespaces, cluster],
  );
  const setCluster = (value: string) => {
    setClusterValue(value);
    setNamespace('');
  };
  const query = {
    ...(cluster ? { cluster } : {}),
    ...(namespace ? { namespace } : {}),
  };
  return {
    cluster,
    setCluster,
    namespace,
    setNamespace,
    namespaceOptions,
    query,
  };
}
