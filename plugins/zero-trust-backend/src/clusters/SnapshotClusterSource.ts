import type {
  ClusterStatus,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import { ClusterSource } from './ClusterSource';

/**
 * A cluster read from a folder of manifests, as the CLI reads one. `reload()` re-reads it
 * (the tracking poller does so to see what a GitOps sync would apply); a failed reload
 * keeps serving the last good state as `stale`.
 */
export class SnapshotClusterSource implements ClusterSource {
  private current?: SourcedObject[];
  private state: ClusterStatus = {
    state: 'syncing',
    source: 'snapshot',
    degraded: [],
  };
  private readonly listeners = new Set<() => void>();

  constructor(readonly name: string, private readonly path: string) {}

  async start(): Promise<void> {
    await this.reload();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
  }

  async reload(): Promise<void> {
    try {
      this.current = await loadManifests(this.path);
      this.state = {
        state: 'synced',
        source: 'snapshot',
        lastSyncedAt: new Date().toISOString(),
        degraded: [],
      };
    } catch (error) {
      const message = `cannot read snapshot ${this.path}: ${
        (error as Error).message
      }`;
      this.state = this.current
        ? {
            ...this.state,
            state: 'stale',
            staleSince: this.state.staleSince ?? new Date().toISOString(),
            message,
          }
        : { state: 'failed', source: 'snapshot', message, degraded: [] };
    }
    this.listeners.forEach(listener => listener());
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
}
