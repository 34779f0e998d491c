import { BackoffSettings, Sleeper, backoffDelay } from './backoff';
import { NotServedError, WatchStatusError, statusCodeOf } from './errors';
import { KubeApis } from './KubeApis';
import { trimObject } from '@zero-trust/backstage-plugin-zero-trust-common';
import { sameJson } from './sameJson';
import {
  WatchedResource,
  collectionPath,
  fieldSelectorOf,
  namespaceOf,
} from './watchedResources';

type Json = Record<string, any>;

/** How one resource is doing. */
export type ReflectorHealth =
  /** Not yet listed and watching. */
  | { state: 'syncing' }
  /** Listed, and its watch is open and not silent. */
  | { state: 'synced' }
  /**
   * It was never readable: it may not be read (403) or is not served (Istio not
   * installed). Retried with backoff up to `recheckMs`, so a later grant heals it.
   */
  | { state: 'degraded'; message: string }
  /**
   * An optional kind the cluster does not serve (cert-manager not installed): nothing
   * to read, nothing lacking. Checked again now and then, so an install is picked up.
   */
  | { state: 'absent' }
  /**
   * The last request failed; retried with backoff. Once `listed`, whatever the error (a
   * 403 included: RBAC warming up after a restart), the last good objects are kept.
   */
  | { state: 'failing'; message: string; since: string };

export interface ReflectorOptions {
  resource: WatchedResource;
  apis: KubeApis;
  pageSize: number;
  backoff: BackoffSettings;
  recheckMs: number;
  watchTimeoutSeconds: number;
  /** No event or bookmark on an open watch for this long: the watch is restarted. */
  silenceMs: number;
  requestTimeoutMs: number;
  random: () => number;
  /** An error in a sentence, for `failing`. */
  describe(error: unknown): string;
  /** Called after `items` changed. */
  onItemsChanged(): void;
  /** Called after `health` changed. */
  onHealthChanged(): void;
  onRequest(kind: 'list' | 'watch'): void;
}

/** A watch that ends sooner than this is not trusted to be healthy: wait before the next. */
const minWatchMs = 1000;

/**
 * Keeps one resource's objects current: list (in pages), then watch from the list's
 * resourceVersion, as client-go's Reflector does.
 *
 * Why not client-node's ListWatch (`makeInformer`, dist/cache.js)? It resumes from the
 * last resourceVersion and relists on 410, but it cannot ask for bookmarks (its watch
 * query is fixed to resourceVersion and the selectors, so after an etcd compaction a quiet
 * resource always relists), it keeps every object whole (managedFields, status: too much
 * memory at 10k workloads), it stops for good after any other error (no retry, no
 * backoff), it can start a watch after `stop()` if stopped during a list, and its watch
 * has no timeout (the 30 s AbortSignal in dist/watch.js is overwritten), so a half-open
 * connection would hang it forever. This class uses the same building blocks instead:
 * the generated list calls (with `limit`/`continue`) and client-node's `Watch`.
 */
export class Reflector {
  /** The current objects, slimmed, by `namespace/name`. */
  items = new Map<string, Json>();
  /** Whether `items` has been a complete list at least once. */
  listed = false;
  health: ReflectorHealth = { state: 'syncing' };
  /**
   * The last moment the server showed `items` to be current (`Date.now()`): a list
   * completed, a watch opened, an event or a bookmark arrived. 0 before the first list.
   */
  heardAt = 0;
  /** The API version being read (Istio's: v1, else v1beta1). */
  version: string;

  private resourceVersion = '';
  /** What it was doing when a request failed, for the 403 message. */
  private verb: 'list' | 'watch' = 'list';
  private goneInARow = 0;
  private stopped = false;
  private readonly sleeper = new Sleeper();
  private request?: AbortController;
  private watchRequest?: AbortController;
  private loop?: Promise<void>;

  constructor(private readonly options: ReflectorOptions) {
    this.version = options.resource.versions[0];
  }

