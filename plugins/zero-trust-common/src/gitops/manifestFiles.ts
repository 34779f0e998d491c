import { stringify } from 'yaml';
import { isDryRunMetadata } from '../model/buildClusterState';
import type { OnboardingPlan, OnboardingResource } from '../onboarding/types';

const kebab = (kind: string) =>
  kind.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * A new resource's file name: kind and name, so that the service's files never collide
 * with the ones a folder already holds (`authorization-policy.yaml` and the like).
 */
export function fileNameFor(resource: OnboardingResource): string {
  return `${kebab(resource.kind)}-${resource.metadata.name}.yaml`;
}

/** Why the file exists, for the reviewer reading it. Names are DNS labels: safe in a comment. */
function purpose(resource: OnboardingResource, plan: OnboardingPlan): string {
  const { service, namespace } = plan.request;
  switch (resource.kind) {
    case 'DestinationRule': {
      const policy = (resource.spec.trafficPolicy ?? {}) as Record<
        string,
        unknown
      >;
      return policy.tls
        ? `Client side of mTLS: sidecars call ${service} with Istio mutual TLS${
            policy.outlierDetection
              ? ', and eject hosts that keep failing (outlier detection)'
              : ''
          }.`
        : `Outlier detection for ${service}: callers eject hosts that keep failing.`;
    }
    case 'ServiceEntry':
      return `An external host ${service} may call: registered for namespace ${namespace} only.`;
    case 'VirtualService':
      return `Timeout and retries for every caller of ${service}.`;
    case 'PeerAuthentication':
      return `mTLS mode for ${service}, where it differs from what namespace ${namespace} and the mesh give.`;
    case 'AuthorizationPolicy':
      if (Object.keys(resource.spec).length === 0) {
        return `Default deny for namespace ${namespace}: an ALLOW policy with an empty spec matches no request.`;
      }
      if ('targetRefs' in resource.spec) {
        return `Who may call ${service}, enforced by its waypoint (bound to the Service with targetRefs), methods and paths included: one rule per allowed caller; anyone else is denied.`;
      }
      return resource.metadata.name.endsWith('-callers-l4')
        ? `What ztunnel admits on ${service}'s pods: its waypoint, which it sees in the callers' place, and the callers without methods or paths.`
        : `Who may call ${service}: one rule per allowed caller; anyone else is denied.`;
    case 'Gateway':
      return `The waypoint of namespace ${namespace}: ztunnel cannot read methods or paths, so a waypoint enforces ${service}'s callers' rules.`;
    default:
      return `Part of the onboarding of ${namespace}/${service}.`;
  }
}

/** The line a dry-run policy's new file says it with; its promotion takes it out. */
export const dryRunComment =
  '# Dry-run (istio.io/dry-run): logged, not enforced, until promoted.';

/** A new manifest file's text. */
export function manifestText(
  resource: OnboardingResource,
  plan: OnboardingPlan,
): string {
  const dryRun = isDryRunMetadata(resource.metadata)
    ? `${dryRunComment}\n`
    : '';
  return `# ${purpose(
    resource,
    plan,
  )}\n${dryRun}# Written by zero-trust onboard.\n${stringify(resource, {
    lineWidth: 0,
  })}`;
}

/** A new Namespace manifest's text, with the labels that enroll it. */
export function namespaceText(plan: OnboardingPlan): string {
  return stringify(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: plan.request.namespace,
        labels: { ...plan.namespaceLabels },
      },
    },
    { lineWidth: 0 },
  );
}

/**
 * Same object, same content: the spec compared whatever its key order, and whether it is
 * in dry-run (the one annotation a plan sets, which decides whether the spec is
 * enforced).
 */
export function sameContent(
  existing: Record<string, any>,
  wanted: OnboardingResource,
): boolean {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map(k => [k, canonical((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return (
    JSON.stringify(canonical(existing.spec ?? {})) ===
      JSON.stringify(canonical(wanted.spec)) &&
    isDryRunMetadata(existing.metadata) === isDryRunMetadata(wanted.metadata)
  );
}
