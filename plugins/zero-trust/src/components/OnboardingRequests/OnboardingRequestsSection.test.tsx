import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { OnboardingRequestRecord } from '@zero-trust/backstage-plugin-zero-trust-common';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  callersDrift,
  edgeCacheRequest,
  plannedChange,
  requestRecord,
} from './__fixtures__/requests';
import { renderAt, serveRequests } from './__testUtils__/serveRequests';
import { OnboardingRequestsSection } from './OnboardingRequestsSection';
import { differenceCount } from './requestState';

// Renders whole tables in jsdom with msw: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

// A link target that would run code, spelled so that lint does not take it for one.
const scriptUrl = ['javascript', 'alert(1)'].join(':');

const hoursAgo = (h: number) =>
  new Date(Date.now() - h * 3_600_000).toISOString();

/** One request per state; the drifted one with a realistic drift, the failed one with its error. */
function everyState(): OnboardingRequestRecord[] {
  const drift = callersDrift(plannedChange());
  return [
    requestRecord('open', { createdAt: hoursAgo(1) }),
    requestRecord('merged', { createdAt: hoursAgo(5), mergedAt: hoursAgo(2) }),
    requestRecord('converged'),
    requestRecord('drifted', { drift }),
    requestRecord('closed'),
    requestRecord('failed', {
      lastError: 'no integration is configured for github.example',
    }),
    requestRecord('open', {}, edgeCacheRequest),
  ];
}

