import type { DiffReport } from '../report/diff';
import type { WorkloadView } from '../report/analyze';

/** A port protocol as the onboarding request names it. @public */
export type OnboardingProtocol = 'HTTP' | 'HTTP2' | 'GRPC' | 'TCP' | 'TLS';

/** One of the service's target (container) ports. @public */
export interface OnboardingPort {
  name?: string;
  port: number;
  /** Default: the protocol its Service port declares, else HTTP (Istio sniffs it). */
  protocol?: OnboardingProtocol;
}

/** What a caller may be narrowed to. @public */
export interface OnboardingCallerNarrowing {
  /** Target ports; default: every port of the request. */
  ports?: number[];
  methods?: string[];
  paths?: string[];
}

/**
 * Who may call the service: exactly one of `workload` (`NAMESPACE/NAME` or
 * `CLUSTER/NAMESPACE/NAME`), `principal` (`TRUST_DOMAIN/ns/NS/sa/SA`), `namespace`, or
 * `entityRef` (Backstage only: resolved through the catalog before planning).
 *
 * @public
 */
export type OnboardingCaller = OnboardingCallerNarrowing &
  (
    | { workload: string }
    | { principal: string }
    | { namespace: string }
    | { entityRef: string }
  );

/**
 * A ServiceEntry port protocol
 * (https://istio.io/latest/docs/reference/config/networking/service-entry/#ServicePort).
 *
 * @public
 */
export type OnboardingEgressProtocol =
  | 'HTTP'
  | 'HTTPS'
  | 'HTTP2'
  | 'GRPC'
  | 'TLS'
  | 'TCP';

/** An external host the service may call: a ServiceEntry, exported to its namespace only. @public */
export interface OnboardingEgress {
  /** A fully qualified DNS name, no wildcard (resolution DNS needs one). */
  host: string;
  ports: number[];
  /** Default: TLS on 443, HTTP on 80; required for any other port. */
  protocol?: OnboardingEgressProtocol;
}

/**
 * Istio's HTTPRetry
 * (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry).
 *
 * @public
 */
export interface OnboardingRetries {
  /** Retries after the first try; 0 turns Istio's default retries off. */
  attempts: number;
  /** A duration such as `10s` or `500ms`. */
  perTryTimeout?: string;
  /** Envoy's retry policies (`5xx,reset,connect-failure`) and HTTP status codes. */
  retryOn?: string;
}

/**
 * Istio's OutlierDetection
 * (https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection).
 *
 * @public
 */
export interface OnboardingOutlierDetection {
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  interval?: string;
  baseEjectionTime?: string;
  maxEjectionPercent?: number;
}

/** Resilience settings, as the service's callers get them. @public */
export interface OnboardingTraffic {
  /** The whole request's timeout, retries included (the VirtualService route's `timeout`). */
  timeout?: string;
  retries?: OnboardingRetries;
  outlierDetection?: OnboardingOutlierDetection;
}

/** @public */
export type OnboardingDataplane = 'sidecar' | 'ambient';

/** @public */
export type OnboardingMtlsMode = 'STRICT' | 'PERMISSIVE';

/**
 * `enforce` (the default), or `dry-run`: every AuthorizationPolicy the plan generates
 * carries `istio.io/dry-run: "true"`, so the proxies log what it would decide and enforce
 * nothing (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/).
 *
 * @public
 */
export type OnboardingRollout = 'enforce' | 'dry-run';

/**
 * One service joining the mesh (this package's README: "The onboarding request").
 *
 * @public
 */
export interface OnboardingRequest {
  service: string;
  namespace: string;
  /** Required where several clusters are configured. */
  cluster?: string;
  /** Default: the workload's, else `service`. */
  serviceAccount?: string;
  /** Default: the workload's pod labels, else `app=<service>`. */
  selector?: Record<string, string>;
  /** Target ports. Default: the workload's. */
  ports?: OnboardingPort[];
  /** Default `sidecar`. */
  dataplane?: OnboardingDataplane;
  /** Label `istio.io/rev=<revision>` instead of `istio-injection=enabled`. */
  revision?: string;
  /** Default `STRICT`; `PERMISSIVE` is a migration step. */
  mtlsMode?: OnboardingMtlsMode;
  /** Default true: add the namespace's allow-nothing policy if it has none. */
  namespaceDefaultDeny?: boolean;
  /** Who may call; an empty list means nobody. */
  allowedCallers: OnboardingCaller[];
  /** Default false: also a Kubernetes NetworkPolicy admitting exactly these callers. */
  networkPolicy?: boolean;
  /** External hosts the service may call (a ServiceEntry each), for REGISTRY_ONLY meshes. */
  egress?: OnboardingEgress[];
  /** Timeout and retries (a VirtualService), outlier detection (the DestinationRule). */
  traffic?: OnboardingTraffic;
  /** Default `enforce`; `dry-run` generates the AuthorizationPolicies logged, not enforced. */
  rollout?: OnboardingRollout;
}

