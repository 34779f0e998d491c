import type {
  ClusterStatus,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import { ClusterSource } from './ClusterSource';

/** One read of a snapshot: its objects, and what reading them left out. */
export interface SnapshotRead {
  objects: SourcedObject[];
  /** The loader's notes: what was skipped or not followed, one sentence each. */
  notes: string[];
}

/** Where a snapshot comes from, and how to read its manifests. */
export interface SnapshotReader {
  /** A folder of manifests, or a GitOps repository's branch. */
  source: 'snapshot' | 'git';
  /** Throws with a message fit for the cluster's status. */
  read(): Promise<SnapshotRead>;
}

/** A folder (or file) of manifests, as the CLI reads one. */
export function folderReader(path: string): SnapshotReader {
  return {
    source: 'snapshot',
    read: async () => {
      const notes: string[] = [];
      try {
        const objects = await loadManifests(path, {
          onNote: note => notes.push(note),
        });
        return { objects, notes };
      } catch (error) {
        throw new Error(
          `cannot read snapshot ${path}: ${(error as Error).message}`,
        );
      }
    },
  };
}

/**
 * A cluster read from manifests rather than an API server: a folder, or a GitOps
 * repository's branch standing in for what a GitOps controller would apply. It is read
 * at start and, with `refreshMs`, again on that interval; a failed read keeps serving
 * the last good state as `stale`. What the read skipped or did not follow is kept in its
 * status as notes, so that answers say what they lack.
 */
export class SnapshotClusterSource implements ClusterSource {
  private current?: SourcedObject[];
  private state: ClusterStatus;
  private readonly listeners = new Set<() => void>();
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly reader: SnapshotReader,
    private readonly refreshMs?: number,
  ) {
    this.state = { state: 'syncing', source: reader.source, degraded: [] };
  }

  async start(): Promise<void> {
    await this.reload();
    if (this.refreshMs) {
      this.timer = setInterval(() => this.reload(), this.refreshMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.listeners.clear();
    await this.reading;
  }

  /** Reads the snapshot again; concurrent calls share one read. */
  reload(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  objects(): SourcedObject[] | undefined {
    return this.current;
  }

  status(): ClusterStatus {
    return this.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async readOnce(): Promise<void> {
    const before = { objects: this.current, state: this.state.state };
    try {
      const { objects, notes } = await this.reader.read();
      this.current = objects;
      this.state = {
        state: 'synced',
        source: this.reader.source,
        lastSyncedAt: new Date().toISOString(),
        degraded: [],
        // Shown as the cluster's caveat: what the GitOps controller applies that was not read.
        ...(notes.length ? { notes } : {}),
      };
    } catch (error) {
      const message = (error as Error).message;
      this.state = this.current
        ? {
            ...this.state,
            state: 'stale',
            staleSince: this.state.staleSince ?? new Date().toISOString(),
            message,
          }
        : {
            state: 'failed',
            source: this.reader.source,
            message,
            degraded: [],
          };
    }
    // A reader returns the same objects while nothing changed: no model rebuild then.
    if (before.objects !== this.current || before.state !== this.state.state) {
      this.listeners.forEach(listener => listener());
    }
  }
}
