import { AuthorizationAction } from '../model/types';
import { waypointRoutes, WaypointRoute } from './access';
import { CompiledPolicy, ztunnelL7Fields } from './authorization';
import { WorkloadModel } from './MeshModel';
import { egressPolicies } from './egressWaypoints';
import { boundToWaypoint, waypointClass } from './waypoints';

/**
 * Where one AuthorizationPolicy that concerns a workload is enforced. @public
 */
export interface PolicyEnforcement {
  /** `NAMESPACE/NAME`. */
  policy: string;
  action: AuthorizationAction;
  /** `sidecar`, `ztunnel`, `waypoint NAMESPACE/NAME`, or `nowhere`. */
  enforcedAt: string;
  /** Why, where it is not the plain reading of the policy (always for `nowhere`). */
  why?: string;
  /** An `istio.io/dry-run` policy: logged where it is enforced, never enforced. */
  dryRun?: true;
  /**
   * Set where the policy decides the workload's own calls rather than calls to it: the
   * hosts of a ServiceEntry and the entry, `HOSTS (ServiceEntry NAMESPACE/NAME)`, whose
   * traffic goes through a waypoint that enforces the policy (or would, were there one).
   */
  calls?: string;
}

/** A waypoint one of the workload's Services or its pods use. @public */
export interface WaypointUse {
  /** `NAMESPACE/NAME` of the waypoint Gateway. */
  waypoint: string;
  /** The SPIFFE ID the destination's ztunnel sees for the traffic the waypoint forwards. */
  identity: string;
  /** `Service NAMESPACE/NAME`, or `pod` for traffic addressed to the pod. */
  traffic: string;
}

const where = (route: WaypointRoute) => `waypoint ${route.waypoint.ref}`;

/** The waypoints on the way to a workload, each (waypoint, Service) once. */
export function waypointUses(w: WorkloadModel): WaypointUse[] {
  const seen = new Map<string, WaypointUse>();
  for (const route of waypointRoutes(w)) {
    const traffic = route.service
      ? `Service ${route.service.namespace}/${route.service.name}`
      : 'pod';
    seen.set(`${route.waypoint.ref} ${traffic}`, {
      waypoint: route.waypoint.ref,
      identity: `spiffe://${route.waypoint.principal}`,
      traffic,
    });
  }
  return [...seen.values()];
}

/** A selector policy on the workload's own data plane. */
function onPods(w: WorkloadModel, p: CompiledPolicy): PolicyEnforcement {
  const { policy } = p;
  const base = {
    policy: p.ref,
    action: policy.action,
    ...(policy.dryRun ? { dryRun: true as const } : {}),
  };
  const mode = w.membership.mode;
  if (mode === 'none') {
    return {
      ...base,
      enforcedAt: 'nowhere',
      why: `${w.id} is outside the mesh (${w.membership.reason}): no proxy enforces it`,
    };
  }
  if (mode === 'sidecar') {
    return {
      ...base,
      enforcedAt: 'sidecar',
      ...(policy.dryRun ? { why: 'dry-run: the sidecar logs it' } : {}),
    };
  }
  // ztunnel: ALLOW and DENY only, no dry-run, no L7 fields
  // (convertAuthorizationPolicy and handleRule in pilot/pkg/serviceregistry/ambient/authorization.go).
  const toWaypoint = 'bind it to a waypoint with targetRefs';
  if (policy.action !== 'ALLOW' && policy.action !== 'DENY') {
    return {
      ...base,
      enforcedAt: 'nowhere',
      why: `ztunnel does not enforce ${policy.action} policies: ${toWaypoint}`,
    };
  }
  if (policy.dryRun) {
    return {
      ...base,
      enforcedAt: 'nowhere',
      why: 'dry-run: ztunnel neither enforces nor logs it',
    };
  }
  const l7 = [...new Set(policy.rules.flatMap(ztunnelL7Fields))];
  if (!l7.length) return { ...base, enforcedAt: 'ztunnel' };
  const every = policy.rules.every(r => ztunnelL7Fields(r).length > 0);
  if (policy.action === 'DENY' && every) {
    return {
      ...base,
      enforcedAt: 'nowhere',
      why: `its rules need ${l7.join(
        ', ',
      )}, which ztunnel cannot read: what is left of them never matches; ${toWaypoint}`,
    };
  }
  return {
    ...base,
    enforcedAt: 'ztunnel',
    why:
      policy.action === 'ALLOW'
        ? `${l7.join(', ')} are enforced nowhere: ztunnel drops ${
            every ? 'every rule' : 'the rules'
          } that use them, so they admit nobody; ${toWaypoint}`
        : `${l7.join(
            ', ',
          )} are enforced nowhere: ztunnel reads the rest of its rules`,
  };
}

