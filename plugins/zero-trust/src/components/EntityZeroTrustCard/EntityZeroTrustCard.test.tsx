import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { bookinfoModel, entitySecurity } from '../../__fixtures__/security';
import {
  baseUrl,
  component,
  renderWithZeroTrust,
} from '../../__testUtils__/testApp';
import { EntityZeroTrustCard } from './EntityZeroTrustCard';

// Renders the card in jsdom with msw: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

function serve(name: string, workloads: string[]) {
  server.use(
    http.get(`${baseUrl}/entities/:kind/:namespace/:name/security`, () =>
      HttpResponse.json(
        entitySecurity(bookinfoModel(), {
          entityRef: `component:default/${name}`,
          workloads,
        }),
      ),
    ),
  );
}

describe('EntityZeroTrustCard', () => {
  it('sums up identity, mTLS, callers and the worst finding, and links to the tab', async () => {
    serve('identity-api', ['backend/identity/identity-api']);
    await renderWithZeroTrust(<EntityZeroTrustCard />, {
      entity: component('identity-api'),
    });

    const row = await screen.findByRole('region', {
      name: 'identity/identity-api in backend',
    });
    expect(
      within(row).getByText(
        'spiffe://internal.example/ns/identity/sa/identity-api',
      ),
    ).toBeInTheDocument();
    expect(within(row).getByText('PERMISSIVE')).toBeInTheDocument();
    expect(
      within(row).getByText('1 allowed: open to the whole mesh'),
    ).toBeInTheDocument();
    // ZT007 (high) outranks the workload's own ZT002 (medium).
    expect(within(row).getByText('High')).toBeInTheDocument();
    expect(
      within(row).getByText('DENY on identity while plaintext is accepted'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Security details/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/identity-api/security',
    );
  });

  it('shows a workload outside the mesh as such', async () => {
    serve('inventory-api', ['backend/inventory/inventory-api']);
    await renderWithZeroTrust(<EntityZeroTrustCard />, {
      entity: component('inventory-api'),
    });

    expect(await screen.findByText('Outside the mesh')).toBeInTheDocument();
    expect(screen.getByText('1 allowed: open to anyone')).toBeInTheDocument();
    expect(screen.getByText('Workload outside the mesh')).toBeInTheDocument();
  });

  it('says when no workload was found', async () => {
    serve('ghost', []);
    await renderWithZeroTrust(<EntityZeroTrustCard />, {
      entity: component('ghost'),
    });

    expect(
      await screen.findByText(
        'No workload found for this entity in backend, edge.',
      ),
    ).toBeInTheDocument();
  });

  it('points to the annotations when the entity has none', async () => {
    await renderWithZeroTrust(<EntityZeroTrustCard />, {
      entity: component('orders', {}),
    });
    expect(screen.getByText(/annotation to see/)).toBeInTheDocument();
  });
});
