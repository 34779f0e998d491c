import { serviceHost } from '../engine/destinationRules';
import { retriesAfterReached } from '../engine/routes';
import { ClusterModel } from '../engine/MeshModel';
import { serviceEntry, serviceEntryName, virtualService } from './manifests';
import { Planner } from './Planner';
import {
  OnboardingDataplane,
  OnboardingEgress,
  OnboardingResource,
  OnboardingTraffic,
  ResolvedOnboardingPort,
} from './types';

/** Whether a namespace's sidecars see a ServiceEntry or VirtualService exported as `exportTo`. */
function visibleIn(
  exportTo: string[],
  own: string,
  namespace: string,
): boolean {
  return exportTo.some(
    e => e === '*' || e === namespace || (e === '.' && own === namespace),
  );
}

/**
 * One ServiceEntry per egress host, exported to the service's namespace only. A
 * ServiceEntry is seen by every sidecar of the namespace it is exported to, not by one
 * workload (a Sidecar resource would narrow it), and the reviewer is told so.
 */
export function planEgress(
  p: Planner,
  cluster: ClusterModel,
  namespace: string,
  service: string,
  egress: OnboardingEgress[],
): OnboardingResource[] {
  const entries = cluster.state.serviceEntries ?? [];
  const resources: OnboardingResource[] = [];
  for (const e of egress) {
    const name = serviceEntryName(service, e.host);
    const already = entries.find(
      se =>
        !(se.namespace === namespace && se.name === name) &&
        se.hosts.includes(e.host) &&
        visibleIn(se.exportTo, se.namespace, namespace),
    );
    if (already) {
      p.note(
        `ServiceEntry ${already.namespace}/${already.name} already registers ${e.host} for namespace ${namespace}; a second entry for the same host is added with the requested ports.`,
      );
    }
    resources.push(serviceEntry(service, namespace, e));
  }
  p.note(
    `The ServiceEntr${egress.length > 1 ? 'ies' : 'y'} for ${egress
      .map(e => e.host)
      .join(', ')} ${
      egress.length > 1 ? 'are' : 'is'
    } exported to namespace ${namespace} only: every workload there may reach ${
      egress.length > 1 ? 'them' : 'it'
    }, not only ${service}.`,
  );
  if (cluster.state.mesh.outboundTrafficPolicy === 'ALLOW_ANY') {
    p.note(
      `Cluster ${cluster.name} has outboundTrafficPolicy ALLOW_ANY: sidecars reach any external host already, so the ServiceEntries document the egress rather than restrict it.`,
    );
  }
  return resources;
}

/**
 * The VirtualService carrying the timeout and retries, unless another one already
 * routes the service's host for callers: Istio does not merge VirtualServices for one
 * host on sidecars, and keeps one of them
 * (https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services).
 */
export function planVirtualService(
  p: Planner,
  cluster: ClusterModel,
  namespace: string,
  service: string,
  options: {
    traffic: OnboardingTraffic;
    ports: ResolvedOnboardingPort[];
    dataplane: OnboardingDataplane;
  },
): OnboardingResource | undefined {
  const { traffic, ports, dataplane } = options;
  if (!traffic.timeout && !traffic.retries) return undefined;
  const host = serviceHost(namespace, service);
  const at = traffic.timeout ? 'traffic.timeout' : 'traffic.retries';
  if (!ports.some(port => ['HTTP', 'HTTP2', 'GRPC'].includes(port.protocol))) {
    p.issue({
      path: at,
      message: `timeouts and retries apply to HTTP routes, and ${service} has no HTTP, HTTP2 or GRPC port`,
    });
    return undefined;
  }
  const shortName = `${service}.${namespace}`;
  const other = (cluster.state.virtualServices ?? []).find(
    vs =>
      !(vs.namespace === namespace && vs.name === service) &&
      vs.gateways.includes('mesh') &&
      vs.hosts.some(
        h =>
          h === host ||
          h === shortName ||
          (vs.namespace === namespace && h === service),
      ),
  );
  if (other) {
    p.issue({
      path: at,
      message: `VirtualService ${other.namespace}/${other.name} already routes ${host} for the mesh, and Istio does not merge two for one host: set the timeout and retries on it by hand`,
    });
    return undefined;
  }
  if (dataplane === 'ambient') {
    p.note(
      'Ambient: ztunnel does not apply VirtualService timeouts and retries; they take effect once the service uses a waypoint.',
    );
  }
  if (traffic.retries && traffic.retries.attempts > 0) {
    const retryOn = traffic.retries.retryOn;
    if (retriesAfterReached(retryOn).length) {
      p.note(
        `retryOn ${retryOn} retries requests that may have reached ${service}: make sure the requests its callers send are idempotent (POST, PATCH are retried too).`,
      );
    }
  }
  return virtualService(service, namespace, traffic);
}
