import http from 'node:http';
import { TestApiServer, startTestApiServer } from './TestApiServer';

let server: TestApiServer;

afterEach(async () => {
  await server?.close();
});

const namespace = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

const serviceAccount = (ns: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns },
});

/** A plain GET, as any HTTP client would send it. */
function get(
  path: string,
  token: string | undefined = server.token,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${server.url}${path}`,
      {
        agent: false,
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      },
      res => {
        let text = '';
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
  });
}

/** Opens a watch and collects its events until it ends or is closed. */
function watch(path: string) {
  const events: any[] = [];
  let status = 0;
  let request: http.ClientRequest;
  const ended = new Promise<void>((resolve, reject) => {
    request = http.get(
      `${server.url}${path}`,
      { agent: false, headers: { Authorization: `Bearer ${server.token}` } },
      res => {
        status = res.statusCode!;
        let buffer = '';
        res.on('data', chunk => {
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) if (line) events.push(JSON.parse(line));
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
      },
    );
    request.on('error', error =>
      (error as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? resolve()
        : reject(error),
    );
  });
  return {
    events,
    status: () => status,
    ended,
    close: () => request.destroy(),
  };
}

/** Polls until `probe` holds; the deadline only guards against a hang (generous for a busy machine). */
// Real HTTP against the server; the polls below may take long on a busy machine.
jest.setTimeout(60_000);

async function until(probe: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

describe('startTestApiServer', () => {
  it('answers 401 without the right bearer token', async () => {
    server = await startTestApiServer({ token: 'secret-token' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const denied = await get('/api/v1/namespaces', 'wrong');
    expect(denied).toEqual({
      status: 401,
      body: expect.objectContaining({
        kind: 'Status',
        reason: 'Unauthorized',
        code: 401,
      }),
    });
    expect((await get('/api/v1/namespaces', '')).status).toBe(401);
    expect((await get('/api/v1/namespaces')).status).toBe(200);
    expect(server.requestCount).toBe(3);
  });

  it('lists with a resourceVersion, leaving kind off built-in items', async () => {
    server = await startTestApiServer({
      objects: [namespace('b'), namespace('a', { team: 'x' })],
    });
    const { status, body } = await get('/api/v1/namespaces');
    expect(status).toBe(200);
    expect(body.kind).toBe('NamespaceList');
    expect(body.metadata.resourceVersion).toBe(server.resourceVersion);
    expect(body.items.map((n: any) => n.metadata.name)).toEqual(['a', 'b']);
    expect(body.items[0]).not.toHaveProperty('kind');
    expect(body.items[0].metadata).toEqual({
      name: 'a',
      labels: { team: 'x' },
      resourceVersion: '2',
      uid: expect.any(String),
      creationTimestamp: expect.stringMatching(/Z$/),
    });
  });

  it('pages a list through one consistent snapshot; the continue token expires with compaction', async () => {
    server = await startTestApiServer({
      objects: ['a', 'b', 'c', 'd', 'e'].map(n => serviceAccount('ns', n)),
    });
    const first = (await get('/api/v1/serviceaccounts?limit=2')).body;
    expect(first.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
    expect(first.metadata.remainingItemCount).toBe(3);

    // Changes after the first page do not show in the next ones.
    server.apply(serviceAccount('ns', 'bb'));
    server.delete(serviceAccount('ns', 'd'));
    const second = (
      await get(
        `/api/v1/serviceaccounts?limit=2&continue=${first.metadata.continue}`,
      )
    ).body;
    expect(second.items.map((i: any) => i.metadata.name)).toEqual(['c', 'd']);
    expect(second.metadata.resourceVersion).toBe(
      first.metadata.resourceVersion,
    );
    const third = (
      await get(
        `/api/v1/serviceaccounts?limit=2&continue=${second.metadata.continue}`,
      )
    ).body;
    expect(third.items.map((i: any) => i.metadata.name)).toEqual(['e']);
    expect(third.metadata.continue).toBeUndefined();

    server.compact();
    const expired = await get(
      `/api/v1/serviceaccounts?limit=2&continue=${second.metadata.continue}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.body.reason).toBe('Expired');
    // A fresh list sees the latest state.
    const now = (await get('/api/v1/serviceaccounts')).body;
    expect(now.items.map((i: any) => i.metadata.name)).toEqual([
      'a',
      'b',
      'bb',
      'c',
      'e',
    ]);
  });

  it('answers a list at resourceVersion 0 whole from its watch cache, ignoring limit, unless the cache is off', async () => {
    const objects = ['a', 'b', 'c'].map(n => serviceAccount('ns', n));
    server = await startTestApiServer({ objects });
    const cached = (
      await get('/api/v1/serviceaccounts?limit=2&resourceVersion=0')
    ).body;
    expect(cached.items.map((i: any) => i.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(cached.metadata.continue).toBeUndefined();
    expect(cached.metadata.resourceVersion).toBe(server.resourceVersion);
    // Without resourceVersion=0, the limit holds.
    const paged = (await get('/api/v1/serviceaccounts?limit=2')).body;
    expect(paged.items).toHaveLength(2);
    await server.close();

    server = await startTestApiServer({ objects, watchCache: false });
    const uncached = (
      await get('/api/v1/serviceaccounts?limit=2&resourceVersion=0')
    ).body;
    expect(uncached.items.map((i: any) => i.metadata.name)).toEqual(['a', 'b']);
    expect(uncached.metadata.continue).toEqual(expect.any(String));
  });

  it('reads an exact old resourceVersion until it is compacted', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const then = server.resourceVersion;
    server.apply(namespace('b'));
    const old = await get(
      `/api/v1/namespaces?resourceVersion=${then}&resourceVersionMatch=Exact`,
    );
    expect(old.body.items.map((i: any) => i.metadata.name)).toEqual(['a']);
    const ahead = await get(`/api/v1/namespaces?resourceVersion=999`);
    expect(ahead.status).toBe(504);
    server.compact();
    const gone = await get(
      `/api/v1/namespaces?resourceVersion=${then}&resourceVersionMatch=Exact`,
    );
    expect(gone.status).toBe(410);
  });

  it('filters by metadata.name and metadata.namespace, and refuses other fields', async () => {
    server = await startTestApiServer({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istio', namespace: 'istio-system' },
          data: { mesh: 'trustDomain: x' },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'other', namespace: 'istio-system' },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'istio', namespace: 'elsewhere' },
        },
      ],
    });
    const names = async (path: string) =>
      (await get(path)).body.items.map(
        (i: any) => `${i.metadata.namespace}/${i.metadata.name}`,
      );
    expect(
      await names(
        '/api/v1/namespaces/istio-system/configmaps?fieldSelector=metadata.name%3Distio',
      ),
    ).toEqual(['istio-system/istio']);
    expect(
      await names('/api/v1/configmaps?fieldSelector=metadata.name!%3Distio'),
    ).toEqual(['istio-system/other']);
    const bad = await get('/api/v1/configmaps?fieldSelector=spec.x%3D1');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('field label not supported: spec.x');
  });

  it("lists by label selector, as Backstage's Kubernetes plugin asks", async () => {
    const labelled = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'shop', labels },
    });
    server = await startTestApiServer({
      objects: [
        labelled('cart', { app: 'cart', tier: 'web' }),
        labelled('cart-db', { app: 'cart', tier: 'db' }),
        labelled('pay', { app: 'pay' }),
      ],
    });
    const names = async (selector: string) =>
      (
        await get(
          `/api/v1/services?labelSelector=${encodeURIComponent(selector)}`,
        )
      ).body.items.map((i: any) => i.metadata.name);
    expect(await names('app=cart')).toEqual(['cart', 'cart-db']);
    expect(await names('app=cart,tier notin (db)')).toEqual(['cart']);
    expect(await names('!tier')).toEqual(['pay']);
    const bad = await get('/api/v1/services?labelSelector=a%20b%3Dc');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('a b=c');
  });

  it('streams the current objects, then changes, to a watch without a resourceVersion', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const w = watch('/api/v1/namespaces?watch=true');
    await until(() => w.events.length === 1);
    expect(w.status()).toBe(200);
    server.apply(namespace('a', { changed: 'yes' }));
    server.apply(namespace('b'));
    server.delete(namespace('a'));
    await until(() => w.events.length === 4);
    expect(w.events.map(e => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED a',
      'MODIFIED a',
      'ADDED b',
      'DELETED a',
    ]);
    expect(w.events[0].object.kind).toBe('Namespace');
    expect(Number(w.events[3].object.metadata.resourceVersion)).toBe(
      Number(server.resourceVersion),
    );
    expect(server.openWatches).toBe(1);
    w.close();
    await until(() => server.openWatches === 0);
  });

  it('replays the changes after a resourceVersion, only of the watched resource', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const from = server.resourceVersion;
    server.apply(serviceAccount('a', 'not-a-namespace'));
    server.apply(namespace('b'));
    const w = watch(`/api/v1/namespaces?watch=true&resourceVersion=${from}`);
    await until(() => w.events.length === 1);
    expect(w.events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'b' } },
    });
    w.close();
  });

  it('sends bookmarks only when asked, with the latest resourceVersion', async () => {
    server = await startTestApiServer({
      bookmarkIntervalMs: 5,
      objects: [namespace('a')],
    });
    const from = server.resourceVersion;
    const plain = watch(
      `/api/v1/namespaces?watch=true&resourceVersion=${from}`,
    );
    const marked = watch(
      `/apis/security.istio.io/v1/authorizationpolicies?watch=true&resourceVersion=${from}&allowWatchBookmarks=true`,
    );
    server.apply(serviceAccount('a', 'x'));
    await until(() => marked.events.length >= 2);
    expect(marked.events[marked.events.length - 1]).toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'AuthorizationPolicy',
        apiVersion: 'security.istio.io/v1',
        metadata: { resourceVersion: server.resourceVersion },
      },
    });
    expect(plain.events).toEqual([]);
    plain.close();
    marked.close();
  });

  it('refuses a watch from a compacted resourceVersion with a 410 ERROR event', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const old = server.resourceVersion;
    server.apply(namespace('b'));
    server.compact();
    const w = watch(`/api/v1/namespaces?watch=true&resourceVersion=${old}`);
    await w.ended;
    expect(w.status()).toBe(200);
    expect(w.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
          message: `too old resource version: ${old} (${server.resourceVersion})`,
        }),
      },
    ]);
  });

  it('can refuse it with HTTP 410 instead', async () => {
    server = await startTestApiServer({
      objects: [namespace('a')],
      expiredWatch: 'status',
    });
    const old = server.resourceVersion;
    server.apply(namespace('b'));
    server.compact();
    const answer = await get(
      `/api/v1/namespaces?watch=true&resourceVersion=${old}`,
    );
    expect(answer.status).toBe(410);
  });

  it("forbids a resource on demand, with RBAC's message", async () => {
    server = await startTestApiServer();
    server.forbid('authorizationpolicies.security.istio.io');
    const denied = await get(
      '/apis/security.istio.io/v1/authorizationpolicies',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      'authorizationpolicies.security.istio.io is forbidden: User "system:serviceaccount:backstage:zero-trust" cannot list resource "authorizationpolicies" in API group "security.istio.io" at the cluster scope',
    );
    expect(
      (await get('/apis/security.istio.io/v1/peerauthentications')).status,
    ).toBe(200);
    server.allow('authorizationpolicies.security.istio.io');
    expect(
      (await get('/apis/security.istio.io/v1/authorizationpolicies')).status,
    ).toBe(200);
  });

  it('serves Istio at the versions asked for, converting objects between them', async () => {
    server = await startTestApiServer({
      istioVersions: ['v1beta1'],
      objects: [
        {
          apiVersion: 'security.istio.io/v1beta1',
          kind: 'PeerAuthentication',
          metadata: { name: 'default', namespace: 'istio-system' },
          spec: { mtls: { mode: 'STRICT' } },
        },
      ],
    });
    expect(
      (await get('/apis/security.istio.io/v1/peerauthentications')).status,
    ).toBe(404);
    const list = await get(
      '/apis/security.istio.io/v1beta1/peerauthentications',
    );
    expect(list.body.items[0]).toMatchObject({
      apiVersion: 'security.istio.io/v1beta1',
      kind: 'PeerAuthentication',
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(() =>
      server.apply({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'x' },
      }),
    ).toThrow(
      'no matches for kind "AuthorizationPolicy" in version "security.istio.io/v1"',
    );

    const groups = (await get('/apis')).body;
    // The groups of the kinds the suite reads first (NetworkPolicy's among them), then
    // the other built-in ones, then the custom ones: Istio's, cert-manager's, Gateway API's.
    expect(groups.groups.map((g: any) => g.name)).toEqual([
      'apps',
      'networking.k8s.io',
      'autoscaling',
      'batch',
      'security.istio.io',
      'networking.istio.io',
      'cert-manager.io',
      'gateway.networking.k8s.io',
    ]);
    const resources = (await get('/apis/security.istio.io/v1beta1')).body;
    expect(resources.resources.map((r: any) => r.name)).toEqual([
      'peerauthentications',
      'authorizationpolicies',
    ]);
  });

  it('drops watches, goes down and comes back up on the same address', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const w = watch('/api/v1/namespaces?watch=true');
    await until(() => server.openWatches === 1);
    expect(server.dropWatches()).toBe(1);
    await w.ended;
    await until(() => server.openWatches === 0);

    const url = server.url;
    await server.down();
    await expect(get('/api/v1/namespaces')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await server.up();
    expect(server.url).toBe(url);
    expect((await get('/api/v1/namespaces')).status).toBe(200);
  });

  it('delays its answers on demand', async () => {
    server = await startTestApiServer();
    server.delay(10_000);
    let answered = false;
    const pending = get('/api/v1/namespaces').then(
      () => {
        answered = true;
      },
      () => {
        answered = true;
      },
    );
    await until(() => server.requestCount === 1);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    // Closing does not wait out the delay.
    await server.close();
    await pending;
  });

  it('rejects objects it cannot store, naming what is missing', async () => {
    server = await startTestApiServer();
    expect(() => server.apply({ kind: 'Namespace' })).toThrow(
      'a Kubernetes object needs apiVersion, kind and metadata.name',
    );
    expect(() =>
      server.apply({
        apiVersion: 'v1',
        kind: 'Widget',
        metadata: { name: 'x' },
      }),
    ).toThrow('no matches for kind "Widget" in version "v1"');
  });

  it('restarts with RBAC answering 403 until it is ready', async () => {
    server = await startTestApiServer({ objects: [namespace('a')] });
    const open = watch('/api/v1/namespaces?watch=true');
    await until(() => open.status() === 200);
    await server.restart({ forbidden: ['namespaces'] });
    await open.ended;
    const denied = await get('/api/v1/namespaces');
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('cannot list resource "namespaces"');
    expect((await get('/api/v1/serviceaccounts')).status).toBe(200);
    server.rbacReady();
    expect((await get('/api/v1/namespaces')).status).toBe(200);
  });

  it('holds every byte during a silent partition and delivers them at the heal', async () => {
    server = await startTestApiServer({
      objects: [namespace('a')],
      bookmarkIntervalMs: 10,
    });
    const open = watch(
      `/api/v1/namespaces?watch=true&allowWatchBookmarks=true&resourceVersion=${server.resourceVersion}`,
    );
    await until(() => open.events.some(e => e.type === 'BOOKMARK'));
    server.partition();
    const seen = open.events.length;
    server.apply(namespace('b'));
    const held = get('/api/v1/namespaces');
    let answered = false;
    held.then(() => {
      answered = true;
    });
    // Bookmarks keep being made behind the partition; none gets through.
    const made = server.bookmarksSent;
    await until(() => server.bookmarksSent > made + 3);
    expect(open.events.length).toBe(seen);
    expect(answered).toBe(false);
    expect(server.openWatches).toBe(1);

    server.heal();
    expect((await held).body.items).toHaveLength(2);
    await until(() =>
      open.events.some(
        e => e.type === 'ADDED' && e.object.metadata.name === 'b',
      ),
    );
    open.close();
  });
});
