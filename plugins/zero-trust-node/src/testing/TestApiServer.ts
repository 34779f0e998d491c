import { isObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { randomBytes } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { ObjectStore, objectKey } from './ObjectStore';
import {
  ServedResource,
  defaultIstioVersions,
  resourceId,
  servedResources,
} from './resources';
import { StatusError, parseApiPath } from './requests';
import { discovery, get, list } from './routes';
import { WatchHub } from './WatchHub';

type Json = Record<string, any>;

/** @public */
export interface TestApiServerOptions {
  /** The bearer token it accepts; default a random one (see `server.token`). */
  token?: string;
  /**
   * The versions Istio's resources are served at: default `['v1', 'v1beta1']` (Istio
   * 1.22+), `['v1beta1']` for an older Istio, `[]` for a cluster without Istio.
   */
  istioVersions?: string[];
  /** Whether it serves the optional kinds (cert-manager's); default true. */
  optionalKinds?: boolean;
  /**
   * The versions a kind of the table is served at, by its RBAC id: `{
   * 'tcproutes.gateway.networking.k8s.io': [] }` for a cluster without its CRD,
   * `['v1alpha2']` for an older Gateway API. Default: the table's versions (Istio's at
   * `istioVersions`).
   */
  servedVersions?: Record<string, string[]>;
  /** How often watches that allow bookmarks get one (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /**
   * How a watch from an expired resourceVersion is refused: `event` (default) streams a
   * 410 ERROR event, as the API server's watch cache does; `status` answers HTTP 410.
   */
  expiredWatch?: 'event' | 'status';
  /** Objects to create before it starts listening. */
  objects?: unknown[];
  /**
   * Whether lists at `resourceVersion=0` are served from a watch cache, whole (`limit`
   * ignored), as the API server does by default; default true. False: as with
   * `--watch-cache=false`, they page like any list.
   */
  watchCache?: boolean;
}

/** A request the server received, for tests to check what a client asked for. @public */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** The connection settings a live cluster source needs to read this server. @public */
export interface TestApiServerConnection {
  name: string;
  url: string;
  serviceAccountToken: string;
  /** The server speaks plain HTTP, which the Kubernetes client only allows with this set. */
  skipTLSVerify: true;
}

/**
 * A small, real Kubernetes API server over HTTP on 127.0.0.1, for tests and benchmarks:
 * objects in memory, list (with chunking), watch (with bookmarks and 410 Gone), a
 * bearer token, and faults on demand.
 *
 * @public
 */
export class TestApiServer {
  /** Every request received, in order. */
  readonly requests: RecordedRequest[] = [];
  private readonly store = new ObjectStore();
  private readonly watches: WatchHub;
  private readonly resources: ServedResource[];
  private readonly forbidden = new Set<string>();
  /** Resources RBAC answers 403 for until it is ready, after {@link TestApiServer.restart}. */
  private readonly warmingUp = new Set<string>();
  /** Set during {@link TestApiServer.partition}: resolves at the heal. */
  private partitioned?: { healed: Promise<void>; heal: () => void };
  private readonly sockets = new Set<Socket>();
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly server: http.Server;
  private delayMs = 0;
  private port = 0;
  private readonly watchCache: boolean;
  private isDown = false;

  /** @internal */
  constructor(readonly token: string, options: TestApiServerOptions) {
    this.resources = servedResources(
      options.istioVersions ?? defaultIstioVersions,
      options.optionalKinds ?? true,
      options.servedVersions,
    );
    this.watches = new WatchHub(this.store, {
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
      expiredWatch: options.expiredWatch ?? 'event',
    });
    this.watchCache = options.watchCache ?? true;
    for (const object of options.objects ?? []) this.apply(object);
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** @internal */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get requestCount(): number {
    return this.requests.length;
  }

  /** Watch streams open right now. */
  get openWatches(): number {
    return this.watches.size;
  }

  /** BOOKMARK events sent so far. */
  get bookmarksSent(): number {
    return this.watches.bookmarksSent;
  }

  /** TCP connections open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  /** The latest resourceVersion. */
  get resourceVersion(): string {
    return String(this.store.resourceVersion);
  }

  /** What a live cluster source needs to read this server. */
  connection(name = 'test'): TestApiServerConnection {
    return {
      name,
      url: this.url,
      serviceAccountToken: this.token,
      skipTLSVerify: true,
    };
  }

  /**
   * Creates or replaces an object (or each item of a `kind: List`); open watches see it.
   * Returns the stored object, with its new resourceVersion.
   */
  apply(object: unknown): Json {
    if (
      isObject(object) &&
      object.kind === 'List' &&
      Array.isArray(object.items)
    ) {
      return { items: object.items.map(item => this.apply(item)) };
    }
    const { resource, namespaced, manifest } = this.resourceOf(object);
    const copy = { ...manifest, metadata: { ...manifest.metadata } };
    if (namespaced) copy.metadata.namespace ??= 'default';
    else delete copy.metadata.namespace;
    return this.store.put(resource, copy);
  }

  /** Deletes an object named by its apiVersion, kind, and metadata name and namespace. */
  delete(object: unknown): boolean {
    const { resource, namespaced, manifest } = this.resourceOf(object);
    const key = objectKey({
      metadata: {
        name: manifest.metadata.name,
        ...(namespaced
          ? { namespace: manifest.metadata.namespace ?? 'default' }
          : {}),
      },
    });
    return this.store.remove(resource, key) !== undefined;
  }

  /**
   * Answers 403 to every request for `resource`, RBAC's spelling: `pods`,
   * `deployments.apps`, `authorizationpolicies.security.istio.io`.
   */
  forbid(resource: string): void {
    this.forbidden.add(resource);
  }

  /** Undoes {@link TestApiServer.forbid}. */
  allow(resource: string): void {
    this.forbidden.delete(resource);
  }

  /**
   * Restarts the server as a single control plane restarts: every connection is cut,
   * then it listens again while RBAC is still loading its roles, answering 403 for
   * each of `forbidden` until {@link TestApiServer.rbacReady}.
   */
  async restart(options: { forbidden?: string[] } = {}): Promise<void> {
    await this.down();
    options.forbidden?.forEach(r => this.warmingUp.add(r));
    await this.up();
  }

  /** RBAC has loaded its roles: the 403s of {@link TestApiServer.restart} end. */
  rbacReady(): void {
    this.warmingUp.clear();
  }

  /**
   * A silent network partition: from now on no byte leaves the server and no connection
   * is closed (no FIN, no RST). Open watches hold their events; new requests are read
   * but not answered. {@link TestApiServer.heal} delivers both.
   */
  partition(): void {
    if (this.partitioned) return;
    let heal = () => {};
    const healed = new Promise<void>(resolve => {
      heal = resolve;
    });
    this.partitioned = { healed, heal };
    this.watches.pause();
  }

  /** Ends {@link TestApiServer.partition}: what waited is sent, as TCP retransmits it. */
  heal(): void {
    const partitioned = this.partitioned;
    this.partitioned = undefined;
    this.watches.resume();
    partitioned?.heal();
  }

  /** Cuts every open watch connection, as a network failure would. Returns how many. */
  dropWatches(): number {
    return this.watches.dropAll();
  }

  /** Forgets the history: resource versions older than the latest expire (410 Gone). */
  compact(): void {
    this.store.compact();
  }

  /** Delays every response from now on by `ms` (0 to stop). */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Stops listening and cuts every connection: clients get "connection refused". */
  async down(): Promise<void> {
    if (this.isDown) return;
    this.isDown = true;
    const closed = new Promise<void>(resolve =>
      this.server.close(() => resolve()),
    );
    this.sockets.forEach(socket => socket.destroy());
    await closed;
  }

  /** Listens again, on the same port, after {@link TestApiServer.down}. */
  async up(): Promise<void> {
    if (!this.isDown) return;
    await this.listen();
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.heal();
    this.pending.forEach(clearTimeout);
    this.pending.clear();
    this.watches.endAll();
    await this.down();
  }

  private resourceOf(object: unknown) {
    if (
      !isObject(object) ||
      typeof object.apiVersion !== 'string' ||
      typeof object.kind !== 'string' ||
      !isObject(object.metadata) ||
      typeof object.metadata.name !== 'string'
    ) {
      throw new Error(
        'a Kubernetes object needs apiVersion, kind and metadata.name',
      );
    }
    const [group, version] = object.apiVersion.includes('/')
      ? object.apiVersion.split('/')
      : ['', object.apiVersion];
    const resource = this.resources.find(
      r =>
        r.group === group &&
        r.kind === object.kind &&
        r.versions.includes(version),
    );
    if (!resource) {
      throw new Error(
        `no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
      );
    }
    return {
      resource,
      namespaced: resource.namespaced,
      manifest: object as Json & { metadata: Json },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    });
    if (this.partitioned) {
      await this.partitioned.healed;
      if (res.destroyed) return;
    }
    if (this.delayMs) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          resolve();
        }, this.delayMs);
        this.pending.add(timer);
      });
      if (res.destroyed) return;
    }
    try {
      this.serve(req, url, res);
    } catch (error) {
      const status =
        error instanceof StatusError
          ? error
          : new StatusError(500, 'InternalError', String(error));
      if (res.headersSent) {
        res.end();
        return;
      }
      res.writeHead(status.code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(status.body));
    }
  }

  private serve(req: IncomingMessage, url: URL, res: ServerResponse) {
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    }
    if (req.method !== 'GET') {
      throw new StatusError(
        405,
        'MethodNotAllowed',
        `the test API server only reads: ${req.method} is not allowed`,
      );
    }
    const target = parseApiPath(url.pathname, this.resources);
    if (target.type === 'collection' || target.type === 'object') {
      const id = resourceId(target.resource);
      if (this.forbidden.has(id) || this.warmingUp.has(id)) {
        let verb = 'get';
        if (target.type === 'collection') {
          verb = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
        }
        throw new StatusError(
          403,
          'Forbidden',
          `${id} is forbidden: User "system:serviceaccount:backstage:zero-trust" cannot ${verb} resource "${
            target.resource.plural
          }" in API group "${target.resource.group}" ${
            target.namespace
              ? `in the namespace "${target.namespace}"`
              : 'at the cluster scope'
          }`,
        );
      }
    }
    let body: Json;
    switch (target.type) {
      case 'collection':
        if (url.searchParams.get('watch') === 'true') {
          this.watches.open(target, url.searchParams, res);
          return;
        }
        body = list(this.store, target, url.searchParams, {
          watchCache: this.watchCache,
        });
        break;
      case 'object':
        body = get(this.store, target);
        break;
      default:
        body = discovery(target, this.resources);
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/**
 * Starts a {@link TestApiServer} on a random port of 127.0.0.1.
 *
 * @public
 */
export async function startTestApiServer(
  options: TestApiServerOptions = {},
): Promise<TestApiServer> {
  const server = new TestApiServer(
    options.token ?? randomBytes(16).toString('hex'),
    options,
  );
  await server.listen();
  return server;
}
