import { useState } from 'react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  MeshIdentity,
  OnboardingCaller,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { bookinfoModel, catalog } from '../../__fixtures__/security';
import { baseUrl, testClient } from '../../__testUtils__/testApp';
import { zeroTrustApiRef } from '../../api';
import { CallersPicker } from './CallersPicker';

// user-event types character by character into a jsdom autocomplete: slow on a busy machine
// (over a minute for one test at a load average of 30 on 2 cores).
jest.setTimeout(180_000);

/**
 * The backend's `GET /identities` over the engine's model of the demo mesh: one identity
 * per principal in the mesh, with the catalog entities whose workloads run as it. The
 * legacy billing workload has no catalog entity here.
 */
function meshIdentities(): MeshIdentity[] {
  const byPrincipal = new Map<string, MeshIdentity>();
  for (const w of bookinfoModel().workloads) {
    if (!w.inMesh) continue;
    const identity = byPrincipal.get(w.principal) ?? {
      principal: w.principal,
      spiffeId: w.spiffeId,
      cluster: w.cluster.name,
      namespace: w.namespace,
      serviceAccount: w.workload.serviceAccount,
      workloads: [],
      entityRefs: [],
    };
    identity.workloads.push(`${w.namespace}/${w.workload.name}`);
    const ref = catalog[w.id];
    if (ref && w.id !== 'backend/legacy/billing') identity.entityRefs.push(ref);
    byPrincipal.set(w.principal, identity);
  }
  return [...byPrincipal.values()];
}

const server = setupServer();
registerMswTestHooks(server);

function serveIdentities(respond?: () => Response) {
  let asked = 0;
  server.use(
    http.get(`${baseUrl}/identities`, () => {
      asked++;
      return respond
        ? respond()
        : HttpResponse.json({ items: meshIdentities() });
    }),
  );
  return () => asked;
}

/** The field as the scaffolder's form drives it: controlled, every value kept. */
async function renderPicker(initial?: OnboardingCaller[]) {
  const values: (OnboardingCaller[] | undefined)[] = [];
  function Harness() {
    const [value, setValue] = useState<OnboardingCaller[] | undefined>(initial);
    const props = {
      formData: value,
      onChange: (v: OnboardingCaller[] | undefined) => {
        values.push(v);
        setValue(v);
      },
      schema: { title: 'Allowed callers' },
      uiSchema: {},
      idSchema: { $id: 'root_allowedCallers' },
      rawErrors: [],
      required: false,
      disabled: false,
    } as any;
    return <CallersPicker {...props} />;
  }
  await renderInTestApp(
    <TestApiProvider apis={[[zeroTrustApiRef, testClient()]]}>
      <Harness />
    </TestApiProvider>,
  );
  return values;
}

const field = () => screen.getByRole('textbox', { name: 'Allowed callers' });

describe('CallersPicker', () => {
  it('lists the catalog entities that have a mesh identity, and identities no entity claims', async () => {
    const asked = serveIdentities();
    await renderPicker();
    await userEvent.click(field());

    const list = await screen.findByRole('listbox');
    expect(
      within(list).getByText('component:default/productpage'),
    ).toBeInTheDocument();
    expect(
      within(list).getByText(
        'spiffe://internal.example/ns/bookinfo/sa/bookinfo-productpage',
      ),
    ).toBeInTheDocument();
    expect(
      within(list).getByText('component:default/edge-gateway'),
    ).toBeInTheDocument();
    // inventory-api is not in the mesh: it has no identity to allow.
    expect(
      within(list).queryByText('component:default/inventory-api'),
    ).not.toBeInTheDocument();
    expect(
      within(list).getByText('Mesh identities without a catalog entity'),
    ).toBeInTheDocument();
    expect(
      within(list).getByText('internal.example/ns/legacy/sa/billing'),
    ).toBeInTheDocument();
    expect(asked()).toBe(1);
  });

  it('gives the form entity callers for picked entities, principal callers for unclaimed identities', async () => {
    serveIdentities();
    const values = await renderPicker();
    await userEvent.click(field());
    await userEvent.click(await screen.findByText('component:default/reviews'));
    await userEvent.click(field());
    await userEvent.click(
      await screen.findByText('internal.example/ns/legacy/sa/billing'),
    );
    expect(values.at(-1)).toEqual([
      { entityRef: 'component:default/reviews' },
      { principal: 'internal.example/ns/legacy/sa/billing' },
    ]);
  });

  it('takes a typed principal, namespace or workload', async () => {
    serveIdentities();
    const values = await renderPicker();
    await userEvent.type(
      field(),
      'spiffe://partner.example/ns/api/sa/client{Enter}',
    );
    await userEvent.type(field(), 'monitoring{Enter}');
    await userEvent.type(field(), 'bookinfo/productpage{Enter}');
    expect(values.at(-1)).toEqual([
      { principal: 'partner.example/ns/api/sa/client' },
      { namespace: 'monitoring' },
      { workload: 'bookinfo/productpage' },
    ]);
    expect(
      screen.getByText('any workload in namespace monitoring'),
    ).toBeInTheDocument();
  });

  it('refuses typed text that is no caller, saying why, and keeps the value', async () => {
    serveIdentities();
    const values = await renderPicker([{ namespace: 'monitoring' }]);
    await userEvent.type(field(), 'Not A Namespace{Enter}');
    expect(
      await screen.findByText(
        /"Not A Namespace" read as a namespace: must be a DNS-1123 label/,
      ),
    ).toBeInTheDocument();
    expect(values).toEqual([]);
  });

  it('keeps a caller’s narrowing when another is added', async () => {
    serveIdentities();
    const values = await renderPicker([
      { entityRef: 'component:default/productpage', methods: ['GET'] },
    ]);
    await userEvent.type(field(), 'monitoring{Enter}');
    expect(values.at(-1)).toEqual([
      { entityRef: 'component:default/productpage', methods: ['GET'] },
      { namespace: 'monitoring' },
    ]);
  });

  it('still takes typed callers when the identities cannot be read', async () => {
    serveIdentities(() =>
      HttpResponse.json(
        { error: { name: 'Error', message: 'cluster unreachable' } },
        { status: 500 },
      ),
    );
    const values = await renderPicker();
    expect(
      await screen.findByText(/Could not list the mesh identities/),
    ).toBeInTheDocument();
    await userEvent.type(field(), 'monitoring{Enter}');
    await waitFor(() =>
      expect(values.at(-1)).toEqual([{ namespace: 'monitoring' }]),
    );
  });
});
