import { MeshModel } from '../engine/MeshModel';
import { PeerTrust, peerTrust } from '../engine/trust';
import type { FindingCode } from '../findings/catalogue';
import type { Finding } from '../findings/detect';
import { subjectLine } from '../model/trustBundles';
import {
  CertificateAuthorityInfo,
  TrustedCertificate,
  WorkloadCertificateLifetime,
} from '../model/types';
import { CertificateLink, certManagerSubject } from './certificateView';

/** The findings about certificates and trust (the Trust view shows them beside the picture). @public */
export const trustFindingCodes: readonly FindingCode[] = [
  'ZT024',
  'ZT025',
  'ZT026',
  'ZT027',
  'ZT028',
  'ZT029',
  'ZT030',
];

/** One cluster as the Trust view draws it. @public */
export interface TrustCluster {
  name: string;
  trustDomain: string;
  trustDomainAliases: string[];
  /** Its CA; absent where the cluster is not read yet. */
  ca?: CertificateAuthorityInfo;
  workloadCertificate?: WorkloadCertificateLifetime;
  /**
   * The certificates its proxies verify peers against: its bundle (`istio-ca-root-cert`)
   * then meshConfig `caCertificates`, each with its end; and the CA certificate a
   * cert-manager Certificate keeps (`cacerts`), where there is one. Empty: no root read.
   */
  certificates: (CertificateLink & {
    kind: 'bundle' | 'caCertificates' | 'cert-manager';
  })[];
}

/** The clusters, who authenticates to whom and how, and the certificate findings. @public */
export interface TrustView {
  clusters: TrustCluster[];
  /**
   * One per ordered pair of clusters: whether the workloads of `root.from` complete the
   * mTLS handshake with those of `root.to` (a shared root, a trusted bundle; the trust
   * domain their own, an alias, a caCertificates one), and why not.
   */
  edges: PeerTrust[];
}

function link(
  cert: TrustedCertificate,
  kind: 'bundle' | 'caCertificates',
): TrustCluster['certificates'][number] {
  return {
    kind,
    subject: subjectLine(cert.subject),
    issuer: subjectLine(cert.issuer),
    role: cert.selfSigned ? 'root' : 'intermediate',
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint: cert.fingerprint,
    source: cert.sources.join(', '),
  };
}

/** The Trust view of a model (the findings are the caller's, filtered by `trustFindingCodes`). @public */
export function trustView(model: MeshModel): TrustView {
  const clusters = model.clusters.map((c): TrustCluster => {
    const { trust, certificates, mesh } = c.state;
    const managed = (certificates?.certificates ?? [])
      .filter(cert => cert.isCA)
      .map((cert): TrustCluster['certificates'][number] => ({
        kind: 'cert-manager',
        subject: certManagerSubject(cert),
        ...(cert.issuerRef
          ? { issuer: `${cert.issuerRef.kind} ${cert.issuerRef.name}` }
          : {}),
        role: 'intermediate',
        ...(cert.notAfter ? { notAfter: cert.notAfter } : {}),
        source: `cert-manager Certificate ${cert.namespace}/${cert.name}`,
      }));
    return {
      name: c.name,
      trustDomain: mesh.trustDomain,
      trustDomainAliases: mesh.trustDomainAliases,
      ...(certificates
        ? {
            ca: certificates.ca,
            workloadCertificate: certificates.workloadCertificate,
          }
        : {}),
      certificates: [
        ...(trust?.roots ?? []).map(r => link(r, 'bundle')),
        ...(trust?.caCertificates ?? []).map(r => link(r, 'caCertificates')),
        ...managed,
      ],
    };
  });
  const edges = model.clusters.flatMap(server =>
    model.clusters
      .filter(client => client !== server)
      .map(client =>
        peerTrust(client.state, server.state, { root: server.trusts(client) }),
      ),
  );
  return { clusters, edges };
}

/** Whether a finding belongs beside the Trust view. @public */
export const isTrustFinding = (f: Finding): boolean =>
  trustFindingCodes.includes(f.code);
