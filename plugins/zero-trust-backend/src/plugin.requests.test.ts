import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  OnboardingPlan,
  OnboardingRequestRecord,
  OnboardingRequestRecordInput,
  OnboardingRequestsResponse,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from './__fixtures__/catalog';
import { zeroTrustPlugin } from './plugin';
import {
  githubPullRequest,
  inventoryPlan,
  recordInput,
} from './requests/__testUtils__/inventory';

// Starts a real backend with its database: slow on a busy machine.
jest.setTimeout(60_000);

const admin = 'user:default/platform-admin';
const alice = 'user:default/alice';
const bob = 'user:default/bob';

/** A permission policy: only the platform admin may read every request. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) => {
    const principal = (options.credentials as BackstageCredentials)
      .principal as {
      type: string;
      userEntityRef?: string;
    };
    return requests.map(r => ({
      result:
        'permission' in r &&
        r.permission.name === 'zeroTrust.requests.readAll' &&
        principal.userEntityRef !== admin
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    }));
  },
});

async function startBackend(options: { anonymous?: boolean } = {}) {
  const { server } = await startTestBackend({
    features: [
      zeroTrustPlugin,
      mockServices.rootConfig.factory({
        data: {
          zeroTrust: {
            clusters: [
              {
                name: 'backend',
                snapshot: path.join(repoRoot, 'examples/clusters/backend'),
              },
            ],
          },
        },
      }),
      // Bob may not see inventory-api; nobody sees what the catalog no longer has.
      catalogWithVisibility(demoEntities(), {
        [bob]: ['component:default/inventory-api'],
      }),
      permissions.factory,
      ...(options.anonymous
        ? [
            mockServices.httpAuth.factory({
              defaultCredentials: mockCredentials.none(),
            }),
          ]
        : []),
    ],
  });
  return server;
}

const asUser = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});
const asService = { Authorization: mockCredentials.service.header() };

describe('onboarding requests API', () => {
  let plan: OnboardingPlan;
  let server: Awaited<ReturnType<typeof startBackend>>;

  beforeAll(async () => {
    plan = await inventoryPlan();
  });
  beforeEach(async () => {
    server = await startBackend();
  });

  const post = (body: unknown, headers: Record<string, string> = asService) =>
    request(server)
      .post('/api/zero-trust/onboarding/requests')
      .set(headers)
      .send(body as object);
  const list = (ref: string, query = '') =>
    request(server)
      .get(`/api/zero-trust/onboarding/requests${query}`)
      .set(asUser(ref));
  const ids = (res: request.Response) =>
    (res.body as OnboardingRequestsResponse).items.map(r => r.entityRef ?? '-');

  /** Four requests: two visible entities, one the catalog no longer has, one with none. */
  async function recordFour() {
    const inputs: OnboardingRequestRecordInput[] = [
      recordInput(plan, { pullRequest: githubPullRequest(1) }),
      recordInput(plan, {
        pullRequest: githubPullRequest(2),
        entityRef: 'component:default/productpage',
      }),
      recordInput(plan, {
        pullRequest: githubPullRequest(3),
        entityRef: 'component:default/gone',
        cluster: 'edge',
      }),
      { ...recordInput(plan, { pullRequest: githubPullRequest(4) }) },
    ];
    delete inputs[3].entityRef;
    const records: OnboardingRequestRecord[] = [];
    for (const input of inputs) {
      const res = await post(input);
      expect(res.status).toBe(201);
      records.push(res.body);
    }
    return records;
  }

  it('answers nothing without Backstage credentials', async () => {
    const anonymous = await startBackend({ anonymous: true });
    for (const [method, url] of [
      ['get', '/api/zero-trust/onboarding/requests'],
      ['get', '/api/zero-trust/onboarding/requests/some-id'],
      ['post', '/api/zero-trust/onboarding/requests'],
    ] as const) {
      const res = await request(anonymous)[method](url).send({});
      expect({ url, method, status: res.status }).toEqual({
        url,
        method,
        status: 401,
      });
    }
  });

  it('records only for service principals: a user gets 403; a re-run updates the same record', async () => {
    const input = recordInput(plan);
    const asAlice = await post(input, asUser(alice));
    expect(asAlice.status).toBe(403);
    expect(asAlice.body.error.name).toBe('NotAllowedError');
    expect((await list(admin)).body.items).toEqual([]);

    const created = await post(input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'open',
      service: 'inventory-api',
      entityRef: 'component:default/inventory-api',
      pullRequest: input.pullRequest,
    });
    const again = await post({ ...input, requestedBy: alice });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect(again.body.requestedBy).toBe(alice);
    expect((await list(admin)).body.items).toHaveLength(1);
  });

  it('refuses a record that is not one, naming each problem', async () => {
    const input = recordInput(plan);
    const bad = await post({
      ...input,
      request: { ...input.request, mtlsMode: 'OFF' },
      pullRequest: { ...input.pullRequest, headSha: 'main' },
      colour: 'blue',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect(bad.body.error.message).toMatch(
      /^invalid onboarding request record/,
    );
    expect(bad.body.error.message).toContain('request.mtlsMode');
    expect(bad.body.error.message).toContain(
      'pullRequest.headSha: must be a full commit id',
    );
    expect(bad.body.error.message).toContain('colour');

    const script = await post({
      ...input,
      pullRequest: {
        ...input.pullRequest,
        url: ['javascript', 'alert(1)'].join(':'),
      },
    });
    expect(script.status).toBe(400);
    expect(script.body.error.message).toContain(
      'pullRequest.url: must be an http(s), file or ssh URL',
    );

    const mismatched = await post({ ...input, service: 'other-service' });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error.message).toContain(
      'service and namespace must be those of the request',
    );
    expect((await list(admin)).body.items).toEqual([]);
  });

  it('shows a user the requests for entities they may see; readAll shows every one', async () => {
    await recordFour();

    expect(ids(await list(alice)).sort()).toEqual([
      'component:default/inventory-api',
      'component:default/productpage',
    ]);
    expect(ids(await list(bob))).toEqual(['component:default/productpage']);
    // The platform view: also the entity the catalog lost, and the request without one.
    expect(ids(await list(admin)).sort()).toEqual([
      '-',
      'component:default/gone',
      'component:default/inventory-api',
      'component:default/productpage',
    ]);
  });

  it('answers 404 for a request that is unknown or not visible', async () => {
    const [inventory, , gone] = await recordFour();
    const get = (id: string, ref: string) =>
      request(server)
        .get(`/api/zero-trust/onboarding/requests/${id}`)
        .set(asUser(ref));

    expect((await get(inventory.id, alice)).body).toEqual(inventory);
    const hidden = await get(inventory.id, bob);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(
      `onboarding request ${inventory.id} not found`,
    );
    expect((await get(gone.id, alice)).status).toBe(404);
    expect((await get(gone.id, admin)).status).toBe(200);
    expect((await get('no-such-request', admin)).status).toBe(404);
  });

  it('filters by state, cluster, entity and owner (read from the catalog)', async () => {
    await recordFour();
    expect(ids(await list(admin, '?cluster=edge'))).toEqual([
      'component:default/gone',
    ]);
    // An entity ref's kind and namespace have defaults, as in the catalog.
    expect(ids(await list(alice, '?entity=inventory-api'))).toEqual([
      'component:default/inventory-api',
    ]);
    expect(ids(await list(alice, '?owner=team-bookinfo'))).toEqual([
      'component:default/productpage',
    ]);
    expect(
      ids(await list(admin, '?owner=group:default/team-supply')).sort(),
    ).toEqual(['component:default/inventory-api']);
    expect(ids(await list(bob, '?owner=team-supply'))).toEqual([]);
    expect((await list(admin, '?state=open')).body.items).toHaveLength(4);
    expect((await list(admin, '?state=merged')).body.items).toHaveLength(0);
  });

  it('answers 400 for a filter that is not one', async () => {
    for (const [query, problem] of [
      ['?state=pending', 'state'],
      ['?colour=blue', 'colour'],
      ['?entity=component:', 'entity'],
      ['?cluster=a%0Ab', 'cluster: must not hold control characters'],
    ]) {
      const res = await list(alice, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error.message).toContain(problem);
    }
  });
});
