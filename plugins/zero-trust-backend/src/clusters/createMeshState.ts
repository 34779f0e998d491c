import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { readClusterConfigs, readLiveOptions } from '../config/clusterConfig';
import { ClusterSource } from './ClusterSource';
import { createClusterSource } from './createClusterSource';
import { MeshState } from './MeshState';

/** The configured clusters' sources and the mesh state over them, started. */
export async function createMeshState(
  config: RootConfigService,
  logger: LoggerService,
): Promise<{ mesh: MeshState; sources: ClusterSource[] }> {
  const clusters = readClusterConfigs(config);
  const liveOptions = readLiveOptions(config);
  const sources = clusters.map(c =>
    createClusterSource(c, logger, liveOptions),
  );
  const dryRunMaxAgeDays = config.getOptionalNumber(
    'zeroTrust.findings.dryRunMaxAgeDays',
  );
  const mesh = new MeshState(
    sources.map((source, i) => ({
      source,
      trustDomain: clusters[i].trustDomain,
    })),
    logger,
    dryRunMaxAgeDays === undefined ? {} : { dryRunMaxAgeDays },
  );
  await mesh.start();
  logger.info(
    `reading ${clusters.length} cluster(s): ${
      clusters.map(c => `${c.name} (${c.kind})`).join(', ') || 'none'
    }`,
  );
  for (const c of clusters) {
    if (c.kind === 'failed') logger.warn(`cluster ${c.name}: ${c.reason}`);
  }
  return { mesh, sources };
}
