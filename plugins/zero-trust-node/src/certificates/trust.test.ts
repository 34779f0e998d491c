import {
  MeshModel,
  analyze,
  buildClusterState,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { TestCertificate, TestCertificates } from '../testing';
import { parseCertificates } from './parseCertificates';

// Each certificate is made by spawning openssl: slow on a busy machine.
jest.setTimeout(60_000);

let pki: TestCertificates;
let shared: TestCertificate;
let backendCa: TestCertificate;
let edgeCa: TestCertificate;
let separate: TestCertificate;
beforeAll(async () => {
  pki = await TestCertificates.create();
  shared = await pki.root('demo shared root');
  backendCa = await pki.issue(shared, 'backend ca');
  edgeCa = await pki.issue(shared, 'edge ca');
  separate = await pki.root('edge istiod self-signed', {
    trustDomain: 'edge.example',
  });
});
afterAll(() => pki.cleanup());

const rootCert = (namespace: string, pem: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'istio-ca-root-cert', namespace },
  data: { 'root-cert.pem': pem },
});

/** A cluster with one injected workload, `shop/api` (backend) or `web/frontend` (edge). */
function cluster(
  name: 'backend' | 'edge',
  extra: unknown[],
  meshConfig: Record<string, unknown> = {},
) {
  const [namespace, workload, trustDomain] =
    name === 'backend'
      ? ['shop', 'api', 'backend.example']
      : ['web', 'frontend', 'edge.example'];
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: {
        mesh: JSON.stringify({
          trustDomain,
          trustDomainAliases: ['backend.example', 'edge.example'],
          ...meshConfig,
        }),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: workload, namespace },
      spec: {
        template: {
          metadata: { labels: { app: workload } },
          spec: {
            serviceAccountName: workload,
            containers: [{ ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    },
    ...(name === 'backend'
      ? [
          {
            apiVersion: 'security.istio.io/v1',
            kind: 'AuthorizationPolicy',
            metadata: { name: 'api-callers', namespace },
            spec: {
              selector: { matchLabels: { app: 'api' } },
              action: 'ALLOW',
              rules: [
                {
                  from: [
                    {
                      source: {
                        principals: ['edge.example/ns/web/sa/frontend'],
                      },
                    },
                  ],
                },
              ],
            },
          },
        ]
      : []),
    ...extra,
  ];
  return buildClusterState(
    name,
    objects.map(object => ({ object })),
    { parseCertificates },
  );
}

const query = { from: 'edge/web/frontend', to: 'backend/shop/api', port: 8080 };

describe('trust between clusters', () => {
  it('lets a caller through whose cluster shares the root', () => {
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)]),
      cluster('edge', [rootCert('web', shared.pem)]),
    ]);
    const answer = check(model, query);
    expect(answer).toMatchObject({ decision: 'ALLOW', mtls: true });
    expect(answer.policies).toEqual(['shop/api-callers']);
    expect(model.clusters[0].trusts(model.clusters[1])).toEqual({
      from: 'edge',
      to: 'backend',
      trusted: true,
      via: 'shared root',
      anchor: 'O=zero-trust tests\nCN=demo shared root',
    });
  });

  it('refuses a caller whose root the server does not trust, though a policy names it', () => {
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)]),
      cluster('edge', [rootCert('istio-system', separate.pem)]),
    ]);
    const answer = check(model, query);
    expect(answer).toMatchObject({
      decision: 'DENY',
      mtls: false,
      policies: [],
    });
    expect(answer.reason).toContain(
      "cluster edge's root is not trusted by cluster backend",
    );
    // Within a cluster nothing changes, and the allowed callers agree with check.
    const report = analyze(model);
    const api = report.workloads.find(w => w.name === 'api')!;
    expect(api.allowedCallers.map(c => c.source)).not.toContainEqual(
      expect.stringContaining('frontend'),
    );
  });

  it('lets a caller through whose root is among the server mesh config caCertificates', () => {
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)], {
        caCertificates: [{ pem: separate.pem, trustDomains: ['edge.example'] }],
      }),
      cluster('edge', [rootCert('istio-system', separate.pem)]),
    ]);
    expect(check(model, query).decision).toBe('ALLOW');
    expect(model.clusters[0].trusts(model.clusters[1]).via).toBe(
      'trusted bundle',
    );
  });

  it('chains a bundle that carries an intermediate to the root that issued it', () => {
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)]),
      cluster('edge', [rootCert('istio-system', edgeCa.pem)]),
    ]);
    expect(check(model, query).decision).toBe('ALLOW');
    // Two intermediates of one root do not trust each other's workloads.
    const apart = new MeshModel([
      cluster('backend', [rootCert('istio-system', backendCa.pem)]),
      cluster('edge', [rootCert('istio-system', edgeCa.pem)]),
    ]);
    expect(check(apart, query).decision).toBe('DENY');
  });

  it('shows a cert-manager intermediate in the chain by the subject its certificate carries, with its end and issuer', () => {
    // edge's intermediate (the cacerts Secret, never read) is known by the Certificate
    // that writes it: its name, subject and status.notAfter, as cert-manager reports them.
    const [real] = parseCertificates(edgeCa.pem);
    const [realRoot] = parseCertificates(shared.pem);
    const certificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'cacerts', namespace: 'istio-system' },
      spec: {
        secretName: 'cacerts',
        isCA: true,
        commonName: edgeCa.commonName,
        subject: { organizations: ['zero-trust tests'] },
        issuerRef: { kind: 'ClusterIssuer', name: 'shared-root' },
      },
      status: { notAfter: real.notAfter },
    };
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)]),
      cluster('edge', [rootCert('istio-system', shared.pem), certificate]),
    ]);
    const frontend = analyze(model).workloads.find(w => w.name === 'frontend')!;
    const line = (subject: string) => subject.split('\n').reverse().join(', ');
    expect(frontend.certificate?.ca).toMatchObject({
      kind: 'plugged-in',
      certificate: 'istio-system/cacerts',
    });
    expect(frontend.certificate?.chain).toEqual([
      {
        subject: line(real.subject),
        issuer: 'ClusterIssuer shared-root',
        role: 'intermediate',
        notAfter: real.notAfter,
        source:
          'cert-manager Certificate istio-system/cacerts (Secret cacerts, not read)',
      },
      expect.objectContaining({
        subject: line(real.issuer),
        role: 'root',
        notAfter: realRoot.notAfter,
        fingerprint: realRoot.fingerprint,
      }),
    ]);
    expect(frontend.certificate?.chain[0].subject).toBe(
      'CN=edge ca, O=zero-trust tests',
    );
  });

  it('takes clusters to trust each other where a snapshot holds no root certificate', () => {
    const model = new MeshModel([
      cluster('backend', [rootCert('istio-system', shared.pem)]),
      cluster('edge', []),
    ]);
    expect(check(model, query).decision).toBe('ALLOW');
    expect(model.clusters[0].trusts(model.clusters[1]).via).toBe('unknown');
  });

  it('reads every root of every namespace once, and names a bundle it cannot read', () => {
    const state = cluster('backend', [
      rootCert('istio-system', `${shared.pem}${separate.pem}`),
      rootCert('shop', shared.pem),
      rootCert('broken', 'not a certificate'),
    ]);
    expect(
      state.trust!.roots.map(r => ({ cn: r.subject, sources: r.sources })),
    ).toEqual([
      {
        cn: 'O=zero-trust tests\nCN=demo shared root',
        sources: [
          'ConfigMap istio-system/istio-ca-root-cert',
          'ConfigMap shop/istio-ca-root-cert',
        ],
      },
      {
        cn: 'O=zero-trust tests\nCN=edge istiod self-signed',
        sources: ['ConfigMap istio-system/istio-ca-root-cert'],
      },
    ]);
    expect(state.problems).toEqual([
      {
        ref: {
          cluster: 'backend',
          kind: 'ConfigMap',
          namespace: 'broken',
          name: 'istio-ca-root-cert',
        },
        message: 'root-cert.pem: no PEM certificate in it',
      },
    ]);
  });
});
