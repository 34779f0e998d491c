import {
  caCertificate,
  rootCertificates,
  trustModel,
} from '../__fixtures__/certificates';
import {
  K8sObject,
  deployment,
  injected,
  meshConfigMap,
  namespace,
} from '../__fixtures__/manifests';
import { certificateExpiry } from '../engine/certificateExpiry';
import { analyze } from './analyze';

const shared = caCertificate('demo root');
const edgeCa = caCertificate('edge ca', { issuer: 'demo root' });
const stranger = caCertificate('stranger root');

const app = (trustDomain: string, extra = '', labels = injected) => [
  meshConfigMap(trustDomain, [], extra),
  namespace('shop', labels),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
];

const cacerts: K8sObject = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'cacerts', namespace: 'istio-system' },
  spec: {
    secretName: 'cacerts',
    isCA: true,
    commonName: 'backend intermediate',
    duration: '720h',
    issuerRef: { kind: 'ClusterIssuer', name: 'demo-root' },
  },
  status: { notAfter: '2027-01-01T00:00:00Z' },
};

const certificateOf = (clusters: Record<string, K8sObject[]>, id: string) =>
  analyze(trustModel(clusters)).workloads.find(
    w => `${w.cluster}/${w.namespace}/${w.name}` === id,
  )!.certificate!;

describe("a workload's certificate view", () => {
  it('chains a bundle intermediate up to its root, with the other roots apart', () => {
    const view = certificateOf(
      {
        edge: [
          ...app('edge.example'),
          rootCertificates('istio-system', stranger, shared, edgeCa),
        ],
      },
      'edge/shop/api',
    );
    expect(view.identity).toBe('spiffe://edge.example/ns/shop/sa/api');
    expect(view.chain.map(l => [l.role, l.subject, l.issuer])).toEqual([
      ['intermediate', 'CN=edge ca', 'CN=demo root'],
      ['root', 'CN=demo root', 'CN=demo root'],
    ]);
    expect(view.chain[1]).toMatchObject({
      notAfter: shared.notAfter,
      source: 'ConfigMap istio-system/istio-ca-root-cert',
    });
    expect(view.alsoTrusted.map(l => l.subject)).toEqual(['CN=stranger root']);
    expect(view.rotation).toMatchObject({ seconds: 24 * 3600 });
    expect(view.peers).toEqual([]);
  });

  it('puts the cert-manager Certificate that writes cacerts first, with its issuer and end', () => {
    const view = certificateOf(
      {
        backend: [
          ...app('backend.example'),
          cacerts,
          rootCertificates('istio-system', shared),
        ],
      },
      'backend/shop/api',
    );
    expect(view.ca).toMatchObject({
      kind: 'plugged-in',
      certificate: 'istio-system/cacerts',
    });
    expect(view.chain).toEqual([
      {
        subject: 'CN=backend intermediate',
        issuer: 'ClusterIssuer demo-root',
        role: 'intermediate',
        notAfter: '2027-01-01T00:00:00Z',
        source:
          'cert-manager Certificate istio-system/cacerts (Secret cacerts, not read)',
      },
      expect.objectContaining({ subject: 'CN=demo root', role: 'root' }),
    ]);
  });

  it('names the clusters whose workloads authenticate to it, and why the others cannot', () => {
    const clusters = {
      backend: [
        ...app('backend.example', 'trustDomainAliases:\n  - edge.example'),
        rootCertificates('istio-system', shared),
      ],
      edge: [...app('edge.example'), rootCertificates('istio-system', edgeCa)],
      other: [
        ...app('backend.example'),
        rootCertificates('istio-system', stranger),
      ],
      lone: [...app('lone.example'), rootCertificates('istio-system', shared)],
    };
    const view = certificateOf(clusters, 'backend/shop/api');
    expect(
      view.peers.map(p => [
        p.cluster,
        p.authenticates,
        p.root.via,
        p.domain,
        p.reason,
      ]),
    ).toEqual([
      ['edge', true, 'shared root', 'alias', undefined],
      [
        'other',
        false,
        undefined,
        'own',
        "cluster other's root is not trusted by cluster backend",
      ],
      [
        'lone',
        false,
        'shared root',
        undefined,
        'cluster backend does not accept trust domain lone.example (not its own, an alias or a caCertificates trust domain)',
      ],
    ]);
  });

  it('is absent outside the mesh', () => {
    const report = analyze(
      trustModel({ c1: app('a.example', '', {} as typeof injected) }),
    );
    expect(report.workloads[0].certificate).toBeUndefined();
  });
});

describe('certificateExpiry', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  it.each([
    ['2027-03-01T00:00:00Z', 'ok', 90],
    ['2026-12-21T00:00:00Z', 'soon', 20],
    ['2026-12-06T12:00:00Z', 'imminent', 5],
    ['2026-11-28T00:00:00Z', 'expired', -3],
  ])('%s → %s', (notAfter, level, days) => {
    expect(certificateExpiry(notAfter, now)).toEqual({ level, days });
  });

  it('is undefined for a value that is not a date', () => {
    expect(certificateExpiry('soon', now)).toBeUndefined();
  });
});
