import type { Finding } from '../findings/detect';
import { WorkloadInfo } from '../model/types';
import { MeshMode, meshMembership } from '../engine/membership';
import { ClusterModel, MeshModel } from '../engine/MeshModel';
import { hasNetworkDefaultDeny } from '../engine/networkPolicy';
import {
  EffectiveMtlsMode,
  effectiveMtls,
  peerAuthenticationScopes,
} from '../engine/peerAuthentication';

/** One namespace's zero-trust posture, for the platform page. @public */
export interface NamespacePosture {
  /** The cluster the namespace is in. */
  cluster: string;
  /** The namespace's name. */
  namespace: string;
  /**
   * How the namespace's labels bring new pods into the mesh: `sidecar`
   * (`istio-injection=enabled` or `istio.io/rev`), `ambient`
   * (`istio.io/dataplane-mode=ambient`) or `none`. Single pods may still opt in or out.
   */
  injection: MeshMode;
  /** The control plane revision that injects, where an `istio.io/rev` label chose it. */
  revision?: string;
  /**
   * The namespace-level mTLS mode: the namespace's selector-less PeerAuthentication,
   * else the mesh-wide one, else Istio's default (PERMISSIVE). Workload and port
   * overrides are not reflected here.
   */
  mtls: EffectiveMtlsMode;
  /** Whether an allow-nothing AuthorizationPolicy covers the whole namespace. */
  defaultDeny: boolean;
  /**
   * Whether a NetworkPolicy selecting every pod admits no ingress (Kubernetes'
   * "default deny all ingress traffic"): a second layer under Istio's.
   */
  networkDefaultDeny: boolean;
  /** How many workloads run in the namespace. */
  workloads: number;
  /** How many findings concern the namespace or its resources. */
  findings: number;
}

/**
 * A pod with no labels of its own: what the namespace alone gives a new workload. No
 * pod-level label or selector-bearing policy can apply to it, so the same rules that
 * decide a real workload's membership and mTLS give the namespace's defaults.
 */
function newPodIn(namespace: string): WorkloadInfo {
  return {
    kind: 'Pod',
    namespace,
    name: '',
    labels: {},
    annotations: {},
    serviceAccount: 'default',
    hostNetwork: false,
    containerPorts: [],
  };
}

/**
 * The workloads a finding concerns (`CLUSTER/NAMESPACE/NAME`): its own workload, or
 * those a DestinationRule affects; none for a namespace- or mesh-wide finding.
 */
export function findingWorkloads(f: Finding): string[] {
  return f.workload ? [f.workload] : f.workloads ?? [];
}

/** The namespace a finding is about, if any. */
export function findingNamespace(f: Finding): string | undefined {
  return f.resource.kind === 'Namespace'
    ? f.resource.name
    : f.resource.namespace;
}

function clusterPostures(
  cluster: ClusterModel,
  findings: Finding[],
): NamespacePosture[] {
  const findingCounts = new Map<string, number>();
  for (const f of findings) {
    const ns = findingNamespace(f);
    if (f.resource.cluster === cluster.name && ns) {
      findingCounts.set(ns, (findingCounts.get(ns) ?? 0) + 1);
    }
  }
  const names = new Set([
    ...cluster.namespaces.keys(),
    ...cluster.workloadsByNamespace.keys(),
  ]);
  return [...names].sort().map(namespace => {
    const pod = newPodIn(namespace);
    const membership = meshMembership(cluster.namespaces.get(namespace), pod);
    const mtls = effectiveMtls(
      peerAuthenticationScopes(
        cluster.state.mesh,
        pod,
        cluster.peerAuthenticationsFor(namespace),
      ),
    );
    return {
      cluster: cluster.name,
      namespace,
      injection: membership.mode,
      ...(membership.revision ? { revision: membership.revision } : {}),
      mtls: mtls.mode,
      defaultDeny: cluster.hasDefaultDeny(namespace),
      networkDefaultDeny: hasNetworkDefaultDeny(cluster, namespace),
      workloads: cluster.workloadsByNamespace.get(namespace)?.length ?? 0,
      findings: findingCounts.get(namespace) ?? 0,
    };
  });
}

/** Every namespace's zero-trust posture, cluster by cluster. @public */
export function namespacePostures(
  model: MeshModel,
  findings: Finding[],
): NamespacePosture[] {
  return model.clusters.flatMap(c => clusterPostures(c, findings));
}
