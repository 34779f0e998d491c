/**
 * One backend replica for `--clusters` and `--replicas`: the plugin in a Backstage test
 * backend in its own process, so its RSS is its own and two replicas run side by side
 * as two pods would. The parent sends `{ type: 'start', config, entities }` (over IPC, so
 * the clusters' tokens are not in the process list); with `backend.database` set, the real database and scheduler services run
 * over it (replicas then share that database, as a deployment's replicas do).
 * It answers the parent's messages: `memory` (peak and current RSS, heap), `close`.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { zeroTrustPlugin } from '../src/plugin';

interface StartMessage {
  type: 'start';
  config: JsonObject & { backend?: { database?: JsonObject } };
  entities: Entity[];
}

async function main() {
  const { config, entities } = await new Promise<StartMessage>(resolve => {
    const onMessage = (message: StartMessage) => {
      if (message.type !== 'start') return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
  const started = Date.now();
  const backend = await startTestBackend({
    features: [
      zeroTrustPlugin,
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
      process.send!({
        type: 'memory',
        // ru_maxrss, in KiB on Linux: the peak over the process's life, not sampled.
        peakRss: process.resourceUsage().maxRSS * 1024,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
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
