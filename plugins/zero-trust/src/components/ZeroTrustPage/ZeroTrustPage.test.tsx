import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  analyze,
  edgeInventories,
  Finding,
  trustView,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  bookinfoModel,
  clusterInfos,
  namespacePostures,
  networkPolicy,
} from '../../__fixtures__/security';
import { baseUrl, renderWithZeroTrust } from '../../__testUtils__/testApp';
import { ZeroTrustPage } from './ZeroTrustPage';

// Renders the whole platform page in jsdom and types into its filters: a minute or more
// on a 2-core machine under heavy load (seen at a load average of 25), seconds when idle.
jest.setTimeout(180_000);

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

const model = bookinfoModel();
const allFindings = analyze(model).findings;

/** A backend over the fixture mesh that filters findings the way the contract says. */
function serveMesh(
  overrides: { findings?: () => Response } = {},
): URLSearchParams[] {
  const findingQueries: URLSearchParams[] = [];
  server.use(
    http.get(`${baseUrl}/clusters`, () =>
      HttpResponse.json({
        items: clusterInfos(model, {
          edge: {
            state: 'stale',
            source: 'live',
            lastSyncedAt: new Date(Date.now() - 3_600_000).toISOString(),
            staleSince: new Date(Date.now() - 600_000).toISOString(),
            message: 'watch closed: 503 Service Unavailable',
            staleResources: [
              {
                resource: 'destinationrules.networking.istio.io',
                message: 'watch closed: 503 Service Unavailable',
                since: new Date(Date.now() - 600_000).toISOString(),
              },
            ],
            degraded: [
              {
                resource: 'authorizationpolicies.security.istio.io',
                message: 'forbidden',
              },
            ],
          },
        }),
      }),
    ),
    http.get(`${baseUrl}/namespaces`, () =>
      HttpResponse.json({ items: namespacePostures(model) }),
    ),
    http.get(`${baseUrl}/trust`, () =>
      HttpResponse.json({ ...trustView(model), findings: [] }),
    ),
    // EdgeInventories.test.tsx tests the inventories' own filters.
    http.get(`${baseUrl}/exposure`, () =>
      HttpResponse.json({ items: edgeInventories(model).exposure }),
    ),
    http.get(`${baseUrl}/egress`, () => {
      const { egress, anyHost } = edgeInventories(model);
      return HttpResponse.json({ items: egress, anyHost });
    }),
    // UnusedPermissions.test.tsx tests the ranking.
    http.get(`${baseUrl}/usage`, () =>
      HttpResponse.json({
        items: [],
        clusters: model.clusters.map(c => ({
          cluster: c.name,
          telemetry: { state: 'not-configured', message: 'No Prometheus.' },
        })),
      }),
    ),
    http.get(`${baseUrl}/findings`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      findingQueries.push(q);
      if (overrides.findings) return overrides.findings();
      const items = allFindings.filter(
        (f: Finding) =>
          (!q.get('severity') || f.severity === q.get('severity')) &&
          (!q.get('cluster') || f.resource.cluster === q.get('cluster')) &&
          (!q.get('namespace') || f.resource.namespace === q.get('namespace')),
      );
      return HttpResponse.json({ items });
    }),
  );
  return findingQueries;
}

/** The findings' own filter (the inventories below have a Cluster and Namespace too). */
function findingsFilter(label: string) {
  return screen.getByLabelText(label, {
    selector: `#zt-filter-${label.toLowerCase()}`,
  });
}

function findingsRows() {
  const title = screen.getByText(/^Findings across the mesh/);
  const paper = title.closest('[class*="MuiPaper"]') as HTMLElement;
  return within(paper).queryAllByRole('row').slice(1);
}

