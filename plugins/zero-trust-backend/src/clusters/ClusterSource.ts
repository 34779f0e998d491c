import type {
  ClusterStatus,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';

/**
 * One cluster's manifests, kept current: a live API server's informers or a snapshot
 * folder. The backend builds the engine's state from `objects()` whenever it changes.
 */
export interface ClusterSource {
  readonly name: string;
  /** Starts reading in the background; returns at once. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The last good, complete state; undefined before the first one. The same array until
   * it changes, so the backend can tell a change before `onChange` is delivered.
   */
  objects(): SourcedObject[] | undefined;
  status(): ClusterStatus;
  /** Called after `objects()` or `status()` changed. Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}
