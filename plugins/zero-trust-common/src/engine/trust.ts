import { ClusterState, MeshConfig, TrustedCertificate } from '../model/types';

/**
 * How a server's proxies come to verify a client cluster's workload certificates:
 * - `same cluster`: one CA;
 * - `shared root`: a root of the client's bundle is among the server's roots (the same
 *   root, or the one that issued it);
 * - `trusted bundle`: it is among the server's meshConfig `caCertificates`;
 * - `unknown`: a snapshot holds no root certificate, so trust is assumed, as before
 *   roots were read.
 *
 * @public
 */
export type TrustVia =
  | 'same cluster'
  | 'shared root'
  | 'trusted bundle'
  | 'unknown';

/** Whether workloads of `from` can complete an mTLS handshake with workloads of `to`. @public */
export interface TrustEdge {
  from: string;
  to: string;
  trusted: boolean;
  /** Absent where not trusted. */
  via?: TrustVia;
  /** The subject of the server's certificate that anchors the trust. */
  anchor?: string;
}

/** The certificate of `anchors` a client root is or was issued by. */
function anchorFor(
  root: TrustedCertificate,
  anchors: TrustedCertificate[],
): TrustedCertificate | undefined {
  return (
    anchors.find(a => a.fingerprint === root.fingerprint) ??
    // A bundle that holds an intermediate rather than its root: chained by name. The
    // signature cannot be checked here (two snapshots, no keys), only the names.
    (root.selfSigned
      ? undefined
      : anchors.find(a => a.ca && a.subject === root.issuer))
  );
}

/**
 * Whether the server cluster's proxies verify the certificates of the client cluster's
 * workloads: a proxy verifies a peer's chain against its own root bundle (its
 * `istio-ca-root-cert`, plus meshConfig `caCertificates`), so one root of the client's
 * bundle (the roots its workloads' certificates chain to) must be there
 * (https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/,
 * https://istio.io/latest/docs/ops/configuration/traffic-management/multicluster/).
 * The trust domain is checked apart (the peer's SAN, aliases, PILOT_SKIP_VALIDATE_TRUST_DOMAIN).
 *
 * @public
 */
export function trustBetween(from: ClusterState, to: ClusterState): TrustEdge {
  const edge = { from: from.name, to: to.name };
  if (from.name === to.name) {
    return { ...edge, trusted: true, via: 'same cluster' };
  }
  const clientRoots = from.trust?.roots ?? [];
  if (!clientRoots.length || !to.trust) {
    return { ...edge, trusted: true, via: 'unknown' };
  }
  for (const root of clientRoots) {
    const own = anchorFor(root, to.trust.roots);
    if (own) {
      return {
        ...edge,
        trusted: true,
        via: 'shared root',
        anchor: own.subject,
      };
    }
    const configured = anchorFor(root, to.trust.caCertificates);
    if (configured) {
      return {
        ...edge,
        trusted: true,
        via: 'trusted bundle',
        anchor: configured.subject,
      };
    }
  }
  return { ...edge, trusted: false };
}

/** Why an untrusted edge fails, in a sentence's end. @public */
export function untrustedReason(edge: TrustEdge): string {
  return `cluster ${edge.from}'s root is not trusted by cluster ${edge.to}`;
}

/**
 * How a server's proxies accept a peer's trust domain at the handshake: its `own`, an
 * `alias` of it, one of its meshConfig `caCertificates` trust domains, or `any` under
 * istiod's PILOT_SKIP_VALIDATE_TRUST_DOMAIN (TrustDomainsForValidation in istio/istio
 * pilot/pkg/networking/plugin/authn/util.go). ztunnel (ambient) accepts exactly its own:
 * TrustDomainVerifier in istio/ztunnel src/tls/workload.rs reads neither aliases nor the
 * flag. Undefined: refused.
 *
 * @public
 */
export type TrustDomainAcceptance = 'own' | 'alias' | 'caCertificates' | 'any';

/** @public */
export function trustDomainAcceptance(
  server: MeshConfig,
  domain: string,
  ambient = false,
): TrustDomainAcceptance | undefined {
  if (domain === server.trustDomain) return 'own';
  if (ambient) return undefined;
  if (server.trustDomainAliases.includes(domain)) return 'alias';
  if (server.caCertificateTrustDomains.includes(domain))
    return 'caCertificates';
  if (server.skipValidateTrustDomain) return 'any';
  return undefined;
}

/** Whether workloads of one cluster authenticate to a server's workloads, and why not. @public */
export interface PeerTrust {
  /** The client cluster. */
  cluster: string;
  /** Its workloads' trust domain. */
  trustDomain: string;
  /** Whether the server verifies their certificates' chain, and how. */
  root: TrustEdge;
  /** How the server accepts their trust domain; absent: refused. */
  domain?: TrustDomainAcceptance;
  /** Both hold: the mTLS handshake completes. */
  authenticates: boolean;
  /** Why not, where it does not. */
  reason?: string;
}

/** Both halves of a handshake between `client`'s workloads and `server`'s. @public */
export function peerTrust(
  client: ClusterState,
  server: ClusterState,
  options: { root?: TrustEdge; ambient?: boolean } = {},
): PeerTrust {
  const root = options.root ?? trustBetween(client, server);
  const { trustDomain } = client.mesh;
  const domain = trustDomainAcceptance(
    server.mesh,
    trustDomain,
    options.ambient,
  );
  let reason: string | undefined;
  if (!root.trusted) reason = untrustedReason(root);
  else if (!domain) {
    reason = options.ambient
      ? `ztunnel in cluster ${server.name} accepts only its own trust domain ${server.mesh.trustDomain}, not ${trustDomain}`
      : `cluster ${server.name} does not accept trust domain ${trustDomain} (not its own, an alias or a caCertificates trust domain)`;
  }
  return {
    cluster: client.name,
    trustDomain,
    root,
    ...(domain ? { domain } : {}),
    authenticates: !reason,
    ...(reason ? { reason } : {}),
  };
}
