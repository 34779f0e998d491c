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
