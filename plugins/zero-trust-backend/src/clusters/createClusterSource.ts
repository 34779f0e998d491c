import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterConfig } from '../config/clusterConfig';
import { ClusterSource } from './ClusterSource';
import { FailedClusterSource } from './FailedClusterSource';
import { SnapshotClusterSource } from './SnapshotClusterSource';

export function createClusterSource(
  config: ClusterConfig,
  _logger: LoggerService,
): ClusterSource {
  switch (config.kind) {
    case 'snapshot':
      return new SnapshotClusterSource(config.name, config.path);
    case 'unsupported':
      return new FailedClusterSource(config.name, config.reason);
    default:
      return new FailedClusterSource(
        config.name,
        'live clusters: not wired yet',
      );
  }
}
