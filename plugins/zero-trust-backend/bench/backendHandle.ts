import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { Child } from './child';

/**
 * A backend in a process of its own (`backendProcess.ts`): its RSS and CPU are its own,
 * and the load generator here does not share its event loop or its cores' time slices
 * with it beyond what two processes on one machine share.
 */
export class BackendProcess {
  private constructor(
    private readonly child: Child,
    readonly port: number,
    /** When the process started building the backend (its clock is this one's). */
    readonly started: number,
  ) {}

  static async start(
    plugin: 'zero-trust' | 'kubernetes',
    config: JsonObject,
    entities: Entity[],
    nodeFlags: string[] = [],
    /** Another checkout whose plugin to run instead of this one's. */
    checkout?: string,
  ) {
    const { child, ready } = await Child.start(
      'backendProcess.ts',
      [],
      // `gc` for `heapLive` alone: a full collection when it is asked, never otherwise.
      ['--expose-gc', ...nodeFlags],
      { plugin, config, entities, checkout },
    );
    return new BackendProcess(child, ready.port, ready.started);
  }

  /** Peak RSS (`ru_maxrss`), current RSS and heap, and CPU used so far. */
  usage(): Promise<{
    peakRss: number;
    rss: number;
    heapUsed: number;
    cpuMs: number;
  }> {
    return this.child.ask({ type: 'memory' });
  }

  /** The heap left after a full collection: what the backend holds. */
  async heapLive(): Promise<number> {
    return (await this.child.ask({ type: 'heapLive' })).bytes;
  }

  close(): Promise<void> {
    return this.child.close();
  }
}
