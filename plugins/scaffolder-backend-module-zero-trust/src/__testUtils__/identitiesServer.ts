import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import { MeshIdentity } from '@zero-trust/backstage-plugin-zero-trust-common';
import { MeshIdentities } from '../onboarding/MeshIdentities';

/** The demo's productpage: in the mesh, claimed by its catalog component. */
export const productpageIdentity: MeshIdentity = {
  principal: 'internal.example/ns/bookinfo/sa/bookinfo-productpage',
  spiffeId: 'spiffe://internal.example/ns/bookinfo/sa/bookinfo-productpage',
  cluster: 'backend',
  namespace: 'bookinfo',
  serviceAccount: 'bookinfo-productpage',
  workloads: ['bookinfo/productpage'],
  entityRefs: ['component:default/productpage'],
};

/**
 * A real HTTP server answering `GET /api/zero-trust/identities` as the zero-trust backend
 * does (its `IdentitiesResponse`), recording the credentials each request presents; and a
 * MeshIdentities client wired to it through mock discovery and auth services.
 */
export async function startIdentitiesServer(
  items: MeshIdentity[] = [productpageIdentity],
) {
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    if (req.url !== '/api/zero-trust/identities') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'no route' },
        }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ items }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/zero-trust`;
  const identities = new MeshIdentities({
    discovery: mockServices.discovery.mock({
      getBaseUrl: async (pluginId: string) =>
        `http://127.0.0.1:${port}/api/${pluginId}`,
    }),
    auth: mockServices.auth(),
  });
  return {
    identities,
    baseUrl,
    authorizations,
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}
