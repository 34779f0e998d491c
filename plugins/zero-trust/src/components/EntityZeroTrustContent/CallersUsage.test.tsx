import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  EntitySecurityResponse,
  ObservedTraffic,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  authorizationPolicy,
  bookinfoModel,
  entitySecurity,
  EntitySecurityOptions,
  telemetryOk,
} from '../../__fixtures__/security';
import {
  baseUrl,
  component,
  renderWithZeroTrust,
} from '../../__testUtils__/testApp';
import { EntityZeroTrustContent } from './EntityZeroTrustContent';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);
beforeEach(() =>
  server.use(
    http.get(`${baseUrl}/onboarding/requests`, () =>
      HttpResponse.json({ items: [] }),
    ),
  ),
);

function serve(body: EntitySecurityResponse) {
  server.use(
    http.get(`${baseUrl}/entities/:kind/:namespace/:name/security`, () =>
      HttpResponse.json(body),
    ),
  );
}

// productpage admits edge's gateway (used) and, from an old rule, reviews (unused).
const model = () =>
  bookinfoModel({
    backend: [
      authorizationPolicy('bookinfo', 'productpage-old', {
        selector: { matchLabels: { app: 'productpage' } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                source: {
                  principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
                },
              },
            ],
          },
        ],
      }),
    ],
  });

const end = new Date(Date.now() - 60_000).toISOString();
const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
const to = { namespace: 'bookinfo', workload: 'productpage', port: 9080 };

const traffic: ObservedTraffic[] = [
  {
    cluster: 'backend',
    destination: to,
    source: {
      principal: 'external.example/ns/edge/sa/edge-gateway',
      namespace: 'edge',
      workload: 'edge-gateway',
      cluster: 'edge',
    },
    protocol: 'http',
    count: 1204,
    denied: 0,
    plaintext: 0,
    lastSeen: twoHoursAgo,
  },
  {
    cluster: 'backend',
    destination: to,
    source: {
      principal: 'cluster.local/ns/legacy/sa/billing',
      namespace: 'legacy',
      workload: 'billing',
      cluster: 'backend',
    },
    protocol: 'http',
    count: 14,
    denied: 14,
    plaintext: 0,
    lastSeen: twoHoursAgo,
  },
  {
    cluster: 'backend',
    destination: to,
    source: {},
    protocol: 'tcp',
    count: 3,
    plaintext: 3,
    lastSeen: twoHoursAgo,
  },
];

function productpage(options: Partial<EntitySecurityOptions> = {}) {
  return entitySecurity(model(), {
    entityRef: 'component:default/productpage',
    workloads: ['backend/bookinfo/productpage'],
    selector: { kubernetesId: 'productpage' },
    ...options,
  });
}

async function renderTab() {
  await renderWithZeroTrust(<EntityZeroTrustContent />, {
    entity: component('productpage'),
  });
  return screen.findByRole('table', { name: 'allowed callers' });
}

