/**
 * The platform page's part of the REST API: mesh-wide findings and the posture of each
 * namespace. The backend answers with exactly these shapes.
 */
import type { EffectiveMtlsMode } from '../engine/peerAuthentication';
import type { MeshMode } from '../engine/membership';
import type { Finding } from '../findings/detect';
import type { Severity } from '../findings/catalogue';
import type { ClusterCaveat } from './caveats';

/** The query of `GET /findings`; every field is optional and narrows the answer. @public */
export interface FindingsQuery {
  /** Only findings of this severity. */
  severity?: Severity;
  /** Only findings about resources in this cluster. */
  cluster?: string;
  /** Only findings about resources in this namespace (in any cluster unless `cluster` is set). */
  namespace?: string;
}

/** `GET /findings?severity=&cluster=&namespace=` → the mesh-wide findings. @public */
export interface FindingsResponse {
  /** Every finding that passes the query, worst first. */
  items: Finding[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}

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
  /** How many workloads run in the namespace. */
  workloads: number;
  /** How many findings concern the namespace or its resources. */
  findings: number;
}

/** `GET /namespaces` → the posture of every namespace in every cluster. @public */
export interface NamespacesResponse {
  /** One entry per namespace, grouped by cluster. */
  items: NamespacePosture[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}
