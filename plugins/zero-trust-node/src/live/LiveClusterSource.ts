import type {
  ClusterStatus,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { describeError } from './errors';
import { KubeApis } from './KubeApis';
import { buildKubeConfig } from './kubeConfig';
import { Reflector } from './Reflector';
import {
  ApiCallCounts,
  LiveClusterConfig,
  LiveClusterSourceOptions,
  LiveSourceLogger,
} from './types';
import { watchedResources } from './watchedResources';

const silent: LiveSourceLogger = { info() {}, warn() {} };

/**
 * One live cluster, kept current by listing and watching what the engine reads. Its
 * `objects()` are manifests for `buildClusterState`.
 *
 * Status: `syncing` until every resource has been listed once; `failed` if none of that
 * could happen (the reason in `message`); then `synced`, or `stale` while some resource's
 * list or watch keeps failing (the last good state is still served). A resource it may
 * not read (403), or Istio's when Istio is not installed, is left out and named in
 * `degraded`, without failing the others.
 *
 * @public
 */
export class LiveClusterSource {
  readonly name: string;
  private readonly reflectors: Reflector[] = [];
  private readonly logger: LiveSourceLogger;
  private readonly debounceMs: number;
  private readonly listeners = new Set<() => void>();
  private readonly syncWaiters = new Set<() => void>();
  private readonly calls: ApiCallCounts = { lists: 0, watches: 0 };
  private configError?: string;
  private current: ClusterStatus = {
    state: 'syncing',
    source: 'live',
    degraded: [],
  };
  private complete = false;
  private cached?: SourcedObject[];
  private notifyTimer?: NodeJS.Timeout;
  private lastNotified = 0;
  private started = false;
  private stopped = false;

  constructor(
    cluster: LiveClusterConfig,
    options: LiveClusterSourceOptions = {},
  ) {
    this.name = cluster.name;
    this.logger = options.logger ?? silent;
    this.debounceMs = options.debounceMs ?? 1000;
    let apis: KubeApis;
    let server: string;
    try {
      const kc = buildKubeConfig(cluster);
      server = kc.getCurrentCluster()?.server ?? '(no server)';
      apis = new KubeApis(kc, options.requestTimeoutMs ?? 60_000);
    } catch (error) {
      this.configError = (error as Error).message;
      this.current = this.computeStatus();
      return;
    }
    const secrets = [cluster.serviceAccountToken ?? ''];
    for (const resource of watchedResources) {
      this.reflectors.push(
        new Reflector({
          resource,
          apis,
          pageSize: options.pageSize ?? 500,
          backoff: {
            baseMs: options.backoff?.baseMs ?? 500,
            capMs: options.backoff?.capMs ?? 30_000,
          },
          recheckMs: options.recheckMs ?? 300_000,
          watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
          requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
          random: options.random ?? Math.random,
          describe: error => describeError(error, server, secrets),
          onItemsChanged: () => this.itemsChanged(),
          onHealthChanged: () => this.refresh(),
          onRequest: kind => {
            if (kind === 'list') this.calls.lists++;
            else this.calls.watches++;
          },
        }),
      );
    }
  }

  /** Starts listing and watching in the background; returns at once. */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.configError) {
      this.logger.warn(`cluster ${this.name}: ${this.configError}`);
      return;
    }
    this.reflectors.forEach(r => r.start());
  }

  /** Closes every watch and request and clears every timer. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    this.listeners.clear();
    await Promise.all(this.reflectors.map(r => r.stop()));
    this.syncWaiters.forEach(wake => wake());
  }

  /** The last good, complete state; undefined until every resource has been read once. */
  objects(): SourcedObject[] | undefined {
    if (!this.complete) return undefined;
    this.cached ??= this.reflectors.flatMap(r =>
      [...r.items.values()].map(object => ({ object })),
    );
    return this.cached;
  }

  status(): ClusterStatus {
    return this.current;
  }

  /**
   * Calls `listener` after `objects()` or `status()` changed, at most once per
   * `debounceMs`. Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once `synced`; rejects after `timeoutMs` with the current status. */
  async waitForSync(timeoutMs = 30_000): Promise<void> {
    if (this.current.state === 'synced') return;
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const check = () => {
        const { state, message } = this.current;
        let failure: string | undefined;
        if (state !== 'synced') {
          if (this.stopped) {
            failure = `cluster ${this.name} was stopped before it synced`;
          } else if (!timer) {
            failure = `cluster ${
              this.name
            } did not sync within ${timeoutMs} ms: ${state}${
              message ? `: ${message}` : ''
            }`;
          } else {
            return;
          }
        }
        clearTimeout(timer);
        this.syncWaiters.delete(check);
        if (failure) reject(new Error(failure));
        else resolve();
      };
      timer = setTimeout(() => {
        timer = undefined;
        check();
      }, timeoutMs);
      this.syncWaiters.add(check);
    });
  }

  /** Requests made so far. Once synced, reading the state makes none. */
  apiCalls(): ApiCallCounts {
    return { ...this.calls };
  }

  private itemsChanged() {
    this.cached = undefined;
    if (this.complete) this.scheduleNotify();
  }

  private computeStatus(): ClusterStatus {
    const base = { source: 'live' as const };
    if (this.configError) {
      return {
        ...base,
        state: 'failed',
        message: this.configError,
        degraded: [],
      };
    }
    const degraded = this.reflectors.flatMap(r =>
      r.health.state === 'degraded'
        ? [{ resource: r.resource.id, message: r.health.message }]
        : [],
    );
    const failing = this.reflectors.flatMap(r =>
      r.health.state === 'failing' ? [{ id: r.resource.id, ...r.health }] : [],
    );
    let message: string | undefined;
    if (failing.length) {
      // Connection failures hit every resource alike: say it once.
      message = failing.every(f => f.message === failing[0].message)
        ? failing[0].message
        : `${failing[0].id}: ${failing[0].message} (and ${
            failing.length - 1
          } more failing)`;
    }

    if (degraded.length === this.reflectors.length) {
      return {
        ...base,
        state: 'failed',
        message: `may not read any resource: bind the service account to the ClusterRole in deploy/rbac.yaml`,
        degraded,
      };
    }
    if (!this.complete) {
      return failing.length
        ? { ...base, state: 'failed', message, degraded }
        : { ...base, state: 'syncing', degraded };
    }
    if (failing.length) {
      const since = failing.map(f => f.since).sort()[0];
      return {
        ...base,
        state: 'stale',
        ...(this.current.lastSyncedAt
          ? { lastSyncedAt: this.current.lastSyncedAt }
          : {}),
        staleSince:
          this.current.state === 'stale' && this.current.staleSince
            ? this.current.staleSince
            : since,
        message,
        degraded,
      };
    }
    // Listed, but not every watch is open yet (only right after the start).
    if (this.reflectors.some(r => r.health.state === 'syncing')) {
      return { ...base, state: 'syncing', degraded };
    }
    return {
      ...base,
      state: 'synced',
      lastSyncedAt:
        this.current.state === 'synced' && this.current.lastSyncedAt
          ? this.current.lastSyncedAt
          : new Date().toISOString(),
      degraded,
    };
  }

  /** Recomputes the status after a resource's health changed. */
  private refresh() {
    if (
      !this.complete &&
      this.reflectors.every(r => r.listed || r.health.state === 'degraded')
    ) {
      this.complete = true;
      this.cached = undefined;
    }
    const before = this.current;
    const next = this.computeStatus();
    if (JSON.stringify(before) === JSON.stringify(next)) return;
    this.current = next;
    this.log(before, next);
    this.scheduleNotify();
    this.syncWaiters.forEach(check => check());
  }

  private log(before: ClusterStatus, next: ClusterStatus) {
    const prefix = `cluster ${this.name}`;
    if (next.state !== before.state) {
      if (next.state === 'synced') {
        const count = this.objects()?.length ?? 0;
        this.logger.info(
          before.state === 'stale'
            ? `${prefix}: recovered, synced again`
            : `${prefix}: synced (${count} objects)`,
        );
      } else if (next.state === 'stale' || next.state === 'failed') {
        this.logger.warn(`${prefix} is ${next.state}: ${next.message}`);
      }
    }
    const known = new Set(before.degraded.map(d => d.resource));
    for (const d of next.degraded) {
      if (!known.has(d.resource)) this.logger.warn(`${prefix}: ${d.message}`);
    }
  }

  private scheduleNotify() {
    if (this.notifyTimer || this.stopped) return;
    const wait = Math.max(0, this.lastNotified + this.debounceMs - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.lastNotified = Date.now();
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (error) {
          this.logger.warn(
            `cluster ${this.name}: an onChange listener failed: ${
              (error as Error).message
            }`,
          );
        }
      }
    }, wait);
  }
}
