import type { AllowedCaller } from '../engine/callers';
import type { Decision } from '../engine/authorization';
import type { EffectiveMtlsMode } from '../engine/peerAuthentication';

/** How Istio's metrics name the traffic's protocol (`request_protocol`). @public */
export type TrafficProtocol = 'http' | 'grpc' | 'tcp';

/** The calling side of observed traffic, as the destination's proxy reported it. @public */
export interface ObservedSource {
  /** `TD/ns/NS/sa/SA` from the peer certificate; absent when Istio reports `unknown` (plaintext). */
  principal?: string;
  /** `source_workload_namespace`; absent when `unknown`. */
  namespace?: string;
  /** `source_workload` (the Deployment's or other controller's name); absent when `unknown`. */
  workload?: string;
  /** `source_cluster`, where set. */
  cluster?: string;
}

/**
 * One source → one destination workload over the window, summed from Istio's standard
 * metrics as the destination reports them (`reporter="destination"`, or an ambient
 * waypoint for the requests it handles, `reporter="waypoint"`): requests
 * (`istio_requests_total`) or TCP connections opened (`istio_tcp_connections_opened_total`).
 * @public
 */
export interface ObservedTraffic {
  /** The suite's name of the cluster whose Prometheus reported it. */
  cluster: string;
  destination: {
    namespace: string;
    workload: string;
    /** The target port, where the metrics carry one (a `destination_port` label). */
    port?: number;
  };
  source: ObservedSource;
  protocol: TrafficProtocol;
  /** Requests (HTTP, gRPC) or connections opened (TCP) in the window. */
  count: number;
  /**
   * Of them, refused by an AuthorizationPolicy (HTTP 403 from the destination's proxy).
   * Absent for TCP: a connection the RBAC network filter closes is counted as opened and
   * no standard label marks it.
   */
  denied?: number;
  /** Of them, not over mutual TLS (`connection_security_policy` other than `mutual_tls`). */
  plaintext: number;
  /** ISO time of the last one seen, where known. */
  lastSeen?: string;
}

/** The window the traffic was summed over. @public */
export interface UsageWindow {
  /** As Prometheus writes it, e.g. `7d`. */
  duration: string;
  /** ISO times. */
  start: string;
  end: string;
}

/** One observed source's share of a caller entry's use. @public */
export interface ObservedUse {
  source: ObservedSource;
  /** Requests or connections let through in the window. */
  count: number;
  lastSeen?: string;
}

/** Whether an allowed caller was seen in the window. @public */
export type CallerUsage =
  | {
      state: 'used';
      window: UsageWindow;
      /** Requests or connections let through. */
      count: number;
      lastSeen?: string;
      /** Target ports seen, where the metrics carry them. */
      ports?: number[];
      /** The identities seen that this entry stands for (several for a namespace). */
      observed: ObservedUse[];
    }
  | { state: 'unused'; window: UsageWindow };

/** An allowed caller with its usage. @public */
export interface AllowedCallerUsage {
  caller: AllowedCaller;
  usage: CallerUsage;
}

/**
 * A source seen calling that is not allowed: refused attempts, or traffic the allowed
 * callers do not account for.
 * @public
 */
export interface NotAllowedCaller {
  source: ObservedSource;
  /** A person's wording: the workload, else the identity, else `a caller without identity`. */
  label: string;
  /** Every request or connection it made. */
  count: number;
  /** Of them, refused by an AuthorizationPolicy (absent for TCP only traffic). */
  denied?: number;
  lastSeen?: string;
  /** What `check` says for this source today (DENY confirms the refusals). */
  decision: Decision;
  /** Whether some allowed caller entry stands for it (refused on some requests only). */
  allowedEntry: boolean;
}

/** Plaintext traffic seen to a workload, and whether its mTLS mode refuses or accepts it. @public */
export interface PlaintextObservation {
  source: ObservedSource;
  label: string;
  /** Requests or connections not over mutual TLS. */
  count: number;
  lastSeen?: string;
  /** The workload's effective mTLS mode (on the port, where known). */
  mode: EffectiveMtlsMode;
  /** `refused` under STRICT (the attempts fail), `accepted` under PERMISSIVE or DISABLE. */
  verdict: 'refused' | 'accepted';
}

/** A workload's allowed callers against the traffic seen in the window. @public */
export interface WorkloadUsage {
  /** `CLUSTER/NAMESPACE/NAME`. */
  workload: string;
  window: UsageWindow;
  callers: AllowedCallerUsage[];
  /** Sources seen that no allowed caller accounts for, or that were refused. */
  notAllowed: NotAllowedCaller[];
  plaintext: PlaintextObservation[];
}

/**
 * Whether the usage in an answer could be read: `not-configured` (with a one-line
 * how-to), `ok` (with the window), `failed` (with the reason). Never an empty answer
 * that looks like a clean one.
 * @public
 */
export type TelemetryStatus =
  | { state: 'not-configured'; message: string }
  | { state: 'ok'; window: UsageWindow; queriedAt: string }
  | { state: 'failed'; message: string };
