/** What routes a way in: a VirtualService, or the Gateway API route istiod converts into one. */
export function routeLabel(x: {
  routeKind?: string;
  virtualService: string;
}): string {
  return `${x.routeKind ?? 'VirtualService'} ${x.virtualService}`;
}

/** The Gateway of a way in, with its class and listener where it is a Gateway API one. */
export function gatewayLabel(x: {
  gateway: string;
  gatewayClass?: string;
  listener?: string;
}): string {
  if (!x.gatewayClass) return x.gateway;
  return `${x.gateway} (Gateway API, class ${x.gatewayClass}${
    x.listener ? `, listener ${x.listener}` : ''
  })`;
}

/**
 * Who reaches a gateway, from the Service in front of its workloads: `from outside
 * (Service istio-system/ingress (LoadBalancer))`, `only from inside the cluster (...)`,
 * or the note saying why it is taken as reachable.
 */
export function reachText(reach: {
  from: 'outside' | 'cluster' | 'unknown';
  services: string[];
  note?: string;
}): string {
  const services = reach.services.length
    ? ` (Service ${reach.services.join(', ')})`
    : '';
  if (reach.from === 'outside') return `from outside${services}`;
  if (reach.from === 'cluster') {
    return `only from inside the cluster${services}: not a way in from outside`;
  }
  return `unknown: ${reach.note ?? 'no Service in front of the gateway'}`;
}

interface MeshPathText {
  client: { cluster: string; workload: string; how: string; via?: string };
  origination?: {
    by: string;
    gateway?: string;
    mode: string;
    certificate?: string;
  };
  server: {
    cluster: string;
    gateway: string;
    host: string;
    port: number;
    tls: string;
  };
  mtls: boolean;
  gap?: string;
}

/** `mTLS originated by egress gateway E (MUTUAL), certificate from ...`. */
function originationText(p: MeshPathText): string {
  const o = p.origination;
  if (!o) return 'no TLS originated by the mesh';
  const by = o.by === 'sidecar' ? 'its sidecar' : `egress gateway ${o.gateway}`;
  return `${o.mode === 'SIMPLE' ? 'TLS' : 'mTLS'} originated by ${by} (${
    o.mode
  })${o.certificate ? `, certificate from ${o.certificate}` : ''}`;
}

/** The client's end of a mesh-to-mesh path: where the host is served, and how. */
export function meshPathServerText(p: MeshPathText): string {
  return `to cluster ${p.server.cluster}'s ingress gateway ${
    p.server.gateway
  } (host ${p.server.host}:${p.server.port}, ${
    p.server.tls
  }), ${originationText(p)}`;
}

/** The server's end of a mesh-to-mesh path: who reaches it, and how. */
export function meshPathClientText(p: MeshPathText): string {
  let through = '';
  if (p.client.how === 'egress-gateway') {
    through = p.origination?.gateway
      ? ` through egress gateway ${p.origination.gateway}`
      : ` through ${p.client.via}`;
  }
  return `reached from cluster ${p.client.cluster}'s ${
    p.client.workload
  }${through}, ${originationText(p)}`;
}

/** Whether the path is mTLS end to end, and what is missing. */
export function meshPathVerdict(p: MeshPathText): string {
  if (p.mtls) return p.gap ? `mTLS end to end (${p.gap})` : 'mTLS end to end';
  return `not mTLS end to end: ${p.gap}`;
}
