import { findKind, isObject } from '../kinds';
import type { SourcedObject } from './buildClusterState';
import { formatDuration, parseGoDuration } from './goDuration';
import type { MeshSettingsResult } from './meshSettings';
import {
  CertManagerCertificateInfo,
  CertManagerIssuerInfo,
  CertificateAuthorityInfo,
  ClusterCertificates,
  ClusterTrust,
  ConditionInfo,
  MeshConfig,
  WorkloadCertificateLifetime,
} from './types';

type Json = Record<string, any>;

const hour = 3600;

function readyOf(status: unknown): ConditionInfo | undefined {
  const conditions =
    isObject(status) && Array.isArray(status.conditions)
      ? status.conditions
      : [];
  const ready = conditions.find(
    (c: unknown) => isObject(c) && c.type === 'Ready',
  );
  if (!ready) return undefined;
  const value = ['True', 'False'].includes(ready.status)
    ? ready.status
    : 'Unknown';
  return {
    status: value,
    ...(typeof ready.reason === 'string' ? { reason: ready.reason } : {}),
    ...(typeof ready.message === 'string' ? { message: ready.message } : {}),
  };
}

const text = (value: unknown) =>
  typeof value === 'string' && value ? value : undefined;

/** A timestamp as an ISO string, whether the client parsed it into a Date or not. */
const time = (value: unknown) =>
  value instanceof Date ? value.toISOString() : text(value);

/**
 * The subject cert-manager writes into the certificate: spec.subject's fields and
 * spec.commonName in the order Go's crypto/x509/pkix `Name.ToRDNSequence` encodes them
 * (C, ST, L, street, postalCode, O, OU, CN, serialNumber), one line each, as Node's
 * X509Certificate prints a subject.
 */
function subjectOf(spec: Json): string | undefined {
  const subject = isObject(spec.subject) ? spec.subject : {};
  const values = (value: unknown): string[] => {
    if (typeof value === 'string') return value ? [value] : [];
    return Array.isArray(value)
      ? value.filter((v): v is string => typeof v === 'string' && v !== '')
      : [];
  };
  const lines = (
    [
      ['C', subject.countries],
      ['ST', subject.provinces],
      ['L', subject.localities],
      ['street', subject.streetAddresses],
      ['postalCode', subject.postalCodes],
      ['O', subject.organizations],
      ['OU', subject.organizationalUnits],
      ['CN', spec.commonName],
      ['serialNumber', subject.serialNumber],
    ] as [string, unknown][]
  ).flatMap(([type, value]) => values(value).map(v => `${type}=${v}`));
  return lines.length ? lines.join('\n') : undefined;
}

function toCertificate(obj: Json): CertManagerCertificateInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  const ready = readyOf(status);
  const info: CertManagerCertificateInfo = {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    isCA: spec.isCA === true,
  };
  const set = (key: keyof CertManagerCertificateInfo, value: unknown) => {
    if (value !== undefined) (info as Json)[key] = value;
  };
  set('secretName', text(spec.secretName));
  set('commonName', text(spec.commonName));
  set('subject', subjectOf(spec));
  if (isObject(spec.issuerRef) && text(spec.issuerRef.name)) {
    set('issuerRef', {
      kind: text(spec.issuerRef.kind) ?? 'Issuer',
      name: spec.issuerRef.name,
    });
  }
  set('duration', text(spec.duration));
  set('renewBefore', text(spec.renewBefore));
  set('notAfter', time(status.notAfter));
  set('renewalTime', time(status.renewalTime));
  set('ready', ready);
  return info;
}

function toIssuer(obj: Json): CertManagerIssuerInfo {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const type = ['selfSigned', 'ca', 'vault', 'acme', 'venafi'].find(
    t => spec[t] !== undefined,
  );
  const ready = readyOf(obj.status);
  return {
    kind: obj.kind,
    ...(obj.kind === 'Issuer'
      ? { namespace: obj.metadata.namespace ?? 'default' }
      : {}),
    name: obj.metadata.name,
    ...(type ? { type } : {}),
    ...(ready ? { ready } : {}),
  };
}

/** istiod's Deployments (`istiod`, `istiod-REVISION`) in the control plane namespace. */
function istiodEnv(objects: Json[], namespace: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const obj of objects) {
    const name = String(obj.metadata?.name ?? '');
    if (
      obj.kind !== 'Deployment' ||
      obj.metadata?.namespace !== namespace ||
      !(name === 'istiod' || name.startsWith('istiod-'))
    ) {
      continue;
    }
    for (const c of obj.spec?.template?.spec?.containers ?? []) {
      for (const e of Array.isArray(c?.env) ? c.env : []) {
        if (isObject(e) && typeof e.value === 'string') env[e.name] = e.value;
      }
    }
  }
  return env;
}

/** cert-manager's istio-csr, as its chart names its Deployment. */
function istioCsr(objects: Json[]): Json | undefined {
  return objects.find(
    o =>
      o.kind === 'Deployment' &&
      (o.metadata?.name === 'cert-manager-istio-csr' ||
        o.spec?.template?.metadata?.labels?.['app.kubernetes.io/name'] ===
          'cert-manager-istio-csr' ||
        o.spec?.template?.metadata?.labels?.app === 'cert-manager-istio-csr'),
  );
}

