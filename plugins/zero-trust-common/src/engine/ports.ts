import { selectorMatches } from '../model/labels';
import { ServiceInfo, ServicePortInfo, WorkloadInfo } from '../model/types';

/**
 * How the server-side proxy treats a port: `http` (HTTP/1.1, HTTP/2, gRPC: HTTP
 * attributes are known), `tcp` (opaque bytes, TLS included), or `auto` (no declared
 * protocol: Istio sniffs it, so HTTP traffic gets HTTP semantics).
 *
 * @public
 */
export type PortProtocol = 'http' | 'tcp' | 'auto';

/** A port the workload listens on, with the Services that expose it. @public */
export interface WorkloadPort {
  /** The target (container) port, as AuthorizationPolicy and PeerAuthentication use it. */
  port: number;
  name?: string;
  protocol: PortProtocol;
  /** `NAMESPACE/NAME:PORT` of each Service port that forwards here. */
  services: { service: ServiceInfo; servicePort: number }[];
}

const httpProtocols = ['http', 'http2', 'grpc', 'grpc-web', 'h2c'];
const tcpProtocols = ['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis', 'udp'];

/**
 * A Service port's protocol from its `appProtocol`, else its name's prefix
 * (`http-api`, `grpc`): https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 *
 * @public
 */
export function protocolOf(port: ServicePortInfo): PortProtocol {
  const declared = (
    port.appProtocol ??
    port.name?.split('-')[0] ??
    ''
  ).toLowerCase();
  if (port.protocol.toUpperCase() === 'UDP') return 'tcp';
  // appProtocol also takes Kubernetes' standard values such as kubernetes.io/h2c
  const bare = declared.replace(/^kubernetes\.io\//, '');
  if (httpProtocols.includes(bare)) return 'http';
  if (tcpProtocols.includes(bare)) return 'tcp';
  return 'auto';
}

function resolveTargetPort(
  port: ServicePortInfo,
  workload: WorkloadInfo,
): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return workload.containerPorts.find(p => p.name === target)?.port;
}

/** The Services in the workload's namespace whose selector picks its pods. @public */
export function servicesOf(
  workload: WorkloadInfo,
  services: ServiceInfo[],
): ServiceInfo[] {
  return services.filter(
    s =>
      s.namespace === workload.namespace &&
      s.selector !== undefined &&
      Object.keys(s.selector).length > 0 &&
      selectorMatches(s.selector, workload.labels),
  );
}

/** Every port the workload is known to listen on, declared or exposed. @public */
export function workloadPorts(
  workload: WorkloadInfo,
  services: ServiceInfo[],
): WorkloadPort[] {
  const byPort = new Map<number, WorkloadPort>();
  for (const service of servicesOf(workload, services)) {
    for (const sp of service.ports) {
      const port = resolveTargetPort(sp, workload);
      if (port === undefined) continue;
      const protocol = protocolOf(sp);
      const existing = byPort.get(port);
      if (existing) {
        existing.services.push({ service, servicePort: sp.port });
        // Services that disagree (HTTP in one, TCP in another) cannot both be right
        // about one target port: read it as TCP, where HTTP-only rules do not apply,
        // so a decision is never more permissive than the proxy's may be.
        if (existing.protocol !== protocol && protocol !== 'auto') {
          existing.protocol = existing.protocol === 'auto' ? protocol : 'tcp';
        }
      } else {
        byPort.set(port, {
          port,
          ...(sp.name ? { name: sp.name } : {}),
          protocol,
          services: [{ service, servicePort: sp.port }],
        });
      }
    }
  }
  for (const cp of workload.containerPorts) {
    if (!byPort.has(cp.port)) {
      byPort.set(cp.port, {
        port: cp.port,
        ...(cp.name ? { name: cp.name } : {}),
        protocol: 'auto',
        services: [],
      });
    }
  }
  return [...byPort.values()].sort((a, b) => a.port - b.port);
}
