/**
 * The order istiod reads configuration of one kind in: oldest first, then by name, then
 * by namespace (configCompareByCreationTime in istio/istio pilot/pkg/model/config.go,
 * applied to VirtualServices by sortMergedVirtualServicesByCreationTime in
 * pilot/pkg/model/virtualservice_controller.go). Where several VirtualServices name one
 * host for the mesh, a sidecar keeps the first in this order, so the model holds them
 * so and the engine's "first VirtualService naming a host" is Istio's, whatever order
 * the manifests came in.
 */

interface Created {
  namespace: string;
  name: string;
  creationTimestamp?: string;
}

/**
 * An object without a creation time (a GitOps file, before the API server sets one)
 * counts as created at Go's zero time, before any other, as Kubernetes' zero
 * metav1.Time compares in istiod.
 */
function createdAt(o: Created): number {
  const t = o.creationTimestamp ? Date.parse(o.creationTimestamp) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Compares two objects as istiod orders them (Go's strings.Compare: by code unit). */
export function compareByCreation(a: Created, b: Created): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return byText(a.name, b.name) || byText(a.namespace, b.namespace);
}
