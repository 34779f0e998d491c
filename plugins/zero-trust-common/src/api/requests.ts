/**
 * The onboarding requests part of the REST API: every pull request the scaffolder's
 * `zero-trust:gitops:pull-request` action opened, followed to its merge and to the moment
 * the live cluster holds what was asked. The backend answers with exactly these shapes.
 */
import type { OnboardingRequestState } from '../onboarding/requestStates';
import type {
  OnboardingRequest,
  OnboardingResource,
} from '../onboarding/types';
import type { TelemetryStatus } from '../usage/types';

export type { OnboardingRequestState };

/** Where the pull request lives: GitHub, GitLab, or a plain git branch. @public */
export type OnboardingForgeProvider = 'github' | 'gitlab' | 'git';

/** The pull request (GitHub), merge request (GitLab) or pushed branch (plain git). @public */
export interface OnboardingPullRequest {
  provider: OnboardingForgeProvider;
  /** The forge's host (`github.com`, `gitlab.example.com`); absent for plain git. */
  host?: string;
  /**
   * `owner/repo` on GitHub, the project's full path (`group/subgroup/name`) on GitLab,
   * the remote's URL for plain git (never with credentials).
   */
  repository: string;
  /** The pull request's page; for plain git, the branch's link. */
  url: string;
  /** The pull request number (the merge request IID on GitLab); absent for plain git. */
  number?: number;
  /** The branch holding the change. */
  branch: string;
  /** The branch the change merges into. */
  baseBranch: string;
  /** The commit the action pushed (or found) on `branch`: what merging must bring in. */
  headSha: string;
}

/** A generated resource, as drift names it. @public */
export interface OnboardingResourceRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * What the pull request asks the cluster to hold, as generated. Convergence compares the
 * live cluster against it as the cluster's GitOps controller renders it (an overlay's
 * patches included) where the backend knows the cluster's GitOps repository, else
 * against exactly this.
 *
 * @public
 */
export interface OnboardingChangeSummary {
  /** The namespace the service runs in. */
  namespace: string;
  /** Labels the namespace must carry (e.g. `istio-injection: enabled`). */
  namespaceLabels: Record<string, string>;
  /** The resources as generated: kind, namespace, name and spec. */
  resources: OnboardingResource[];
}

/** One field whose live value is not the generated one. @public */
export interface OnboardingSpecDifference {
  /** A JSON path into `spec`, such as `rules[0].from[0].source.principals[1]`. */
  path: string;
  /** The generated value; absent where the live object has a field the change does not. */
  expected?: unknown;
  /** The live value; absent where the live object lacks the field. */
  actual?: unknown;
}

/**
 * One way the live cluster differs from what the request asked for. `message` says it in
 * a sentence; the other fields say it for a program.
 *
 * @public
 */
export type OnboardingDrift =
  | { type: 'missingNamespace'; namespace: string; message: string }
  | {
      type: 'missingLabel';
      namespace: string;
      label: string;
      expected: string;
      /** The label's live value; absent where the namespace does not carry it. */
      actual?: string;
      message: string;
    }
  | {
      type: 'missingResource';
      resource: OnboardingResourceRef;
      message: string;
    }
  | {
      type: 'differentSpec';
      resource: OnboardingResourceRef;
      differences: OnboardingSpecDifference[];
      message: string;
    };

/** One onboarding request and what became of it. @public */
export interface OnboardingRequestRecord {
  /** The record's id (`GET /onboarding/requests/:id`). */
  id: string;
  state: OnboardingRequestState;
  /** The onboarding request as the template sent it (see this package's README, "The onboarding request"). */
  request: OnboardingRequest;
  /** Who asked: the user entity ref the scaffolder task ran for. */
  requestedBy?: string;
  /** The catalog entity the service belongs to (`component:default/inventory-api`). */
  entityRef?: string;
  cluster: string;
  namespace: string;
  service: string;
  pullRequest: OnboardingPullRequest;
  /** What the change asks the cluster to hold. */
  change: OnboardingChangeSummary;
  /** How the live cluster differs from `change`; empty unless `drifted` (or `merged` and waiting). */
  drift: OnboardingDrift[];
  /** Why the last check could not read the forge, the repository or the cluster. */
  lastError?: string;
  /** ISO times. */
  createdAt: string;
  updatedAt: string;
  mergedAt?: string;
  convergedAt?: string;
  lastCheckedAt?: string;
  /** Only for a request with `rollout: dry-run`: what its policies would deny. */
  dryRun?: OnboardingDryRunEvidence;
}

