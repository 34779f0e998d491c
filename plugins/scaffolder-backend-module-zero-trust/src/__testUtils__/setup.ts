import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  MeshModel,
  check,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadClusterSnapshot } from '@zero-trust/backstage-plugin-zero-trust-node';
import { readGitopsConfig } from '../config';
import { GitopsRepositories } from '../gitops/GitopsRepositories';

/** The repositories service the module builds, from a test's config. */
export function repositoriesFor(data: object): GitopsRepositories {
  const config = new ConfigReader(data);
  const integrations = ScmIntegrations.fromConfig(config);
  return new GitopsRepositories({
    integrations,
    githubCredentialsProvider:
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    config: readGitopsConfig(config),
  });
}

/** The demo's onboarding: inventory-api, called by productpage (GET) and Prometheus. */
export const inventoryInput = {
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
  component: 'component:default/inventory-api',
  owner: 'group:default/team-supply',
};

export const inventoryBranch =
  'zero-trust/onboard-backend-inventory-inventory-api';

/**
 * What the engine decides for callers of inventory-api in a checkout of the GitOps
 * repository: the round trip from the generated YAML back to access decisions.
 * `repoUrls`: the URLs its Applications name it by (the demo's), followed as Argo CD does.
 */
export async function inventoryAccess(checkout: string, repoUrls?: string[]) {
  const model = new MeshModel([
    await loadClusterSnapshot(
      'backend',
      path.join(checkout, 'clusters/backend'),
      { repoRoot: checkout, repoUrls },
    ),
  ]);
  return (from: string, method = 'GET', port = 8080) =>
    check(model, {
      from,
      to: 'inventory/inventory-api',
      port,
      method,
      path: '/stock',
    }).decision;
}
