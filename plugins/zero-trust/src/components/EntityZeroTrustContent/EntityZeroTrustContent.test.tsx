import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { EntitySecurityResponse } from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  bookinfoModel,
  destinationRule,
  dryRunPolicy,
  entitySecurity,
  EntitySecurityOptions,
  peerAuthentication,
  reviewsNetworkPolicy,
} from '../../__fixtures__/security';
import { largeEntitySecurity } from '../../__fixtures__/large';
import {
  baseUrl,
  component,
  renderWithZeroTrust,
  RenderOptions,
} from '../../__testUtils__/testApp';
import { EntityZeroTrustContent } from './EntityZeroTrustContent';

// Per-file timeout: 'pages and searches a long caller list' renders 500 callers in
// jsdom and types into their filter, which took over 30 s on a heavily loaded machine.
// The tests wait for what they assert (findBy, waitFor), never for a time.
jest.setTimeout(120_000);

const server = setupServer();
registerMswTestHooks(server);
// No onboarding requests here: OnboardingRequests/ tests that part.
beforeEach(() =>
  server.use(
    http.get(`${baseUrl}/onboarding/requests`, () =>
      HttpResponse.json({ items: [] }),
    ),
  ),
);

/** Serves `body` for the entity's security and records what was asked. */
function serve(body: EntitySecurityResponse | (() => Response)) {
  const seen: string[] = [];
  server.use(
    http.get(
      `${baseUrl}/entities/:kind/:namespace/:name/security`,
      ({ request }) => {
        seen.push(new URL(request.url).pathname);
        return typeof body === 'function' ? body() : HttpResponse.json(body);
      },
    ),
  );
  return seen;
}

function security(
  name: string,
  workloads: string[],
  options: Partial<EntitySecurityOptions> & {
    model?: ReturnType<typeof bookinfoModel>;
  } = {},
) {
  return entitySecurity(options.model ?? bookinfoModel(), {
    entityRef: `component:default/${name}`,
    workloads,
    selector: { kubernetesId: name },
    ...options,
  });
}

async function renderTab(name: string, options: RenderOptions = {}) {
  return renderWithZeroTrust(<EntityZeroTrustContent />, {
    entity: component(name),
    ...options,
  });
}

