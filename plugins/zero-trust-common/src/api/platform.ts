/**
 * The platform page's part of the REST API: mesh-wide findings and the posture of each
 * namespace. The backend answers with exactly these shapes.
 */
import type { Finding } from '../findings/detect';
import type { Severity } from '../findings/catalogue';
import type { ClusterCaveat } from './caveats';
import type { NamespacePosture } from '../report/posture';
import type { TrustView } from '../report/trustView';
import type {
  AnyHostEgress,
  EgressInventoryItem,
  ExposureInventoryItem,
} from '../report/inventory';
import type { TelemetryStatus } from '../usage/types';
import type { UsageRankingItem } from '../usage/usageRanking';

export type { NamespacePosture };

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

/** `GET /namespaces` → the posture of every namespace in every cluster. @public */
export interface NamespacesResponse {
  /** One entry per namespace, grouped by cluster. */
  items: NamespacePosture[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}

/**
 * `GET /trust` → the Trust view: each cluster's CA and the certificates it trusts (with
 * their ends), which clusters' workloads authenticate to which (and how, or why not), and
 * the certificate findings. @public
 */
export interface TrustResponse extends TrustView {
  /** Findings ZT024-ZT030, worst first. */
  findings: Finding[];
  /** Clusters not complete and current, whose trust shown may be wrong. */
  caveats?: ClusterCaveat[];
}

/** The query of `GET /exposure` and `GET /egress`; every field narrows the answer. @public */
export interface EdgesQuery {
  /** Only this cluster's. */
  cluster?: string;
  /**
   * Only this namespace's: the exposed Service's (exposure), the ServiceEntry's or a
   * caller's (egress).
   */
  namespace?: string;
}

/** `GET /exposure?cluster=&namespace=` → every way in from outside. @public */
export interface ExposureResponse {
  items: ExposureInventoryItem[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}

/** `GET /egress?cluster=&namespace=` → every external host, and who may reach it. @public */
export interface EgressResponse {
  items: EgressInventoryItem[];
  /** Workloads that may reach any host (ALLOW_ANY), by what decided it. */
  anyHost: AnyHostEgress[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}

/** Whether one cluster's usage could be read from its Prometheus. @public */
export interface ClusterTelemetryStatus {
  cluster: string;
  telemetry: TelemetryStatus;
}

/**
 * `GET /usage?cluster=&namespace=` → services ranked by unused permissions: allowed
 * callers unused over the window, then sources refused. Only clusters whose telemetry
 * is `ok` are ranked; `clusters` says for each why or why not.
 * @public
 */
export interface UsageResponse {
  items: UsageRankingItem[];
  /** Every queried cluster's telemetry status. */
  clusters: ClusterTelemetryStatus[];
  /** The clusters they come from that are not complete and current, and what that may change. */
  caveats?: ClusterCaveat[];
}
