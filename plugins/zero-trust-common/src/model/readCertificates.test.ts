import { buildClusterState } from './buildClusterState';
import { formatDuration, parseGoDuration } from './goDuration';

const state = (...objects: unknown[]) =>
  buildClusterState(
    'c',
    objects.map(object => ({ object })),
  ).certificates!;

const meshConfig = (mesh: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio', namespace: 'istio-system' },
  data: { mesh: JSON.stringify(mesh) },
});

const istiod = (env: { name: string; value: string }[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: {
    template: {
      metadata: { labels: { app: 'istiod' } },
      spec: {
        containers: [
          {
            name: 'discovery',
            env: [...env, { name: 'SECRET_VALUE', value: 'not kept' }],
          },
        ],
      },
    },
  },
});

const cacerts = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'cacerts', namespace: 'istio-system' },
  spec: {
    secretName: 'cacerts',
    isCA: true,
    duration: '8760h',
    renewBefore: '720h',
    commonName: 'backend intermediate',
    issuerRef: { kind: 'ClusterIssuer', name: 'mesh-root' },
    privateKey: { algorithm: 'ECDSA' },
  },
  status: {
    notAfter: '2027-01-01T00:00:00Z',
    renewalTime: '2026-12-02T00:00:00Z',
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'Failed',
        message: 'issuer mesh-root not ready',
      },
      { type: 'Issuing', status: 'True' },
    ],
  },
};

describe('the CA and the cert-manager objects', () => {
  it('takes istiod as the CA and 24h certificates where nothing else is set', () => {
    expect(state()).toEqual({
      ca: {
        kind: 'istiod',
        evidence: 'no plugged-in, istio-csr or external CA in the snapshot',
      },
      workloadCertificate: {
        seconds: 86400,
        decidedBy: 'SECRET_TTL (default 24h)',
        maxSeconds: 90 * 86400,
        defaultSeconds: 86400,
      },
      certificates: [],
      issuers: [],
    });
  });

  it('reads a cert-manager Certificate writing cacerts as a plugged-in CA, with its status', () => {
    const read = state(cacerts, {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'mesh-root' },
      spec: { ca: { secretName: 'mesh-root-ca' } },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(read.ca).toEqual({
      kind: 'plugged-in',
      evidence:
        'cert-manager Certificate istio-system/cacerts writes the cacerts Secret',
      certificate: 'istio-system/cacerts',
    });
    expect(read.certificates).toEqual([
      {
        namespace: 'istio-system',
        name: 'cacerts',
        secretName: 'cacerts',
        isCA: true,
        commonName: 'backend intermediate',
        subject: 'CN=backend intermediate',
        issuerRef: { kind: 'ClusterIssuer', name: 'mesh-root' },
        duration: '8760h',
        renewBefore: '720h',
        notAfter: '2027-01-01T00:00:00Z',
        renewalTime: '2026-12-02T00:00:00Z',
        ready: {
          status: 'False',
          reason: 'Failed',
          message: 'issuer mesh-root not ready',
        },
      },
    ]);
    expect(read.issuers).toEqual([
      {
        kind: 'ClusterIssuer',
        name: 'mesh-root',
        type: 'ca',
        ready: { status: 'True' },
      },
    ]);
  });

  it("names the certificate it issues by the subject cert-manager writes, in X.509's order", () => {
    const read = state({
      ...cacerts,
      spec: {
        ...(cacerts.spec as object),
        commonName: 'mesh ca',
        subject: {
          organizationalUnits: ['platform', 'mesh'],
          organizations: ['example'],
          countries: ['DE'],
          localities: ['Berlin'],
          serialNumber: '7',
          unknownField: ['ignored'],
        },
      },
    });
    // Go's pkix.Name.ToRDNSequence order (C, ST, L, street, postalCode, O, OU, CN,
    // serialNumber), one line per value, as Node's X509Certificate prints a subject.
    expect(read.certificates[0].subject).toBe(
      'C=DE\nL=Berlin\nO=example\nOU=platform\nOU=mesh\nCN=mesh ca\nserialNumber=7',
    );
    const nameless = state({
      ...cacerts,
      spec: { secretName: 'cacerts', isCA: true },
    });
    expect(nameless.certificates[0].subject).toBeUndefined();
  });

  it('names istio-csr and external CAs by what shows them', () => {
    expect(
      state({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cert-manager-istio-csr', namespace: 'cert-manager' },
        spec: { template: { metadata: {}, spec: {} } },
      }).ca,
    ).toEqual({
      kind: 'istio-csr',
      evidence: 'Deployment cert-manager/cert-manager-istio-csr',
    });
    expect(
      state(meshConfig({ ca: { address: 'vault-ca.security.svc:443' } })).ca,
    ).toEqual({
      kind: 'external',
      evidence: 'meshConfig ca.address vault-ca.security.svc:443',
    });
    expect(
      state(
        istiod([
          {
            name: 'CA_ADDR',
            value: 'cert-manager-istio-csr.cert-manager.svc:443',
          },
        ]),
      ).ca.kind,
    ).toBe('istio-csr');
  });

  it("caps the proxies' SECRET_TTL with istiod's MAX_WORKLOAD_CERT_TTL from its Deployment", () => {
    const longer = state(
      meshConfig({ defaultConfig: { proxyMetadata: { SECRET_TTL: '48h' } } }),
    );
    expect(longer.workloadCertificate).toMatchObject({
      seconds: 48 * 3600,
      decidedBy: 'SECRET_TTL 48h (meshConfig.defaultConfig.proxyMetadata)',
    });
    const capped = state(
      meshConfig({ defaultConfig: { proxyMetadata: { SECRET_TTL: '48h' } } }),
      istiod([
        { name: 'MAX_WORKLOAD_CERT_TTL', value: '12h' },
        { name: 'DEFAULT_WORKLOAD_CERT_TTL', value: '6h' },
      ]),
    );
    expect(capped.workloadCertificate).toEqual({
      seconds: 12 * 3600,
      decidedBy: 'MAX_WORKLOAD_CERT_TTL 12h caps SECRET_TTL 48h',
      maxSeconds: 12 * 3600,
      defaultSeconds: 6 * 3600,
    });
  });
});

describe('Go durations', () => {
  it('reads what Istio and cert-manager write, and nothing else', () => {
    expect(parseGoDuration('24h')).toBe(86400);
    expect(parseGoDuration('2160h0m0s')).toBe(2160 * 3600);
    expect(parseGoDuration('1h30m')).toBe(5400);
    expect(parseGoDuration('1.5h')).toBe(5400);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('24 hours')).toBeUndefined();
    expect(parseGoDuration('24')).toBeUndefined();
    expect(parseGoDuration(undefined)).toBeUndefined();
    expect(formatDuration(86400)).toBe('24h');
    expect(formatDuration(90 * 86400)).toBe('90d');
    expect(formatDuration(5400)).toBe('1h30m');
  });
});
