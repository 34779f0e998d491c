import { registerMswTestHooks } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  detectFindings,
  isTrustFinding,
  TrustResponse,
  trustView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
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
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { baseUrl, renderWithZeroTrust } from '../../__testUtils__/testApp';
import { TrustSection } from './TrustSection';

// Renders InfoCards and a table in jsdom: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

/** Dates relative to the moment the test runs, so the colours hold on any day. */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86400_000 + 3600_000).toISOString();

const app = (trustDomain: string, extra = '') => [
  meshConfigMap(trustDomain, [], extra),
  namespace('shop', injected),
  deployment('shop', 'api', { sa: 'api', ports: [8080] }),
];

/**
 * backend and edge share a root (edge through its intermediate, which ends in 5 days) and
 * backend accepts edge's trust domain as an alias; partner has a root of its own.
 */
function trustAnswer(): TrustResponse {
  const root = caCertificate('demo root', { notAfter: inDays(3650) });
  const edgeCa = caCertificate('edge ca', {
    issuer: 'demo root',
    notAfter: inDays(5),
  });
  const partnerRoot = caCertificate('partner root', { notAfter: inDays(20) });
  const model = trustModel({
    backend: [
      ...app('backend.example', 'trustDomainAliases:\n  - edge.example'),
      rootCertificates('istio-system', root),
    ],
    edge: [
      ...app('edge.example', 'trustDomainAliases:\n  - backend.example'),
      rootCertificates('istio-system', edgeCa, root),
    ],
    partner: [
      ...app('partner.example'),
      rootCertificates('istio-system', partnerRoot),
    ],
  });
  return {
    ...trustView(model),
    findings: detectFindings(model).filter(isTrustFinding),
  };
}

describe('the platform page Trust view', () => {
  it('draws the clusters and who authenticates to whom, labelled by how', async () => {
    server.use(
      http.get(`${baseUrl}/trust`, () => HttpResponse.json(trustAnswer())),
    );
    await renderWithZeroTrust(<TrustSection />);
    expect(
      await screen.findByRole('img', { name: 'Trust between clusters' }),
    ).toBeInTheDocument();
    for (const name of ['backend', 'edge', 'partner']) {
      expect(
        screen.getByRole('img', { name: `cluster ${name}` }),
      ).toBeInTheDocument();
    }
    expect(
      screen.getByRole('img', {
        name: "edge's workloads authenticate to backend's: shared root + trust-domain alias",
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: "partner's workloads cannot authenticate to backend's: cluster partner's root is not trusted by cluster backend",
      }),
    ).toBeInTheDocument();
    // Six ordered pairs, two of them trusted; the sentences say the same as the picture.
    expect(screen.getAllByText('root not trusted')).toHaveLength(4);
    expect(
      screen.getAllByText('shared root + trust-domain alias'),
    ).toHaveLength(2);
    expect(
      screen.getByText(
        "backend's workloads authenticate to edge's: shared root + trust-domain alias",
        { selector: 'li' },
      ),
    ).toBeInTheDocument();
  });

  it('writes each label along its arrow, upright and on its own side, so that a pair of arrows never mixes their labels', async () => {
    server.use(
      http.get(`${baseUrl}/trust`, () => HttpResponse.json(trustAnswer())),
    );
    await renderWithZeroTrust(<TrustSection />);
    const picture = await screen.findByRole('img', {
      name: 'Trust between clusters',
    });
    const arrows = [...picture.querySelectorAll('g[role="img"]')]
      .filter(g => g.querySelector('line'))
      .map(g => {
        const line = g.querySelector('line')!;
        const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map(a =>
          Number(line.getAttribute(a)),
        );
        const [angle, x, y] = /rotate\(([-\d.]+) ([-\d.]+) ([-\d.]+)\)/
          .exec(g.querySelector('text')!.getAttribute('transform')!)!
          .slice(1)
          .map(Number);
        return {
          name: g.getAttribute('aria-label')!,
          x1,
          y1,
          x2,
          y2,
          angle,
          x,
          y,
        };
      });
    expect(arrows).toHaveLength(6);
    type Arrow = (typeof arrows)[number];
    // Which side of `a`'s line a point lies on.
    const side = (a: Arrow, px: number, py: number) =>
      Math.sign((a.x2 - a.x1) * (py - a.y1) - (a.y2 - a.y1) * (px - a.x1));
    for (const a of arrows) {
      // Upright: turned by at most a quarter, along its own line.
      expect(Math.abs(a.angle)).toBeLessThanOrEqual(90);
      const lineAngle = (Math.atan2(a.y2 - a.y1, a.x2 - a.x1) * 180) / Math.PI;
      const turn = (((lineAngle - a.angle) % 180) + 180) % 180;
      expect(Math.min(turn, 180 - turn)).toBeLessThan(0.2);
      // Its twin (the other direction) is drawn on the other side of it, and the
      // label stays on its own arrow's side, away from the twin.
      const other = arrows.filter(
        b =>
          b !== a &&
          Math.hypot(b.x1 - a.x2, b.y1 - a.y2) < 60 &&
          Math.hypot(b.x2 - a.x1, b.y2 - a.y1) < 60,
      );
      expect(other).toHaveLength(1);
      expect(side(other[0], a.x, a.y)).toBe(side(other[0], a.x1, a.y1));
    }
  });

  it('puts each root and CA on the timeline, coloured by its end, with the certificate findings beside', async () => {
    server.use(
      http.get(`${baseUrl}/trust`, () => HttpResponse.json(trustAnswer())),
    );
    await renderWithZeroTrust(<TrustSection />);
    const timeline = await screen.findByRole('img', {
      name: 'When each root and CA certificate ends',
    });
    const rows = [...timeline.querySelectorAll('g[data-level]')].map(g => [
      g.getAttribute('aria-label')!.replace(/, \d{4}-\d\d-\d\d$/, ''),
      g.getAttribute('data-level'),
    ]);
    // Soonest first; the shared root once, with both clusters that trust it.
    expect(rows).toEqual([
      ['CN=edge ca (intermediate, edge): in 5 d', 'imminent'],
      ['CN=partner root (root, partner): in 20 d', 'soon'],
      ['CN=demo root (root, backend, edge): in 10 y', 'ok'],
    ]);
    expect(screen.getByText('Certificate findings')).toBeInTheDocument();
    expect(screen.getAllByText('ZT025').length).toBeGreaterThan(0);
    expect(screen.getAllByText('ZT024').length).toBeGreaterThan(0);
  });

  it('says the backend error, and what is missing when no root was read', async () => {
    server.use(
      http.get(`${baseUrl}/trust`, () =>
        HttpResponse.json({
          ...trustView(trustModel({ c1: app('a.example') })),
          findings: [],
        }),
      ),
    );
    await renderWithZeroTrust(<TrustSection />);
    expect(
      await screen.findByText(/No root certificate read/),
    ).toBeInTheDocument();
    expect(screen.getByText('No certificate findings')).toBeInTheDocument();
  });

  it('shows the error with a retry when the backend fails', async () => {
    server.use(
      http.get(`${baseUrl}/trust`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'not allowed: zeroTrust.mesh.read',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderWithZeroTrust(<TrustSection />);
    expect(
      await screen.findByText(/zeroTrust\.mesh\.read/),
    ).toBeInTheDocument();
  });
});
