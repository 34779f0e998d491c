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
