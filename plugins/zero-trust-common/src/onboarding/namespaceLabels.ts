import { Labels } from '../model/types';
import { OnboardingDataplane, OnboardingIssue } from './types';

export const injectionLabel = 'istio-injection';
export const revisionLabel = 'istio.io/rev';
export const dataplaneModeLabel = 'istio.io/dataplane-mode';

/** The namespace labels that enroll it, with the dataplane and revision they imply. */
export interface NamespaceEnrollment {
  dataplane: OnboardingDataplane;
  revision?: string;
  labels: Record<string, string>;
}

/**
 * The label that enrolls the namespace: `istio-injection=enabled`, `istio.io/rev`, or
 * `istio.io/dataplane-mode=ambient`. The dataplane defaults to sidecar, as the
 * contract says; a namespace on a revision stays on it; and a request that would change how the namespace's other workloads
 * join the mesh is refused rather than applied: `istio-injection` takes precedence over
 * `istio.io/rev`, and a sidecar over ambient
 * (https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy,
 * https://istio.io/latest/docs/ambient/usage/add-workloads/).
 */
export function namespaceEnrollment(
  namespace: string,
  current: Labels,
  requested: { dataplane?: OnboardingDataplane; revision?: string },
  issue: (i: OnboardingIssue) => void,
  note: (text: string) => void,
): NamespaceEnrollment {
  const injection = current[injectionLabel];
  const rev = current[revisionLabel];
  const ambient = current[dataplaneModeLabel] === 'ambient';
  let sidecarLabel: string | undefined;
  if (injection !== undefined) sidecarLabel = `${injectionLabel}=${injection}`;
  else if (rev) sidecarLabel = `${revisionLabel}=${rev}`;

  // The contract's default is sidecar, whatever the namespace holds: an ambient
  // namespace then gets the refusal below, which names the fix.
  const dataplane = requested.dataplane ?? 'sidecar';
  if (dataplane === 'ambient') {
    if (sidecarLabel && injection !== 'disabled') {
      issue({
        path: 'dataplane',
        message: `namespace ${namespace} has ${sidecarLabel}, and sidecar injection takes precedence over ambient: switching the namespace would move its other workloads too, so change it by hand or onboard with dataplane "sidecar"`,
      });
    }
    return { dataplane, labels: { [dataplaneModeLabel]: 'ambient' } };
  }

  if (ambient && !sidecarLabel) {
    issue({
      path: 'dataplane',
      message: `namespace ${namespace} is in ambient mode (${dataplaneModeLabel}=ambient); labelling it for sidecars would move its other workloads too, so onboard with dataplane "ambient" or change the namespace by hand`,
    });
  }
  if (injection === 'disabled') {
    issue({
      path: 'dataplane',
      message: `namespace ${namespace} has ${injectionLabel}=disabled, which someone set on purpose; enable injection by hand first`,
    });
  }
  let revision = requested.revision;
  if (!revision && injection === undefined && rev) {
    revision = rev;
    note(
      `Namespace ${namespace} is injected by revision ${rev} (${revisionLabel}=${rev}); the service keeps that revision.`,
    );
  }
  if (!revision) {
    return { dataplane, labels: { [injectionLabel]: 'enabled' } };
  }
  if (injection !== undefined && injection !== 'disabled') {
    issue({
      path: 'revision',
      message: `namespace ${namespace} has ${injectionLabel}=${injection}, which takes precedence over ${revisionLabel}; remove that label by hand (it moves the namespace's other workloads), or leave revision out`,
    });
  } else if (rev && rev !== revision) {
    issue({
      path: 'revision',
      message: `namespace ${namespace} is injected by revision ${rev}; moving it to ${revision} moves its other workloads too, so change the namespace by hand or ask for revision "${rev}"`,
    });
  }
  return { dataplane, revision, labels: { [revisionLabel]: revision } };
}
