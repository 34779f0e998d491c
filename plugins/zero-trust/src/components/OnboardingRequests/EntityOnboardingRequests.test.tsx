import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { bookinfoModel, entitySecurity } from '../../__fixtures__/security';
import {
  baseUrl,
  component,
  renderWithZeroTrust,
} from '../../__testUtils__/testApp';
import { EntityZeroTrustContent } from '../EntityZeroTrustContent';
import { edgeCacheRequest, requestRecord } from './__fixtures__/requests';
import { serveRequests } from './__testUtils__/serveRequests';

// Renders tables in jsdom with msw: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

function serveSecurity(name: string, workloads: string[]) {
  server.use(
    http.get(`${baseUrl}/entities/:kind/:namespace/:name/security`, () =>
      HttpResponse.json(
        entitySecurity(bookinfoModel(), {
          entityRef: `component:default/${name}`,
          workloads,
          selector: { kubernetesId: name },
        }),
      ),
    ),
  );
}

const inventoryRecords = [
  requestRecord('merged'),
  requestRecord('closed', { createdAt: '2025-04-01T09:00:00.000Z' }),
];
const allRecords = [
  ...inventoryRecords,
  requestRecord('open', {}, edgeCacheRequest),
];

function requestsTable() {
  return screen
    .getByText(/^Onboarding requests \(/)
    .closest('[class*="MuiPaper"]') as HTMLElement;
}

describe('EntityZeroTrustContent: the entity’s onboarding requests', () => {
  it('lists the entity’s own requests, asked by its entity ref, above its clusters', async () => {
    serveSecurity('inventory-api', ['backend/inventory/inventory-api']);
    const { queries } = serveRequests(server, allRecords);
    await renderWithZeroTrust(<EntityZeroTrustContent />, {
      entity: component('inventory-api'),
    });

    expect(
      await screen.findByText('Onboarding requests (2)'),
    ).toBeInTheDocument();
    expect(queries.map(q => q.toString())).toEqual([
      'entity=component%3Adefault%2Finventory-api',
    ]);
    const table = requestsTable();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getByText(/^(Merged|Closed)$/).textContent),
    ).toEqual(['Merged', 'Closed']);
    expect(
      within(table).queryByText('edge/edge-cache'),
    ).not.toBeInTheDocument();
    // Compact: the entity is this page's own, so no column for it.
    const headers = within(table)
      .getAllByRole('columnheader')
      .map(h => h.textContent);
    expect(headers).not.toContain('Entity');
    expect(headers).toContain('Pull request');

    // Above the mesh view, which still shows.
    const banner = await screen.findByText(
      'Outside the mesh: open to every caller, in plaintext',
    );
    expect(
      table.compareDocumentPosition(banner) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('opens a request’s details from the tab', async () => {
    serveSecurity('inventory-api', ['backend/inventory/inventory-api']);
    const { reads } = serveRequests(server, inventoryRecords);
    await renderWithZeroTrust(<EntityZeroTrustContent />, {
      entity: component('inventory-api'),
    });

    const row = (
      await screen.findByText('Merged', { selector: 'td *' })
    ).closest('tr')!;
    await userEvent.click(
      within(row).getByRole('button', { name: /^Details/ }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText('What the pull request changes'),
    ).toBeInTheDocument();
    expect(reads).toEqual([inventoryRecords[0].id]);
  });

  it('shows nothing when the entity has no request', async () => {
    serveSecurity('reviews', ['backend/bookinfo/reviews']);
    const { queries } = serveRequests(server, allRecords);
    await renderWithZeroTrust(<EntityZeroTrustContent />, {
      entity: component('reviews'),
    });

    expect(
      await screen.findByText(
        'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(queries).toHaveLength(1));
    expect(queries[0].get('entity')).toBe('component:default/reviews');
    expect(screen.queryByText(/Onboarding request/)).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the requests of an entity that does not name its workloads yet', async () => {
    serveRequests(server, inventoryRecords);
    await renderWithZeroTrust(<EntityZeroTrustContent />, {
      entity: component('inventory-api', {}),
    });

    expect(
      await screen.findByText('Onboarding requests (2)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No kubernetes annotation on this entity'),
    ).toBeInTheDocument();
  });

  it('says the requests could not be read, keeps the mesh view, and retries', async () => {
    serveSecurity('inventory-api', ['backend/inventory/inventory-api']);
    let fail = true;
    serveRequests(server, inventoryRecords, {
      list: () =>
        fail
          ? HttpResponse.json(
              {
                error: { name: 'Error', message: 'database is locked' },
                response: { statusCode: 500 },
              },
              { status: 500 },
            )
          : HttpResponse.json({ items: inventoryRecords }),
    });
    await renderWithZeroTrust(<EntityZeroTrustContent />, {
      entity: component('inventory-api'),
    });

    expect(
      await screen.findByText(
        /Could not read this entity's onboarding requests: database is locked/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        'Outside the mesh: open to every caller, in plaintext',
      ),
    ).toBeInTheDocument();

    fail = false;
    const alert = screen
      .getByText(/Could not read this entity's onboarding requests/)
      .closest('[role="alert"]') as HTMLElement;
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Try again' }),
    );
    expect(
      await screen.findByText('Onboarding requests (2)'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText(/Could not read this entity's onboarding requests/),
    ).not.toBeInTheDocument();
  });
});
