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
 * could happen (the reason in `message`); then `synced` while every resource is current,
 * or `stale` while some resource read before cannot be read now (any error: a 403 too,
 * as RBAC answers while it warms up after a restart), naming each in `staleResources`;
 * its last good objects are still served. A resource never readable (403, or Istio's
 * when Istio is not installed) is left out and named in `degraded`, and tried again now
 * and then; an optional kind a cluster does not serve (cert-manager's, where it is not
 * installed; Gateway API's, whose TLSRoute and TCPRoute only its experimental channel
 * held before v1.5 and v1.6) is read as empty, not degraded. `lastSyncedAt` is the last moment every resource was known current.
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
  /** The status without `lastSyncedAt`, which moves with every bookmark. */
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
    this.debounceMs = options.debounceMs ?? 0;
    const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    const silenceMs = options.silenceMs ?? 60_000;
    let apis: KubeApis;
    let server: string;
    try {
      const kc = buildKubeConfig(cluster);
      server = kc.getCurrentCluster()?.server ?? '(no server)';
      apis = new KubeApis(
        kc,
        Math.min(requestTimeoutMs, Math.floor(silenceMs / 2)),
      );
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
            capMs: options.backoff?.capMs ?? 10_000,
          },
          recheckMs: options.recheckMs ?? 60_000,
          watchTimeoutSeconds: options.watchTimeoutSeconds ?? 300,
          silenceMs,
          requestTimeoutMs,
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
    const { state } = this.current;
    if (!this.complete || state === 'failed' || state === 'syncing') {
      return this.current;
    }
    // The last moment every resource read was confirmed by the server: while synced,
    // the latest bookmark or event of the quietest resource; while stale, the last one
    // of the resource that fails.
    const heard = this.reflectors.filter(r => r.listed).map(r => r.heardAt);
    return {
      ...this.current,
      lastSyncedAt: new Date(Math.min(...heard)).toISOString(),
    };
  }

  /**
   * Calls `listener` after `objects()` or `status()` changed: once per burst of events
   * read together (the events of one watch chunk, and those that arrived while the
   * process was busy, e.g. with the listener's own rebuild), and at most once per
   * `debounceMs` where that is set. Returns the unsubscribe function.
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
      r.health.state === 'failing'
        ? [
            {
              resource: r.resource.id,
              message: r.health.message,
              since: r.health.since,
            },
          ]
        : [],
    );

    const served = this.reflectors.filter(r => r.health.state !== 'absent');
    if (degraded.length === served.length) {
      return {
        ...base,
        state: 'failed',
        message: `may not read any resource: bind the service account to the ClusterRole in deploy/rbac.yaml`,
        degraded,
      };
    }
    if (!this.complete) {
      // Never read: the first reason is the one to act on (resources start failing one by one).
      return failing.length
        ? { ...base, state: 'failed', message: failing[0].message, degraded }
        : { ...base, state: 'syncing', degraded };
    }
    if (failing.length) {
      const since = failing.map(f => f.since).sort()[0];
      return {
        ...base,
        state: 'stale',
        staleSince:
          this.current.state === 'stale' && this.current.staleSince
            ? this.current.staleSince
            : since,
        message: this.describeFailing(failing),
        degraded,
        staleResources: failing,
      };
    }
    // Listed, but not every watch is open yet (only right after the start).
    if (this.reflectors.some(r => r.health.state === 'syncing')) {
      return { ...base, state: 'syncing', degraded };
    }
    return { ...base, state: 'synced', degraded };
  }

  /**
   * The failing resources in a sentence: the reason alone when every resource fails
   * alike (the server is unreachable), else each reason with the resources it hits.
   */
  private describeFailing(failing: { resource: string; message: string }[]) {
    const byMessage = new Map<string, string[]>();
    for (const f of failing) {
      byMessage.set(f.message, [
        ...(byMessage.get(f.message) ?? []),
        f.resource,
      ]);
    }
    const readable = this.reflectors.filter(
      r => r.health.state !== 'degraded' && r.health.state !== 'absent',
    );
    if (byMessage.size === 1 && failing.length === readable.length) {
      return failing[0].message;
    }
    return [...byMessage]
      .map(([text, resources]) => `${resources.join(', ')}: ${text}`)
      .join('; ');
  }

  /** Recomputes the status after a resource's health changed. */
  private refresh() {
    if (
      !this.complete &&
      this.reflectors.every(
        r =>
          r.listed ||
          r.health.state === 'degraded' ||
          r.health.state === 'absent',
      )
    ) {
      this.complete = true;
      this.cached = undefined;
    }
    // One resource read again: the server is back, so the others need not wait out
    // their backoff.
    if (this.reflectors.some(r => r.health.state === 'synced')) {
      this.reflectors.forEach(r => r.retryNow());
    }
    const before = this.current;
    const next = this.computeStatus();
    if (JSON.stringify(before) === JSON.stringify(next)) return;
    this.current = next;
    this.log(before, next);
    this.scheduleNotify();
    this.syncWaiters.forEach(check => check());
  }

  /** Each transition once: synced, stale, recovered, failed; each resource degraded or healed. */
  private log(before: ClusterStatus, next: ClusterStatus) {
    const prefix = `cluster ${this.name}`;
    if (next.state !== before.state) {
      if (next.state === 'synced') {
        const count = this.objects()?.length ?? 0;
        this.logger.info(
          before.state === 'stale'
            ? `${prefix}: recovered, synced again (stale since ${before.staleSince})`
            : `${prefix}: synced (${count} objects)`,
        );
      } else if (next.state === 'stale') {
        this.logger.warn(
          `${prefix} is stale, serving its last good state: ${next.message}`,
        );
      } else if (next.state === 'failed') {
        this.logger.warn(`${prefix} is failed: ${next.message}`);
      }
    }
    const was = new Set(before.degraded.map(d => d.resource));
    const is = new Set(next.degraded.map(d => d.resource));
    for (const d of next.degraded) {
      if (!was.has(d.resource)) {
        this.logger.warn(`${prefix}: degraded: ${d.message}`);
      }
    }
    for (const r of this.reflectors) {
      const { id } = r.resource;
      if (was.has(id) && !is.has(id) && r.health.state === 'synced') {
        this.logger.info(`${prefix}: recovered: ${id} can be read now`);
      }
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
