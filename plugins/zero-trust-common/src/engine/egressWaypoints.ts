import { ServiceEntryInfo } from '../model/types';
import {
  CompiledPolicy,
  Decision,
  decide,
  explain,
  forOperation,
  isEnforced,
  policySet,
} from './authorization';
import { exportedTo } from './egress';
import type { PolicyEnforcement } from './enforcement';
import { ClusterModel, WorkloadModel } from './MeshModel';
import {
  namesServiceEntry,
  waypointPolicies,
  WaypointBinding,
} from './waypoints';

/*
 * AuthorizationPolicies on the way to a ServiceEntry's hosts: a ServiceEntry that uses a
 * waypoint (`istio.io/use-waypoint` on it or its namespace, as a Service does) sends its
 * hosts' traffic from every mesh client through that waypoint, which enforces the
 * policies bound to the ServiceEntry with targetRefs (kind ServiceEntry, group
 * networking.istio.io), to the waypoint or to every waypoint, with L7 fields, against
 * the original client's identity (ShouldAttachPolicy in
 * pilot/pkg/model/policyattachment.go; https://istio.io/latest/docs/ambient/usage/waypoint/
 * and the egress-gateway-to-waypoint task,
 * https://istio.io/latest/docs/tasks/traffic-management/egress/). A ServiceEntry without
 * a waypoint has no proxy that reads such a policy: sidecars and ztunnel ignore
 * targetRefs, and istiod reports the policy's WaypointAccepted condition False with
 * reason AncestorNotBound ("ServiceEntry NS/NAME is not bound to a waypoint",
 * WaypointPolicyStatusCollection in pilot/pkg/serviceregistry/ambient/policies.go).
 */

/** The policies on the way to one ServiceEntry's hosts, the same for every client. */
export interface ServiceEntryPolicies {
  entry: ServiceEntryInfo;
  /** `NAMESPACE/NAME`. */
  ref: string;
  binding: WaypointBinding;
  /** Each policy bound to it (or to its waypoint), and where it is enforced. */
  enforcement: PolicyEnforcement[];
  /** What its waypoint reads for its hosts, dry-run policies included. */
  atWaypoint: CompiledPolicy[];
  /** What its waypoint enforces for its hosts (dry-run policies left out). */
  enforced: CompiledPolicy[];
}

const cache = new WeakMap<ServiceEntryInfo, ServiceEntryPolicies | null>();

/** Whether a policy names the ServiceEntry in its targetRefs. */
function bindsEntry(p: CompiledPolicy, entry: ServiceEntryInfo): boolean {
  return (p.policy.targetRefs ?? []).some(ref =>
    namesServiceEntry(p.policy, ref, entry),
  );
}

/**
 * The policies on the way to a ServiceEntry's hosts, or undefined where none concerns
 * them (no policy bound to it, and no waypoint or one that enforces nothing for them).
 */
export function serviceEntryPolicies(
  cluster: ClusterModel,
  entry: ServiceEntryInfo,
): ServiceEntryPolicies | undefined {
  const known = cache.get(entry);
  if (known !== undefined) return known ?? undefined;
  const binding = cluster.waypoints.forServiceEntry(entry);
  const ref = `${entry.namespace}/${entry.name}`;
  const root = cluster.state.mesh.rootNamespace;
  const base = (p: CompiledPolicy) => ({
    policy: p.ref,
    action: p.policy.action,
    ...(p.policy.dryRun ? { dryRun: true as const } : {}),
  });
  let result: ServiceEntryPolicies | undefined;
  if (binding.waypoint) {
    const waypoint = binding.waypoint;
    const all = waypointPolicies(
      cluster.policiesByNamespace,
      root,
      waypoint,
      undefined,
      true,
      entry,
    );
    if (all.length) {
      result = {
        entry,
        ref,
        binding,
        enforcement: all.map(p => ({
          ...base(p),
          enforcedAt: `waypoint ${waypoint.ref}`,
          ...(p.policy.dryRun ? { why: 'dry-run: the waypoint logs it' } : {}),
        })),
        atWaypoint: all,
        enforced: all.filter(p => isEnforced(p.policy, false)),
      };
    }
  } else {
    const bound = (
      cluster.policiesByNamespace.get(entry.namespace) ?? []
    ).filter(p => bindsEntry(p, entry));
    if (bound.length) {
      const why = binding.problem
        ? `ServiceEntry ${ref}'s waypoint is not used: ${binding.problem.message}`
        : `ServiceEntry ${ref} uses no waypoint (no istio.io/use-waypoint on it or on namespace ${entry.namespace}), and a policy bound to a ServiceEntry is enforced only at its waypoint: sidecars and ztunnel ignore targetRefs`;
      result = {
        entry,
        ref,
        binding,
        enforcement: bound.map(p => ({
          ...base(p),
          enforcedAt: 'nowhere',
          why,
        })),
        atWaypoint: [],
        enforced: [],
      };
    }
  }
  cache.set(entry, result ?? null);
  return result;
}

/** What a waypoint's policies decide on one port of a ServiceEntry for one client. */
/** @public */
export interface EgressDecision {
  port: number;
  decision: Decision;
  reason: string;
  /** The policies that decided it. */
  policies: string[];
}

/** One ServiceEntry a workload's calls reach through policies, and their answer for it. */
export interface EgressPolicies extends ServiceEntryPolicies {
  /** Per port of the entry, for calls naming no method or path; empty without a waypoint. */
  decisions: EgressDecision[];
}

/**
 * How the waypoint reads a ServiceEntry port: HTTP where the port says so, else as TCP
 * (TLS, HTTPS and TCP ports: a waypoint passes TLS through and reads no HTTP, so an
 * ALLOW rule with HTTP-only fields is ignored and a DENY rule loses them, as on a
 * sidecar's TCP port).
 */
function protocolOf(protocol: string | undefined): 'http' | 'tcp' {
  const p = (protocol ?? '').toUpperCase();
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' ? 'http' : 'tcp';
}

/**
 * The ServiceEntries visible to a workload (exported to its namespace) whose hosts'
 * traffic meets AuthorizationPolicies, with what they decide for its calls. Only mesh
 * clients are sent through a waypoint (a pod outside the mesh goes straight out), and a
 * waypoint's own pods are not its clients.
 */
export function egressPolicies(w: WorkloadModel): EgressPolicies[] {
  if (!w.inMesh) return [];
  const out: EgressPolicies[] = [];
  for (const entry of w.cluster.state.serviceEntries ?? []) {
    if (!exportedTo(entry.exportTo, entry.namespace, w.namespace)) continue;
    const found = serviceEntryPolicies(w.cluster, entry);
    if (!found) continue;
    const waypoint = found.binding.waypoint;
    if (
      waypoint &&
      w.isWaypoint &&
      w.namespace === waypoint.gateway.namespace &&
      w.workload.labels['gateway.networking.k8s.io/gateway-name'] ===
        waypoint.gateway.name
    ) {
      continue;
    }
    const policies = w.enforceDryRun ? found.atWaypoint : found.enforced;
    const set = policySet(policies);
    const decisions: EgressDecision[] = waypoint
      ? entry.ports.map(p => {
          const req = {
            principal: w.principal,
            port: p.number,
            protocol: protocolOf(p.protocol),
          };
          const outcome = explain(decide(forOperation(set, req), req));
          return {
            port: p.number,
            decision: outcome.decision,
            reason: outcome.reason,
            policies: outcome.policies,
          };
        })
      : [];
    out.push({ ...found, decisions });
  }
  return out;
}
