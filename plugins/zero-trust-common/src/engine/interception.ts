/**
 * Which ports a sidecar's iptables hand to its proxy. The injector passes the
 * pod's annotations to istio-iptables (injection-template.yaml in istio/istio
 * manifests/charts/istio-control/istio-discovery/files: `-b` is
 * `traffic.sidecar.istio.io/includeInboundPorts`, `*` unless annotated; `-d` is 15090,
 * 15021, the status port and `traffic.sidecar.istio.io/excludeInboundPorts`; with
 * `sidecar.istio.io/interceptionMode: NONE` it adds no istio-init at all). istio-iptables
 * then redirects, with `*`, every port but the excluded ones; with a list, only the ports
 * listed; with an empty list, none (handleInboundPortsInclude in
 * tools/istio-iptables/pkg/capture/run.go). A connection to a port it does not redirect
 * reaches the application directly: the sidecar terminates no mTLS there and reads no
 * policy. Outbound, `-o` is `traffic.sidecar.istio.io/excludeOutboundPorts`, whose ports
 * ISTIO_OUTPUT returns before any redirect (run.go): the application's connection leaves
 * the pod without its sidecar, in plaintext.
 */
import { WorkloadInfo } from '../model/types';
import { hasSidecarProxy } from './membership';
import type { WorkloadModel } from './MeshModel';
import type { WorkloadPort } from './ports';

const includeAnnotation = 'traffic.sidecar.istio.io/includeInboundPorts';
const excludeAnnotation = 'traffic.sidecar.istio.io/excludeInboundPorts';
const excludeOutboundAnnotation =
  'traffic.sidecar.istio.io/excludeOutboundPorts';
const interceptionModeAnnotation = 'sidecar.istio.io/interceptionMode';
const noInterception = `its ${interceptionModeAnnotation} is NONE, so no traffic is redirected to its sidecar`;

/** A comma-separated list of ports or `FROM:TO` ranges, as iptables' `--dport` reads them. */
function listed(list: string, port: number): boolean {
  return list.split(',').some(entry => {
    const [from, to = from] = entry.trim().split(':');
    return from !== '' && Number(from) <= port && port <= Number(to);
  });
}

/**
 * Why a workload's sidecar does not see the connections to one of its ports, or
 * undefined where it does, or where it has no sidecar: a gateway's proxy listens on its
 * ports itself, and ztunnel captures an ambient pod's traffic by other means.
 */
export function uncaptured(
  w: WorkloadModel,
  port: number | undefined,
): string | undefined {
  if (port === undefined || !hasSidecarProxy(w.membership, w.workload)) {
    return undefined;
  }
  return inboundBypass(w.workload, port);
}

function inboundBypass(
  workload: WorkloadInfo,
  port: number,
): string | undefined {
  const { annotations } = workload;
  if (annotations[interceptionModeAnnotation] === 'NONE') {
    return noInterception;
  }
  const include = annotations[includeAnnotation]?.trim() ?? '*';
  if (include === '') {
    return `its ${includeAnnotation} is empty, so no inbound port is redirected to its sidecar`;
  }
  if (include !== '*') {
    return listed(include, port)
      ? undefined
      : `port ${port} is not in its ${includeAnnotation} (${include})`;
  }
  const exclude = annotations[excludeAnnotation];
  return exclude !== undefined && listed(exclude, port)
    ? `port ${port} is in its ${excludeAnnotation} (${exclude})`
    : undefined;
}

/**
 * Why a sidecar client's connections to a server's port leave it without its sidecar, or
 * undefined where its sidecar sends them. The pod's iptables see the address the
 * application dials: a Service's port (kube-proxy translates it later, on the node), or
 * the pod's own port where it dials the pod.
 */
export function outboundUncaptured(
  client: WorkloadModel,
  port: WorkloadPort | undefined,
): string | undefined {
  // Asked for every connection a sidecar client makes: the annotations first.
  const { annotations } = client.workload;
  const none = annotations[interceptionModeAnnotation] === 'NONE';
  const exclude = annotations[excludeOutboundAnnotation];
  if (
    (!none && exclude === undefined) ||
    !hasSidecarProxy(client.membership, client.workload)
  ) {
    return undefined;
  }
  if (none) {
    return noInterception;
  }
  if (exclude === undefined || !port) return undefined;
  const dialed = [port.port, ...port.services.map(s => s.servicePort)].find(p =>
    listed(exclude, p),
  );
  return dialed === undefined
    ? undefined
    : `port ${dialed} is in its ${excludeOutboundAnnotation} (${exclude})`;
}
