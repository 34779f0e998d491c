/**
 * The REST API of the zero-trust backend (`/api/zero-trust`), as the frontend, the
 * scaffolder module and other clients read it. The backend answers with exactly these
 * shapes; the engine's own report types are reused where the API shows them unchanged.
 */
import type { AllowedCaller } from '../engine/callers';
import type { ClusterSummary, WorkloadView } from '../report/analyze';
import type { CheckQuery, CheckResult } from '../engine/check';
import type { Finding } from '../findings/detect';
import type { ClusterCaveat } from './caveats';
import type { OnboardingPreview } from '../onboarding/types';
import type {
  CallerUsage,
  NotAllowedCaller,
  PlaintextObservation,
  TelemetryStatus,
} from '../usage/types';

/**
 * How current a cluster's state is.
 * - `synced`: every resource it reads is current (listed, and its watch open and
 *   talking); resources it was never allowed to read are named in `degraded`.
 * - `syncing`: the first list has not finished; no state yet.
 * - `stale`: reading some resource fails (see `staleResources`); the last good state
 *   is served, and may no longer match the cluster.
 * - `failed`: no state could ever be read, or the cluster's configuration is wrong
 *   (see `message`).
 * @public
 */
export type ClusterSyncState = 'synced' | 'syncing' | 'stale' | 'failed';

/** A resource kind a cluster source could not read, e.g. for lack of RBAC. @public */
export interface DegradedResource {
  /** e.g. `authorizationpolicies.security.istio.io` */
  resource: string;
  message: string;
}

/** A resource that was read before and whose reads now fail; its last good objects are served. @public */
export interface StaleResource {
  /** e.g. `destinationrules.networking.istio.io` */
  resource: string;
  message: string;
  /** ISO time its reads started failing. */
  since: string;
}

/** @public */
export interface ClusterStatus {
  state: ClusterSyncState;
  /**
   * `live` reads an API server; `snapshot` a folder of manifests; `git` a GitOps
   * repository's branch, standing in for what its controller applies.
   */
  source: 'live' | 'snapshot' | 'git';
  /** ISO time of the last moment the state was known complete and current. */
  lastSyncedAt?: string;
  /** ISO time the state stopped being current (only when `stale`). */
  staleSince?: string;
  /** Why it is stale or failed, in a sentence a person understands. */
  message?: string;
  /** Kinds it was never allowed to read; the state lacks them, so answers about them are incomplete. */
  degraded: DegradedResource[];
  /** Only when `stale`: the kinds whose reads fail, each with the reason. */
  staleResources?: StaleResource[];
  /**
   * Only for a cluster read from manifests (`snapshot`, `git`): what reading them skipped
   * or did not follow (a Helm chart folder, an Application of another repository, a
   * remote kustomize resource), and that no workload was found where none was, one
   * sentence each. Answers lack what these name.
   */
  notes?: string[];
}

/** `GET /clusters` → `{ items: ClusterInfo[] }`. @public */
export interface ClusterInfo {
  name: string;
  /** Known once the cluster has been read; absent while `syncing` or `failed`. */
  summary?: ClusterSummary;
  status: ClusterStatus;
}

/** @public */
export interface ClustersResponse {
  items: ClusterInfo[];
}

/** An allowed caller with the catalog entities its identity belongs to. @public */
export interface ResolvedCaller extends AllowedCaller {
  /**
   * Catalog entity refs (`component:default/reviews`) whose workloads run as this caller's
   * identity. Empty for wider sources (a namespace, anyone) and for identities no catalog
   * entity claims.
   */
  entityRefs: string[];
  /**
   * Used or unused over the telemetry window, where the cluster's telemetry was read
   * (`ClusterSecurity.telemetry` is `ok`); absent otherwise.
   */
  usage?: CallerUsage;
}

/** One workload of an entity, as the Security tab shows it. @public */
export interface SecurityWorkload extends Omit<WorkloadView, 'allowedCallers'> {
  allowedCallers: ResolvedCaller[];
  /**
   * The findings that concern this workload, worst first. A finding's `workloads` lists
   * only the entity's own here (ZT035 can affect every workload of a cluster); `GET
   * /findings` lists them all.
   */
  findings: Finding[];
  /**
   * Only where the cluster's telemetry was read: the sources seen calling that no
   * allowed caller accounts for, or that were refused.
   */
  notAllowedCallers?: NotAllowedCaller[];
  /** Only where the cluster's telemetry was read: plaintext traffic seen to it. */
  plaintextObserved?: PlaintextObservation[];
}

/** An entity's state in one cluster. @public */
export interface ClusterSecurity {
  cluster: string;
  status: ClusterStatus;
  /** The workloads the entity's annotations select there; may be empty. */
  workloads: SecurityWorkload[];
  /**
   * Findings about the namespace that concern these workloads' security (e.g. no
   * default-deny), and those about cluster-scoped objects, which concern every namespace
   * (e.g. a cluster-wide Cilium policy not read).
   */
  namespaceFindings: Finding[];
  /**
   * Whether the callers' usage could be read from the cluster's Prometheus:
   * `not-configured` (how to connect one), `ok` (the window), `failed` (why).
   */
  telemetry: TelemetryStatus;
}

/** How the backend found an entity's workloads (Backstage's kubernetes annotations). @public */
export interface EntityWorkloadSelector {
  /** `backstage.io/kubernetes-id`: matches the label `backstage.io/kubernetes-id=<id>`. */
  kubernetesId?: string;
  /** `backstage.io/kubernetes-label-selector`, e.g. `app=inventory`. */
  labelSelector?: string;
  /** `backstage.io/kubernetes-namespace`; absent means every namespace. */
  namespace?: string;
  /** `backstage.io/kubernetes-cluster`; absent means every cluster. */
  cluster?: string;
}

/** `GET /entities/:kind/:namespace/:name/security`. @public */
export interface EntitySecurityResponse {
  entityRef: string;
  selector: EntityWorkloadSelector;
  /** One entry per cluster the entity may run in (all clusters unless annotated). */
  clusters: ClusterSecurity[];
}

/** `POST /check`: the CLI's check query, with the cluster where there are several. @public */
export interface CheckRequest extends CheckQuery {}

/**
 * The CLI's check answer; `caveats` names the clusters it was computed from that are
 * not complete and current (absent when all are). @public
 */
export type CheckResponse = CheckResult & { caveats?: ClusterCaveat[] };

/**
 * `POST /onboarding/preview`: the engine's preview; `caveats` names the clusters it was
 * computed from (the service's, and its callers') that are not complete and current. @public
 */
export type OnboardingPreviewResponse = OnboardingPreview & {
  caveats?: ClusterCaveat[];
};

/** One mesh identity, for the template's callers picker. @public */
export interface MeshIdentity {
  /** `TRUST_DOMAIN/ns/NS/sa/SA`, as AuthorizationPolicy `principals` name it. */
  principal: string;
  spiffeId: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
  /** `NAMESPACE/NAME` of each workload that runs as this identity. */
  workloads: string[];
  /** Catalog entities whose workloads run as it. */
  entityRefs: string[];
}

/** `GET /identities` → `{ items: MeshIdentity[] }`. @public */
export interface IdentitiesResponse {
  items: MeshIdentity[];
  /** The clusters not complete and current, whose identities may be missing or wrong. */
  caveats?: ClusterCaveat[];
}

/** The error body of every non-2xx answer (Backstage's `ErrorResponseBody`). @public */
export interface ApiErrorBody {
  error: { name: string; message: string };
  request?: { method: string; url: string };
  response: { statusCode: number };
}
