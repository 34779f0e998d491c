/**
 * Which inbound ports a sidecar's iptables hand to its proxy. The injector passes the
 * pod's annotations to istio-iptables (injection-template.yaml in istio/istio
 * manifests/charts/istio-control/istio-discovery/files: `-b` is
 * `traffic.sidecar.istio.io/includeInboundPorts`, `*` unless annotated; `-d` is 15090,
 * 15021, the status port and `traffic.sidecar.istio.io/excludeInboundPorts`; with
 * `sidecar.istio.io/interceptionMode: NONE` it adds no istio-init at all). istio-iptables
 * then redirects, with `*`, every port but the excluded ones; with a list, only the ports
 * listed; with an empty list, none (handleInboundPortsInclude in
 * tools/istio-iptables/pkg/capture/run.go). A connection to a port it does not redirect
 * reaches the application directly: the sidecar terminates no mTLS there and reads no
 * policy.
 */
import { WorkloadInfo } from '../model/types';
import { isGatewayWorkload } from './membership';
import type { WorkloadModel } from './MeshModel';

const includeAnnotation = 'traffic.sidecar.istio.io/includeInboundPorts';
const excludeAnnotation = 'traffic.sidecar.istio.io/excludeInboundPorts';
const interceptionModeAnnotation = 'sidecar.istio.io/interceptionMode';

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
  if (
    port === undefined ||
    w.membership.mode !== 'sidecar' ||
    isGatewayWorkload(w.workload)
  ) {
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
    return `its ${interceptionModeAnnotation} is NONE, so no traffic is redirected to its sidecar`;
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
