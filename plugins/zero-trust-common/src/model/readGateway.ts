import { isObject } from '../kinds';
import { labelSelector } from './readNetworkPolicy';
import { KubernetesGatewayInfo, Labels } from './types';

type Json = Record<string, any>;

function strings(value: unknown): Labels {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

/**
 * Who may attach to the waypoint: the `allowedRoutes.namespaces` of its HBONE listener
 * (port 15008), `Same` where there is none or it sets nothing (makeAllowedRoutes and
 * makeWaypointSelector in pilot/pkg/serviceregistry/ambient/waypoints.go).
 */
function allowedRoutes(spec: Json): KubernetesGatewayInfo['allowedRoutes'] {
  const listeners = Array.isArray(spec.listeners)
    ? spec.listeners.filter(isObject)
    : [];
  const hbone = listeners.find(l => l.protocol === 'HBONE' && l.port === 15008);
  const namespaces = hbone?.allowedRoutes?.namespaces;
  if (!isObject(namespaces)) return { from: 'Same' };
  if (namespaces.from === 'All') return { from: 'All' };
  if (namespaces.from === 'Selector') {
    return { from: 'Selector', selector: labelSelector(namespaces.selector) };
  }
  return { from: 'Same' };
}

/**
 * Whether istiod has made the waypoint ready: it uses one only once `status.addresses`
 * is set (gatewayToWaypointTransform in pilot/pkg/serviceregistry/ambient/waypoints.go),
 * and the Gateway API's `Programmed` condition says whether the data plane got it.
 */
function status(obj: Json): KubernetesGatewayInfo['status'] {
  if (!isObject(obj.status)) return undefined;
  const conditions = Array.isArray(obj.status.conditions)
    ? obj.status.conditions.filter(isObject)
    : [];
  const programmed = conditions.find(c => c.type === 'Programmed');
  return {
    ...(programmed ? { programmed: programmed.status === 'True' } : {}),
    addresses: Array.isArray(obj.status.addresses)
      ? obj.status.addresses.length
      : 0,
  };
}

/** A `gateway.networking.k8s.io` Gateway as the waypoint rules read it. */
export function readGateway(obj: Json): KubernetesGatewayInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const state = status(obj);
  return {
    namespace: obj.metadata?.namespace ?? 'default',
    name: String(obj.metadata?.name),
    gatewayClassName: String(spec.gatewayClassName ?? ''),
    labels: strings(obj.metadata?.labels),
    annotations: strings(obj.metadata?.annotations),
    allowedRoutes: allowedRoutes(spec),
    ...(state ? { status: state } : {}),
  };
}
