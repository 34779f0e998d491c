import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { OnboardingPlan } from '@zero-trust/backstage-plugin-zero-trust-common';
import { startTestApiServer } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { ClusterSource } from '../../clusters/ClusterSource';
import { createClusterSource } from '../../clusters/createClusterSource';
import { readClusterConfigs } from '../../config/clusterConfig';
import { backendCluster } from './inventory';

import { eventually } from '../../__testUtils__/eventually';

export { eventually };

/**
 * The demo's backend cluster on a real (test) Kubernetes API server, read through the
 * backend's own live cluster source, as `zeroTrust.clusters` configures it.
 */
export async function liveBackendCluster(
  options: {
    /** Resources the source may not read (RBAC's spelling), as a 403 says. */
    forbidden?: string[];
  } = {},
) {
  const server = await startTestApiServer({
    objects: (await backendCluster()).map(o => o.object),
  });
  options.forbidden?.forEach(resource => server.forbid(resource));
  const { name, url, serviceAccountToken, skipTLSVerify } =
    server.connection('backend');
  const [config] = readClusterConfigs(
    new ConfigReader({
      zeroTrust: {
        clusters: [{ name, url, serviceAccountToken, skipTLSVerify }],
      },
    }),
  );
  const source: ClusterSource = createClusterSource(
    config,
    mockServices.logger.mock(),
    { debounceMs: 20, backoff: { baseMs: 50, capMs: 200 } },
  );
  await source.start();
  await eventually(
    () => source.status().state === 'synced',
    'the live source to sync',
  );

  /** Applies a plan as a GitOps controller would, and waits until the source sees it. */
  const sync = async (plan: OnboardingPlan, resources = plan.resources) => {
    const namespace = (await backendCluster())
      .map(o => o.object as any)
      .find(
        o =>
          o.kind === 'Namespace' && o.metadata.name === plan.request.namespace,
      );
    server.apply({
      ...namespace,
      metadata: {
        ...namespace.metadata,
        labels: { ...namespace.metadata.labels, ...plan.namespaceLabels },
      },
    });
    for (const resource of resources) server.apply(resource);
    const seen = (r: (typeof resources)[number]) =>
      (source.objects() ?? []).some(({ object }) => {
        const o = object as any;
        return (
          o.kind === r.kind &&
          o.metadata.namespace === r.metadata.namespace &&
          o.metadata.name === r.metadata.name &&
          JSON.stringify(o.spec) === JSON.stringify(r.spec)
        );
      });
    await eventually(
      () => resources.every(seen),
      'the live source to see the change',
    );
  };

  const close = async () => {
    await source.stop();
    await server.close();
  };
  return { server, source, sync, close };
}