/**
 * What one workload's proxy counted for its dry-run policies on one port over the
 * window: Envoy's shadow RBAC stats (`shadow_denied`, `shadow_allowed`), read from the
 * cluster's Prometheus. @public
 */
export interface DryRunObservation {
  namespace: string;
  /** The workload whose proxy counted (its pods' Deployment or StatefulSet). */
  workload: string;
  /** The inbound listener's port, where the stat names one (HTTP; a TCP stat names none). */
  port?: number;
  /** `http`: requests (the HTTP RBAC filter); `tcp`: connections (the network one). */
  protocol: 'http' | 'tcp';
  /**
   * Which dry-run policies: the proxy counts the ALLOW ones and the DENY ones apart (a
   * request can pass one and fail the other).
   */
  action: 'allow' | 'deny';
  /** Requests or connections the dry-run policies would have refused. */
  wouldDeny: number;
  /** Requests or connections they would have let through. */
  wouldAllow: number;
}

/** A workload the request's dry-run policies are bound to in the cluster now. @public */
export interface DryRunWorkload {
  namespace: string;
  name: string;
  /** `NAMESPACE/NAME` of the request's dry-run policies bound to it. */
  policies: string[];
  /**
   * The engine's reading of the policies (the Security tab's dry-run card): callers
   * allowed today that enforcing the workload's dry-run policies would deny.
   */
  wouldDenyCallers: string[];
  /** Callers denied today that enforcing them would allow. */
  wouldAllowCallers: string[];
}

/**
 * A dry-run onboarding's evidence: the workloads its policies are bound to, and what
 * their proxies counted over the telemetry window. `telemetry` says why there are no
 * counts (`not-configured` with how to connect a Prometheus, `failed` with the reason);
 * with `ok`, `observations` holds every count (empty: the proxies counted nothing).
 *
 * @public
 */
export interface OnboardingDryRunEvidence {
  /** Empty until the policies are in the cluster as dry-run (see `note`). */
  workloads: DryRunWorkload[];
  telemetry: TelemetryStatus;
  /** Only with `telemetry.state` `ok`: the counts of the workloads above. */
  observations?: DryRunObservation[];
  /** Only with `ok`: requests and connections the dry-run policies would have refused, summed over the observations. */
  wouldDeny?: number;
  /** Only with `ok`: those they would have let through. */
  wouldAllow?: number;
  /** Why there is nothing to count: not merged yet, not in the cluster, no longer dry-run. */
  note?: string;
  /**
   * The request converged and no workload has its policies as dry-run any more: the
   * cluster holds them enforced (a promotion was merged).
   */
  enforced?: true;
}

/**
 * `GET /onboarding/requests?state=&cluster=&entity=&owner=` → the requests the caller may
 * see, newest first. Every field narrows the answer.
 *
 * @public
 */
export interface OnboardingRequestsQuery {
  state?: OnboardingRequestState;
  cluster?: string;
  /** An entity ref; the kind defaults to `component` and the namespace to `default`. */
  entity?: string;
  /** The entity's `spec.owner`, as an entity ref (kind defaults to `group`). */
  owner?: string;
}

/** @public */
export interface OnboardingRequestsResponse {
  items: OnboardingRequestRecord[];
}

/**
 * `POST /onboarding/requests` (service principals only: the scaffolder action records what
 * it opened). Re-recording the same cluster/namespace/service and pull request URL updates
 * that record: 201 with the new record, 200 with the updated one.
 *
 * @public
 */
export interface OnboardingRequestRecordInput {
  request: OnboardingRequest;
  requestedBy?: string;
  entityRef?: string;
  cluster: string;
  namespace: string;
  service: string;
  pullRequest: OnboardingPullRequest;
  change: OnboardingChangeSummary;
}