function rows() {
  const title = screen.getByText(/^Onboarding requests \(/);
  const paper = title.closest('[class*="MuiPaper"]') as HTMLElement;
  return within(paper).queryAllByRole('row').slice(1);
}

function rowOf(state: string, service = 'inventory/inventory-api') {
  const row = rows().find(
    r =>
      within(r).queryByText(state, { exact: true }) &&
      within(r).queryByText(service),
  );
  if (!row) throw new Error(`no ${state} row for ${service}`);
  return row;
}

const section = <OnboardingRequestsSection clusters={['backend', 'edge']} />;

describe('OnboardingRequestsSection', () => {
  it('lists every request with its state as a status and what that state means', async () => {
    const records = everyState();
    serveRequests(server, records);
    await renderAt(section);

    await waitFor(() => expect(rows()).toHaveLength(records.length));
    expect(screen.getByText('Onboarding requests (7)')).toBeInTheDocument();

    const drifted = records.find(r => r.state === 'drifted')!;
    const expectations: [string, string][] = [
      ['Open', 'pull request open; waiting for review and merge'],
      ['Merged', 'merged; waiting for the cluster to sync'],
      ['Converged', 'the cluster holds the change'],
      [
        'Drifted',
        `the cluster differs: ${differenceCount(drifted.drift)} differences`,
      ],
      ['Closed', 'closed without merging'],
      ['Failed', 'cannot be followed'],
    ];
    for (const [state, hint] of expectations) {
      expect(within(rowOf(state)).getByText(hint)).toBeInTheDocument();
    }
    // One missing label and two fields of the callers policy.
    expect(differenceCount(drifted.drift)).toBe(3);
    expect(
      within(rowOf('Failed')).getByText(
        'no integration is configured for github.example',
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Open', 'edge/edge-cache')).getByText('cluster edge'),
    ).toBeInTheDocument();
  });

  it('links the entity, who asked and the pull request, and says how old each request is', async () => {
    serveRequests(server, everyState());
    await renderAt(section);

    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const merged = rowOf('Merged');
    expect(
      within(merged).getByRole('link', { name: /inventory-api/ }),
    ).toHaveAttribute('href', '/catalog/default/component/inventory-api');
    expect(within(merged).getByRole('link', { name: /jdoe/ })).toHaveAttribute(
      'href',
      '/catalog/default/user/jdoe',
    );
    expect(
      within(merged).getByRole('link', { name: /^acme\/gitops#42/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/gitops/pull/42');
    expect(within(merged).getByText('opened 5 hours ago')).toBeInTheDocument();
    expect(within(merged).getByText('merged 2 hours ago')).toBeInTheDocument();

    const open = rowOf('Open');
    expect(within(open).getByText('opened 1 hour ago')).toBeInTheDocument();
    expect(within(open).queryByText(/^merged /)).not.toBeInTheDocument();
  });

  it('shows a plain git branch that a browser cannot open as text, and a GitLab merge request as a link', async () => {
    const branch = 'zero-trust/onboard-backend-inventory-inventory-api';
    serveRequests(server, [
      requestRecord('open', {
        id: 'plain',
        pullRequest: {
          provider: 'git',
          repository: 'file:///srv/gitops.git',
          url: `file:///srv/gitops.git#${branch}`,
          branch,
          baseBranch: 'main',
          headSha: 'b'.repeat(40),
        },
      }),
      requestRecord('merged', {
        id: 'gitlab',
        pullRequest: {
          provider: 'gitlab',
          host: 'gitlab.example.com',
          repository: 'platform/gitops',
          url: 'https://gitlab.example.com/platform/gitops/-/merge_requests/7',
          number: 7,
          branch,
          baseBranch: 'main',
          headSha: 'c'.repeat(40),
        },
      }),
      requestRecord('closed', {
        id: 'script',
        pullRequest: {
          provider: 'git',
          repository: 'git@example.com:gitops.git',
          url: scriptUrl,
          branch: 'zero-trust/evil',
          baseBranch: 'main',
          headSha: 'd'.repeat(40),
        },
      }),
    ]);
    await renderAt(section);

    await waitFor(() => expect(rows()).toHaveLength(3));
    const plain = rowOf('Open');
    expect(within(plain).getByText(branch)).toBeInTheDocument();
    expect(
      within(plain).queryByRole('link', { name: branch }),
    ).not.toBeInTheDocument();
    expect(
      within(plain).getByText('branch of file:///srv/gitops.git, into main'),
    ).toBeInTheDocument();
    expect(
      within(plain).getByText('branch pushed; waiting for it to be merged'),
    ).toBeInTheDocument();

    expect(
      within(rowOf('Merged')).getByRole('link', {
        name: /^platform\/gitops!7/,
      }),
    ).toHaveAttribute(
      'href',
      'https://gitlab.example.com/platform/gitops/-/merge_requests/7',
    );

    const closed = rowOf('Closed');
    expect(within(closed).getByText('zero-trust/evil')).toBeInTheDocument();
    expect(
      within(closed).queryByRole('link', { name: 'zero-trust/evil' }),
    ).not.toBeInTheDocument();
  });

  it('filters by state and cluster through the backend', async () => {
    const records = everyState();
    const { queries } = serveRequests(server, records);
    await renderAt(section);

    await waitFor(() => expect(rows()).toHaveLength(records.length));
    expect(queries[queries.length - 1].toString()).toBe('');

    await userEvent.selectOptions(
      screen.getByLabelText('Request state'),
      'open',
    );
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(queries[queries.length - 1].toString()).toBe('state=open');

    await userEvent.selectOptions(
      screen.getByLabelText('Request cluster'),
      'edge',
    );
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(queries[queries.length - 1].toString()).toBe(
      'state=open&cluster=edge',
    );
    expect(within(rows()[0]).getByText('edge/edge-cache')).toBeInTheDocument();

    await userEvent.selectOptions(
      screen.getByLabelText('Request state'),
      'converged',
    );
    expect(
      await screen.findByText('No onboarding request matches these filters.'),
    ).toBeInTheDocument();
    expect(queries[queries.length - 1].toString()).toBe(
      'state=converged&cluster=edge',
    );
  });

  it('offers a cluster a request names even when it is no longer configured', async () => {
    serveRequests(server, [
      requestRecord('converged', { id: 'old', cluster: 'retired' }),
    ]);
    await renderAt(<OnboardingRequestsSection clusters={['backend']} />);

    await waitFor(() => expect(rows()).toHaveLength(1));
    const options = within(screen.getByLabelText('Request cluster'))
      .getAllByRole('option')
      .map(o => o.textContent);
    expect(options).toEqual(['All', 'backend', 'retired']);
  });

  it('offers to promote a dry-run request, and only that one', async () => {
    const dryRun = requestRecord('converged', {
      id: 'req-dry',
      request: { ...everyState()[0].request, rollout: 'dry-run' },
    });
    serveRequests(server, [dryRun, requestRecord('open')]);
    await renderAt(section);

    const link = await screen.findByRole('link', {
      name: 'Promote inventory/inventory-api in backend: enforce its dry-run policies',
    });
    const href = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(href.pathname).toBe('/create/templates/default/promote-dry-run');
    expect(JSON.parse(href.searchParams.get('formData')!)).toEqual({
      requestId: 'req-dry',
    });
    expect(screen.getAllByText(/dry-run: logged, not enforced/)).toHaveLength(
      1,
    );
    expect(screen.getAllByRole('link', { name: /^Promote / })).toHaveLength(1);
  });

  it('says where requests come from when there are none, and links the template', async () => {
    const { queries } = serveRequests(server, []);
    await renderAt(section);

    expect(
      await screen.findByText('No onboarding requests yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Requests appear here when the onboarding template opens a pull request/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Onboard a service' }),
    ).toHaveAttribute('href', '/create/templates/default/onboard-service');
    expect(queries).toHaveLength(1);
  });

  it('shows the backend’s error, and loads the list on retry', async () => {
    let fail = true;
    const records = [requestRecord('open')];
    serveRequests(server, records, {
      list: () =>
        fail
          ? HttpResponse.json(
              {
                error: { name: 'Error', message: 'database is locked' },
                response: { statusCode: 500 },
              },
              { status: 500 },
            )
          : HttpResponse.json({ items: records }),
    });
    await renderAt(section);

    expect(
      await screen.findByText(/could not answer for the onboarding requests/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is locked/).length).toBeGreaterThan(0);

    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(
      screen.queryByText(/could not answer for the onboarding requests/),
    ).not.toBeInTheDocument();
  });
});
