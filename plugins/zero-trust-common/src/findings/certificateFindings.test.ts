import {
  caCertificate,
  rootCertificates,
  trustModel,
} from '../__fixtures__/certificates';
import {
  K8sObject,
  authorizationPolicy,
  deployment,
  injected,
  meshConfigMap,
  namespace,
} from '../__fixtures__/manifests';
import { detectFindings } from './detect';

const now = Date.parse('2026-12-01T00:00:00Z');
const inDays = (days: number) => new Date(now + days * 86400_000).toISOString();

const findings = (clusters: Record<string, K8sObject[]>, code: string) =>
  detectFindings(trustModel(clusters), { now }).filter(f => f.code === code);

const shared = caCertificate('demo root');
const app = (trustDomain: string) => [
  meshConfigMap(trustDomain),
  namespace('shop', injected),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
];

const certificate = (spec: K8sObject, status: K8sObject = {}) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'cacerts', namespace: 'istio-system' },
  spec: { secretName: 'cacerts', isCA: true, ...spec },
  status,
});

describe('ZT024/ZT025: a CA certificate near its end', () => {
  it.each([
    [45, []],
    [20, ['ZT024']],
    [5, ['ZT025']],
    [-3, ['ZT025']],
  ])('a root ending in %s days → %j', (days, codes) => {
    const root = caCertificate('root', { notAfter: inDays(days) });
    const found = detectFindings(
      trustModel({
        c1: [...app('a.example'), rootCertificates('istio-system', root)],
      }),
      { now },
    ).filter(f => f.code === 'ZT024' || f.code === 'ZT025');
    expect(found.map(f => f.code)).toEqual(codes);
  });

  it('names the certificate, the ConfigMap and the day', () => {
    const root = caCertificate('root', { notAfter: inDays(20) });
    const [f] = findings(
      { c1: [...app('a.example'), rootCertificates('istio-system', root)] },
      'ZT024',
    );
    expect(f).toMatchObject({
      severity: 'medium',
      resource: {
        cluster: 'c1',
        kind: 'ConfigMap',
        namespace: 'istio-system',
        name: 'istio-ca-root-cert',
      },
      message:
        'The root certificate CN=root that cluster c1 trusts (ConfigMap istio-system/istio-ca-root-cert) expires on 2026-12-21, in 20 days.',
      controls: ['SC-12', 'SC-17'],
    });
  });

  it("reads a cert-manager CA Certificate's status.notAfter too", () => {
    const [f] = findings(
      { c1: [...app('a.example'), certificate({}, { notAfter: inDays(3) })] },
      'ZT025',
    );
    expect(f.resource).toMatchObject({ kind: 'Certificate', name: 'cacerts' });
    expect(f.message).toContain('Secret cacerts');
  });
});

describe('ZT026: a cert-manager Certificate not Ready or renewing late', () => {
  it('flags a Certificate that is not Ready, with its reason', () => {
    const [f] = findings(
      {
        c1: [
          certificate(
            {},
            {
              conditions: [
                {
                  type: 'Ready',
                  status: 'False',
                  reason: 'DoesNotExist',
                  message: 'Issuer mesh-root not found',
                },
              ],
            },
          ),
        ],
      },
      'ZT026',
    );
    expect(f.message).toBe(
      'cert-manager Certificate istio-system/cacerts is not Ready (DoesNotExist: Issuer mesh-root not found).',
    );
  });

  it('flags a renewBefore under a third of the duration, and not one above', () => {
    const late = findings(
      { c1: [certificate({ duration: '2160h', renewBefore: '24h' })] },
      'ZT026',
    );
    expect(late.map(f => f.message)).toEqual([
      'cert-manager Certificate istio-system/cacerts renews only 24h before the end of its 90d, under a third of it.',
    ]);
    expect(
      findings(
        {
          c1: [
            certificate(
              { duration: '2160h', renewBefore: '720h' },
              { conditions: [{ type: 'Ready', status: 'True' }] },
            ),
          ],
        },
        'ZT026',
      ),
    ).toEqual([]);
  });
});

describe('ZT027: workload certificates living longer than a day', () => {
  it('flags a SECRET_TTL over 24h, and not the default', () => {
    const long = [
      meshConfigMap(
        'a.example',
        [],
        'defaultConfig:\n  proxyMetadata:\n    SECRET_TTL: 72h',
      ),
    ];
    expect(findings({ c1: long }, 'ZT027').map(f => f.message)).toEqual([
      'Workload certificates of cluster c1 live 72h (SECRET_TTL 72h (meshConfig.defaultConfig.proxyMetadata)), longer than 24h.',
    ]);
    expect(findings({ c1: [meshConfigMap('a.example')] }, 'ZT027')).toEqual([]);
  });
});

describe('ZT028: a policy admitting principals of an untrusted cluster', () => {
  const policy = authorizationPolicy('shop', 'api-callers', {
    selector: { matchLabels: { app: 'api' } },
    rules: [
      { from: [{ source: { principals: ['edge.example/ns/web/sa/web'] } }] },
    ],
  });
  const edge = (root: ReturnType<typeof caCertificate>) => [
    meshConfigMap('edge.example'),
    namespace('web', injected),
    deployment('web', 'web', { sa: 'web', ports: [8080] }),
    rootCertificates('istio-system', root),
  ];
  const backend = [
    ...app('backend.example'),
    rootCertificates('istio-system', shared),
    policy,
  ];

  it('flags the policy where the cluster holding the principal has another root', () => {
    const [f] = findings(
      { backend, edge: edge(caCertificate('edge istiod')) },
      'ZT028',
    );
    expect(f.resource).toMatchObject({
      cluster: 'backend',
      kind: 'AuthorizationPolicy',
      name: 'api-callers',
    });
    expect(f.message).toContain(
      "cluster edge's root is not trusted by cluster backend",
    );
  });

  it('stays quiet where the clusters share the root', () => {
    expect(findings({ backend, edge: edge(shared) }, 'ZT028')).toEqual([]);
  });
});

describe('ZT029 and ZT030: trust between the clusters of a mesh', () => {
  it('flags clusters of one trust domain with separate roots, and self-signed istiod roots', () => {
    const clusters = {
      east: [
        ...app('mesh.example'),
        rootCertificates('istio-system', caCertificate('O=mesh.example east')),
      ],
      west: [
        ...app('mesh.example'),
        rootCertificates(
          'istio-system',
          // istiod's own self-signed root names the trust domain as its organization.
          {
            ...caCertificate('west'),
            subject: 'O=mesh.example',
            issuer: 'O=mesh.example',
          },
        ),
      ],
    };
    expect(findings(clusters, 'ZT029').map(f => f.message)).toEqual([
      "Clusters east and west both use trust domain mesh.example, but neither trusts the other's root: the same identity names workloads that cannot authenticate to each other.",
    ]);
    expect(findings(clusters, 'ZT030').map(f => f.resource.cluster)).toEqual([
      'west',
    ]);
  });

  it('stays quiet for clusters sharing a root, and for one cluster alone', () => {
    const one = [
      ...app('mesh.example'),
      rootCertificates('istio-system', shared),
    ];
    expect(findings({ east: one, west: one }, 'ZT029')).toEqual([]);
    const selfSigned = [
      ...app('mesh.example'),
      rootCertificates('istio-system', {
        ...caCertificate('x'),
        subject: 'O=mesh.example',
        issuer: 'O=mesh.example',
      }),
    ];
    expect(findings({ alone: selfSigned }, 'ZT030')).toEqual([]);
  });
});
