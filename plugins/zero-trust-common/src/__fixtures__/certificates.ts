import { MeshModel } from '../engine/MeshModel';
import { buildClusterState } from '../model/buildClusterState';
import { CertificateParser } from '../model/trustBundles';
import { CertificateInfo } from '../model/types';
import { K8sObject } from './manifests';

/**
 * A CA certificate as the node library's parser reads one (the parsing itself is tested
 * there, with certificates openssl makes). Its fingerprint is derived from its name.
 */
export function caCertificate(
  name: string,
  options: { issuer?: string; notAfter?: string; trustDomain?: string } = {},
): CertificateInfo {
  const issuer = options.issuer ?? name;
  const bytes = Array.from({ length: 32 }, (_, i) =>
    ((name.charCodeAt(i % name.length) * (i + 7)) % 256)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase(),
  );
  return {
    subject: `CN=${name}`,
    issuer: `CN=${issuer}`,
    ...(options.trustDomain ? { trustDomain: options.trustDomain } : {}),
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: options.notAfter ?? '2036-01-01T00:00:00.000Z',
    fingerprint: bytes.join(':'),
    selfSigned: issuer === name,
    ca: true,
  };
}

/** For tests: a "PEM" that is the JSON of the certificates it stands for. */
export const jsonCertificates: CertificateParser = pem => JSON.parse(pem);

/** The `istio-ca-root-cert` ConfigMap holding these certificates. */
export function rootCertificates(
  namespace: string,
  ...certificates: CertificateInfo[]
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-ca-root-cert', namespace },
    data: { 'root-cert.pem': JSON.stringify(certificates) },
  };
}

/** A model of several clusters whose root certificates are read. */
export function trustModel(clusters: Record<string, K8sObject[]>): MeshModel {
  return new MeshModel(
    Object.entries(clusters).map(([name, objs]) =>
      buildClusterState(
        name,
        objs.map(object => ({ object })),
        { parseCertificates: jsonCertificates },
      ),
    ),
  );
}
