import { LoggerService } from '@backstage/backend-plugin-api';
import { LiveClusterSource } from '@zero-trust/backstage-plugin-zero-trust-node/live';
import { ClusterConfig } from '../config/clusterConfig';
import { ClusterSource } from './ClusterSource';
import { FailedClusterSource } from './FailedClusterSource';
import { gitReader } from './gitReader';
import { folderReader, SnapshotClusterSource } from './SnapshotClusterSource';

const seconds = (s?: number) => (s ? s * 1000 : undefined);

/** Options for live sources; tests and benchmarks shorten the waits. */
export type LiveSourceOptions = ConstructorParameters<
  typeof LiveClusterSource
>[1];

export function createClusterSource(
  config: ClusterConfig,
  logger: LoggerService,
  liveOptions: LiveSourceOptions = {},
): ClusterSource {
  switch (config.kind) {
    case 'snapshot':
      return new SnapshotClusterSource(
        config.name,
        folderReader(config.path),
        seconds(config.refreshSeconds),
      );
    case 'git':
      return new SnapshotClusterSource(
        config.name,
        gitReader(config.git),
        seconds(config.refreshSeconds),
      );
    case 'failed':
      return new FailedClusterSource(config.name, config.reason);
    default:
      return new LiveClusterSource(config.connection, {
        logger: logger.child({ cluster: config.name }),
        ...liveOptions,
      });
  }
}
