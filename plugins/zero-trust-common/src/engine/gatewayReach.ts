/**
 * Whether a gateway's workloads can be reached from outside the cluster: a Gateway server
 * is a way in only where a Service in front of the gateway's pods is. Kubernetes reaches
 * a ClusterIP Service only from inside the cluster; NodePort, LoadBalancer and
 * `externalIPs` take traffic from outside it
 * (https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types).
 * An egress gateway sits behind a ClusterIP Service: it receives the mesh's own traffic
 * bound out (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/),
 * and is no way in.
 */
import { selectorMatches } from '../model/labels';
import { Labels, ServiceInfo } from '../model/types';

/** How clients outside the cluster reach a gateway. @public */
export interface GatewayReach {
  /**
   * `outside`: a Service of type LoadBalancer or NodePort, or with externalIPs, selects
   * its workloads; `cluster`: only ClusterIP Services do (in-cluster clients only, as an
   * egress gateway's); `unknown`: the snapshot holds no Service for them (taken as
   * reachable, with `note`).
   */
  from: 'outside' | 'cluster' | 'unknown';
  /** `NAMESPACE/NAME (TYPE)` of the Services in front of the gateway's workloads. */
  services: string[];
  /** Why the answer is uncertain, where it is. */
  note?: string;
}

const outsideTypes = ['LoadBalancer', 'NodePort'];

const serviceText = (s: ServiceInfo, type = s.type ?? 'ClusterIP') =>
  `${s.namespace}/${s.name} (${type}${
    s.externalIPs?.length ? `, externalIPs ${s.externalIPs.join(', ')}` : ''
  })`;

/**
 * The reach of a gateway from its workloads' namespaces and labels: from the Services of
 * those namespaces whose selector picks one of them. Without one, `fallback`
 * decides (Gateway API: the Service istiod creates) or the answer is `unknown`: a gateway
 * installed from a Helm chart that is not rendered has the chart's Service, whose default
 * in istio/istio manifests/charts/gateway/values.yaml is LoadBalancer.
 *
 * @public
 */
export function gatewayReach(
  services: ServiceInfo[],
  workloads: { namespace: string; labels: Labels }[],
  fallback?: { service: string; type: string; why: string },
): GatewayReach {
  const fronting = services.filter(
    s =>
      s.type !== 'ExternalName' &&
      s.selector &&
      Object.keys(s.selector).length &&
      workloads.some(
        w =>
          w.namespace === s.namespace && selectorMatches(s.selector!, w.labels),
      ),
  );
  if (fronting.length) {
    const outside = fronting.some(
      s => outsideTypes.includes(s.type ?? '') || s.externalIPs?.length,
    );
    return {
      from: outside ? 'outside' : 'cluster',
      services: fronting.map(s => serviceText(s)),
    };
  }
  if (fallback) {
    return {
      from: outsideTypes.includes(fallback.type) ? 'outside' : 'cluster',
      services: [`${fallback.service} (${fallback.type})`],
      note: fallback.why,
    };
  }
  return {
    from: 'unknown',
    services: [],
    note: workloads.length
      ? 'no Service in the snapshot selects the gateway workloads (as for a gateway installed from a Helm chart that is not rendered, whose Service is LoadBalancer by default), so it is taken as reachable from outside'
      : 'the snapshot holds neither the gateway workloads nor their Service, so it is taken as reachable from outside',
  };
}
