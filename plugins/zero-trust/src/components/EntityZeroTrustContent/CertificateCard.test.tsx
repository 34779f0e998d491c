import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { analyze } from '@zero-trust/backstage-plugin-zero-trust-common';
// The engine's own builders (test code the package does not export).
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  caCertificate,
  rootCertificates,
  trustModel,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/certificates';
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  deployment,
  injected,
  meshConfigMap,
  namespace,
} from '@zero-trust/backstage-plugin-zero-trust-common/src/__fixtures__/manifests';
import { CertificateCard } from './CertificateCard';

// Renders an InfoCard in jsdom: slow on a busy machine.
jest.setTimeout(30_000);

/** Dates relative to the moment the test runs, so the countdown holds on any day. */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86400_000 + 3600_000).toISOString();

const app = (trustDomain: string, extra = '') => [
  meshConfigMap(trustDomain, [], extra),
  namespace('shop', injected),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
];

/** backend/shop/api's certificate view, its root and intermediate ending as asked. */
function backendCertificate(rootDays: number, intermediateDays: number) {
  const root = caCertificate('demo root', { notAfter: inDays(rootDays) });
  const intermediate = caCertificate('backend ca', {
    issuer: 'demo root',
    notAfter: inDays(intermediateDays),
  });
  const model = trustModel({
    backend: [
      ...app('backend.example', 'trustDomainAliases:\n  - edge.example'),
      rootCertificates('istio-system', intermediate, root),
    ],
    edge: [...app('edge.example'), rootCertificates('istio-system', root)],
    partner: [
      ...app('backend.example'),
      rootCertificates('istio-system', caCertificate('partner root')),
    ],
  });
  return analyze(model).workloads.find(
    w => w.cluster === 'backend' && w.name === 'api',
  )!.certificate!;
}

describe('the Security tab certificate card', () => {
  it('shows the issuer, the chain by subject, the rotation and who can authenticate', async () => {
    await renderInTestApp(
      <CertificateCard certificate={backendCertificate(400, 200)} />,
    );
    expect(screen.getByText('Certificate')).toBeInTheDocument();
    expect(
      screen.getByText('istiod, with a plugged-in CA (cacerts)'),
    ).toBeInTheDocument();
    const subjects = screen
      .getAllByRole('listitem')
      .map(li => li.querySelector('code')?.textContent);
    expect(subjects).toEqual(['CN=backend ca', 'CN=demo root']);
    expect(
      screen.getByText(
        'issued by CN=demo root; from ConfigMap istio-system/istio-ca-root-cert',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('every 24h')).toBeInTheDocument();
    expect(screen.getByText('SECRET_TTL (default 24h)')).toBeInTheDocument();
    expect(screen.getByText(/^edge \(edge\.example\)/)).toHaveTextContent(
      'edge (edge.example): shared root CN=demo root; trust-domain alias',
    );
    expect(screen.getByText(/^partner \(backend\.example\)/)).toHaveTextContent(
      "partner (backend.example): no, cluster partner's root is not trusted by cluster backend",
    );
  });

  it('counts down to each end: plain beyond 30 days, amber within 30, red within 7 and once past', async () => {
    const { rerender } = await renderInTestApp(
      <CertificateCard certificate={backendCertificate(400, 200)} />,
    );
    expect(screen.getAllByText(/^expires in \d+ days/)).toHaveLength(2);
    expect(screen.getByText(/^expires in 400 days/)).toBeInTheDocument();

    rerender(<CertificateCard certificate={backendCertificate(20, 5)} />);
    const amber = screen.getByText(/^expires in 20 days/);
    const red = screen.getByText(/^expires in 5 days/);
    // Backstage's status labels: amber for a warning, red for an error.
    expect(amber.closest('[aria-label]')).toHaveAttribute(
      'aria-label',
      'Status warning',
    );
    expect(red.closest('[aria-label]')).toHaveAttribute(
      'aria-label',
      'Status error',
    );

    rerender(<CertificateCard certificate={backendCertificate(-3, 200)} />);
    expect(screen.getByText(/^expired 3 days ago/)).toBeInTheDocument();
  });

  it('says when the snapshot holds no root certificate', async () => {
    const view = analyze(trustModel({ c1: app('a.example') })).workloads[0]
      .certificate!;
    await renderInTestApp(<CertificateCard certificate={view} />);
    expect(
      screen.getByText(/Not known: the snapshot holds no root certificate/),
    ).toBeInTheDocument();
    expect(screen.getByText('No other cluster')).toBeInTheDocument();
  });
});