describe('callers usage on the Security tab', () => {
  it('says how to connect Prometheus, in the backend words, and shows no usage column', async () => {
    serve(
      productpage({
        telemetry: {
          backend: {
            state: 'not-configured',
            message:
              'No Prometheus is configured for cluster backend: add it under zeroTrust.telemetry.clusters.',
          },
        },
        traffic,
      }),
    );
    const table = await renderTab();
    expect(
      screen.getByText(
        'No Prometheus is configured for cluster backend: add it under zeroTrust.telemetry.clusters.',
      ),
    ).toBeInTheDocument();
    expect(
      within(table).queryByRole('columnheader', { name: 'Usage' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/unused over/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Not allowed but seen' }),
    ).not.toBeInTheDocument();
    // The reviews caller is unused, but nothing says so without telemetry.
    expect(
      screen.queryByRole('button', {
        name: 'Tighten who may call this service',
      }),
    ).not.toBeInTheDocument();
  });

  it('warns with the reason when Prometheus could not be read, never an empty usage column', async () => {
    serve(
      productpage({
        telemetry: {
          backend: {
            state: 'failed',
            message: 'Prometheus at http://127.0.0.1:9/ answered 503',
          },
        },
        traffic,
      }),
    );
    const table = await renderTab();
    expect(
      screen.getByText(/Usage could not be read/).closest('[role="alert"]'),
    ).toHaveTextContent('Prometheus at http://127.0.0.1:9/ answered 503');
    expect(
      within(table).queryByRole('columnheader', { name: 'Usage' }),
    ).not.toBeInTheDocument();
  });

  it('marks each allowed caller used, with count and last seen, or unused over the window', async () => {
    serve(
      productpage({ telemetry: { backend: telemetryOk('7d', end) }, traffic }),
    );
    const table = await renderTab();
    expect(
      within(table).getByRole('columnheader', { name: 'Usage' }),
    ).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    const gateway = rows.find(r =>
      r.textContent?.includes('external.example/ns/edge/sa/edge-gateway'),
    )!;
    const reviews = rows.find(r =>
      r.textContent?.includes('bookinfo-reviews'),
    )!;
    // The gateway's 1,204 requests went through; none was refused.
    expect(within(gateway).getByText('1,204 calls')).toBeInTheDocument();
    const seen = within(gateway).getByText('last seen 2 hours ago');
    expect(seen).toHaveAttribute(
      'title',
      `${twoHoursAgo.slice(0, 19).replace('T', ' ')} UTC`,
    );
    expect(within(reviews).getByText('unused over 7d')).toBeInTheDocument();
    expect(within(reviews).queryByText(/last seen/)).not.toBeInTheDocument();
    expect(screen.getByText(/Usage over the last 7d/)).toBeInTheDocument();
  });

  it('links to the tighten template, prefilled with the entity and the window, when a caller went unused', async () => {
    serve(
      productpage({ telemetry: { backend: telemetryOk('7d', end) }, traffic }),
    );
    await renderTab();
    expect(
      screen.getByText('1 allowed caller was not seen over 7d.'),
    ).toBeInTheDocument();
    const link = screen.getByRole('button', {
      name: 'Tighten who may call this service',
    });
    const url = new URL(link.getAttribute('href')!, 'http://app.test');
    expect(url.pathname).toBe('/create/templates/default/tighten-callers');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      entityRef: 'component:default/productpage',
      window: '7d',
    });
  });

  it('offers no tightening where every allowed caller was used', async () => {
    const reviewsToo: ObservedTraffic = {
      ...traffic[0],
      source: {
        principal: 'cluster.local/ns/bookinfo/sa/bookinfo-reviews',
        namespace: 'bookinfo',
        workload: 'reviews',
        cluster: 'backend',
      },
      count: 2,
    };
    serve(
      productpage({
        telemetry: { backend: telemetryOk('7d', end) },
        traffic: [...traffic, reviewsToo],
      }),
    );
    const table = await renderTab();
    expect(within(table).getByText('2 calls')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Tighten who may call this service',
      }),
    ).not.toBeInTheDocument();
  });

  it('lists refused callers with what check says, and plaintext against the mTLS mode', async () => {
    serve(
      productpage({ telemetry: { backend: telemetryOk('7d', end) }, traffic }),
    );
    await renderTab();
    const seen = screen.getByRole('region', { name: 'Not allowed but seen' });
    expect(seen).toHaveTextContent('Not allowed but seen (2)');
    expect(
      within(seen).getByText('legacy/billing').parentElement,
    ).toHaveTextContent(
      'legacy/billing: 14 of 14 calls refused; no allowed caller covers it; check today: DENY',
    );
    // productpage is STRICT: its proxy refused the plaintext connections.
    expect(
      within(seen)
        .getByText('a caller without identity (plaintext)')
        .closest('[role="alert"]'),
    ).toHaveTextContent('3 calls without mTLS, refused (mTLS STRICT)');
  });

  it('colours the graph edges by usage, with counts and a legend', async () => {
    serve(
      productpage({ telemetry: { backend: telemetryOk('7d', end) }, traffic }),
    );
    await renderTab();
    await userEvent.click(screen.getByRole('button', { name: 'Graph' }));
    const graph = await screen.findByRole('img', {
      name: 'Callers of bookinfo/productpage',
    });
    const edges = [...graph.querySelectorAll('[data-testid="edge"]')].map(e => [
      e.getAttribute('data-state'),
      e.querySelector('text')?.textContent,
    ]);
    expect(edges).toEqual(
      expect.arrayContaining([
        ['used', '1,204 calls'],
        ['unused', 'unused'],
        ['denied', '14 refused'],
      ]),
    );
    expect(edges).toHaveLength(4);
    expect(screen.getByLabelText('Legend')).toHaveTextContent(
      'used (calls in 7d)',
    );
  });

  it('draws plain edges and no legend where telemetry is not read', async () => {
    serve(productpage({ traffic }));
    await renderTab();
    await userEvent.click(screen.getByRole('button', { name: 'Graph' }));
    const graph = await screen.findByRole('img', {
      name: 'Callers of bookinfo/productpage',
    });
    const states = [...graph.querySelectorAll('[data-testid="edge"]')].map(e =>
      e.getAttribute('data-state'),
    );
    expect(states).toEqual(['allowed', 'allowed']);
    expect(screen.queryByLabelText('Legend')).not.toBeInTheDocument();
  });
});