/** A port with its protocol resolved. @public */
export interface ResolvedOnboardingPort extends OnboardingPort {
  protocol: OnboardingProtocol;
}

/** The request with every default filled in from the cluster state. @public */
export interface ResolvedOnboardingRequest extends OnboardingRequest {
  cluster: string;
  serviceAccount: string;
  selector: Record<string, string>;
  ports: ResolvedOnboardingPort[];
  dataplane: OnboardingDataplane;
  mtlsMode: OnboardingMtlsMode;
  namespaceDefaultDeny: boolean;
  rollout: OnboardingRollout;
}

/** A Kubernetes manifest the onboarding wants to exist. @public */
export interface OnboardingResource {
  apiVersion: string;
  kind: string;
  /**
   * `labels` only where Istio reads them (a waypoint's `istio.io/waypoint-for`),
   * `annotations` only for `istio.io/dry-run` on the AuthorizationPolicies of a dry-run
   * rollout.
   */
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** What onboarding a service changes, before it is written anywhere. @public */
export interface OnboardingPlan {
  request: ResolvedOnboardingRequest;
  cluster: string;
  trustDomain: string;
  /** `spiffe://TD/ns/NS/sa/SA` of the service. */
  spiffeId: string;
  /** `TD/ns/NS/sa/SA`, as AuthorizationPolicies name it. */
  principal: string;
  /** `CLUSTER/NAMESPACE/NAME` of the existing workloads the selector picks; empty for a new service. */
  workloads: string[];
  /** Labels the namespace must carry. */
  namespaceLabels: Record<string, string>;
  /** Manifests that must exist; names are deterministic, so a re-run finds its own. */
  resources: OnboardingResource[];
  /** What a reviewer should know (PERMISSIVE, ambient L7, policies left in place...). */
  notes: string[];
}

/** One ingress rule of the service's NetworkPolicy, as a reviewer reads it. @public */
export interface NetworkPolicyAdmission {
  /** Its peers in words, e.g. `pods labelled app=web in namespace shop`. */
  pods: string[];
  /** The known workloads (`CLUSTER/NAMESPACE/NAME`) whose pods those peers select. */
  workloads: string[];
  /** The TCP ports those pods may connect to (15008 among them in ambient mode). */
  ports: number[];
}

/** Callers of another workload that Istio still allows and the NetworkPolicies now drop. @public */
export interface NetworkCutOff {
  workload: string;
  callers: { label: string; ports: number[]; policies: string[] }[];
}

/**
 * What `networkPolicy: true` adds and what it changes, computed by the engine on the
 * cluster before and after the change. @public
 */
export interface NetworkPolicyPreview {
  /** `NAMESPACE/NAME` of the NetworkPolicy selecting the service. */
  policy: string;
  admits: NetworkPolicyAdmission[];
  /** Ambient only: HBONE's port (15008), which each rule admits beside the target ports. */
  hbonePort?: number;
  /** The namespace's default-deny NetworkPolicy, where the change adds one. */
  defaultDeny?: {
    policy: string;
    /** The namespace's other workloads that no NetworkPolicy isolated for ingress before. */
    isolated: string[];
  };
  /** The namespace's other workloads that lose callers at the network layer. */
  cutOff: NetworkCutOff[];
}

/** The onboarding's effect on access, as the preview endpoint and the pull request show it. @public */
export interface OnboardingPreview {
  plan: OnboardingPlan;
  /** The workload's view today; null where it is not in the cluster yet. */
  before: WorkloadView | null;
  after: WorkloadView;
  diff: DiffReport;
  /** Only with `networkPolicy: true`. */
  networkPolicy?: NetworkPolicyPreview;
}

/** One problem with a request: a JSON path such as `allowedCallers[1].ports[0]`, and what is wrong. @public */
export interface OnboardingIssue {
  path: string;
  message: string;
}
