import { principalOf } from '../engine/identity';
import { ClusterModel } from '../engine/MeshModel';
import { waypointClass } from '../engine/waypoints';
import { CallerRule } from './manifests';
import { Planner } from './Planner';
import { OnboardingResource, ResolvedOnboardingPort } from './types';

/*
 * The waypoint an ambient service with L7 caller rules needs. ztunnel enforces only L4:
 * istiod drops every ALLOW rule with methods or paths before it reaches ztunnel (handleRule
 * in pilot/pkg/serviceregistry/ambient/authorization.go), so such a rule admits nobody
 * unless a waypoint enforces it (https://istio.io/latest/docs/ambient/usage/l7-features/).
 * The waypoint enforces only policies bound to it with targetRefs (ShouldAttachPolicy in
 * pilot/pkg/model/policyattachment.go); the destination's ztunnel then sees the
 * waypoint's identity, not the client's, so the workload's own selector policies (and
 * the namespace's allow-nothing) must admit the waypoint
 * (https://istio.io/latest/docs/ambient/usage/l4-policy/).
 */

/** The name `istioctl waypoint apply` gives a namespace's waypoint. */
export const defaultWaypointName = 'waypoint';
const useWaypointLabel = 'istio.io/use-waypoint';

/** What the plan writes for the waypoint, and how the policies are bound. */
export interface WaypointPlan {
  /** The waypoint Gateway's name, in the service's namespace. */
  name: string;
  /** The identity the destination's ztunnel sees for calls through it. */
  principal: string;
  /** The namespace label that sends the namespace's Services through it, where needed. */
  namespaceLabels: Record<string, string>;
  /** The waypoint Gateway, where it does not exist yet. */
  resources: OnboardingResource[];
}

/**
 * A waypoint as `istioctl waypoint generate --for service` writes it: class
 * istio-waypoint, one HBONE listener on 15008, `istio.io/waypoint-for: service`
 * (https://istio.io/latest/docs/ambient/usage/waypoint/#deploy-a-waypoint-proxy).
 */
export function waypointGatewayManifest(
  name: string,
  namespace: string,
): OnboardingResource {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name,
      namespace,
      labels: { 'istio.io/waypoint-for': 'service' },
    },
    spec: {
      gatewayClassName: waypointClass,
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

/**
 * The waypoint for an ambient service whose callers are narrowed by method or path; undefined
 * where no rule has L7 fields (ztunnel enforces the policy alone). Uses the waypoint the
 * service's traffic already goes through, else the one the namespace's label names, else
 * the namespace's only waypoint, else a new `waypoint`; the namespace label is set where
 * the service's traffic does not reach it yet.
 */
export function planWaypoint(
  p: Planner,
  cluster: ClusterModel,
  namespace: string,
  service: string,
  rules: CallerRule[],
): WaypointPlan | undefined {
  if (!rules.some(r => r.methods || r.paths)) return undefined;
  const { trustDomain } = cluster.state.mesh;
  const existing = cluster.state.services.find(
    s => s.namespace === namespace && s.name === service,
  );
  const binding = existing ? cluster.waypoints.forService(existing) : {};
  if (binding.waypoint) {
    p.note(
      `Ambient: the callers' methods and paths are enforced by waypoint ${binding.waypoint.ref}, which ${service}'s traffic already goes through (${binding.via} istio.io/use-waypoint); ztunnel cannot read them.`,
    );
    return {
      name: binding.waypoint.gateway.name,
      principal: binding.waypoint.principal,
      namespaceLabels: {},
      resources: [],
    };
  }
  const namespaceLabel =
    cluster.namespaces.get(namespace)?.labels[useWaypointLabel];
  const inNamespace = cluster.waypoints
    .all()
    .filter(g => g.namespace === namespace);
  let name = defaultWaypointName;
  if (namespaceLabel && namespaceLabel !== 'none') name = namespaceLabel;
  else if (inNamespace.length === 1) name = inNamespace[0].name;
  const waypoint = cluster.waypoints.waypoint(`${namespace}/${name}`);
  const resources = waypoint ? [] : [waypointGatewayManifest(name, namespace)];
  const namespaceLabels: Record<string, string> =
    namespaceLabel === name ? {} : { [useWaypointLabel]: name };
  p.note(
    `Ambient: the callers' methods and paths need a waypoint, since ztunnel enforces only L4 and drops an ALLOW rule with L7 fields (so the caller would be denied). ${
      waypoint
        ? `Waypoint ${namespace}/${name} exists`
        : `Waypoint ${namespace}/${name} (a Gateway of class ${waypointClass}) is added`
    }; ${
      Object.keys(namespaceLabels).length
        ? `namespace ${namespace} gets ${useWaypointLabel}=${name}, so its Services' traffic goes through it`
        : `namespace ${namespace} already sends its Services' traffic through it`
    }. The callers' policy is bound to Service ${service} with targetRefs, so the waypoint enforces it for ${service} only; the workload's ztunnel then sees the waypoint's identity, which a second policy admits.`,
  );
  if (existing?.labels?.[useWaypointLabel] === 'none') {
    p.issue({
      path: 'allowedCallers',
      message: `Service ${namespace}/${service} is labelled ${useWaypointLabel}=none, so no waypoint can enforce the callers' methods and paths; remove the label, or leave methods and paths out`,
    });
  }
  const others = cluster.state.services.filter(
    s =>
      s.namespace === namespace &&
      s.name !== service &&
      s.labels?.[useWaypointLabel] === undefined,
  );
  if (Object.keys(namespaceLabels).length && others.length) {
    p.note(
      `The namespace label also sends ${others
        .map(s => `Service ${s.namespace}/${s.name}`)
        .join(
          ', ',
        )} through waypoint ${namespace}/${name}: their workloads' ztunnel then sees the waypoint's identity, so their ALLOW policies must admit it (or label those Services ${useWaypointLabel}=none).`,
    );
  }
  return {
    name,
    principal: waypoint?.principal ?? principalOf(trustDomain, namespace, name),
    namespaceLabels,
    resources,
  };
}

/**
 * The ALLOW policy the workload's ztunnel reads for calls through the waypoint: the
 * waypoint's identity on the service's ports.
 */
export function waypointAdmission(
  ports: ResolvedOnboardingPort[],
  principal: string,
): CallerRule {
  return { principals: [principal], ports: ports.map(port => port.port) };
}
