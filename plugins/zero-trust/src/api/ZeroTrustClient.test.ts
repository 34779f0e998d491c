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
import { ZeroTrustClient } from './ZeroTrustClient';

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
