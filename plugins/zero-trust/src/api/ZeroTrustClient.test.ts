import { MockFetchApi, registerMswTestHooks } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { analyze, check } from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  bookinfoModel,
  clusterInfos,
  entitySecurity,
  namespacePostures,
} from '../__fixtures__/security';
import { requestRecord } from '../components/OnboardingRequests/__fixtures__/requests';
import { ZeroTrustClient } from './ZeroTrustClient';

// Real fetch through msw: slow on a busy machine.
jest.setTimeout(30_000);

const baseUrl = 'http://backstage.test/api/zero-trust';

describe('ZeroTrustClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new ZeroTrustClient({
    discoveryApi: {
      getBaseUrl: async (pluginId: string) =>
        `http://backstage.test/api/${pluginId}`,
    },
    fetchApi: new MockFetchApi(),
  });

  it('fetches an entity by its kind, namespace and name, escaping each part', async () => {
    const body = entitySecurity(bookinfoModel(), {
      entityRef: 'component:default/reviews',
      workloads: ['backend/bookinfo/reviews'],
    });
    let seenPath = '';
    server.use(
      http.get(`${baseUrl}/entities/*`, ({ request }) => {
        seenPath = new URL(request.url).pathname;
        return HttpResponse.json(body);
      }),
    );

    const result = await client.getEntitySecurity({
      kind: 'Component',
      namespace: 'my ns',
      name: 'reviews',
    });

    expect(seenPath).toBe(
      '/api/zero-trust/entities/Component/my%20ns/reviews/security',
    );
    expect(result.clusters[0].workloads[0].identity).toBe(
      'spiffe://internal.example/ns/bookinfo/sa/bookinfo-reviews',
    );
  });

  it('sends only the findings filters that are set', async () => {
    const findings = analyze(bookinfoModel()).findings;
    let seenSearch = '';
    server.use(
      http.get(`${baseUrl}/findings`, ({ request }) => {
        seenSearch = new URL(request.url).search;
        return HttpResponse.json({ items: findings });
      }),
    );

    const result = await client.getFindings({
      severity: 'high',
      cluster: 'backend',
    });
    expect(seenSearch).toBe('?severity=high&cluster=backend');
    expect(result.items).toEqual(findings);

    await client.getFindings();
    expect(seenSearch).toBe('');
  });

  it('posts a check query as JSON and returns the decision', async () => {
    const model = bookinfoModel();
    const query = {
      from: 'backend/bookinfo/productpage',
      to: 'backend/bookinfo/reviews',
      port: 9080,
      method: 'GET',
      path: '/reviews/1',
    };
    let seenBody: unknown;
    server.use(
      http.post(`${baseUrl}/check`, async ({ request }) => {
        seenBody = await request.json();
        return HttpResponse.json(check(model, seenBody as typeof query));
      }),
    );

    const result = await client.check(query);
    expect(seenBody).toEqual(query);
    expect(result.decision).toBe('ALLOW');
    expect(result.policies).toEqual(['bookinfo/reviews-allow']);
  });

  it('reads clusters, identities and namespaces from their routes', async () => {
    const model = bookinfoModel();
    const clusters = clusterInfos(model);
    const namespaces = namespacePostures(model);
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json({ items: clusters }),
      ),
      http.get(`${baseUrl}/identities`, () => HttpResponse.json({ items: [] })),
      http.get(`${baseUrl}/namespaces`, () =>
        HttpResponse.json({ items: namespaces }),
      ),
    );

    expect((await client.getClusters()).items).toEqual(clusters);
    expect((await client.getIdentities()).items).toEqual([]);
    expect((await client.getNamespaces()).items).toEqual(namespaces);
  });

  it('sends only the onboarding requests filters that are set', async () => {
    const items = [requestRecord('drifted'), requestRecord('open')];
    let seenSearch = '';
    server.use(
      http.get(`${baseUrl}/onboarding/requests`, ({ request }) => {
        seenSearch = new URL(request.url).search;
        return HttpResponse.json({ items });
      }),
    );

    const result = await client.getOnboardingRequests({
      state: 'drifted',
      entity: 'component:default/inventory-api',
      owner: 'group:default/team-a',
    });
    expect(new URLSearchParams(seenSearch).toString()).toBe(
      'state=drifted&entity=component%3Adefault%2Finventory-api&owner=group%3Adefault%2Fteam-a',
    );
    expect(result.items).toEqual(items);

    await client.getOnboardingRequests({ cluster: 'edge' });
    expect(seenSearch).toBe('?cluster=edge');
    await client.getOnboardingRequests();
    expect(seenSearch).toBe('');
  });

  it('reads one onboarding request by its escaped id, and rejects an unknown one with its 404', async () => {
    const record = requestRecord('converged', { id: 'a/b c' });
    let seenPath = '';
    server.use(
      http.get(`${baseUrl}/onboarding/requests/:id`, ({ request, params }) => {
        seenPath = new URL(request.url).pathname;
        return params.id === record.id
          ? HttpResponse.json(record)
          : HttpResponse.json(
              {
                error: {
                  name: 'NotFoundError',
                  message: `onboarding request ${params.id} not found`,
                },
                response: { statusCode: 404 },
              },
              { status: 404 },
            );
      }),
    );

    expect(await client.getOnboardingRequest('a/b c')).toEqual(record);
    expect(seenPath).toBe('/api/zero-trust/onboarding/requests/a%2Fb%20c');

    const error = await client.getOnboardingRequest('nope').catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe('onboarding request nope not found');
  });

  it('turns an error answer into a ResponseError carrying the status and message', async () => {
    server.use(
      http.get(`${baseUrl}/entities/*`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'no entity reviews' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );

    const error = await client
      .getEntitySecurity({ kind: 'component', namespace: 'default', name: 'x' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe('no entity reviews');
  });
});
