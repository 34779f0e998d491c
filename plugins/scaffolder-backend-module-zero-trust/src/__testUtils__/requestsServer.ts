import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  EntitySecurityResponse,
  OnboardingRequestRecordInput,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { EntityWorkloads } from '../onboarding/EntityWorkloads';
import { OnboardingRequestRecorder } from '../onboarding/OnboardingRequestRecorder';
import { RecordedRequests } from '../onboarding/RecordedRequests';

/**
 * A real HTTP server answering `POST /api/zero-trust/onboarding/requests` (and `GET`, a
 * list by `entity` and one by id) as the zero-trust backend does: one record per cluster/namespace/service and pull request
 * URL (201 when new, 200 when updated), with the credentials each call presents; and a
 * recorder wired to it through mock discovery and auth services. `stop()` takes it down,
 * as a backend that is not running.
 */
export async function startRequestsServer() {
  const posts: {
    authorization?: string;
    body: OnboardingRequestRecordInput;
  }[] = [];
  const records = new Map<
    string,
    { id: string } & OnboardingRequestRecordInput
  >();
  const gets: { authorization?: string; url: string }[] = [];
  /** The security answers by entity ref (`component:default/name`), as tests set them. */
  const security = new Map<string, EntitySecurityResponse>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const base = '/api/zero-trust/onboarding/requests';
      const stored = (r: { id: string } & OnboardingRequestRecordInput) => ({
        ...r,
        state: 'open',
        drift: [],
      });
      // Reads, as the backend answers them (newest first; the catalog check is not played).
      if (req.method === 'GET' && url.pathname === base) {
        gets.push({ authorization: req.headers.authorization, url: req.url! });
        const entity = url.searchParams.get('entity');
        const items = [...records.values()]
          .filter(r => !entity || r.entityRef === entity)
          .reverse()
          .map(stored);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ items }));
        return;
      }
      if (req.method === 'GET' && url.pathname.startsWith(`${base}/`)) {
        gets.push({ authorization: req.headers.authorization, url: req.url! });
        const id = decodeURIComponent(url.pathname.slice(base.length + 1));
        const record = [...records.values()].find(r => r.id === id);
        res.writeHead(record ? 200 : 404, {
          'Content-Type': 'application/json',
        });
        res.end(
          JSON.stringify(
            record
              ? stored(record)
              : {
                  error: {
                    name: 'NotFoundError',
                    message: `onboarding request ${id} not found`,
                  },
                },
          ),
        );
        return;
      }
      // An entity's workloads, as the Security tab's answer lists them.
      const entity =
        /^\/api\/zero-trust\/entities\/([^/]+)\/([^/]+)\/([^/]+)\/security$/.exec(
          url.pathname,
        );
      if (req.method === 'GET' && entity) {
        gets.push({ authorization: req.headers.authorization, url: req.url! });
        const ref = `${entity[1]}:${entity[2]}/${entity[3]}`;
        const answer = security.get(ref);
        res.writeHead(answer ? 200 : 404, {
          'Content-Type': 'application/json',
        });
        res.end(
          JSON.stringify(
            answer ?? {
              error: { name: 'NotFoundError', message: `no entity ${ref}` },
            },
          ),
        );
        return;
      }
      if (req.method !== 'POST' || url.pathname !== base) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: 'NotFoundError', message: 'no route' },
          }),
        );
        return;
      }
      const body = JSON.parse(text) as OnboardingRequestRecordInput;
      posts.push({ authorization: req.headers.authorization, body });
      const key = JSON.stringify([
        body.cluster,
        body.namespace,
        body.service,
        body.pullRequest.url,
      ]);
      const existing = records.get(key);
      const record = {
        ...body,
        id: existing?.id ?? `request-${records.size + 1}`,
      };
      records.set(key, record);
      res.writeHead(existing ? 200 : 201, {
        'Content-Type': 'application/json',
      });
      res.end(JSON.stringify({ ...record, state: 'open', drift: [] }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const recorder = new OnboardingRequestRecorder({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async (pluginId: string) =>
        `http://127.0.0.1:${port}/api/${pluginId}`,
    }),
    auth: mockServices.auth(),
  });
  const requests = new RecordedRequests({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async (pluginId: string) =>
        `http://127.0.0.1:${port}/api/${pluginId}`,
    }),
    auth: mockServices.auth(),
  });
  return {
    recorder,
    requests,
    workloads: new EntityWorkloads({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async (pluginId: string) =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      }),
      auth: mockServices.auth(),
    }),
    security,
    gets,
    origin: `http://127.0.0.1:${port}`,
    posts,
    records,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}
