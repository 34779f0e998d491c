import { findKind, isObject } from '../kinds';
import type { SourcedObject } from './buildClusterState';
import { CertificateInfo, ClusterTrust, TrustedCertificate } from './types';

/**
 * Reads every certificate of a PEM bundle; throws with a short message where the text is
 * not a certificate. Node code fills it with `crypto.X509Certificate`: the engine runs
 * in the browser too, where no X.509 parser is at hand.
 *
 * @public
 */
export type CertificateParser = (pem: string) => CertificateInfo[];

/**
 * A subject on one line, most specific first (`CN=demo root, O=example`): Node prints a
 * distinguished name one `KEY=value` a line, from the top of the hierarchy down.
 *
 * @public
 */
export const subjectLine = (subject: string): string =>
  subject.split('\n').reverse().join(', ') || '(no subject)';

/** The ConfigMap istiod publishes its root certificates in, in every namespace. */
export const rootCertConfigMap = 'istio-ca-root-cert';

type Problem = (
  obj: Record<string, any>,
  file: string | undefined,
  message: string,
) => void;

/** Adds certificates to a list, once per fingerprint, keeping every source. */
function collect(
  into: TrustedCertificate[],
  certificates: CertificateInfo[],
  source: string,
) {
  for (const cert of certificates) {
    const known = into.find(c => c.fingerprint === cert.fingerprint);
    if (!known) into.push({ ...cert, sources: [source] });
    else if (!known.sources.includes(source)) known.sources.push(source);
  }
}

/**
 * A cluster's roots of trust: the `root-cert.pem` of each `istio-ca-root-cert`
 * ConfigMap (the same bundle in every namespace, except while a root rotates) and the
 * mesh config's `caCertificates`. Undefined when the snapshot holds neither.
 */
export function readTrust(
  objects: SourcedObject[],
  caCertificatePems: string[],
  options: { parse: CertificateParser; problem: Problem },
): ClusterTrust | undefined {
  const trust: ClusterTrust = { roots: [], caCertificates: [] };
  const parse = (
    pem: string,
    onError: (message: string) => void,
  ): CertificateInfo[] => {
    try {
      return options.parse(pem);
    } catch (error) {
      onError((error as Error).message);
      return [];
    }
  };
  for (const { object, file } of objects) {
    if (
      !isObject(object) ||
      findKind(object.apiVersion, object.kind)?.kind !== 'ConfigMap' ||
      object.metadata?.name !== rootCertConfigMap
    ) {
      continue;
    }
    const pem = isObject(object.data)
      ? object.data['root-cert.pem']
      : undefined;
    if (typeof pem !== 'string' || !pem.trim()) continue;
    const namespace = object.metadata.namespace ?? 'default';
    const certificates = parse(pem, message =>
      options.problem(object, file, `root-cert.pem: ${message}`),
    );
    collect(
      trust.roots,
      certificates,
      `ConfigMap ${namespace}/${rootCertConfigMap}`,
    );
  }
  caCertificatePems.forEach((pem, index) => {
    const certificates = parse(pem, message =>
      options.problem(
        { kind: 'MeshConfig', metadata: { name: 'caCertificates' } },
        undefined,
        `caCertificates[${index}].pem: ${message}`,
      ),
    );
    collect(trust.caCertificates, certificates, 'meshConfig.caCertificates');
  });
  return trust.roots.length || trust.caCertificates.length ? trust : undefined;
}
