import type {
  ClusterStatus,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { ClusterSource } from './ClusterSource';

/** A configured cluster that cannot be read at all; it still shows, with the reason. */
export class FailedClusterSource implements ClusterSource {
  constructor(readonly name: string, private readonly reason: string) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  objects(): SourcedObject[] | undefined {
    return undefined;
  }

  status(): ClusterStatus {
    return {
      state: 'failed',
      source: 'live',
      message: this.reason,
      degraded: [],
    };
  }

  onChange(): () => void {
    return () => {};
  }
}
