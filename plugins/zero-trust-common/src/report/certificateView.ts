import { ClusterModel, WorkloadModel } from '../engine/MeshModel';
import { PeerTrust, peerTrust } from '../engine/trust';
import { subjectLine } from '../model/trustBundles';
import {
  CertManagerCertificateInfo,
  CertificateAuthorityInfo,
  TrustedCertificate,
  WorkloadCertificateLifetime,
} from '../model/types';

/** One certificate of the chain above a workload's certificate. @public */
export interface CertificateLink {
  /** The subject on one line, most specific first: `CN=demo root, O=example`. */
  subject: string;
  /** The subject of the certificate that issued it (itself for a root). */
  issuer?: string;
  /** `root`: self-signed; `intermediate`: a CA another CA issued. */
  role: 'root' | 'intermediate';
  /** ISO timestamps, where the snapshot shows them. */
  notBefore?: string;
  notAfter?: string;
  fingerprint?: string;
  /** Where it was read, e.g. `ConfigMap istio-system/istio-ca-root-cert`. */
  source: string;
}

/** Who issues a workload's certificate, how often it rotates and who can authenticate to it. @public */
export interface WorkloadCertificateView {
  /** The SPIFFE ID its certificate carries. */
  identity: string;
  /** The CA that signs it (istiod, a plugged-in CA, istio-csr, an external CA) and why. */
  ca: CertificateAuthorityInfo;
  /**
   * From the certificate that signs it up to a root, by subject (empty where the snapshot
   * holds no root certificate and no cert-manager CA).
   */
  chain: CertificateLink[];
  /**
   * The other certificates its proxy verifies peers against: further roots of its bundle
   * and meshConfig `caCertificates`.
   */
  alsoTrusted: CertificateLink[];
  /** How long its certificate lives before the proxy rotates it. */
  rotation?: WorkloadCertificateLifetime;
  /** Each other cluster: whether its workloads complete the mTLS handshake with this one. */
  peers: PeerTrust[];
}

function link(cert: TrustedCertificate): CertificateLink {
  return {
    subject: subjectLine(cert.subject),
    issuer: subjectLine(cert.issuer),
    role: cert.selfSigned ? 'root' : 'intermediate',
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint: cert.fingerprint,
    source: cert.sources.join(', '),
  };
}

/**
 * A bundle's certificates in chain order: from the one nearest the workloads (an
 * intermediate no other certificate of the bundle names as issuer, else a root) up its
 * issuers by name; the rest apart (other roots, as while a root rotates).
 */
function orderBundle(bundle: TrustedCertificate[]): {
  chain: TrustedCertificate[];
  rest: TrustedCertificate[];
} {
  const issuesAnother = (c: TrustedCertificate) =>
    bundle.some(o => o !== c && !o.selfSigned && o.issuer === c.subject);
  const start =
    bundle.find(c => !c.selfSigned && !issuesAnother(c)) ??
    bundle.find(c => c.selfSigned) ??
    bundle[0];
  const chain: TrustedCertificate[] = [];
  for (
    let cert: TrustedCertificate | undefined = start;
    cert && !chain.includes(cert);
    cert = cert.selfSigned
      ? undefined
      : bundle.find(o => o !== cert && o.subject === cert!.issuer)
  ) {
    chain.push(cert);
  }
  return { chain, rest: bundle.filter(c => !chain.includes(c)) };
}

/**
 * How the chain names the CA certificate a cert-manager Certificate issues: its subject
 * as the certificate will carry it, else the Certificate's own name.
 */
export function certManagerSubject(cert: CertManagerCertificateInfo): string {
  return cert.subject
    ? subjectLine(cert.subject)
    : `cert-manager Certificate ${cert.namespace}/${cert.name}`;
}

/** The cert-manager Certificate that writes `cacerts`, as the first link. */
function certManagerLink(cluster: ClusterModel): CertificateLink | undefined {
  const { certificates } = cluster.state;
  const ref = certificates?.ca.certificate;
  const cert = certificates?.certificates.find(
    c => `${c.namespace}/${c.name}` === ref,
  );
  if (!cert) return undefined;
  return {
    subject: certManagerSubject(cert),
    ...(cert.issuerRef
      ? { issuer: `${cert.issuerRef.kind} ${cert.issuerRef.name}` }
      : {}),
    role: 'intermediate',
    ...(cert.notAfter ? { notAfter: cert.notAfter } : {}),
    source: `cert-manager Certificate ${ref} (Secret ${
      cert.secretName ?? 'cacerts'
    }, not read)`,
  };
}

/** The certificate part of a workload's view; undefined outside the mesh. @public */
export function certificateView(
  w: WorkloadModel,
  clusters: ClusterModel[],
): WorkloadCertificateView | undefined {
  if (!w.inMesh) return undefined;
  const { cluster } = w;
  const { trust, certificates } = cluster.state;
  const { chain, rest } = orderBundle(trust?.roots ?? []);
  const links = chain.map(link);
  const issuing = certManagerLink(cluster);
  if (issuing && !links.some(l => l.subject === issuing.subject)) {
    links.unshift(issuing);
  }
  const ambient = w.membership.mode === 'ambient';
  return {
    identity: w.spiffeId,
    ca: certificates?.ca ?? {
      kind: 'istiod',
      evidence: 'no plugged-in, istio-csr or external CA in the snapshot',
    },
    chain: links,
    alsoTrusted: [...rest, ...(trust?.caCertificates ?? [])].map(link),
    ...(certificates ? { rotation: certificates.workloadCertificate } : {}),
    peers: clusters
      .filter(c => c !== cluster)
      .map(c =>
        peerTrust(c.state, cluster.state, {
          root: cluster.trusts(c),
          ambient,
        }),
      ),
  };
}