describe('ZeroTrustPage', () => {
  it('lists clusters with trust domains and sync status', async () => {
    serveMesh();
    await renderWithZeroTrust(<ZeroTrustPage />);

    const backend = (
      await screen.findByText('internal.example', { selector: 'code' })
    ).closest('tr')!;
    expect(within(backend).getByText('backend')).toBeInTheDocument();
    expect(within(backend).getByText('internal.example')).toBeInTheDocument();
    // The Trust view loads on its own, from GET /trust.
    expect(
      await screen.findByRole('img', { name: 'Trust between clusters' }),
    ).toBeInTheDocument();
    expect(
      within(backend).getByText('aliases: cluster.local'),
    ).toBeInTheDocument();
    expect(within(backend).getByText('Synced')).toBeInTheDocument();

    const edge = screen
      .getByText('external.example', { selector: 'code' })
      .closest('tr')!;
    expect(within(edge).getByText('Stale')).toBeInTheDocument();
    expect(
      within(edge).getByText('watch closed: 503 Service Unavailable'),
    ).toBeInTheDocument();
    expect(
      within(edge).getByText(
        'cannot read authorizationpolicies.security.istio.io: forbidden. AuthorizationPolicies could not be read: allowed callers and access decisions may be wrong',
      ),
    ).toBeInTheDocument();
    expect(
      within(edge).getByText(
        'DestinationRules could not be read again, the last good ones are used: mTLS shown as auto mTLS may be wrong',
      ),
    ).toBeInTheDocument();
    expect(within(edge).getByText('1 hour ago')).toBeInTheDocument();
    expect(
      within(edge).getByText('stale since 10 minutes ago'),
    ).toBeInTheDocument();

    // Above the tables: what the mesh-wide answers are computed from.
    const banner = screen
      .getByText(/^The namespaces and findings below come from a cluster/)
      .closest('[role="alert"]') as HTMLElement;
    expect(
      within(banner).getByText(/^cluster edge is stale since/),
    ).toBeInTheDocument();
    expect(
      within(banner).getByText(
        'AuthorizationPolicies could not be read: allowed callers and access decisions may be wrong',
      ),
    ).toBeInTheDocument();
    expect(within(banner).queryByText(/cluster backend/)).toBeNull();
  });

  it('says above the tables what reading a GitOps cluster left out', async () => {
    const notes = [
      'not followed: https://istio-release.storage.googleapis.com/charts chart istiod (Application istiod in clusters/backend/istiod.yaml): Helm charts are not rendered',
      'skipped Helm chart charts/toolbox: charts are not rendered (render it with helm template and pass the output with -)',
    ];
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json({
          items: clusterInfos(model, {
            backend: {
              state: 'synced',
              source: 'git',
              lastSyncedAt: new Date().toISOString(),
              degraded: [],
              notes,
            },
          }),
        }),
      ),
      http.get(`${baseUrl}/namespaces`, () =>
        HttpResponse.json({ items: namespacePostures(model) }),
      ),
      http.get(`${baseUrl}/findings`, () => HttpResponse.json({ items: [] })),
    );
    await renderWithZeroTrust(<ZeroTrustPage />);

    const banner = (
      await screen.findByText(
        /^The namespaces and findings below come from a cluster/,
      )
    ).closest('[role="alert"]') as HTMLElement;
    expect(
      within(banner).getByText(
        /^cluster backend was read without some of its manifests: answers lack what the notes name/,
      ),
    ).toBeInTheDocument();
    for (const note of notes) {
      expect(within(banner).getByText(note)).toBeInTheDocument();
    }
    expect(within(banner).queryByText(/cluster edge/)).toBeNull();
  });

  /** The namespaces table's cell of `ns` under the column titled `title`. */
  async function namespaceCell(ns: string, title: string) {
    const table = (await screen.findByText(/^Namespaces \(/)).closest(
      '[class*="MuiPaper"]',
    ) as HTMLElement;
    const titles = within(table)
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    const row = within(table).getByText(ns, { selector: 'td' }).closest('tr')!;
    return within(row).getAllByRole('cell')[titles.indexOf(title)];
  }

  it('shows each namespace’s injection, mTLS and default-deny', async () => {
    serveMesh();
    await renderWithZeroTrust(<ZeroTrustPage />);

    expect(
      within(await namespaceCell('bookinfo', 'Injection')).getByText('Sidecar'),
    ).toBeInTheDocument();
    expect(await namespaceCell('bookinfo', 'Default deny')).toHaveTextContent(
      'Yes',
    );
    expect(
      within(await namespaceCell('identity', 'mTLS')).getByText('PERMISSIVE'),
    ).toBeInTheDocument();
    expect(await namespaceCell('identity', 'Default deny')).toHaveTextContent(
      'No',
    );
    expect(
      within(await namespaceCell('inventory', 'Injection')).getByText(
        'Outside the mesh',
      ),
    ).toBeInTheDocument();
    // The fixture mesh has no NetworkPolicy at all.
    for (const ns of ['bookinfo', 'identity', 'inventory']) {
      expect(
        await namespaceCell(ns, 'NetworkPolicy default-deny'),
      ).toHaveTextContent('No');
    }
  });

  it('says which namespaces have a NetworkPolicy default-deny', async () => {
    serveMesh();
    const withNetworkPolicy = bookinfoModel({
      backend: [
        // https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
        networkPolicy('bookinfo', 'default-deny-ingress', {
          podSelector: {},
          policyTypes: ['Ingress'],
        }),
      ],
    });
    server.use(
      http.get(`${baseUrl}/namespaces`, () =>
        HttpResponse.json({ items: namespacePostures(withNetworkPolicy) }),
      ),
    );
    await renderWithZeroTrust(<ZeroTrustPage />);

    expect(
      await namespaceCell('bookinfo', 'NetworkPolicy default-deny'),
    ).toHaveTextContent('Yes');
    expect(
      await namespaceCell('identity', 'NetworkPolicy default-deny'),
    ).toHaveTextContent('No');
  });

  it('filters findings by severity, cluster and namespace through the backend, and by code here', async () => {
    const queries = serveMesh();
    await renderWithZeroTrust(<ZeroTrustPage />);

    await waitFor(() => expect(findingsRows().length).toBe(allFindings.length));

    await userEvent.selectOptions(findingsFilter('Severity'), 'high');
    const high = allFindings.filter(f => f.severity === 'high');
    await waitFor(() => expect(findingsRows()).toHaveLength(high.length));
    expect(queries[queries.length - 1].get('severity')).toBe('high');
    for (const row of findingsRows()) {
      expect(within(row).getByText('High')).toBeInTheDocument();
    }

    await userEvent.selectOptions(findingsFilter('Cluster'), 'backend');
    await waitFor(() =>
      expect(queries[queries.length - 1].get('cluster')).toBe('backend'),
    );
    // Only backend's namespaces are offered once a cluster is chosen.
    const nsOptions = within(findingsFilter('Namespace'))
      .getAllByRole('option')
      .map(o => o.textContent);
    expect(nsOptions).toContain('identity');
    expect(nsOptions).not.toContain('edge');

    await userEvent.selectOptions(findingsFilter('Namespace'), 'identity');
    const expected = high.filter(
      f =>
        f.resource.cluster === 'backend' && f.resource.namespace === 'identity',
    );
    await waitFor(() => expect(findingsRows()).toHaveLength(expected.length));
    expect(expected.length).toBeGreaterThan(0);
    const last = queries[queries.length - 1];
    expect([
      last.get('severity'),
      last.get('cluster'),
      last.get('namespace'),
    ]).toEqual(['high', 'backend', 'identity']);

    // The code filter narrows what the backend returned, without a new request.
    await userEvent.selectOptions(findingsFilter('Severity'), '');
    await userEvent.selectOptions(findingsFilter('Namespace'), '');
    await waitFor(() =>
      expect(queries[queries.length - 1].toString()).toBe('cluster=backend'),
    );
    const before = queries.length;
    await userEvent.selectOptions(findingsFilter('Code'), 'ZT001');
    await waitFor(() => expect(findingsRows()).toHaveLength(1));
    expect(within(findingsRows()[0]).getByText('ZT001')).toBeInTheDocument();
    expect(
      within(findingsRows()[0]).getByText(
        'Deployment inventory/inventory-api (backend)',
      ),
    ).toBeInTheDocument();
    expect(queries.length).toBe(before);
  });

  it('explains a missing permission on the findings and keeps the rest of the page', async () => {
    serveMesh({
      findings: () =>
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
    });
    await renderWithZeroTrust(<ZeroTrustPage />);

    expect(await screen.findByText('You may not see this')).toBeInTheDocument();
    expect(
      screen.getByText(/zeroTrust\.mesh\.read permission/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('internal.example', { selector: 'code' }),
    ).toBeInTheDocument();
  });

  it('has an onboarding requests section', async () => {
    serveMesh();
    await renderWithZeroTrust(<ZeroTrustPage />);
    expect(screen.getByText('Onboarding requests')).toBeInTheDocument();
    expect(
      await screen.findByText('No onboarding requests yet'),
    ).toBeInTheDocument();
    await screen.findByText('internal.example', { selector: 'code' });
  });
});
