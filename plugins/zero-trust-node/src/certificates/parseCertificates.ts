import type { CertificateInfo } from '@zero-trust/backstage-plugin-zero-trust-common';
import { X509Certificate } from 'node:crypto';

const pemBlock =
  /-----BEGIN CERTIFICATE-----\r?\n([\s\S]*?)-----END CERTIFICATE-----/g;

/** The trust domain of the first `spiffe://` URI SAN: `URI:spiffe://td/ns/x/sa/y` → `td`. */
function trustDomainOf(subjectAltName: string | undefined): string | undefined {
  const match = /URI:spiffe:\/\/([^/,\s]+)/.exec(subjectAltName ?? '');
  return match?.[1];
}

/**
 * Every certificate of a PEM bundle, parsed with Node's `crypto.X509Certificate`: names,
 * dates, the SPIFFE trust domain, the SHA-256 fingerprint and whether it is self-signed
 * (issued by its own key, checked with its signature). Throws where a block is not a
 * certificate, or where the text holds none.
 *
 * @public
 */
export function parseCertificates(pem: string): CertificateInfo[] {
  const blocks = [...pem.matchAll(pemBlock)].map(m => m[0]);
  if (!blocks.length) throw new Error('no PEM certificate in it');
  return blocks.map((block, index) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (error) {
      throw new Error(
        `certificate ${index + 1} is not valid X.509 (${
          (error as Error).message
        })`,
      );
    }
    const trustDomain = trustDomainOf(cert.subjectAltName);
    return {
      subject: cert.subject,
      issuer: cert.issuer,
      ...(trustDomain ? { trustDomain } : {}),
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
      fingerprint: cert.fingerprint256,
      selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
      ca: cert.ca,
    };
  });
}
