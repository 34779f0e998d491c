/**
 * One backend in a Backstage test backend in its own process, so its RSS and CPU are its
 * own, the load generator does not share its event loop, and two replicas run side by
 * side as two pods would. The parent sends `{ type: 'start', config, entities, plugin }`
 * (over IPC, so the clusters' tokens are not in the process list): `plugin` is this
 * plugin (the default) or `kubernetes`, Backstage's Kubernetes plugin backend, for the
 * comparison. With `backend.database` set, the real database and scheduler services run
 * over it (replicas then share that database, as a deployment's replicas do).
 * It answers the parent's messages: `memory` (peak and current RSS, heap, CPU used),
 * `heapLive` (the heap left after a full collection, with `--expose-gc`), `close`.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';
import { zeroTrustPlugin } from '../src/plugin';

interface StartMessage {
  type: 'start';
  plugin?: 'zero-trust' | 'kubernetes';
  /** Another checkout of this repository: its plugin instead of this one's (`--base`). */
  checkout?: string;
  config: JsonObject & { backend?: { database?: JsonObject } };
  entities: Entity[];
}

/** This checkout's plugin, or another's, resolved from that checkout's own modules. */
function ourPlugin(checkout?: string): typeof zeroTrustPlugin {
  if (!checkout) return zeroTrustPlugin;
  return require(path.join(
    checkout,
    'plugins/zero-trust-backend/src/plugin.ts',
  )).zeroTrustPlugin;
}

async function main() {
  const { config, entities, plugin, checkout } =
    await new Promise<StartMessage>(resolve => {
      const onMessage = (message: StartMessage) => {
        if (message.type !== 'start') return;
        process.off('message', onMessage);
        resolve(message);
      };
      process.on('message', onMessage);
    });
  // Loaded before the clock starts, as this checkout's plugin is (imported above).
  const ours = ourPlugin(checkout);
  const started = Date.now();
  const backend = await startTestBackend({
    features: [
      plugin === 'kubernetes'
        ? import('@backstage/plugin-kubernetes-backend')
        : ours,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: config }),
      ...(config.backend?.database
        ? [databaseServiceFactory, schedulerServiceFactory]
        : []),
    ],
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'memory') {
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send!({
        type: 'memory',
        // ru_maxrss, in KiB on Linux: the peak over the process's life, not sampled.
        peakRss: process.resourceUsage().maxRSS * 1024,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    } else if (message.type === 'heapLive') {
      // What the backend holds, without the garbage not yet collected (`--expose-gc`).
      (global as { gc?: () => void }).gc?.();
      process.send!({
        type: 'heapLive',
        bytes: process.memoryUsage().heapUsed,
      });
    } else if (message.type === 'close') {
      backend.stop().then(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', port: backend.server.port(), started });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
