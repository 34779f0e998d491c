/**
 * A workload's edges and routes, from its cluster's resources: its ways in through
 * Gateways (Istio's, and Gateway API's of class `istio`), its egress (sidecar workloads: their proxy applies it) and the routes its
 * callers get. One home for the three, read by the reports and the findings alike.
 */
import { selectorMatches } from '../model/labels';
import { ServiceInfo } from '../model/types';
import { EgressView, egressFor } from './egress';
import { tlsOriginationFor } from './egressTls';
import { egressPolicies } from './egressWaypoints';
import { ExposureView, exposureOf } from './exposure';
import { gatewayApiExposureOf } from './gatewayApiExposure';
import { WorkloadModel } from './MeshModel';
import { RouteView, routesFor } from './routes';

/** @public */
export interface WorkloadEdges {
  /** Present for sidecar workloads. */
  egress?: EgressView;
  /** Each Service host's routes; empty outside the mesh. */
  routes: RouteView[];
  /** The ways in from outside; empty: not exposed. */
  exposure: ExposureView[];
}

/** The Services whose selectors pick the workload. */
export function servicesOf(w: WorkloadModel): ServiceInfo[] {
  return [...new Set(w.ports.flatMap(p => p.services.map(s => s.service)))];
}

function exposureView(w: WorkloadModel, services: ServiceInfo[]) {
  return [
    ...istioGatewayExposure(w, services),
    ...gatewayApiExposureOf(services, w.cluster),
  ];
}

function istioGatewayExposure(w: WorkloadModel, services: ServiceInfo[]) {
  const { state } = w.cluster;
  const gateways = state.gateways ?? [];
  if (!gateways.length || !services.length) return [];
  // The workloads some Gateway's selector binds it to, with their policies.
  const pods = w.cluster.workloads
    .filter(g =>
      gateways.some(
        gw =>
          Object.keys(gw.selector).length &&
          selectorMatches(gw.selector, g.workload.labels),
      ),
    )
    .map(g => ({
      id: g.id,
      workload: g.workload,
      policies: g.policies.map(p => p.ref),
    }));
  return exposureOf(services, {
    gateways,
    virtualServices: state.virtualServices ?? [],
    services: state.services,
    pods,
  });
}

/** The sidecar's egress view, each host with the policies on the way to it. */
function egressView(w: WorkloadModel): EgressView {
  const { state } = w.cluster;
  const view = egressFor(state.mesh, w.workload, {
    serviceEntries: state.serviceEntries ?? [],
    sidecars: state.sidecars ?? [],
    virtualServices: state.virtualServices ?? [],
  });
  const byEntry = new Map(egressPolicies(w).map(e => [e.ref, e]));
  const withTls = view.hosts.map(h => {
    const tlsOrigination = tlsOriginationFor(w, h);
    return tlsOrigination ? { ...h, tlsOrigination } : h;
  });
  if (!byEntry.size) return { ...view, hosts: withTls };
  return {
    ...view,
    hosts: withTls.map(h => {
      const e = byEntry.get(h.serviceEntry);
      if (!e || h.how === 'blocked') return h;
      return {
        ...h,
        authorization: {
          ...(e.binding.waypoint ? { waypoint: e.binding.waypoint.ref } : {}),
          policies: e.enforcement,
          decisions: e.decisions,
        },
      };
    }),
  };
}

/** A workload's exposure, egress and routes. @public */
export function workloadEdges(w: WorkloadModel): WorkloadEdges {
  const { state } = w.cluster;
  const services = servicesOf(w);
  const routes = w.inMesh
    ? routesFor(
        state.mesh,
        services,
        state.virtualServices ?? [],
        w.cluster.destinationRulesByNamespace,
      )
    : [];
  return {
    ...(w.membership.mode === 'sidecar' ? { egress: egressView(w) } : {}),
    routes,
    exposure: exposureView(w, services),
  };
}
