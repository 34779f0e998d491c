import { principalOf, spiffeIdOf } from '../engine/identity';
import { meshMembership } from '../engine/membership';
import { ClusterModel, MeshModel } from '../engine/MeshModel';
import {
  effectiveMtls,
  peerAuthenticationScopes,
} from '../engine/peerAuthentication';
import { formatSelector } from '../model/labels';
import { WorkloadInfo } from '../model/types';
import { callerRules } from './callerRules';
import { defaultSelector } from './defaultSelector';
import { planDestinationRule } from './destinationRulePlan';
import { planEgress, planVirtualService } from './edgesPlan';
import {
  allowNothingPolicy,
  callersPolicy,
  peerAuthentication,
} from './manifests';
import { namespaceEnrollment } from './namespaceLabels';
import { planNetworkPolicy } from './networkPolicyPlan';
import { Planner } from './Planner';
import { applyRollout } from './rollout';
import { planWaypoint, waypointAdmission } from './waypointPlan';
import {
  Target,
  findTarget,
  knownPorts,
  resolvePorts,
  sharedPodLabels,
} from './resolveTarget';
import {
  OnboardingPlan,
  OnboardingRequest,
  OnboardingResource,
  ResolvedOnboardingRequest,
} from './types';

/** @public */
export interface PlanOnboardingOptions {
  /** The cluster to onboard into where the request names none. */
  cluster?: string;
}

/** The name of the service's ALLOW policy. */
export const callersPolicyName = (service: string) => `${service}-callers`;
/**
 * With a waypoint: the ALLOW policy the workload's ztunnel reads (the waypoint's identity,
 * and the callers without methods or paths, for traffic addressed to the pods).
 */
export const ztunnelPolicyName = (service: string) => `${service}-callers-l4`;

function resolveCluster(
  p: Planner,
  request: OnboardingRequest,
  model: MeshModel,
  options: PlanOnboardingOptions,
): ClusterModel {
  const names = model.clusters.map(c => c.name);
  if (
    request.cluster &&
    options.cluster &&
    request.cluster !== options.cluster
  ) {
    p.issue({
      path: 'cluster',
      message: `names cluster "${request.cluster}", but "${options.cluster}" was chosen`,
    });
    p.fail();
  }
  const name =
    request.cluster ??
    options.cluster ??
    (names.length === 1 ? names[0] : undefined);
  if (!name) {
    p.issue({
      path: 'cluster',
      message: names.length
        ? `is required where several clusters are configured (${names.join(
            ', ',
          )})`
        : 'no cluster is configured',
    });
    p.fail();
  }
  const cluster = model.cluster(name);
  if (!cluster) {
    p.issue({
      path: 'cluster',
      message: `no cluster "${name}" (clusters: ${names.join(', ') || 'none'})`,
    });
    p.fail();
  }
  return cluster;
}

function resolveServiceAccount(
  p: Planner,
  request: OnboardingRequest,
  target: Target,
): string {
  const accounts = [
    ...new Set(target.workloads.map(w => w.workload.serviceAccount)),
  ];
  if (request.serviceAccount) {
    const other = target.workloads.find(
      w => w.workload.serviceAccount !== request.serviceAccount,
    );
    if (other) {
      p.issue({
        path: 'serviceAccount',
        message: `workload ${other.id} runs as ${other.workload.serviceAccount}, not ${request.serviceAccount}; its identity comes from the service account it runs as`,
      });
    }
    return request.serviceAccount;
  }
  if (accounts.length > 1) {
    p.issue({
      path: 'serviceAccount',
      message: `the workloads found through ${
        target.via
      } run as different service accounts (${accounts.join(
        ', ',
      )}); name the one to onboard, or narrow the selector`,
    });
  }
  return accounts[0] ?? request.service;
}

function resolveSelector(
  p: Planner,
  request: OnboardingRequest,
  target: Target,
): Record<string, string> {
  if (request.selector) return { ...request.selector };
  const shared = sharedPodLabels(target.workloads);
  if (Object.keys(shared).length) return shared;
  const selector = defaultSelector(request.service);
  if (target.workloads.length) {
    p.note(
      `The workloads found through ${
        target.via
      } share no pod label; the policies select ${formatSelector(
        selector,
      )}, which they do not carry yet.`,
    );
  }
  return selector;
}

