import { registerMswTestHooks } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { OnboardingResource } from '@zero-trust/backstage-plugin-zero-trust-common';
import { setupServer } from 'msw/node';
import {
  callersDrift,
  plannedChange,
  requestRecord,
} from './__fixtures__/requests';
import { renderAt, serveRequests } from './__testUtils__/serveRequests';
import { OnboardingRequestsSection } from './OnboardingRequestsSection';
import { openRequestParam } from './useOpenRequest';

// Renders dialogs in jsdom: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

const change = plannedChange();
const drifted = requestRecord('drifted', {
  drift: callersDrift(change),
  lastError: 'cluster backend is stale: watch closed',
});

const section = <OnboardingRequestsSection clusters={['backend']} />;

function dialog() {
  return screen.getByRole('dialog');
}

/** The YAML shown under a resource's heading, once the code snippet has loaded. */
async function snippetOf(resource: OnboardingResource): Promise<string> {
  const heading = within(dialog()).getByRole('heading', {
    name: `${resource.kind} ${resource.metadata.namespace}/${resource.metadata.name}`,
  });
  const code = await waitFor(() => {
    const found = heading.parentElement!.querySelector('code');
    expect(found).not.toBeNull();
    return found!;
  });
  return code.textContent!;
}

describe('OnboardingRequestDialog', () => {
  it('opens a request from its row, read afresh by id, with the change as the pull request has it', async () => {
    const { reads } = serveRequests(server, [drifted, requestRecord('open')]);
    await renderAt(section);

    const row = (
      await screen.findByText('Drifted', { selector: 'td *' })
    ).closest('tr')!;
    await userEvent.click(
      within(row).getByRole('button', {
        name: 'Details of inventory/inventory-api in backend',
      }),
    );

    expect(
      await within(dialog()).findByText(
        'Onboarding inventory/inventory-api in backend',
      ),
    ).toBeInTheDocument();
    expect(reads).toEqual([drifted.id]);

    // The namespace labels, then every generated resource with its spec as YAML.
    for (const [key, value] of Object.entries(change.namespaceLabels)) {
      expect(within(dialog()).getByText(`${key}=${value}`)).toBeInTheDocument();
    }
    expect(change.resources.map(r => r.kind).sort()).toEqual([
      'AuthorizationPolicy',
      'AuthorizationPolicy',
      'DestinationRule',
    ]);
    const [destinationRule] = change.resources.filter(
      r => r.kind === 'DestinationRule',
    );
    expect(await snippetOf(destinationRule)).toContain(
      `host: ${destinationRule.spec.host}`,
    );
    const callers = change.resources.find(r =>
      r.metadata.name.endsWith('-callers'),
    )!;
    const principal = (callers.spec as any).rules[0].from[0].source
      .principals[0];
    const callersYaml = await snippetOf(callers);
    expect(callersYaml).toMatch(
      new RegExp(`^\\s+- ${principal.replace(/[.*+?/]/g, '\\$&')}$`, 'm'),
    );
    expect(callersYaml).toMatch(/^\s+- "8080"$/m);
    const allowNothing = change.resources.find(
      r => r.metadata.name === 'allow-nothing',
    )!;
    expect((await snippetOf(allowNothing)).trim()).toBe('spec: {}');
  });

  it('shows the drift: each message, and for a spec each field expected and found', async () => {
    serveRequests(server, [drifted]);
    await renderAt(section, `/zero-trust?${openRequestParam}=${drifted.id}`);

    expect(
      await within(dialog()).findByText('How the cluster differs'),
    ).toBeInTheDocument();
    for (const d of drifted.drift) {
      expect(within(dialog()).getByText(d.message)).toBeInTheDocument();
    }
    const table = within(dialog()).getByRole('table', {
      name: 'Differences in AuthorizationPolicy inventory/inventory-api-callers',
    });
    const [, added, changed] = within(table).getAllByRole('row');
    expect(
      within(added)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['rules[0].to[0].operation.methods[1]', '(absent)', '"POST"']);
    expect(
      within(changed)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['action', '"ALLOW"', '"AUDIT"']);

    expect(
      within(dialog()).getByText('The last check could not finish'),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getByText('cluster backend is stale: watch closed'),
    ).toBeInTheDocument();
  });

  it('says a merged request’s differences are what the cluster has not synced yet', async () => {
    const merged = requestRecord('merged', {
      drift: [
        {
          type: 'missingResource',
          resource: {
            kind: 'DestinationRule',
            namespace: 'inventory',
            name: 'inventory-api',
          },
          message:
            'DestinationRule inventory/inventory-api is not in cluster backend',
        },
      ],
    });
    serveRequests(server, [merged]);
    await renderAt(section, `/zero-trust?${openRequestParam}=${merged.id}`);

    expect(
      await within(dialog()).findByText('Not in the cluster yet'),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getByText(
        'DestinationRule inventory/inventory-api is not in cluster backend',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog()).queryByText('How the cluster differs'),
    ).not.toBeInTheDocument();
    expect(within(dialog()).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says a failed request cannot be followed, and why', async () => {
    const failed = requestRecord('failed', {
      lastError: 'no integration is configured for github.example',
    });
    serveRequests(server, [failed]);
    await renderAt(section, `/zero-trust?${openRequestParam}=${failed.id}`);

    expect(
      await within(dialog()).findByText('This request cannot be followed'),
    ).toBeInTheDocument();
    expect(
      within(dialog()).getAllByText(
        'no integration is configured for github.example',
      ).length,
    ).toBeGreaterThan(0);
  });

  it('says an unknown or hidden request is not found, and closes', async () => {
    const { reads } = serveRequests(server, [requestRecord('open')]);
    await renderAt(section, `/zero-trust?${openRequestParam}=gone`);

    expect(
      await within(dialog()).findByText(
        'Onboarding request not found or not visible to you',
      ),
    ).toBeInTheDocument();
    expect(reads).toEqual(['gone']);

    await userEvent.click(
      within(dialog()).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });
});
