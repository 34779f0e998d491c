/** The principal Istio derives from a workload's certificate: `TD/ns/NS/sa/SA`. @public */
export function principalOf(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The SPIFFE ID in the workload's certificate. @public */
export function spiffeIdOf(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `spiffe://${principalOf(trustDomain, namespace, serviceAccount)}`;
}

/** @public */
export interface ParsedPrincipal {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

/** Parses `TD/ns/NS/sa/SA` (an optional `spiffe://` prefix is accepted). @public */
export function parsePrincipal(principal: string): ParsedPrincipal | undefined {
  const match = /^(?:spiffe:\/\/)?([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(
    principal,
  );
  if (!match) return undefined;
  return {
    trustDomain: match[1],
    namespace: match[2],
    serviceAccount: match[3],
  };
}
