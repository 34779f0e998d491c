/**
 * TLS origination toward an external host: a DestinationRule for the host whose `tls`
 * mode (or its port's, in `portLevelSettings`) is SIMPLE, MUTUAL or ISTIO_MUTUAL makes
 * the proxy that sends the request out open the TLS connection itself
 * (https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/,
 * and through an egress gateway:
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway-tls-origination/).
 * That proxy is the workload's sidecar where it reaches the host directly, or the egress
 * gateway a VirtualService routes it through; each reads the DestinationRule its own
 * namespace, the host's and the root namespace give it (`destinationRuleFor`).
 */
import { selectorMatches } from '../model/labels';
import { ClientTlsMode } from '../model/types';
import { destinationRuleFor, serviceHost } from './destinationRules';
import type { EgressHost } from './egress';
import type { WorkloadModel } from './MeshModel';

const originating: ClientTlsMode[] = ['SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];

/** Who opens TLS toward an external host, how, and on which of its ports. @public */
export interface TlsOrigination {
  /** The workload's own sidecar, or the egress gateway it is routed through. */
  by: 'sidecar' | 'egress-gateway';
  /** `CLUSTER/NAMESPACE/NAME` of the egress gateway workload, for `egress-gateway`. */
  gateway?: string;
  mode: ClientTlsMode;
  /** `NAMESPACE/NAME` of the DestinationRule. */
  destinationRule: string;
  /** The host's ports it originates TLS on. */
  ports: number[];
  /** MUTUAL: where its client certificate comes from (`Secret NAME`, `file PATH`). */
  clientCertificate?: string;
}

/** The workloads behind a Service host of the cluster (`NAME.NAMESPACE.svc.cluster.local`). */
function workloadsBehind(w: WorkloadModel, host: string): WorkloadModel[] {
  const service = w.cluster.state.services.find(
    s =>
      serviceHost(s.namespace, s.name) === host ||
      `${s.name}.${s.namespace}` === host ||
      `${s.name}.${s.namespace}.svc` === host,
  );
  if (!service?.selector || !Object.keys(service.selector).length) return [];
  return (w.cluster.workloadsByNamespace.get(service.namespace) ?? []).filter(
    g => selectorMatches(service.selector, g.workload.labels),
  );
}

/**
 * Where TLS toward an egress host is originated, if anywhere: by the sidecar for a
 * direct host, by the egress gateway for a host routed through one. Undefined where no
 * DestinationRule the sending proxy uses originates TLS on the host's ports.
 *
 * @public
 */
export function tlsOriginationFor(
  w: WorkloadModel,
  h: EgressHost,
): TlsOrigination | undefined {
  if (h.how === 'blocked') return undefined;
  const [entryNamespace] = h.serviceEntry.split('/');
  let sender = w;
  let gateway: string | undefined;
  if (h.how === 'egress-gateway') {
    const [pod] = h.via ? workloadsBehind(w, h.via.host) : [];
    if (!pod) return undefined;
    sender = pod;
    gateway = pod.id;
  }
  const rule = destinationRuleFor(
    w.cluster.state.mesh,
    sender.workload,
    h.host,
    entryNamespace,
    w.cluster.destinationRulesByNamespace,
  );
  if (!rule) return undefined;
  const byPort = h.ports
    .map(p => ({
      port: p.number,
      mode:
        p.number in rule.portLevelTls
          ? rule.portLevelTls[p.number]
          : rule.tlsMode,
    }))
    .filter(
      (p): p is { port: number; mode: ClientTlsMode } =>
        p.mode !== undefined && originating.includes(p.mode),
    );
  if (!byPort.length) return undefined;
  const certificate =
    byPort[0].mode === 'MUTUAL'
      ? rule.clientCertificates?.[byPort[0].port] ??
        rule.clientCertificates?.['*']
      : undefined;
  return {
    by: gateway ? 'egress-gateway' : 'sidecar',
    ...(gateway ? { gateway } : {}),
    mode: byPort[0].mode,
    destinationRule: `${rule.namespace}/${rule.name}`,
    ports: byPort.map(p => p.port),
    ...(certificate ? { clientCertificate: certificate } : {}),
  };
}
