import type {
  PeerTrust,
  TrustCluster,
} from '@zero-trust/backstage-plugin-zero-trust-common';

const domainText: Record<
  NonNullable<PeerTrust['domain']>,
  string | undefined
> = {
  own: undefined,
  alias: 'trust-domain alias',
  caCertificates: 'caCertificates trust domain',
  any: 'any trust domain',
};

/** How an edge's handshake completes, in a few words: `shared root`, `trusted bundle + trust-domain alias`. */
export function edgeLabel(edge: PeerTrust): string {
  if (!edge.authenticates) {
    return edge.root.trusted ? 'trust domain refused' : 'root not trusted';
  }
  const via =
    edge.root.via === 'unknown' ? 'no root read' : edge.root.via ?? '';
  return [via, edge.domain && domainText[edge.domain]]
    .filter(Boolean)
    .join(' + ');
}

/** The sentence beside an edge: who, how, or why not. */
export function edgeSentence(edge: PeerTrust): string {
  const { from, to } = edge.root;
  return edge.authenticates
    ? `${from}'s workloads authenticate to ${to}'s: ${edgeLabel(edge)}`
    : `${from}'s workloads cannot authenticate to ${to}'s: ${edge.reason}`;
}

export const caText: Record<NonNullable<TrustCluster['ca']>['kind'], string> = {
  istiod: 'istiod self-signed CA',
  'plugged-in': 'plugged-in CA',
  'istio-csr': 'istio-csr',
  external: 'external CA',
};
