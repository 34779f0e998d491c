import { LoggerService } from '@backstage/backend-plugin-api';
import {
  buildClusterState,
  ClusterInfo,
  ClusterState,
  ClusterStateReadings,
  ClusterStatus,
  MeshModel,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { parseCertificates } from '@zero-trust/backstage-plugin-zero-trust-node';
import { ClusterSource } from './ClusterSource';
import { IncrementalFindingIndex } from './FindingIndex';
import { MeshView } from './MeshView';

interface Entry {
  source: ClusterSource;
  trustDomain?: string;
  /** The state built from the source's objects, until the source reports a change. */
  built?: ClusterState;
  /** The objects `built` was built from (a source hands out a new array when they change). */
  builtFrom?: SourcedObject[];
  changed: boolean;
  /**
   * What each object read into the last state: a change re-reads only the objects it
   * replaced (a live source keeps the others' identity), and the engine compiles only
   * the policies that changed.
   */
  readings: ClusterStateReadings;
}

/**
 * Every cluster source, and the engine's model over the last good state of each. The
 * model is rebuilt when a source changes (in the background, and at the latest on the
 * next read); clusters that never synced are left out of it but keep their status.
 */
export class MeshState {
  private readonly entries: Entry[];
  private view?: MeshView;
  private dirty = true;
  private timer?: NodeJS.Immediate;
  private readonly unsubscribe: (() => void)[] = [];
  /** Findings after a change are found again only where the change can reach. */
  private readonly detection = new IncrementalFindingIndex();

  constructor(
    clusters: { source: ClusterSource; trustDomain?: string }[],
    private readonly logger: LoggerService,
    /** How the findings are judged (`zeroTrust.findings`). */
    private readonly findingOptions: { dryRunMaxAgeDays?: number } = {},
  ) {
    this.entries = clusters.map(c => ({
      ...c,
      changed: true,
      readings: new WeakMap(),
    }));
  }

  async start(): Promise<void> {
    for (const entry of this.entries) {
      this.unsubscribe.push(
        entry.source.onChange(() => {
          // The model is built from the objects alone and the status is read fresh, so a
          // change of status (stale, synced again) keeps the model and what it derived:
          // at 100k workloads a rebuild's findings take a minute of CPU, and a busy
          // backend whose watches go quiet would otherwise rebuild on every flap.
          if (entry.source.objects() === entry.builtFrom && !entry.changed) {
            return;
          }
          entry.changed = true;
          this.scheduleRebuild();
        }),
      );
    }
    await Promise.all(
      this.entries.map(async ({ source }) => {
        try {
          await source.start();
        } catch (error) {
          // A source reports its own failures through status(); this is a bug guard.
          this.logger.error(
            `cluster ${source.name} failed to start`,
            error as Error,
          );
        }
      }),
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearImmediate(this.timer);
    this.unsubscribe.forEach(u => u());
    await Promise.all(this.entries.map(e => e.source.stop()));
  }

  /** The model over the latest state of every cluster that has one. */
  current(): MeshView {
    // A source's objects may have changed before its onChange is delivered (it is
    // called from a timer): never serve a model older than what the sources hold, while
    // their status already says current.
    const moved = this.entries.some(e => e.source.objects() !== e.builtFrom);
    if (moved) {
      this.entries.forEach(e => {
        if (e.source.objects() !== e.builtFrom) e.changed = true;
      });
    }
    if (this.dirty || moved || !this.view) {
      this.dirty = false;
      const states = this.entries.flatMap(entry => {
        const state = this.stateOf(entry);
        return state ? [state] : [];
      });
      this.view = new MeshView(
        new MeshModel(states),
        this.findingOptions,
        this.detection,
      );
    }
    return this.view;
  }

  status(cluster: string): ClusterStatus | undefined {
    const entry = this.entries.find(e => e.source.name === cluster);
    return entry && this.statusOf(entry);
  }

  clusterNames(): string[] {
    return this.entries.map(e => e.source.name);
  }

  clusters(): ClusterInfo[] {
    const summaries = this.current().summaries();
    return this.entries.map(entry => {
      const summary = summaries.get(entry.source.name);
      return {
        name: entry.source.name,
        ...(summary ? { summary } : {}),
        status: this.statusOf(entry),
      };
    });
  }

  /**
   * The source's status; for a cluster read from manifests that holds no workload, with
   * a note saying so, beside what the read skipped: an empty answer is then never taken
   * for a clean one (a folder of Applications of another repository reads as nothing).
   * A live cluster's emptiness is what the API server says, and needs no note.
   */
  private statusOf(entry: Entry): ClusterStatus {
    const status = entry.source.status();
    if (status.source === 'live') return status;
    this.current();
    if (!entry.built || entry.built.workloads.length) return status;
    return {
      ...status,
      notes: [
        ...(status.notes ?? []),
        `no workload found in cluster ${entry.source.name}'s manifests`,
      ],
    };
  }

  private stateOf(entry: Entry): ClusterState | undefined {
    if (entry.changed) {
      entry.changed = false;
      const objects = entry.source.objects();
      entry.builtFrom = objects;
      entry.built = objects
        ? buildClusterState(entry.source.name, objects, {
            trustDomain: entry.trustDomain,
            parseCertificates,
            readings: entry.readings,
          })
        : undefined;
    }
    return entry.built;
  }

  /**
   * Rebuilds in the background as soon as the events already read are applied, so pages
   * find the model ready. No fixed wait: a burst is coalesced because the rebuild runs
   * after the events read together, and those that arrive during a rebuild (which holds
   * the event loop) wait for the next one.
   */
  private scheduleRebuild() {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setImmediate(() => {
      this.timer = undefined;
      try {
        this.current();
      } catch (error) {
        this.logger.error('rebuilding the mesh model failed', error as Error);
      }
    });
    this.timer.unref?.();
  }
}