/**
 * Plans a service's onboarding against the mesh as it is: fills in the request's
 * defaults from the cluster where the workload runs (service account, selector,
 * ports), resolves each caller to an identity or a namespace, and lists the manifests
 * that must exist and the namespace labels to set. Resource names are deterministic
 * (`<service>` for the DestinationRule and PeerAuthentication, `<service>-callers` for
 * the ALLOW policy, `allow-nothing` for the namespace's default deny), so planning the
 * same request again yields the same manifests.
 *
 * @throws OnboardingRequestError for a cluster, workload or caller that resolves to
 *   nothing, an `entityRef` caller (Backstage resolves those first), or a request that
 *   contradicts how the namespace joins the mesh
 * @public
 */
export function planOnboarding(
  request: OnboardingRequest,
  model: MeshModel,
  options: PlanOnboardingOptions = {},
): OnboardingPlan {
  const p = new Planner();
  const cluster = resolveCluster(p, request, model, options);
  const { namespace, service } = request;
  const { mesh } = cluster.state;

  const target = findTarget(cluster, request);
  const serviceAccount = resolveServiceAccount(p, request, target);
  const selector = resolveSelector(p, request, target);
  const known = knownPorts(target.workloads);
  const ports = resolvePorts(request.ports, known, p.note);
  if (!ports.length) {
    p.issue({
      path: 'ports',
      message: target.workloads.length
        ? `no port is known for ${target.workloads
            .map(w => w.id)
            .join(', ')}; list the service's target ports`
        : `the workload is not in cluster ${cluster.name} yet, so list the service's target ports`,
    });
  }
  const currentLabels = cluster.namespaces.get(namespace)?.labels ?? {};
  const enrollment = namespaceEnrollment(
    namespace,
    currentLabels,
    request,
    p.issue,
    p.note,
  );
  const { dataplane } = enrollment;
  const mtlsMode = request.mtlsMode ?? 'STRICT';
  const namespaceDefaultDeny = request.namespaceDefaultDeny ?? true;
  const rollout = request.rollout ?? 'enforce';
  const rules = callerRules(p, model, request, ports);
  const waypoint =
    dataplane === 'ambient'
      ? planWaypoint(p, cluster, namespace, service, rules)
      : undefined;
  if (p.issues.length) p.fail();
  const namespaceLabels = {
    ...enrollment.labels,
    ...waypoint?.namespaceLabels,
  };

  const resolved: ResolvedOnboardingRequest = {
    ...request,
    cluster: cluster.name,
    serviceAccount,
    selector,
    ports,
    dataplane,
    ...(enrollment.revision ? { revision: enrollment.revision } : {}),
    mtlsMode,
    namespaceDefaultDeny,
    rollout,
    allowedCallers: request.allowedCallers.map(c => ({ ...c })),
  };

  // How the namespace's workloads join the mesh once it carries the labels.
  const labelledNamespace = {
    name: namespace,
    labels: { ...currentLabels, ...namespaceLabels },
  };
  const probe: WorkloadInfo = target.workloads[0]?.workload ?? {
    kind: 'Deployment',
    namespace,
    name: service,
    labels: selector,
    annotations: {},
    serviceAccount,
    hostNetwork: false,
    containerPorts: ports.map(port => ({ port: port.port })),
  };
  noteMembership(p, target, cluster, namespace, labelledNamespace);

  const resources: OnboardingResource[] = [...(waypoint?.resources ?? [])];
  const outlierDetection = request.traffic?.outlierDetection;
  if (dataplane === 'sidecar') {
    const dr = planDestinationRule(p, cluster, namespace, service, {
      tls: true,
      outlierDetection,
    });
    if (dr) resources.push(dr);
  } else {
    p.note(
      'Ambient: ztunnel carries every connection in HBONE mTLS, so no DestinationRule is needed for mTLS.',
    );
    if (outlierDetection) {
      const dr = planDestinationRule(p, cluster, namespace, service, {
        tls: false,
        outlierDetection,
      });
      if (dr) resources.push(dr);
      p.note(
        'Ambient: the outlier detection takes effect once the service uses a waypoint (ztunnel does not apply it).',
      );
    }
  }
  if (request.traffic) {
    const vs = planVirtualService(p, cluster, namespace, service, {
      traffic: request.traffic,
      ports,
      dataplane,
    });
    if (vs) resources.push(vs);
  }
  if (request.egress) {
    resources.push(
      ...planEgress(p, cluster, namespace, service, request.egress),
    );
  }

  // Only the mesh and namespace policies count as what the workload "already gets": a
  // workload policy of ours is what this plan writes.
  const scopes = peerAuthenticationScopes(
    mesh,
    probe,
    cluster.peerAuthenticationsFor(namespace),
  );
  const inherited = effectiveMtls({
    mesh: scopes.mesh,
    namespace: scopes.namespace,
  });
  if (inherited.mode !== mtlsMode) {
    resources.push(peerAuthentication(service, namespace, selector, mtlsMode));
  } else {
    p.note(
      `mTLS ${mtlsMode} already comes from ${
        inherited.decidedBy
          ? `PeerAuthentication ${inherited.decidedBy}`
          : "Istio's default (no PeerAuthentication)"
      }, so no workload PeerAuthentication is added.`,
    );
  }
  const own = scopes.workload;
  if (own && own.name !== service && own.mode !== 'UNSET') {
    p.note(
      `PeerAuthentication ${own.namespace}/${own.name} already selects this workload (mode ${own.mode}); where two workload policies select it, Istio applies the oldest, so align or remove it.`,
    );
  }
  if (mtlsMode === 'PERMISSIVE') {
    p.note(
      'mtlsMode PERMISSIVE is a migration step: the workload still accepts plaintext. Switch to STRICT once every caller is in the mesh.',
    );
  }

  const policyName = callersPolicyName(service);
  const ownPolicies = [policyName];
  if (waypoint) {
    // Every caller at the waypoint (the Service's traffic); at the workload's ztunnel,
    // the waypoint and the callers whose rules ztunnel can read (traffic to the pods).
    resources.push(callersPolicy(policyName, namespace, { service }, rules));
    const l4Name = ztunnelPolicyName(service);
    ownPolicies.push(l4Name);
    resources.push(
      callersPolicy(l4Name, namespace, { selector }, [
        waypointAdmission(ports, waypoint.principal),
        ...rules.filter(r => !r.methods && !r.paths),
      ]),
    );
  } else {
    resources.push(callersPolicy(policyName, namespace, { selector }, rules));
  }
  if (!rules.length) {
    p.note(
      `No allowed caller: ${policyName} selects the workload and admits nobody.`,
    );
  }
  for (const w of target.workloads) {
    for (const policy of w.policies) {
      const { action, selector: s, name } = policy.policy;
      if (action !== 'ALLOW' || !s || !Object.keys(s).length) continue;
      if (ownPolicies.includes(name) && policy.policy.namespace === namespace)
        continue;
      p.note(
        `AuthorizationPolicy ${policy.ref} also selects ${w.id} and keeps admitting its own callers; remove it if the request's list is meant to be the whole list.`,
      );
    }
  }

  if (namespaceDefaultDeny && !cluster.hasDefaultDeny(namespace)) {
    resources.push(allowNothingPolicy(namespace));
    const exposed = (cluster.workloadsByNamespace.get(namespace) ?? []).filter(
      w =>
        !target.workloads.includes(w) &&
        meshMembership(labelledNamespace, w.workload).mode !== 'none' &&
        !w.policies.some(pol => pol.policy.action === 'ALLOW'),
    );
    if (exposed.length) {
      p.note(
        `allow-nothing denies every request to ${exposed
          .map(w => w.id)
          .join(', ')}, which no ALLOW policy admits yet.`,
      );
    }
  }

  if (request.networkPolicy) {
    resources.push(
      ...planNetworkPolicy(p, model, cluster, {
        service,
        namespace,
        selector,
        ports,
        dataplane,
        callers: request.allowedCallers,
      }),
    );
  }

  const rolledOut = applyRollout(p, rollout, dataplane, resources);
  if (p.issues.length) p.fail();
  return {
    request: resolved,
    cluster: cluster.name,
    trustDomain: mesh.trustDomain,
    spiffeId: spiffeIdOf(mesh.trustDomain, namespace, serviceAccount),
    principal: principalOf(mesh.trustDomain, namespace, serviceAccount),
    workloads: target.workloads.map(w => w.id),
    namespaceLabels,
    resources: rolledOut,
    notes: p.notes,
  };
}

function noteMembership(
  p: Planner,
  target: Target,
  cluster: ClusterModel,
  namespace: string,
  labelled: { name: string; labels: Record<string, string> },
) {
  for (const w of target.workloads) {
    const after = meshMembership(labelled, w.workload);
    if (after.mode === 'none') {
      p.note(
        `${w.id} stays outside the mesh (${after.reason}); the onboarding does not edit the workload itself.`,
      );
    }
  }
  const joining = (cluster.workloadsByNamespace.get(namespace) ?? []).filter(
    w =>
      !target.workloads.includes(w) &&
      w.membership.mode !== meshMembership(labelled, w.workload).mode,
  );
  if (joining.length) {
    p.note(
      `Labelling namespace ${namespace} also changes how ${joining
        .map(w => w.id)
        .join(', ')} join${
        joining.length > 1 ? '' : 's'
      } the mesh, at their next restart.`,
    );
  }
}