/**
 * A policy bound with targetRefs that concerns the workload: enforced at the waypoint it
 * is bound to, or nowhere (a Service with no waypoint, a waypoint the workload does not
 * use, a sidecar, which ignores targetRefs: policyattachment.go).
 */
function onWaypoints(
  w: WorkloadModel,
  p: CompiledPolicy,
  routes: WaypointRoute[],
): PolicyEnforcement | undefined {
  const { policy } = p;
  const base = {
    policy: p.ref,
    action: policy.action,
    ...(policy.dryRun ? { dryRun: true as const } : {}),
  };
  const root = w.cluster.state.mesh.rootNamespace;
  const at = routes.filter(r =>
    boundToWaypoint(policy, r.waypoint, r.service, root),
  );
  if (at.length) {
    return {
      ...base,
      enforcedAt: [...new Set(at.map(where))].join(', '),
      ...(policy.dryRun ? { why: 'dry-run: the waypoint logs it' } : {}),
    };
  }
  const services = w.ports.flatMap(port => port.services.map(s => s.service));
  for (const ref of policy.targetRefs ?? []) {
    if (ref.kind === 'Service') {
      const service = services.find(
        s => s.name === ref.name && s.namespace === policy.namespace,
      );
      if (!service) continue;
      const binding = w.cluster.waypoints.forService(service);
      let why = `Service ${policy.namespace}/${ref.name} uses no waypoint, and a policy bound to a Service is enforced only at its waypoint`;
      if (w.membership.mode === 'sidecar') {
        why = `a sidecar ignores policies bound with targetRefs, and ${w.id} has one`;
      } else if (binding.problem) {
        why = `Service ${policy.namespace}/${ref.name}'s waypoint is not used: ${binding.problem.message}`;
      }
      return { ...base, enforcedAt: 'nowhere', why };
    }
    if (ref.kind === 'Gateway' && policy.namespace === w.namespace) {
      const waypoint = w.cluster.waypoints.waypoint(
        `${policy.namespace}/${ref.name}`,
      );
      if (!waypoint) continue;
      return {
        ...base,
        enforcedAt: 'nowhere',
        why: `it is bound to waypoint ${waypoint.ref}, which ${w.id}'s traffic does not go through`,
      };
    }
    if (ref.kind === 'GatewayClass' && ref.name === waypointClass) {
      if (policy.namespace !== root || w.membership.mode !== 'ambient') {
        continue;
      }
      return {
        ...base,
        enforcedAt: 'nowhere',
        why: `it is bound to every waypoint, and ${w.id}'s traffic goes through none`,
      };
    }
  }
  return undefined;
}

/**
 * Where each AuthorizationPolicy that concerns a workload is enforced: its selector and
 * namespace policies on its sidecar or ztunnel, the policies bound with targetRefs to
 * its Services, its namespace's waypoints or every waypoint, and (marked `calls`) those
 * on the way to the ServiceEntries it may call (egressWaypoints.ts).
 *
 * @public
 */
export function policyEnforcement(w: WorkloadModel): PolicyEnforcement[] {
  const onPod = [...w.policies, ...w.dryRunPolicies].map(p => onPods(w, p));
  const routes = waypointRoutes(w);
  const root = w.cluster.state.mesh.rootNamespace;
  const namespaces = new Set([
    w.namespace,
    root,
    ...routes.map(r => r.waypoint.gateway.namespace),
  ]);
  const targeted = [...namespaces]
    .flatMap(ns => w.cluster.policiesByNamespace.get(ns) ?? [])
    .filter(p => p.policy.targetRefs?.length)
    .flatMap(p => {
      const e = onWaypoints(w, p, routes);
      return e ? [e] : [];
    });
  const outbound = egressPolicies(w).flatMap(e =>
    e.enforcement.map(p => ({
      ...p,
      calls: `${e.entry.hosts.join(', ')} (ServiceEntry ${e.ref})`,
    })),
  );
  return [...onPod, ...targeted, ...outbound];
}
