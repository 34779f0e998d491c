import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ObservedTraffic,
  TelemetryStatus,
  UsageResponse,
  usageRanking,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  authorizationPolicy,
  bookinfoModel,
  namespacePostures,
  telemetryOk,
} from '../../__fixtures__/security';
import { baseUrl, renderWithZeroTrust } from '../../__testUtils__/testApp';
import { UnusedPermissions } from './UnusedPermissions';

jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

// productpage admits edge's gateway (used) and, from an old rule, reviews (unused);
// billing in legacy was refused by it.
const model = bookinfoModel({
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

const traffic: ObservedTraffic[] = [
  {
    cluster: 'backend',
    destination: { namespace: 'bookinfo', workload: 'productpage' },
    source: {
      principal: 'external.example/ns/edge/sa/edge-gateway',
      namespace: 'edge',
      workload: 'edge-gateway',
    },
    protocol: 'http',
    count: 90,
    denied: 0,
    plaintext: 0,
  },
  {
    cluster: 'backend',
    destination: { namespace: 'bookinfo', workload: 'productpage' },
    source: {
      principal: 'internal.example/ns/legacy/sa/billing',
      namespace: 'legacy',
      workload: 'billing',
    },
    protocol: 'http',
    count: 14,
    denied: 14,
    plaintext: 0,
  },
];

const ok = telemetryOk('7d');

/** A backend answering `GET /usage` as the route does: common's ranking per cluster read. */
function serveUsage(telemetry: Record<string, TelemetryStatus>) {
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${baseUrl}/usage`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      queries.push(q);
      const names = model.clusters
        .map(c => c.name)
        .filter(c => !q.get('cluster') || c === q.get('cluster'));
      const body: UsageResponse = {
        items: names
          .flatMap(c => {
            const t = telemetry[c];
            return t.state === 'ok'
              ? usageRanking(model, c, traffic, t.window)
              : [];
          })
          .filter(
            x => !q.get('namespace') || x.namespace === q.get('namespace'),
          ),
        clusters: names.map(cluster => ({
          cluster,
          telemetry: telemetry[cluster],
        })),
      };
      return HttpResponse.json(body);
    }),
  );
  return queries;
}

const render = () =>
  renderWithZeroTrust(
    <UnusedPermissions
      clusters={model.clusters.map(c => c.name)}
      namespaces={namespacePostures(model)}
    />,
  );

const notConfigured: TelemetryStatus = {
  state: 'not-configured',
  message: 'No Prometheus is configured for cluster edge.',
};

describe('UnusedPermissions', () => {
  it('ranks services by unused allowed callers, with the refused ones, and says which clusters were read', async () => {
    serveUsage({ backend: ok, edge: notConfigured });
    await render();
    const table = await screen.findByText(/Services with unused permissions/);
    const rows = within(table.closest('table') ?? document.body)
      .getAllByRole('row')
      .filter(r => r.textContent?.includes('cluster backend'));
    // productpage first: one unused caller (reviews) and billing refused.
    expect(rows[0]).toHaveTextContent('bookinfo/productpage');
    expect(rows[0]).toHaveTextContent('backend/bookinfo/reviews');
    expect(rows[0]).toHaveTextContent('legacy/billing');
    const statuses = screen.getByLabelText('Telemetry per cluster');
    expect(statuses).toHaveTextContent('backend: usage read over the last 7d');
    expect(statuses).toHaveTextContent(
      'edge: not ranked. No Prometheus is configured for cluster edge.',
    );
  });

  it('asks the backend for the chosen cluster and namespace', async () => {
    const queries = serveUsage({ backend: ok, edge: notConfigured });
    await render();
    await screen.findByText(/Services with unused permissions/);
    await userEvent.selectOptions(screen.getByLabelText('Cluster'), 'backend');
    await userEvent.selectOptions(
      screen.getByLabelText('Namespace'),
      'identity',
    );
    await waitFor(() =>
      expect(queries.at(-1)?.toString()).toBe(
        'cluster=backend&namespace=identity',
      ),
    );
    // identity-api admits any authenticated caller, and none was seen.
    expect(
      await screen.findByText('identity/identity-api'),
    ).toBeInTheDocument();
    expect(screen.queryByText('bookinfo/productpage')).not.toBeInTheDocument();
    expect(
      screen.getByLabelText('Telemetry per cluster'),
    ).not.toHaveTextContent('edge:');
  });

  it('never shows an empty ranking as clean when no cluster could be read', async () => {
    serveUsage({
      backend: { state: 'failed', message: 'answered HTTP 503' },
      edge: notConfigured,
    });
    await render();
    expect(
      await screen.findByText(/No cluster’s usage could be read/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Telemetry per cluster')).toHaveTextContent(
      'backend: not ranked, its Prometheus could not be read: answered HTTP 503',
    );
    expect(
      screen.queryByText(/Every allowed caller was seen/),
    ).not.toBeInTheDocument();
  });
});
