import { useState } from 'react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import {
  clusterCaveat,
  type ClusterStatus,
  isBadRequestError,
  parseOnboardingRequest,
  planOnboarding,
  previewOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { bookinfoModel, meshApp } from '../../__fixtures__/security';
import { baseUrl, testClient } from '../../__testUtils__/testApp';
import { zeroTrustApiRef } from '../../api';
import { OnboardingPreviewField } from './OnboardingPreviewField';
import { validatePreview } from './validation';

// Renders the preview field in jsdom with msw and typing: slow on a busy machine.
jest.setTimeout(60_000);

const server = setupServer();
registerMswTestHooks(server);

/**
 * `POST /onboarding/preview` as the backend answers it: the real engine (parse, plan,
 * preview) over the engine's model of the demo mesh; a bad request is a 400 InputError.
 */
function servePreview(
  status?: ClusterStatus,
  extra?: Parameters<typeof bookinfoModel>[0],
) {
  const bodies: unknown[] = [];
  server.use(
    http.post(`${baseUrl}/onboarding/preview`, async ({ request }) => {
      const body = await request.json();
      bodies.push(body);
      const model = bookinfoModel(extra);
      try {
        const plan = planOnboarding(parseOnboardingRequest(body), model);
        const caveat = status && clusterCaveat(plan.cluster, status);
        return HttpResponse.json({
          ...previewOnboarding(plan, model),
          ...(caveat ? { caveats: [caveat] } : {}),
        });
      } catch (error) {
        if (isBadRequestError(error)) {
          return HttpResponse.json(
            {
              error: { name: 'InputError', message: error.message },
              response: { statusCode: 400 },
            },
            { status: 400 },
          );
        }
        throw error;
      }
    }),
  );
  return bodies;
}

async function renderField(formData: Record<string, unknown>) {
  const values: (string | undefined)[] = [];
  function Harness() {
    const [value, setValue] = useState<string | undefined>();
    const props = {
      formData: value,
      onChange: (v: string | undefined) => {
        values.push(v);
        setValue(v);
      },
      formContext: { formData },
      schema: { title: 'What this change does' },
      uiSchema: {},
      idSchema: { $id: 'root_preview' },
      rawErrors: [],
    } as any;
    return <OnboardingPreviewField {...props} />;
  }
  await renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, testClient()]]}>
      <Harness />
    </TestApiProvider>,
  );
  return values;
}

const inventoryForm = {
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  component: 'component:default/inventory-api',
  owner: 'group:default/team-supply',
  ports: [],
  revision: '',
  mtlsMode: 'STRICT',
  dataplane: 'sidecar',
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'legacy' },
  ],
};

