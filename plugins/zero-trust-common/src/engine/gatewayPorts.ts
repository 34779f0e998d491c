/**
 * The ports a gateway proxy serves and how: from the Gateway servers bound to it, not
 * from its pod's port names. An Istio gateway (pods injected with the `gateway`
 * template) serves the servers of the networking.istio.io Gateways whose selector
 * matches its pods; the pods istiod deploys for a Gateway API Gateway of class `istio`
 * (the `gateway.networking.k8s.io/gateway-name` label) serve its listeners.
 */
import { selectorMatches } from '../model/labels';
import { GatewayServerInfo, WorkloadInfo } from '../model/types';
import { gatewayServerProtocol } from './exposure';
import { ingressGatewayClass, listenerServer } from './gatewayApiExposure';
import { deployedGateway, isGatewayWorkload } from './membership';
import type { ClusterModel } from './MeshModel';
import { PortProtocol, WorkloadPort } from './ports';
import { gatewayNameLabel } from './waypoints';

/** The Gateway servers a gateway workload's proxy serves, as Istio Gateway servers. */
function boundServers(
  cluster: ClusterModel,
  workload: WorkloadInfo,
): Pick<GatewayServerInfo, 'port' | 'tls'>[] {
  // A Gateway API gateway's pods serve their Gateway's listeners (below), whatever
  // Istio Gateway selectors their labels happen to match.
  if (isGatewayWorkload(workload) && !deployedGateway(workload)) {
    // Istio's default (PILOT_SCOPE_GATEWAY_TO_NAMESPACE off): a Gateway of any namespace.
    return (cluster.state.gateways ?? [])
      .filter(
        g =>
          Object.keys(g.selector).length > 0 &&
          selectorMatches(g.selector, workload.labels),
      )
      .flatMap(g => g.servers);
  }
  const name = workload.labels[gatewayNameLabel];
  if (name === undefined) return [];
  const gateway = (cluster.state.kubernetesGateways ?? []).find(
    g =>
      g.namespace === workload.namespace &&
      g.name === name &&
      g.gatewayClassName === ingressGatewayClass,
  );
  return (gateway?.listeners ?? []).flatMap(l => {
    const server = listenerServer(l);
    return server
      ? [
          {
            port: { number: l.port, protocol: server.protocol },
            ...(server.tls !== 'none' ? { tls: { mode: server.tls } } : {}),
          },
        ]
      : [];
  });
}

/**
 * A gateway workload's ports with the protocol its servers give them. A server's port
 * number is a port of the gateway's Services, listened on at its target port, or the
 * number itself where no Service port has it (resolvePorts in
 * pilot/pkg/model/gateway.go). Servers that disagree on one port (TLS passthrough beside
 * terminated HTTPS) make it `tcp`, where HTTP-only rules do not apply to all of its
 * traffic. Ports no server names keep what their names say; a workload that is no
 * gateway is returned as it is.
 */
export function gatewayPorts(
  cluster: ClusterModel,
  workload: WorkloadInfo,
  ports: WorkloadPort[],
): WorkloadPort[] {
  const servers = boundServers(cluster, workload);
  if (!servers.length) return ports;
  const served = new Map<number, PortProtocol>();
  for (const server of servers) {
    const protocol = gatewayServerProtocol(server);
    const targets = ports
      .filter(p => p.services.some(s => s.servicePort === server.port.number))
      .map(p => p.port);
    for (const port of targets.length ? targets : [server.port.number]) {
      const seen = served.get(port);
      served.set(port, seen && seen !== protocol ? 'tcp' : protocol);
    }
  }
  const out = ports.map(p =>
    served.has(p.port) ? { ...p, protocol: served.get(p.port)! } : p,
  );
  for (const [port, protocol] of served) {
    if (!out.some(p => p.port === port)) {
      out.push({ port, protocol, services: [] });
    }
  }
  return out.sort((a, b) => a.port - b.port);
}
