import { configApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  OnboardingRequestRecord,
  OnboardingRequestsQuery,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { ReactElement } from 'react';
import { zeroTrustApiRef } from '../../../api';
import { baseUrl, testClient } from '../../../__testUtils__/testApp';
import { selectedTemplateRouteRef } from '../../../routes';

function notFound(id: string) {
  return HttpResponse.json(
    {
      error: {
        name: 'NotFoundError',
        message: `onboarding request ${id} not found`,
      },
      response: { statusCode: 404 },
    },
    { status: 404 },
  );
}

/**
 * The requests routes over `records`, narrowing the list the way the backend's store
 * does (state, cluster, entity), and recording each query string and each id read.
 */
export function serveRequests(
  server: SetupServer,
  records: OnboardingRequestRecord[],
  overrides: { list?: () => Response } = {},
) {
  const queries: URLSearchParams[] = [];
  const reads: string[] = [];
  server.use(
    http.get(`${baseUrl}/onboarding/requests`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      queries.push(q);
      if (overrides.list) return overrides.list();
      const match = (key: keyof OnboardingRequestsQuery, value?: string) =>
        !q.get(key) || q.get(key) === value;
      return HttpResponse.json({
        items: records.filter(
          r =>
            match('state', r.state) &&
            match('cluster', r.cluster) &&
            match('entity', r.entityRef),
        ),
      });
    }),
    http.get(`${baseUrl}/onboarding/requests/:id`, ({ params }) => {
      const id = String(params.id);
      reads.push(id);
      const record = records.find(r => r.id === id);
      return record ? HttpResponse.json(record) : notFound(id);
    }),
  );
  return { queries, reads };
}

/** Renders with the real client, at `path` (to open a request from the URL). */
export function renderAt(element: ReactElement, path = '/zero-trust') {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [zeroTrustApiRef, testClient()],
        [
          configApiRef,
          mockApis.config({ data: { app: { baseUrl: 'http://localhost' } } }),
        ],
      ]}
    >
      {element}
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/create/templates/:namespace/:templateName': selectedTemplateRouteRef,
      },
    },
  );
}
