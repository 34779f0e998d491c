import { randomUUID } from 'node:crypto';
import { ServedResource, resourceId } from './resources';

type Json = Record<string, any>;

/** One change, as etcd records it: the object after it and, for updates and deletes, before. */
export interface StoredEvent {
  resourceVersion: number;
  /** {@link resourceId} of the object's resource. */
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Json;
  previous?: Json;
}

/** A resourceVersion older than the oldest one the store still holds history for. */
export class ExpiredError extends Error {
  constructor(readonly resourceVersion: number, readonly oldest: number) {
    super(`too old resource version: ${resourceVersion} (${oldest})`);
    this.name = 'ExpiredError';
  }
}

/** Objects are listed in etcd key order: namespace, then name. */
export function objectKey(obj: Json): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
}

/** Byte order, as etcd sorts keys (not the locale's order). */
function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** RFC 3339 in whole seconds, as the API server writes timestamps. */
function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The objects of every resource, with one resourceVersion counter shared by all of them
 * (etcd's revision) and the history of changes since the last compaction, from which
 * watches resume and paged lists read a consistent snapshot.
 */
export class ObjectStore {
  private revision = 0;
  private compactedAt = 0;
  private readonly objects = new Map<string, Map<string, Json>>();
  private history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();

  /** The latest resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Resource versions older than this one have expired (410 Gone). */
  get oldestResourceVersion(): number {
    return this.compactedAt;
  }

  /** Creates or updates an object; the server sets its resourceVersion, uid and creation time. */
  put(resource: ServedResource, object: Json): Json {
    const id = resourceId(resource);
    const objects = this.objects.get(id) ?? new Map<string, Json>();
    this.objects.set(id, objects);
    const key = objectKey(object);
    const previous = objects.get(key);
    const stored: Json = structuredClone(object);
    stored.metadata = {
      ...stored.metadata,
      resourceVersion: String(++this.revision),
      uid: previous?.metadata.uid ?? randomUUID(),
      creationTimestamp: previous?.metadata.creationTimestamp ?? now(),
    };
    objects.set(key, stored);
    this.record({
      resourceVersion: this.revision,
      resource: id,
      type: previous ? 'MODIFIED' : 'ADDED',
      object: stored,
      ...(previous ? { previous } : {}),
    });
    return structuredClone(stored);
  }

  /** Deletes an object; the DELETED event carries the deletion's resourceVersion. */
  remove(resource: ServedResource, key: string): Json | undefined {
    const id = resourceId(resource);
    const previous = this.objects.get(id)?.get(key);
    if (!previous) return undefined;
    this.objects.get(id)!.delete(key);
    const object = structuredClone(previous);
    object.metadata.resourceVersion = String(++this.revision);
    this.record({
      resourceVersion: this.revision,
      resource: id,
      type: 'DELETED',
      object,
      previous,
    });
    return object;
  }

  get(resource: ServedResource, key: string): Json | undefined {
    return this.objects.get(resourceId(resource))?.get(key);
  }

  /**
   * The resource's objects as they were at `atVersion` (default: now), in key order,
   * rebuilt by undoing the newer changes.
   */
  list(resource: ServedResource, atVersion = this.revision): Json[] {
    this.checkNotExpired(atVersion);
    const id = resourceId(resource);
    const objects = new Map(this.objects.get(id));
    for (let i = this.history.length - 1; i >= 0; i--) {
      const event = this.history[i];
      if (event.resourceVersion <= atVersion) break;
      if (event.resource !== id) continue;
      const key = objectKey(event.object);
      if (event.previous) objects.set(key, event.previous);
      else objects.delete(key);
    }
    return [...objects.entries()]
      .sort(([a], [b]) => compareKeys(a, b))
      .map(([, object]) => object);
  }

  /** The resource's changes after `resourceVersion`, oldest first. */
  eventsSince(
    resource: ServedResource,
    resourceVersion: number,
  ): StoredEvent[] {
    this.checkNotExpired(resourceVersion);
    const id = resourceId(resource);
    return this.history.filter(
      e => e.resource === id && e.resourceVersion > resourceVersion,
    );
  }

  /** Forgets the history, as etcd compaction does: older resource versions expire. */
  compact(): void {
    this.history = [];
    this.compactedAt = this.revision;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private checkNotExpired(resourceVersion: number) {
    if (resourceVersion < this.compactedAt) {
      throw new ExpiredError(resourceVersion, this.compactedAt);
    }
  }

  private record(event: StoredEvent) {
    this.history.push(event);
    this.listeners.forEach(listener => listener(event));
  }
}