describe('EntityZeroTrustContent', () => {
  it('asks the backend for this entity and shows its identity', async () => {
    const seen = serve(security('reviews', ['backend/bookinfo/reviews']));
    await renderTab('reviews');

    expect(
      await screen.findByText(
        'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
      ),
    ).toBeInTheDocument();
    expect(seen).toEqual([
      '/api/zero-trust/entities/Component/default/reviews/security',
    ]);
    expect(
      screen.getByRole('button', { name: 'Copy SPIFFE ID' }),
    ).toBeInTheDocument();
    expect(screen.getByText('internal.example')).toBeInTheDocument();
    expect(
      screen.getByText('Also answers to: cluster.local'),
    ).toBeInTheDocument();
    expect(screen.getByText('bookinfo-reviews')).toBeInTheDocument();
    expect(screen.getByText('Sidecar')).toBeInTheDocument();
    expect(
      screen.getByText('namespace label istio-injection=enabled'),
    ).toBeInTheDocument();
    // Locked down: no warning banner.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('links each caller to its catalog entity, with what it may do and which rule admits it', async () => {
    serve(security('reviews', ['backend/bookinfo/reviews']));
    await renderTab('reviews');

    const link = await screen.findByRole('link', { name: /productpage/ });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/productpage',
    );
    const row = link.closest('tr')!;
    expect(within(row).getByText('CONDITIONAL')).toBeInTheDocument();
    expect(within(row).getByText('9080')).toBeInTheDocument();
    expect(
      within(row).getByText('methods GET; paths /reviews/*'),
    ).toBeInTheDocument();
    expect(within(row).getByText('bookinfo/reviews-allow')).toBeInTheDocument();
    expect(screen.getByText('Allowed callers (1)')).toBeInTheDocument();
    // Not a gateway: no such caveat.
    expect(screen.queryByText('An Istio gateway')).not.toBeInTheDocument();
  });

  it('shows a caller no entity claims by its raw source', async () => {
    serve(security('identity-api', ['backend/identity/identity-api']));
    await renderTab('identity-api');

    const cell = await screen.findByText(
      'any authenticated workload (any mTLS identity, any trust domain)',
    );
    expect(cell.closest('tr')!.querySelector('a')).toBeNull();
  });

  it('warns in plain words when the workload is open to every caller', async () => {
    // legacy/billing has no ALLOW policy; PERMISSIVE lets plaintext callers in too.
    const model = bookinfoModel({
      backend: [
        peerAuthentication('legacy', 'default', { mode: 'PERMISSIVE' }),
      ],
    });
    serve(security('billing', ['backend/legacy/billing'], { model }));
    await renderTab('billing');

    expect(await screen.findByText('Open to every caller')).toBeInTheDocument();
    expect(
      screen.getByText(/no ALLOW policy applies to it/),
    ).toBeInTheDocument();
    expect(screen.getByText('Accepts plaintext')).toBeInTheDocument();
  });

  it('warns when every authenticated workload may call it', async () => {
    serve(security('billing', ['backend/legacy/billing']));
    await renderTab('billing');

    expect(
      await screen.findByText('Open to every workload in the mesh'),
    ).toBeInTheDocument();
    // STRICT: no plaintext banner, and "anyone" is not claimed.
    expect(screen.queryByText('Accepts plaintext')).not.toBeInTheDocument();
    expect(screen.queryByText('Open to every caller')).not.toBeInTheDocument();
  });

  it('warns about plaintext only on the ports that accept it, naming the PeerAuthentication', async () => {
    serve(security('identity-api', ['backend/identity/identity-api']));
    await renderTab('identity-api');

    expect(await screen.findByText('Accepts plaintext')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Port 8080 accepts unencrypted requests: mTLS is PERMISSIVE there, decided by identity\/default\./,
      ),
    ).toBeInTheDocument();
    // The port-level override that keeps 9090 STRICT, and who set it.
    const overrides = screen.getByRole('table', { name: 'Port-level mTLS' });
    const row = within(overrides).getByText('9090').closest('tr')!;
    expect(within(row).getByText('STRICT')).toBeInTheDocument();
    expect(within(row).getByText('identity/tokens-strict')).toBeInTheDocument();
    // The DENY carve-out.
    expect(
      screen.getByText(/namespaces legacy: denied by/),
    ).toBeInTheDocument();
  });

  it('lists findings worst first, with remediation, controls and docs', async () => {
    serve(security('identity-api', ['backend/identity/identity-api']));
    await renderTab('identity-api');

    // Its own three, and its namespace's: identity has no allow-nothing (ZT013, about
    // the Namespace itself).
    const table = (await screen.findByText('Findings (4)')).closest(
      '[class*="MuiPaper"]',
    ) as HTMLElement;
    const rows = within(table).getAllByRole('row').slice(1);
    const severities = rows.map(
      r => within(r).getByText(/^(High|Medium|Low)$/).textContent,
    );
    expect(severities).toEqual(['High', 'Medium', 'Medium', 'Medium']);
    expect(within(table).getByText('ZT013')).toBeInTheDocument();
    expect(within(rows[0]).getByText('ZT007')).toBeInTheDocument();
    expect(within(rows[0]).getByText('NIST SC-8')).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: /Istio docs/ }),
    ).toHaveAttribute(
      'href',
      'https://istio.io/latest/news/security/istio-security-2021-004/',
    );
    expect(
      within(rows[0]).getByText(/Set mTLS mode STRICT for this workload/),
    ).toBeInTheDocument();
  });

  it('shows a DestinationRule that turns TLS off toward it as a client-side conflict', async () => {
    serve(security('ratings', ['backend/bookinfo/ratings']));
    await renderTab('ratings');

    expect(
      await screen.findByText(
        /DestinationRule bookinfo\/ratings-plaintext disables TLS/,
        {
          selector: '.MuiAlert-message',
        },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/No caller can reach it/)).toBeInTheDocument();
  });

  it('shows a DestinationRule that sends it mTLS it cannot terminate, outside the mesh, as a client-side conflict', async () => {
    const model = bookinfoModel({
      backend: [
        destinationRule('bookinfo', 'to-inventory', {
          host: 'inventory-api.inventory.svc.cluster.local',
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        }),
      ],
    });
    serve(
      security('inventory-api', ['backend/inventory/inventory-api'], { model }),
    );
    await renderTab('inventory-api');

    expect(
      await screen.findByText(
        /DestinationRule bookinfo\/to-inventory sends Istio mTLS toward inventory-api\.inventory\.svc\.cluster\.local, but backend\/inventory\/inventory-api is outside the mesh/,
        { selector: '.MuiAlert-message' },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Findings (2)')).toBeInTheDocument();
  });

  it('says that an Istio gateway is analysed as a sidecar would be', async () => {
    serve(security('edge-gateway', ['edge/edge/edge-gateway']));
    await renderTab('edge-gateway');

    expect(await screen.findByText('An Istio gateway')).toBeInTheDocument();
    expect(
      screen.getByText(/come from its Gateway resources/),
    ).toBeInTheDocument();
  });

  it('shows no dry-run card and no network layer where there is none', async () => {
    serve(security('reviews', ['backend/bookinfo/reviews']));
    await renderTab('reviews');

    expect(await screen.findByText('Allowed callers (1)')).toBeInTheDocument();
    expect(screen.queryByText(/Dry-run policies/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('columnheader', { name: 'Network' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText(/network policy/)).not.toBeInTheDocument();
  });

  it('shows dry-run policies apart, with the callers they would deny if enforced', async () => {
    const model = bookinfoModel({
      backend: [
        dryRunPolicy('bookinfo', 'reviews-deny-productpage', {
          selector: { matchLabels: { app: 'reviews' } },
          action: 'DENY',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [
                      'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
                    ],
                  },
                },
              ],
            },
          ],
        }),
      ],
    });
    serve(security('reviews', ['backend/bookinfo/reviews'], { model }));
    await renderTab('reviews');

    const card = (await screen.findByText('Dry-run policies (1)')).closest(
      '[class*="MuiCard-root"]',
    ) as HTMLElement;
    expect(
      within(card).getByText('bookinfo/reviews-deny-productpage'),
    ).toBeInTheDocument();
    expect(
      within(card).getByText(
        'would deny 1 caller: backend/bookinfo/productpage',
      ),
    ).toBeInTheDocument();
    expect(within(card).queryByText(/would allow/)).not.toBeInTheDocument();
    // Not enforced: productpage is still an allowed caller.
    expect(screen.getByText('Allowed callers (1)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /productpage/ }),
    ).toBeInTheDocument();
  });

  it('says when a dry-run policy would change no caller', async () => {
    const model = bookinfoModel({
      backend: [
        dryRunPolicy('bookinfo', 'reviews-deny-legacy', {
          selector: { matchLabels: { app: 'reviews' } },
          action: 'DENY',
          rules: [{ from: [{ source: { namespaces: ['legacy'] } }] }],
        }),
      ],
    });
    serve(security('reviews', ['backend/bookinfo/reviews'], { model }));
    await renderTab('reviews');

    expect(await screen.findByText('Dry-run policies (1)')).toBeInTheDocument();
    expect(screen.getByText('would deny no caller')).toBeInTheDocument();
  });

  it('shows the NetworkPolicy layer of each caller', async () => {
    const model = bookinfoModel({
      backend: [reviewsNetworkPolicy('productpage')],
    });
    serve(security('reviews', ['backend/bookinfo/reviews'], { model }));
    await renderTab('reviews');

    const link = await screen.findByRole('link', { name: /productpage/ });
    expect(
      screen.getByRole('columnheader', { name: 'Network' }),
    ).toBeInTheDocument();
    expect(
      within(link.closest('tr')!).getByText(
        'allowed by network policy bookinfo/reviews-ingress',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/blocked by network policy/),
    ).not.toBeInTheDocument();
  });

  it('shows a caller Istio allows and a NetworkPolicy blocks apart, not as allowed', async () => {
    const model = bookinfoModel({
      backend: [reviewsNetworkPolicy('nothing')],
    });
    serve(security('reviews', ['backend/bookinfo/reviews'], { model }));
    await renderTab('reviews');

    expect(await screen.findByText('Allowed callers (0)')).toBeInTheDocument();
    expect(
      screen.getByText('Allowed by Istio, blocked by a NetworkPolicy (1)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /: blocked by network policy bookinfo\/reviews-ingress$/,
      ),
    ).toHaveTextContent(/productpage/);
  });

  it("names the Cilium and Calico policies that may apply as not read: its namespace's and the cluster-wide ones", async () => {
    const model = bookinfoModel({
      backend: [
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumClusterwideNetworkPolicy',
          metadata: { name: 'lock-down' },
          spec: { endpointSelector: {} },
        },
        {
          apiVersion: 'crd.projectcalico.org/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'reviews-l4', namespace: 'bookinfo' },
          spec: { selector: 'app == "reviews"' },
        },
        // Another namespace's selects no pod of bookinfo.
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: 'elsewhere', namespace: 'identity' },
          spec: { endpointSelector: {} },
        },
      ],
    });
    serve(security('reviews', ['backend/bookinfo/reviews'], { model }));
    await renderTab('reviews');

    expect(
      await screen.findByText(
        'CiliumClusterwideNetworkPolicy lock-down is not read: answers here leave out what it allows or drops.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Calico NetworkPolicy bookinfo/reviews-l4 is not read: answers here leave out what it allows or drops.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/identity\/elsewhere/)).not.toBeInTheDocument();
  });

  it('offers to onboard a workload outside the mesh, with the template form filled in', async () => {
    serve(security('inventory-api', ['backend/inventory/inventory-api']));
    await renderTab('inventory-api');

    expect(
      await screen.findByText(
        'Outside the mesh: open to every caller, in plaintext',
      ),
    ).toBeInTheDocument();
    const link = screen.getByRole('button', { name: 'Onboard to the mesh' });
    const url = new URL(link.getAttribute('href')!, 'http://app.test');
    expect(url.pathname).toBe('/create/templates/default/onboard-service');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      service: 'inventory-api',
      namespace: 'inventory',
      cluster: 'backend',
      component: 'component:default/inventory-api',
      owner: 'group:default/team-a',
    });
    expect(screen.getByText(/None: outside the mesh/)).toBeInTheDocument();
  });

  it('builds the onboarding link from the app base URL when the scaffolder route is not bound', async () => {
    serve(security('inventory-api', ['backend/inventory/inventory-api']));
    await renderTab('inventory-api', {
      withScaffolderRoute: false,
      appBaseUrl: 'https://portal.example/backstage/',
    });

    const link = await screen.findByRole('button', {
      name: 'Onboard to the mesh',
    });
    expect(link.getAttribute('href')).toMatch(
      /^\/backstage\/create\/templates\/default\/onboard-service\?formData=/,
    );
  });

  it('keeps showing the last good state of a stale cluster, under a warning', async () => {
    serve(
      security('reviews', ['backend/bookinfo/reviews'], {
        status: {
          backend: {
            state: 'stale',
            source: 'live',
            lastSyncedAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
            staleSince: new Date(Date.now() - 20 * 60_000).toISOString(),
            message: 'watch on pods failed: connection refused',
            degraded: [],
          },
        },
      }),
    );
    await renderTab('reviews');

    expect(
      await screen.findByText('Cluster backend is out of date'),
    ).toBeInTheDocument();
    expect(screen.getByText(/20 minutes ago/)).toBeInTheDocument();
    expect(
      screen.getByText(/watch on pods failed: connection refused/),
    ).toBeInTheDocument();
    expect(screen.getByText(/3 hours ago/)).toBeInTheDocument();
    expect(
      screen.getByText(
        'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
      ),
    ).toBeInTheDocument();
  });

  it('names what a stale or unreadable resource can change in what is shown', async () => {
    serve(
      security('reviews', ['backend/bookinfo/reviews'], {
        status: {
          backend: {
            state: 'stale',
            source: 'live',
            lastSyncedAt: new Date(Date.now() - 60_000).toISOString(),
            staleSince: new Date(Date.now() - 30_000).toISOString(),
            message: 'configmaps/istio: the API server answered 403: Forbidden',
            staleResources: [
              {
                // As the live source names it since it reads two ConfigMaps by name.
                resource: 'configmaps/istio',
                message: 'the API server answered 403: Forbidden',
                since: new Date(Date.now() - 30_000).toISOString(),
              },
            ],
            degraded: [
              {
                resource: 'destinationrules.networking.istio.io',
                message:
                  'may not list destinationrules.networking.istio.io: add it to the ClusterRole in deploy/rbac.yaml',
              },
            ],
          },
        },
      }),
    );
    await renderTab('reviews');

    expect(
      await screen.findByText('Cluster backend is out of date'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^The mesh config \(ConfigMap istio-system\/istio\) could not be read again, the last good ones are used: the trust domain, and so every SPIFFE ID, may be wrong/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /^DestinationRules could not be read: mTLS shown as auto mTLS may be wrong/,
      ),
    ).toBeInTheDocument();
  });

  it('counts a stale cluster as read: absent there is an answer, flagged as out of date', async () => {
    const stale = {
      state: 'stale' as const,
      source: 'live' as const,
      lastSyncedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      staleSince: new Date(Date.now() - 3_600_000).toISOString(),
      degraded: [],
    };
    serve(security('ghost', [], { status: { edge: stale } }));
    await renderTab('ghost');

    expect(
      await screen.findByText('No workload found for this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Cluster edge \(out of date, last read 2 hours ago\): a workload created since may not show yet/,
      ),
    ).toBeInTheDocument();
  });

  it('says when a cluster failed, and still shows the clusters that answered', async () => {
    serve(
      security('productpage', ['backend/bookinfo/productpage'], {
        status: {
          edge: {
            state: 'failed',
            source: 'live',
            message: 'Unauthorized: the service account token was rejected',
            degraded: [],
          },
        },
      }),
    );
    await renderTab('productpage');

    expect(
      await screen.findByText('Cluster edge could not be read'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Unauthorized: the service account token was rejected'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'spiffe://internal.example/ns/bookinfo/sa/bookinfo-productpage',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /edge-gateway/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/edge-gateway',
    );
  });

  it('shows the synced time of a healthy cluster', async () => {
    serve(
      security('reviews', ['backend/bookinfo/reviews'], {
        status: {
          backend: {
            state: 'synced',
            source: 'live',
            lastSyncedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
            degraded: [],
          },
        },
      }),
    );
    await renderTab('reviews');
    expect(await screen.findByText('2 minutes ago')).toBeInTheDocument();
    expect(screen.getByText(/from a live cluster/)).toBeInTheDocument();
    expect(screen.getByText('Not running in: edge.')).toBeInTheDocument();
  });

  it('shows each cluster where the entity runs', async () => {
    serve(
      security('mixed', ['backend/bookinfo/reviews', 'edge/edge/edge-gateway']),
    );
    await renderTab('mixed');

    expect(
      await screen.findByRole('region', { name: 'Cluster backend' }),
    ).toBeInTheDocument();
    const edge = screen.getByRole('region', { name: 'Cluster edge' });
    expect(
      within(edge).getByText(
        'spiffe://external.example/ns/edge/sa/edge-gateway',
      ),
    ).toBeInTheDocument();
  });

  it('draws the callers as an inbound graph on request', async () => {
    serve(security('reviews', ['backend/bookinfo/reviews']));
    await renderTab('reviews');

    await userEvent.click(await screen.findByRole('button', { name: 'Graph' }));
    const graph = await screen.findByText('component:default/productpage', {
      selector: 'text',
    });
    expect(graph).toBeInTheDocument();
    expect(
      screen.getByText('bookinfo/reviews', { selector: 'text' }),
    ).toBeInTheDocument();
  });

  it('draws at most maxGraphCallers callers and one node for the rest', async () => {
    serve(largeEntitySecurity(500, 0));
    await renderTab('checkout');
    await userEvent.click(await screen.findByRole('button', { name: 'Graph' }));
    const rest = await screen.findByText('460 more callers: see the table', {
      selector: 'text',
    });
    const svg = rest.closest('svg')!;
    // 40 callers, the rest, and the workload itself.
    expect(svg.querySelectorAll('[data-testid="node"]')).toHaveLength(42);
    expect(svg.querySelectorAll('[data-testid="edge"]')).toHaveLength(41);
  });

  it('pages and searches a long caller list', async () => {
    serve(largeEntitySecurity(500, 50));
    await renderTab('checkout');

    expect(
      await screen.findByText('Allowed callers (500)'),
    ).toBeInTheDocument();
    const table = screen
      .getByText('Allowed callers (500)')
      .closest('[class*="MuiCard-root"]') as HTMLElement;
    const callerLinks = () =>
      within(table).getAllByRole('link', { name: /client-\d+/ });
    expect(callerLinks()).toHaveLength(20);
    const firstPage = callerLinks().map(a => a.textContent);
    expect(within(table).getByText('1-20 of 500')).toBeInTheDocument();
    await userEvent.click(
      within(table).getByRole('button', { name: 'Next page' }),
    );
    expect(within(table).getByText('21-40 of 500')).toBeInTheDocument();
    const secondPage = callerLinks().map(a => a.textContent);
    expect(secondPage).toHaveLength(20);
    expect(secondPage.filter(name => firstPage.includes(name))).toEqual([]);

    // Filtering goes back to the first page of what matches.
    await userEvent.type(
      within(table).getByPlaceholderText('Filter'),
      'client-421',
    );
    await waitFor(() => expect(callerLinks()).toHaveLength(1));
    expect(callerLinks()[0]).toHaveAttribute(
      'href',
      '/catalog/default/component/client-421',
    );
    expect(within(table).queryByText(/of 500/)).not.toBeInTheDocument();
    expect(screen.getByText('Findings (50)')).toBeInTheDocument();
  });

  describe('empty and error states', () => {
    it('shows the annotation to add when the entity has none', async () => {
      await renderWithZeroTrust(<EntityZeroTrustContent />, {
        entity: component('orders', {}),
      });

      expect(
        screen.getByText('No kubernetes annotation on this entity'),
      ).toBeInTheDocument();
      // The YAML to add, with the entity's own name filled in.
      const yaml = screen.getByText(/catalog-info\.yaml/).parentElement!;
      expect(yaml.textContent).toMatch(
        /^\d*\s+backstage\.io\/kubernetes-id: orders$/m,
      );
      expect(yaml.textContent).toMatch(/^\d*\s+annotations:$/m);
    });

    it('says which selector found nothing', async () => {
      serve(
        security('ghost', [], {
          selector: { kubernetesId: 'ghost', namespace: 'shop' },
        }),
      );
      await renderTab('ghost');

      expect(
        await screen.findByText('No workload found for this entity'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(
          /labelled backstage\.io\/kubernetes-id=ghost, in namespace shop, in clusters backend, edge/,
        ),
      ).toBeInTheDocument();
    });

    it('says the entity is not found or not visible on a 404', async () => {
      serve(() =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'no entity component:default/secret',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      );
      await renderTab('secret');

      expect(
        await screen.findByText('Entity not found or not visible to you'),
      ).toBeInTheDocument();
    });

    it('shows the error and a retry when the backend cannot be reached', async () => {
      let calls = 0;
      serve(() => {
        calls += 1;
        return calls === 1
          ? HttpResponse.error()
          : HttpResponse.json(
              security('reviews', ['backend/bookinfo/reviews']),
            );
      });
      await renderTab('reviews');

      expect(
        await screen.findByText(/Could not reach the zero-trust backend/),
      ).toBeInTheDocument();
      await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
      expect(
        await screen.findByText(
          'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
        ),
      ).toBeInTheDocument();
    });

    it('shows the server error when the backend fails', async () => {
      serve(() =>
        HttpResponse.json(
          {
            error: { name: 'Error', message: 'catalog timed out' },
            response: { statusCode: 500 },
          },
          { status: 500 },
        ),
      );
      await renderTab('reviews');

      expect(
        await screen.findByText(/could not answer for this entity/),
      ).toBeInTheDocument();
      await waitFor(() =>
        expect(screen.getAllByText(/catalog timed out/).length).toBeGreaterThan(
          0,
        ),
      );
    });
  });
});