  get resource(): WatchedResource {
    return this.options.resource;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.request?.abort();
    this.watchRequest?.abort();
    this.sleeper.wake();
    await this.loop;
  }

  /** Ends a backoff wait early (another resource of the cluster just succeeded). */
  retryNow(): void {
    if (this.health.state === 'failing') this.sleeper.wake();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let wait = 0;
      try {
        if (!this.resourceVersion) await this.relist();
        const outcome = await this.watchOnce();
        failures = 0;
        if (outcome === 'gone') wait = this.gone();
        else this.goneInARow = 0;
        if (outcome === 'short') {
          wait = backoffDelay(0, this.options.backoff, this.options.random);
        }
        // 'silent': the watch was restarted at once; if the new one cannot be opened
        // (a partition), its request fails and the resource turns failing.
      } catch (error) {
        if (this.stopped) break;
        wait = this.recover(error, failures++);
      }
      if (wait > 0 && !this.stopped) await this.sleeper.sleep(wait);
    }
  }

  /** What to do after a failed request: the wait before the next attempt. */
  private recover(error: unknown, failures: number): number {
    const code = statusCodeOf(error);
    const { resource } = this.options;
    if (code === 410) return this.gone();
    if (code === 504 && /too large resource version/i.test(String(error))) {
      // The server is behind the resourceVersion (restored from a backup): list again.
      this.resourceVersion = '';
    }
    // Readable before: whatever failed now (RBAC warming up after a restart answers 403
    // for a few seconds) is transient. Keep the objects and try again soon.
    if (this.listed) return this.fail(error, failures);
    if (code === 403) {
      const namespace = namespaceOf(resource);
      const scope = namespace ? ` in ${namespace}` : '';
      const role = namespace ? `the ${namespace} Role` : 'the ClusterRole';
      this.degrade(
        `may not ${this.verb} ${resource.id}${scope}: add it to ${role} in deploy/rbac.yaml`,
      );
      return this.recheckDelay(failures);
    }
    if (error instanceof NotServedError && resource.optional) {
      this.degrade();
      return this.recheckDelay(failures);
    }
    if (error instanceof NotServedError) {
      this.degrade(
        `${crdsOf(resource)} not installed: ${resource.id} is ${error.message}`,
      );
      return this.recheckDelay(failures);
    }
    if (code === 404 && resource.custom) {
      // The CRD went away while watching: list again to find which version is served.
      this.resourceVersion = '';
      return backoffDelay(failures, this.options.backoff, this.options.random);
    }
    return this.fail(error, failures);
  }

  private fail(error: unknown, failures: number): number {
    if (statusCodeOf(error) === 404 && this.options.resource.custom) {
      // The CRD went away while watching: list again to find which version is served.
      this.resourceVersion = '';
    }
    this.setHealth({
      state: 'failing',
      message:
        error instanceof NotServedError
          ? `${crdsOf(this.options.resource)} are no longer served: ${
              this.options.resource.id
            } is ${error.message}`
          : this.options.describe(error),
      since:
        this.health.state === 'failing'
          ? this.health.since
          : new Date().toISOString(),
    });
    return backoffDelay(failures, this.options.backoff, this.options.random);
  }

  /**
   * A resource never readable is tried again soon at first (RBAC may be warming up at
   * start-up), then at most every `recheckMs`, so a later grant heals it.
   */
  private recheckDelay(failures: number): number {
    const { backoff, recheckMs, random } = this.options;
    return Math.max(
      backoff.baseMs,
      backoffDelay(
        failures,
        { baseMs: backoff.baseMs, capMs: recheckMs },
        random,
      ),
    );
  }

  /**
   * 410 Gone: the resourceVersion was compacted away, and only a new list can say what
   * changed. At once the first time; a server that keeps answering 410 gets backoff.
   */
  private gone(): number {
    this.resourceVersion = '';
    // Until the new list arrives, the objects are the last good ones, not known current.
    if (this.health.state === 'synced') {
      this.setHealth({
        state: 'failing',
        message: `${this.options.resource.id}: the watch's resourceVersion was compacted away (410 Gone); listing again`,
        since: new Date().toISOString(),
      });
    }
    const streak = this.goneInARow++;
    return streak
      ? backoffDelay(streak, this.options.backoff, this.options.random)
      : 0;
  }

  /** Lists every page, trying each API version the resource may be served at. */
  private async relist(): Promise<void> {
    const { resource } = this.options;
    const versions = [
      this.version,
      ...resource.versions.filter(v => v !== this.version),
    ];
    for (const version of versions) {
      let result;
      try {
        result = await this.listAll(version);
      } catch (error) {
        if (resource.custom && statusCodeOf(error) === 404) continue;
        throw error;
      }
      this.version = version;
      this.resourceVersion = result.resourceVersion;
      this.replaceItems(result.items);
      this.listed = true;
      this.heard();
      // Healthy once the watch is open too: see watchOnce.
      return;
    }
    throw new NotServedError(resource.versions);
  }

  /**
   * Lists every page, each object slimmed as it arrives. The first list asks the API
   * server's watch cache (`resourceVersion=0`, whole, as client-go's informers do); a
   * list again (after a 410, or a resource that came back) asks for the latest state,
   * so it never goes back before what was already seen.
   */
  private async listAll(version: string) {
    const { apis, resource, pageSize, requestTimeoutMs } = this.options;
    const items = new Map<string, Json>();
    const fromCache = !this.listed;
    let continueToken: string | undefined;
    let paged = true;
    for (;;) {
      this.request = new AbortController();
      const timeout = setTimeout(() => this.request?.abort(), requestTimeoutMs);
      let page;
      try {
        this.verb = 'list';
        this.options.onRequest('list');
        page = await apis.list(
          resource,
          version,
          paged ? { limit: pageSize, continueToken, fromCache } : { fromCache },
          this.request.signal,
          raw => this.put(items, version, raw),
        );
      } catch (error) {
        if (statusCodeOf(error) === 410 && continueToken) {
          // The continue token expired between pages: start over with one unpaged list,
          // which cannot expire (client-go's pager does the same).
          items.clear();
          continueToken = undefined;
          paged = false;
          continue;
        }
        throw error;
      } finally {
        clearTimeout(timeout);
        this.request = undefined;
      }
      if (!page.continueToken) {
        return { items, resourceVersion: page.resourceVersion };
      }
      continueToken = page.continueToken;
    }
  }

  /**
   * Watches from the current resourceVersion until the stream ends: `ended` normally
   * (server timeout or a dropped connection: resume from the resourceVersion), `short`
   * when it ended suspiciously soon, `gone` on 410. Rejects when it could not start or
   * the server sent an ERROR.
   */
  private watchOnce(): Promise<'ended' | 'short' | 'gone' | 'silent'> {
    const { apis, resource, random, watchTimeoutSeconds, silenceMs } =
      this.options;
    // Spread the watches' ends like client-go: between 1 and 2 times the minimum.
    const timeoutSeconds = Math.floor(watchTimeoutSeconds * (1 + random()));
    return new Promise((resolve, reject) => {
      let established = false;
      let finished = false;
      let gone = false;
      let silent = false;
      let failure: Error | undefined;
      const startedAt = Date.now();
      let lastHeard = startedAt;
      // The server ends the watch at timeoutSeconds; if it does not (a half-open
      // connection), the client does.
      const deadline = setTimeout(
        () => this.watchRequest?.abort(),
        (timeoutSeconds + 30) * 1000,
      );
      // Bookmarks keep a quiet watch talking (the API server's watch cache sends one
      // about every minute). Nothing at all for `silenceMs`: the connection may be cut
      // without a FIN (a partition), so the watch is restarted from its resourceVersion.
      const silence = setInterval(() => {
        if (established && Date.now() - lastHeard > silenceMs) {
          silent = true;
          this.watchRequest?.abort();
        }
      }, Math.max(10, Math.floor(silenceMs / 4)));
      const finish = (error: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline);
        clearInterval(silence);
        this.watchRequest = undefined;
        if (gone || statusCodeOf(error) === 410) resolve('gone');
        else if (failure) reject(failure);
        else if (!established) {
          reject(error ?? new Error('the watch ended before it started'));
        } else if (silent) {
          resolve('silent');
        } else {
          resolve(Date.now() - startedAt < minWatchMs ? 'short' : 'ended');
        }
      };
      const onEvent = (type: string, object: Json) => {
        if (finished || this.stopped) return;
        lastHeard = Date.now();
        if (type === 'ERROR') {
          if (object?.code === 410) gone = true;
          else {
            failure = new WatchStatusError(
              Number(object?.code) || 500,
              String(object?.message ?? 'watch error'),
            );
          }
          this.watchRequest?.abort();
          return;
        }
        this.apply(type, object);
        this.heard();
      };
      this.verb = 'watch';
      this.options.onRequest('watch');
      apis.watch
        .watch(
          collectionPath(resource, this.version),
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds,
            fieldSelector: fieldSelectorOf(resource),
          },
          onEvent,
          finish,
        )
        .then(controller => {
          if (finished) return;
          established = true;
          lastHeard = Date.now();
          this.watchRequest = controller;
          if (this.stopped || gone || failure) controller.abort();
          else {
            this.heard();
            this.setHealth({ state: 'synced' });
          }
        }, finish);
    });
  }

  /** The server just showed the objects to be current. */
  private heard() {
    this.heardAt = Date.now();
  }

  private apply(type: string, object: Json) {
    const resourceVersion = object?.metadata?.resourceVersion;
    if (type === 'ADDED' || type === 'MODIFIED') {
      if (this.put(this.items, this.version, object)) {
        this.options.onItemsChanged();
      }
    } else if (type === 'DELETED') {
      if (this.items.delete(keyOf(object))) this.options.onItemsChanged();
    } else if (type !== 'BOOKMARK') {
      return;
    }
    if (resourceVersion) this.resourceVersion = String(resourceVersion);
  }

  /** Stores the slimmed object (or drops it); true if that changed what the engine sees. */
  private put(items: Map<string, Json>, version: string, raw: unknown) {
    const key = keyOf(raw as Json);
    const slim = trimObject(this.options.resource, version, raw);
    const previous = items.get(key);
    if (!slim) return items.delete(key);
    if (previous && sameJson(previous, slim)) return false;
    items.set(key, slim);
    return true;
  }

  private replaceItems(items: Map<string, Json>) {
    const changed =
      items.size !== this.items.size ||
      [...items].some(([key, o]) => !sameJson(this.items.get(key), o));
    this.items = items;
    if (changed) this.options.onItemsChanged();
  }

  /** Never readable: `degraded` with the reason, or `absent` without one (optional kinds). */
  private degrade(message?: string) {
    this.resourceVersion = '';
    if (this.items.size) {
      this.items = new Map();
      this.options.onItemsChanged();
    }
    this.setHealth(
      message === undefined
        ? { state: 'absent' }
        : { state: 'degraded', message },
    );
  }

  private setHealth(health: ReflectorHealth) {
    const before = this.health;
    this.health = health;
    if (
      before.state !== health.state ||
      ('message' in before &&
        'message' in health &&
        before.message !== health.message)
    ) {
      this.options.onHealthChanged();
    }
  }
}

function keyOf(object: Json): string {
  return `${object?.metadata?.namespace ?? ''}/${object?.metadata?.name}`;
}

/** How messages name the CRDs that serve a custom kind: `Istio CRDs`. */
function crdsOf(resource: WatchedResource): string {
  return resource.group.endsWith('istio.io')
    ? 'Istio CRDs'
    : `CRDs of ${resource.group}`;
}
