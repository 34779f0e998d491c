import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  OnboardingDryRunEvidence,
  OnboardingRequestRecord,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { setupServer } from 'msw/node';
import { inventoryRequest, requestRecord } from './__fixtures__/requests';
import { renderAt, serveRequests } from './__testUtils__/serveRequests';
import { OnboardingRequestsSection } from './OnboardingRequestsSection';

// Renders whole tables and dialogs in jsdom with msw: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const section = <OnboardingRequestsSection clusters={['backend']} />;
const window = {
  duration: '24h',
  start: '2025-05-01T09:00:00.000Z',
  end: '2025-05-02T09:00:00.000Z',
};
const workloads: OnboardingDryRunEvidence['workloads'] = [
  {
    namespace: 'inventory',
    name: 'inventory-api',
    policies: ['inventory/inventory-api-callers', 'inventory/allow-nothing'],
    wouldDenyCallers: ['backend/bookinfo/reviews-v1'],
    wouldAllowCallers: [],
  },
];

function dryRunRecord(
  id: string,
  dryRun: OnboardingDryRunEvidence,
  service = 'inventory-api',
): OnboardingRequestRecord {
  // One planned change; the rows told apart by the recorded service's name.
  return requestRecord('converged', {
    id,
    dryRun,
    service,
    request: { ...inventoryRequest, rollout: 'dry-run' },
  });
}

const counted = dryRunRecord('req-counted', {
  workloads,
  telemetry: { state: 'ok', window, queriedAt: window.end },
  observations: [
    {
      namespace: 'inventory',
      workload: 'inventory-api',
      port: 8080,
      protocol: 'http',
      action: 'allow',
      wouldDeny: 12,
      wouldAllow: 40,
    },
  ],
  wouldDeny: 12,
  wouldAllow: 40,
});

function rowOf(service: string) {
  return screen.getByText(service).closest('tr')!;
}

describe('the dry-run evidence of onboarding requests', () => {
  it('shows beside the Promote link what the dry run would have denied, and why where it cannot say', async () => {
    serveRequests(server, [
      counted,
      dryRunRecord(
        'req-none',
        {
          workloads,
          telemetry: {
            state: 'not-configured',
            message:
              'No Prometheus is configured for cluster backend: add it under zeroTrust.telemetry.clusters (name: backend, prometheusUrl, optional bearerToken) to see what the dry-run policies would deny.',
          },
        },
        'stock-api',
      ),
      dryRunRecord(
        'req-failed',
        {
          workloads,
          telemetry: {
            state: 'failed',
            message:
              'Prometheus at http://prom:9090 is unreachable (ECONNREFUSED)',
          },
        },
        'orders-api',
      ),
      dryRunRecord(
        'req-quiet',
        {
          workloads,
          telemetry: { state: 'ok', window, queriedAt: window.end },
          observations: [],
          wouldDeny: 0,
          wouldAllow: 0,
        },
        'quiet-api',
      ),
      requestRecord('open', { id: 'req-enforced', service: 'plain-api' }),
    ]);
    await renderAt(section);

    const row = within(
      (await screen.findByText('inventory/inventory-api')).closest('tr')!,
    );
    expect(
      row.getByText(
        "Dry run: would have denied 12 requests in the last 24h (Envoy's shadow RBAC stats), and allowed 40. The engine: enforcing them would deny 1 caller allowed today.",
      ),
    ).toBeInTheDocument();
    expect(row.getByRole('link', { name: /^Promote / })).toBeInTheDocument();

    expect(
      within(rowOf('inventory/stock-api')).getByText(
        /^Dry run: no counts\. No Prometheus is configured for cluster backend: add it under zeroTrust\.telemetry\.clusters/,
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('inventory/orders-api')).getByText(
        /^Dry run: the counts could not be read\. Prometheus at http:\/\/prom:9090 is unreachable/,
      ),
    ).toBeInTheDocument();
    // Nothing counted is not "would deny nothing".
    expect(
      within(rowOf('inventory/quiet-api')).getByText(
        /^Dry run: the proxies reported no dry-run counts in the last 24h/,
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('inventory/plain-api')).queryByText(/Dry run/),
    ).not.toBeInTheDocument();
  });

  it('says why there is nothing to count before the policies are in the cluster', async () => {
    serveRequests(server, [
      dryRunRecord('req-open', {
        workloads: [],
        telemetry: { state: 'ok', window, queriedAt: window.end },
        observations: [],
        wouldDeny: 0,
        wouldAllow: 0,
        note: 'The pull request is not merged: its dry-run policies are not in the cluster yet.',
      }),
    ]);
    await renderAt(section);
    expect(
      await screen.findByText(
        'Dry run: The pull request is not merged: its dry-run policies are not in the cluster yet.',
      ),
    ).toBeInTheDocument();
  });

  it('says a promoted request is enforced, without a Promote link', async () => {
    serveRequests(server, [
      dryRunRecord('req-promoted', {
        workloads: [],
        telemetry: { state: 'ok', window, queriedAt: window.end },
        observations: [],
        wouldDeny: 0,
        wouldAllow: 0,
        note: 'Its policies are enforced now: the cluster holds them without istio.io/dry-run (a promotion was merged).',
        enforced: true,
      }),
    ]);
    await renderAt(section);
    const row = within(
      (await screen.findByText('inventory/inventory-api')).closest('tr')!,
    );
    expect(
      row.getByText('dry-run, since promoted: enforced'),
    ).toBeInTheDocument();
    expect(
      row.getByText(/^Dry run over: Its policies are enforced now/),
    ).toBeInTheDocument();
    expect(row.queryByRole('link', { name: /^Promote / })).toBeNull();
    expect(row.queryByText(/logged, not enforced/)).toBeNull();
  });

  it('lists every count and the engine’s callers in the details', async () => {
    serveRequests(server, [counted]);
    await renderAt(section);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Details of inventory/inventory-api in backend',
      }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      await dialog.findByRole('heading', {
        name: 'What the dry run would deny',
      }),
    ).toBeInTheDocument();
    expect(
      dialog.getByText(
        /enforcing them would deny 1 caller allowed today: backend\/bookinfo\/reviews-v1/,
      ),
    ).toBeInTheDocument();
    const table = within(
      dialog
        .getByText('Counted by the proxies')
        .closest('[class*="MuiPaper"]') as HTMLElement,
    );
    const cells = table
      .getAllByRole('row')
      .slice(1)
      .map(r =>
        within(r)
          .getAllByRole('cell')
          .map(c => c.textContent),
      );
    expect(cells).toEqual([
      ['inventory/inventory-api', '8080', 'dry-run ALLOW', '12', '40'],
    ]);
    expect(
      dialog.getByRole('link', { name: /^Promote inventory\/inventory-api/ }),
    ).toBeInTheDocument();
  });
});