/**
 * Who signs the workload certificates, from what the snapshot shows (never the `cacerts`
 * Secret itself): an address the proxies ask instead of istiod
 * (https://istio.io/latest/docs/tasks/security/cert-management/custom-ca-k8s/), istio-csr
 * (https://cert-manager.io/docs/usage/istio-csr/), a cert-manager Certificate writing
 * `cacerts` (https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/),
 * a root that is not istiod's own (istiod's self-signed root names the trust domain as
 * its organization), else istiod's self-signed CA.
 */
function certificateAuthority(
  objects: Json[],
  settings: MeshSettingsResult,
  mesh: MeshConfig,
  env: Record<string, string>,
  certificates: CertManagerCertificateInfo[],
  trust: ClusterTrust | undefined,
): CertificateAuthorityInfo {
  const raw = settings.meshConfig;
  const proxyMetadata = isObject(raw.defaultConfig?.proxyMetadata)
    ? raw.defaultConfig.proxyMetadata
    : {};
  const addresses: [string, unknown][] = [
    ['meshConfig ca.address', raw.ca?.address],
    ['global.caAddress', settings.caAddress],
    [
      'CA_ADDR in meshConfig.defaultConfig.proxyMetadata',
      proxyMetadata.CA_ADDR,
    ],
    ["istiod's CA_ADDR", env.CA_ADDR],
  ];
  const csr = istioCsr(objects);
  const address = addresses.find(([, value]) => text(value));
  if (csr || (address && /istio-csr/.test(String(address[1])))) {
    return {
      kind: 'istio-csr',
      evidence: csr
        ? `Deployment ${csr.metadata.namespace ?? 'default'}/${
            csr.metadata.name
          }`
        : `${address![0]} ${address![1]}`,
    };
  }
  if (address) {
    return { kind: 'external', evidence: `${address[0]} ${address[1]}` };
  }
  const cacerts = certificates.find(
    c => c.secretName === 'cacerts' && c.namespace === mesh.rootNamespace,
  );
  if (cacerts) {
    return {
      kind: 'plugged-in',
      evidence: `cert-manager Certificate ${cacerts.namespace}/${cacerts.name} writes the cacerts Secret`,
      certificate: `${cacerts.namespace}/${cacerts.name}`,
    };
  }
  const root = trust?.roots.find(r => r.selfSigned);
  if (root && root.subject !== `O=${mesh.trustDomain}`) {
    return {
      kind: 'plugged-in',
      evidence: `its root (${root.subject.replace(
        /\n/g,
        ', ',
      )}) is not istiod's self-signed one (O=${mesh.trustDomain})`,
    };
  }
  return {
    kind: 'istiod',
    evidence: root
      ? `its root is istiod's self-signed one (O=${mesh.trustDomain})`
      : 'no plugged-in, istio-csr or external CA in the snapshot',
  };
}

/**
 * The workload certificate lifetime: a proxy asks for `SECRET_TTL` (default 24h) and
 * istiod grants at most `MAX_WORKLOAD_CERT_TTL` (default 90 days); `DEFAULT_WORKLOAD_CERT_TTL`
 * applies only to a request without a TTL
 * (https://istio.io/latest/docs/reference/commands/pilot-discovery/#envvars).
 */
function workloadLifetime(
  settings: MeshSettingsResult,
  env: Record<string, string>,
): WorkloadCertificateLifetime {
  const raw = settings.meshConfig;
  const proxyMetadata = isObject(raw.defaultConfig?.proxyMetadata)
    ? raw.defaultConfig.proxyMetadata
    : {};
  const secretTtl = parseGoDuration(proxyMetadata.SECRET_TTL);
  const max = parseGoDuration(env.MAX_WORKLOAD_CERT_TTL) ?? 90 * 24 * hour;
  const fallback = parseGoDuration(env.DEFAULT_WORKLOAD_CERT_TTL) ?? 24 * hour;
  const asked = secretTtl && secretTtl > 0 ? secretTtl : 24 * hour;
  let decidedBy = 'SECRET_TTL (default 24h)';
  if (asked > max) {
    decidedBy = `MAX_WORKLOAD_CERT_TTL ${formatDuration(
      max,
    )} caps SECRET_TTL ${formatDuration(asked)}`;
  } else if (secretTtl && secretTtl > 0) {
    decidedBy = `SECRET_TTL ${formatDuration(
      asked,
    )} (meshConfig.defaultConfig.proxyMetadata)`;
  }
  return {
    seconds: Math.min(asked, max),
    decidedBy,
    maxSeconds: max,
    defaultSeconds: fallback,
  };
}

/** The cluster's CA, workload certificate lifetime and cert-manager objects. */
export function readCertificates(
  objects: SourcedObject[],
  settings: MeshSettingsResult,
  mesh: MeshConfig,
  trust: ClusterTrust | undefined,
): ClusterCertificates {
  const json = objects
    .map(o => o.object)
    .filter(
      (o): o is Json =>
        isObject(o) &&
        isObject(o.metadata) &&
        typeof o.metadata.name === 'string',
    );
  const ofKind = (kind: string) =>
    json.filter(o => findKind(o.apiVersion, o.kind)?.kind === kind);
  const certificates = ofKind('Certificate').map(toCertificate);
  const issuers = [...ofKind('Issuer'), ...ofKind('ClusterIssuer')].map(
    toIssuer,
  );
  const env = {
    ...settings.istiodEnv,
    ...istiodEnv(ofKind('Deployment'), mesh.rootNamespace),
  };
  return {
    ca: certificateAuthority(
      ofKind('Deployment'),
      settings,
      mesh,
      env,
      certificates,
      trust,
    ),
    workloadCertificate: workloadLifetime(settings, env),
    certificates,
    issuers,
  };
}
