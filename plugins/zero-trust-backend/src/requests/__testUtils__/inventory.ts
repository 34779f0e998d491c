import {
  buildClusterState,
  MeshModel,
  OnboardingPlan,
  OnboardingPullRequest,
  OnboardingRequestRecordInput,
  parseOnboardingRequest,
  planOnboarding,
  SourcedObject,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { loadManifests } from '@zero-trust/backstage-plugin-zero-trust-node';
import path from 'node:path';
import { repoRoot } from '../../__fixtures__/catalog';

/** The demo's onboarding: inventory-api, called by productpage (GET) and Prometheus. */
export const inventoryRequest = parseOnboardingRequest({
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  ports: [{ name: 'http', port: 8080, protocol: 'HTTP' }],
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'] },
    { namespace: 'monitoring', ports: [8080] },
  ],
});

/** The demo's backend cluster (examples/clusters/backend), as manifests. */
export function backendCluster(): Promise<SourcedObject[]> {
  return loadManifests(path.join(repoRoot, 'examples/clusters/backend'));
}

/** What the engine generates for inventory-api in the demo's backend cluster. */
export async function inventoryPlan(): Promise<OnboardingPlan> {
  const model = new MeshModel([
    buildClusterState('backend', await backendCluster()),
  ]);
  return planOnboarding(inventoryRequest, model);
}

export const githubPullRequest = (number = 7): OnboardingPullRequest => ({
  provider: 'github',
  host: 'github.example.com',
  repository: 'platform/gitops',
  url: `https://github.example.com/platform/gitops/pull/${number}`,
  number,
  branch: 'zero-trust/onboard-backend-inventory-inventory-api',
  baseBranch: 'main',
  headSha: 'a'.repeat(40),
});

/** What the pull request action records for a plan, with `overrides` on top. */
export function recordInput(
  plan: OnboardingPlan,
  overrides: Partial<OnboardingRequestRecordInput> = {},
): OnboardingRequestRecordInput {
  return {
    request: inventoryRequest,
    requestedBy: 'user:default/guest',
    entityRef: 'component:default/inventory-api',
    cluster: plan.cluster,
    namespace: plan.request.namespace,
    service: plan.request.service,
    pullRequest: githubPullRequest(),
    change: {
      namespace: plan.request.namespace,
      namespaceLabels: plan.namespaceLabels,
      resources: plan.resources,
    },
    ...overrides,
  };
}
