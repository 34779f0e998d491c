import { ServerResponse } from 'node:http';
import { ExpiredError, ObjectStore, StoredEvent } from './ObjectStore';
import {
  StatusError,
  parseFieldSelector,
  parseLabels,
  parseResourceVersion,
  served,
  statusBody,
} from './requests';
import { ServedResource, resourceId } from './resources';

type Json = Record<string, any>;

export interface WatchHubOptions {
  /** How often a watch that allows bookmarks gets one. */
  bookmarkIntervalMs: number;
  /**
   * How a watch from an expired resourceVersion is refused: `event` (default) streams a
   * 410 ERROR event, as the API server's watch cache does; `status` answers HTTP 410.
   */
  expiredWatch: 'event' | 'status';
}

/**
 * The open watch streams. Each is newline-delimited JSON events (`ADDED`, `MODIFIED`,
 * `DELETED`, `BOOKMARK`, `ERROR`), per
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export class WatchHub {
  private readonly streams = new Set<ServerResponse>();
  private readonly enders = new WeakMap<ServerResponse, () => void>();
  /** BOOKMARK events sent so far, for tests to wait on. */
  bookmarksSent = 0;
  /** While set, what each stream would send (null: its end) waits here: see `pause`. */
  private held?: Map<ServerResponse, (string | null)[]>;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: WatchHubOptions,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /**
   * Starts a watch. No resourceVersion (or `0`) first sends the current objects as ADDED;
   * a resourceVersion replays the changes after it, or 410 once compacted away.
   */
  open(
    target: { resource: ServedResource; version: string; namespace?: string },
    query: URLSearchParams,
    res: ServerResponse,
  ): void {
    const { resource, version, namespace } = target;
    const selects = parseFieldSelector(query.get('fieldSelector'));
    const labels = parseLabels(query.get('labelSelector'));
    const from = parseResourceVersion(query.get('resourceVersion'));
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
    const matches = (o: Json | undefined) =>
      !!o &&
      (!namespace || o.metadata?.namespace === namespace) &&
      selects(o) &&
      labels(o);
    const line = (type: string, object: Json) =>
      `${JSON.stringify({
        type,
        object: served(object, resource, version),
      })}\n`;
    // An object that starts or stops matching a field selector is ADDED or DELETED for
    // this watch, as the API server's watch cache filters it.
    const translate = (event: StoredEvent): string | undefined => {
      const was = matches(event.previous);
      const is = event.type !== 'DELETED' && matches(event.object);
      if (is) return line(was ? 'MODIFIED' : 'ADDED', event.object);
      return was ? line('DELETED', event.object) : undefined;
    };

    let backlog: string[] = [];
    let refusal: ReturnType<typeof statusBody> | undefined;
    if (!from) {
      backlog = this.store
        .list(resource)
        .filter(matches)
        .map(o => line('ADDED', o));
    } else if (from > this.store.resourceVersion) {
      refusal = statusBody(
        504,
        'Timeout',
        `Too large resource version: ${from}, current: ${this.store.resourceVersion}`,
      );
    } else {
      try {
        backlog = this.store
          .eventsSince(resource, from)
          .map(translate)
          .filter((l): l is string => !!l);
      } catch (error) {
        if (!(error instanceof ExpiredError)) throw error;
        if (this.options.expiredWatch === 'status') {
          throw new StatusError(410, 'Expired', error.message);
        }
        refusal = statusBody(410, 'Expired', error.message);
      }
    }

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    if (refusal) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: refusal })}\n`);
      return;
    }
    const send = (text: string) => {
      if (this.hold(res, text)) return;
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    backlog.forEach(send);

    const id = resourceId(resource);
    const unsubscribe = this.store.subscribe(event => {
      if (event.resource !== id) return;
      const l = translate(event);
      if (l) send(l);
    });
    const bookmarkTimer = bookmarks
      ? setInterval(() => {
          this.bookmarksSent++;
          send(
            `${JSON.stringify({
              type: 'BOOKMARK',
              object: {
                kind: resource.kind,
                apiVersion: served({}, resource, version).apiVersion,
                metadata: {
                  resourceVersion: String(this.store.resourceVersion),
                },
              },
            })}\n`,
          );
        }, this.options.bookmarkIntervalMs)
      : undefined;
    let timeout: NodeJS.Timeout | undefined;
    const end = () => {
      unsubscribe();
      clearInterval(bookmarkTimer);
      clearTimeout(timeout);
      this.streams.delete(res);
      if (this.hold(res, null)) return;
      if (!res.writableEnded) res.end();
    };
    if (timeoutSeconds > 0) timeout = setTimeout(end, timeoutSeconds * 1000);
    this.streams.add(res);
    this.enders.set(res, end);
    res.on('close', end);
  }

  /**
   * From now on no stream sends a byte, nor ends: events, bookmarks and the ends of
   * timed-out watches wait, as behind a network partition (no FIN, no RST).
   */
  pause(): void {
    this.held ??= new Map();
  }

  /** Sends what waited since {@link WatchHub.pause}, as TCP does once the network is back. */
  resume(): void {
    const held = this.held;
    this.held = undefined;
    for (const [res, items] of held ?? []) {
      for (const item of items) {
        if (res.writableEnded || res.destroyed) break;
        if (item === null) res.end();
        else res.write(item);
      }
    }
  }

  private hold(res: ServerResponse, item: string | null): boolean {
    if (!this.held) return false;
    this.held.set(res, [...(this.held.get(res) ?? []), item]);
    return true;
  }

  /** Cuts every open watch's connection, as a network failure would. */
  dropAll(): number {
    const count = this.streams.size;
    for (const res of [...this.streams]) res.socket?.destroy();
    return count;
  }

  /** Ends every open watch cleanly, as the server does at its timeout. */
  endAll(): void {
    for (const res of [...this.streams]) this.enders.get(res)?.();
  }
}
