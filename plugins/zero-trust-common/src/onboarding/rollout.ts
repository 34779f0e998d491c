import { dryRunAnnotation } from '../model/buildClusterState';
import { Planner } from './Planner';
import {
  OnboardingDataplane,
  OnboardingResource,
  OnboardingRollout,
} from './types';

/** The template that enforces a dry-run onboarding's policies, as notes name it. */
export const promoteTemplateTitle = 'Enforce dry-run policies';

/**
 * A dry-run rollout: every AuthorizationPolicy of the plan carries
 * `istio.io/dry-run: "true"`, which a sidecar or waypoint turns into the RBAC filter's
 * shadow rules, logged (the proxy's `rbac` debug log, the `shadow_allowed` and
 * `shadow_denied` counters of its RBAC stats) and never enforced
 * (https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/).
 *
 * Refused in ambient mode: the service's policies (and the namespace's allow-nothing) are
 * ztunnel's, and istiod does not send ztunnel a dry-run policy at all unless
 * AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is set (it sets an `UnsupportedValue`
 * status on it instead: convertAuthorizationPolicy in
 * pilot/pkg/serviceregistry/ambient/authorization.go), so a dry run there would be
 * neither enforced nor logged: a rollout that shows nothing, which the engine also reads
 * so (enforcement.ts: "dry-run: ztunnel neither enforces nor logs it").
 */
export function applyRollout(
  p: Planner,
  rollout: OnboardingRollout,
  dataplane: OnboardingDataplane,
  resources: OnboardingResource[],
): OnboardingResource[] {
  if (rollout === 'enforce') return resources;
  if (dataplane === 'ambient') {
    p.issue({
      path: 'rollout',
      message:
        '"dry-run" is not available in ambient mode: ztunnel enforces the service\'s policies and istiod does not send it dry-run policies (unless AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is set), so they would be neither enforced nor logged; use "enforce"',
    });
    return resources;
  }
  const dryRun = resources.map(r =>
    r.kind === 'AuthorizationPolicy'
      ? {
          ...r,
          metadata: {
            ...r.metadata,
            annotations: {
              ...r.metadata.annotations,
              [dryRunAnnotation]: 'true',
            },
          },
        }
      : r,
  );
  const names = dryRun
    .filter(r => r.kind === 'AuthorizationPolicy')
    .map(r => `${r.metadata.namespace}/${r.metadata.name}`);
  if (names.length) {
    p.note(
      `Dry-run rollout: ${names.join(
        ', ',
      )} carry istio.io/dry-run "true": the sidecar logs what each would decide (its RBAC shadow rules) and enforces none of them. The mTLS mode and the other resources take effect at once. Enforce them with the "${promoteTemplateTitle}" template once the dry-run results deny no caller the service needs.`,
    );
  }
  return dryRun;
}