describe('OnboardingPreviewField', () => {
  it('says a dry-run rollout is logged, not enforced, and whom it would deny once enforced', async () => {
    const bodies = servePreview();
    await renderField({ ...inventoryForm, rollout: 'dry-run' });
    expect(await screen.findByText('Dry run')).toBeInTheDocument();
    expect(bodies[0]).toMatchObject({ rollout: 'dry-run' });
    expect(
      screen.getByText(
        'AuthorizationPolicy inventory/inventory-api-callers (dry-run)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/the sidecar logs what they would decide/),
    ).toBeInTheDocument();
    // What the engine says enforcing them would deny, in the form's mesh.
    const model = bookinfoModel();
    const plan = planOnboarding(parseOnboardingRequest(bodies[0]), model);
    const wouldDeny = previewOnboarding(plan, model).after.dryRun!.wouldDeny;
    expect(
      screen.getByText(
        wouldDeny.length
          ? `Once enforced, they would deny: ${wouldDeny.join(', ')}.`
          : 'Once enforced, they would deny no caller that may call it today.',
      ),
    ).toBeInTheDocument();
  });

  it("shows what the form's request changes, from the backend's preview", async () => {
    const bodies = servePreview();
    const values = await renderField(inventoryForm);

    expect(
      await screen.findByText(
        'spiffe://internal.example/ns/inventory/sa/inventory-api',
      ),
    ).toBeInTheDocument();
    // Only the request's fields go to the backend, empty ones left out.
    expect(bodies).toEqual([
      {
        service: 'inventory-api',
        namespace: 'inventory',
        cluster: 'backend',
        mtlsMode: 'STRICT',
        dataplane: 'sidecar',
        allowedCallers: inventoryForm.allowedCallers,
      },
    ]);
    expect(
      screen.getByText(/Trust domain internal\.example/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('namespace inventory: istio-injection=enabled'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('AuthorizationPolicy inventory/inventory-api-callers'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('DestinationRule inventory/inventory-api'),
    ).toBeInTheDocument();

    // Callers before and after: plaintext anyone loses access, the two callers gain it.
    const table = screen.getByRole('table', {
      name: 'Callers of backend/inventory/inventory-api',
    });
    expect(table).toHaveTextContent(
      /backend\/bookinfo\/productpage—CONDITIONAL on 8080/,
    );
    expect(table).toHaveTextContent(
      /any workload in namespace legacy—ALLOW on 8080/,
    );
    expect(table).toHaveTextContent(
      /anyone, plaintext callers included.*ALLOW on 8080—/,
    );
    expect(
      screen.getByText('Findings this change resolves'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/not complete and current/)).toBeNull();
    // No NetworkPolicy was asked for.
    expect(screen.queryByText('NetworkPolicy')).toBeNull();

    await waitFor(() =>
      expect(values.at(-1)).toBe(
        'spiffe://internal.example/ns/inventory/sa/inventory-api',
      ),
    );
  });

  it('explains the NetworkPolicy part: the pods it admits, the default deny, the callers a neighbour loses', async () => {
    // A neighbour in inventory that anyone may call today.
    servePreview(undefined, {
      backend: meshApp('inventory', 'stock', { sa: 'stock' }),
    });
    await renderField({
      ...inventoryForm,
      networkPolicy: true,
      namespaceDefaultDeny: false,
    });
    expect(await screen.findByText('NetworkPolicy')).toBeInTheDocument();
    for (const line of [
      'NetworkPolicy inventory/inventory-api-ingress admits pods labelled app=productpage in namespace bookinfo (today: backend/bookinfo/productpage) on TCP 8080.',
      'NetworkPolicy inventory/inventory-api-ingress admits every pod in namespace legacy (today: backend/legacy/billing) on TCP 8080.',
      'NetworkPolicy inventory/default-deny is added: every pod of namespace inventory then accepts only the connections a NetworkPolicy admits, so backend/inventory/stock is isolated for ingress too.',
      'backend/inventory/stock loses any authenticated workload (any mTLS identity, any trust domain) on 8080: Istio still allows it, NetworkPolicy inventory/default-deny drops the connection. Add a NetworkPolicy admitting it to backend/inventory/stock in the same change.',
    ]) {
      expect(screen.getByText(line)).toBeInTheDocument();
    }
  });

  it('sends the external hosts and the preset, and explains them with their resources', async () => {
    const bodies = servePreview();
    const traffic = {
      timeout: '30s',
      retries: {
        attempts: 3,
        perTryTimeout: '10s',
        retryOn: '5xx,reset,connect-failure',
      },
    };
    await renderField({
      ...inventoryForm,
      ports: [{ port: 8080, protocol: 'HTTP' }],
      egress: [{ host: 'api.stripe.com', ports: [443], protocol: 'TLS' }],
      traffic,
    });
    expect(
      await screen.findByText('External hosts and routes'),
    ).toBeInTheDocument();
    expect(bodies[0]).toMatchObject({
      egress: [{ host: 'api.stripe.com', ports: [443], protocol: 'TLS' }],
      traffic,
    });
    expect(
      screen.getByText(
        'May call api.stripe.com on 443 (TLS): registered for namespace inventory only',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Timeout 30s for the whole request, retries included'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Up to 3 retries, 10s each on 5xx,reset,connect-failure',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'ServiceEntry inventory/inventory-api-egress-api-stripe-com',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('VirtualService inventory/inventory-api'),
    ).toBeInTheDocument();
  });

  it('leaves out an empty host list and "None" for the timeouts', async () => {
    const bodies = servePreview();
    await renderField({ ...inventoryForm, egress: [], traffic: null });
    expect(
      await screen.findByText(
        'spiffe://internal.example/ns/inventory/sa/inventory-api',
      ),
    ).toBeInTheDocument();
    expect(bodies[0]).not.toHaveProperty('egress');
    expect(bodies[0]).not.toHaveProperty('traffic');
    expect(screen.queryByText('External hosts and routes')).toBeNull();
  });

  it('says when the preview comes from a stale cluster, and what may be wrong', async () => {
    servePreview({
      state: 'stale',
      source: 'live',
      lastSyncedAt: '2026-12-02T10:00:00Z',
      staleSince: '2026-12-02T10:01:00Z',
      degraded: [],
      staleResources: [
        {
          resource: 'authorizationpolicies.security.istio.io',
          message: '403 Forbidden',
          since: '2026-12-02T10:01:00Z',
        },
      ],
    });
    await renderField(inventoryForm);
    expect(
      await screen.findByText(
        'This preview comes from a cluster state not complete and current',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/cluster backend is stale since/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /AuthorizationPolicies could not be read again.*allowed callers and access decisions may be wrong/,
      ),
    ).toBeInTheDocument();
  });

  it('shows why the backend refuses a request, and holds the form back', async () => {
    servePreview();
    const values = await renderField({
      ...inventoryForm,
      allowedCallers: [{ workload: 'bookinfo/no-such-workload' }],
    });
    expect(
      await screen.findByText(
        /The request cannot be applied: .*bookinfo\/no-such-workload/,
      ),
    ).toBeInTheDocument();
    expect(values.filter(Boolean)).toEqual([]);
  });

  it('refuses an empty selector, as the actions do (common requestFromInput)', async () => {
    const bodies = servePreview();
    const values = await renderField({ ...inventoryForm, selector: {} });
    expect(
      await screen.findByText(
        /The request cannot be applied: .*selector: must name at least one label/,
      ),
    ).toBeInTheDocument();
    expect(bodies).toEqual([expect.objectContaining({ selector: {} })]);
    expect(values.filter(Boolean)).toEqual([]);
  });

  it('waits for the service and namespace before asking', async () => {
    const bodies = servePreview();
    await renderField({ cluster: 'backend' });
    expect(
      screen.getByText(/Fill in the service and its namespace/),
    ).toBeInTheDocument();
    expect(bodies).toEqual([]);
  });
});

describe('validatePreview', () => {
  it('lets the form go on only with a previewed identity', () => {
    const errors: string[] = [];
    const validation = { addError: (e: string) => errors.push(e) } as any;
    validatePreview(undefined as any, validation, {} as any);
    expect(errors).toEqual([expect.stringMatching(/has not succeeded/)]);
    errors.length = 0;
    validatePreview('spiffe://td/ns/a/sa/b', validation, {} as any);
    expect(errors).toEqual([]);
  });
});
