import type {
  DryRunObservation,
  DryRunWorkload,
  OnboardingDryRunEvidence,
  OnboardingRequestRecord,
  TelemetryStatus,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { telemetryNotConfiguredMessage } from '@zero-trust/backstage-plugin-zero-trust-node/telemetry';
import { MeshView } from '../clusters/MeshView';
import { TelemetryReading } from '../telemetry/ClusterTelemetry';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * A dry-run onboarding's evidence (undefined for an enforced one): the workloads of the
 * request's cluster its AuthorizationPolicies are bound to as dry-run now (the engine's
 * dry-run view, with the callers it says they would deny), and their proxies' shadow
 * RBAC counts from the cluster's telemetry reading. Where the counts cannot be read,
 * `telemetry` says why: never an empty list that reads as "would deny nothing".
 */
export function dryRunEvidence(
  record: OnboardingRequestRecord,
  view: MeshView,
  reading: TelemetryReading,
): OnboardingDryRunEvidence | undefined {
  if (record.request.rollout !== 'dry-run') return undefined;
  const policies = new Set(
    record.change.resources
      .filter(r => r.kind === 'AuthorizationPolicy')
      .map(r => `${r.metadata.namespace}/${r.metadata.name}`),
  );
  const workloads: DryRunWorkload[] = (
    view.model.cluster(record.cluster)?.workloads ?? []
  ).flatMap(w => {
    const dryRun = view.view(w).dryRun;
    const mine = dryRun?.policies.filter(p => policies.has(p)) ?? [];
    return dryRun && mine.length
      ? [
          {
            namespace: w.namespace,
            name: w.workload.name,
            policies: mine,
            wouldDenyCallers: dryRun.wouldDeny,
            wouldAllowCallers: dryRun.wouldAllow,
          },
        ]
      : [];
  });
  const note = workloads.length ? undefined : noteWithoutWorkloads(record);
  // Converged: the cluster holds the request's policies (their specs); none dry-run.
  const enforced =
    !workloads.length && record.state === 'converged'
      ? { enforced: true as const }
      : {};
  const telemetry = evidenceStatus(record.cluster, reading);
  if (telemetry.state !== 'ok' || !reading.dryRun) {
    return { workloads, telemetry, ...(note ? { note } : {}), ...enforced };
  }
  const names = new Set(workloads.map(w => `${w.namespace}/${w.name}`));
  const observations: DryRunObservation[] = reading.dryRun
    .filter(r => names.has(`${r.namespace}/${r.workload}`))
    .map(r => ({
      namespace: r.namespace,
      workload: r.workload,
      ...(r.port !== undefined ? { port: r.port } : {}),
      protocol: r.protocol,
      action: r.action,
      wouldDeny: r.wouldDeny,
      wouldAllow: r.wouldAllow,
    }));
  return {
    workloads,
    telemetry,
    observations,
    wouldDeny: sum(observations.map(o => o.wouldDeny)),
    wouldAllow: sum(observations.map(o => o.wouldAllow)),
    ...(note ? { note } : {}),
    ...enforced,
  };
}

function noteWithoutWorkloads(record: OnboardingRequestRecord): string {
  if (record.state === 'open') {
    return 'The pull request is not merged: its dry-run policies are not in the cluster yet.';
  }
  if (record.state === 'closed') {
    return 'The pull request was closed without merging: its policies never reached the cluster.';
  }
  if (record.state === 'converged') {
    return 'Its policies are enforced now: the cluster holds them without istio.io/dry-run (a promotion was merged).';
  }
  return `No workload of cluster ${record.cluster} has the request's policies as dry-run: they are not in the cluster yet, or no longer dry-run (enforced by a promotion, or removed).`;
}

/** The reading's status, as it concerns the dry-run results. */
function evidenceStatus(
  cluster: string,
  reading: TelemetryReading,
): TelemetryStatus {
  if (reading.status.state === 'not-configured') {
    return {
      state: 'not-configured',
      message: telemetryNotConfiguredMessage(
        cluster,
        "what the dry-run policies would deny (Envoy's shadow RBAC stats)",
      ),
    };
  }
  if (reading.status.state === 'ok' && reading.dryRunError) {
    return {
      state: 'failed',
      message: `The dry-run results could not be read: ${reading.dryRunError}`,
    };
  }
  return reading.status;
}
