/**
 * Onboarding request records as `GET /onboarding/requests` answers them. The change in
 * each is what the engine's `planOnboarding` generates over the fixture mesh, so the
 * resources are the ones a real pull request would carry.
 */
import {
  OnboardingChangeSummary,
  OnboardingDrift,
  OnboardingRequest,
  OnboardingRequestRecord,
  OnboardingRequestState,
  parseOnboardingRequest,
  planOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { bookinfoModel } from '../../../__fixtures__/security';

/** inventory-api (not in the mesh yet) onboarded for productpage's GET calls. */
export const inventoryRequest: OnboardingRequest = parseOnboardingRequest({
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  allowedCallers: [
    { workload: 'bookinfo/productpage', methods: ['GET'], paths: ['/items/*'] },
  ],
});

/** edge-cache, a new service in the edge cluster, called by the gateway. */
export const edgeCacheRequest: OnboardingRequest = parseOnboardingRequest({
  service: 'edge-cache',
  namespace: 'edge',
  cluster: 'edge',
  ports: [{ name: 'http', port: 8080 }],
  allowedCallers: [{ workload: 'edge/edge-gateway' }],
});

/** The change the engine plans for `request` over the fixture mesh. */
export function plannedChange(
  request: OnboardingRequest = inventoryRequest,
): OnboardingChangeSummary {
  const plan = planOnboarding(request, bookinfoModel());
  return {
    namespace: plan.request.namespace,
    namespaceLabels: plan.namespaceLabels,
    resources: plan.resources,
  };
}

const createdAt = '2025-05-01T09:00:00.000Z';

/** A GitHub pull request record for `request` (inventory-api by default), in `state`. */
export function requestRecord(
  state: OnboardingRequestState,
  overrides: Partial<OnboardingRequestRecord> = {},
  request: OnboardingRequest = inventoryRequest,
): OnboardingRequestRecord {
  const merged = state !== 'open' && state !== 'closed' && state !== 'failed';
  const { service, namespace, cluster = 'backend' } = request;
  return {
    id: `req-${service}-${state}`,
    state,
    request,
    requestedBy: 'user:default/jdoe',
    entityRef: `component:default/${service}`,
    cluster,
    namespace,
    service,
    pullRequest: {
      provider: 'github',
      host: 'github.com',
      repository: 'acme/gitops',
      url: 'https://github.com/acme/gitops/pull/42',
      number: 42,
      branch: `zero-trust/onboard-${cluster}-${namespace}-${service}`,
      baseBranch: 'main',
      headSha: 'a'.repeat(40),
    },
    change: plannedChange(request),
    drift: [],
    createdAt,
    updatedAt: createdAt,
    ...(merged ? { mergedAt: '2025-05-01T10:00:00.000Z' } : {}),
    ...(state === 'converged'
      ? { convergedAt: '2025-05-01T10:05:00.000Z' }
      : {}),
    lastCheckedAt: '2025-05-01T11:00:00.000Z',
    ...overrides,
  };
}

/** How a cluster that changed the callers policy by hand differs from the change. */
export function callersDrift(
  change: OnboardingChangeSummary,
): OnboardingDrift[] {
  const policy = change.resources.find(
    r =>
      r.kind === 'AuthorizationPolicy' && r.metadata.name.endsWith('-callers'),
  )!;
  const ref = {
    kind: policy.kind,
    namespace: policy.metadata.namespace,
    name: policy.metadata.name,
  };
  return [
    {
      type: 'missingLabel',
      namespace: change.namespace,
      label: 'istio-injection',
      expected: 'enabled',
      actual: 'disabled',
      message: `namespace ${change.namespace} has istio-injection=disabled, not enabled`,
    },
    {
      type: 'differentSpec',
      resource: ref,
      differences: [
        {
          path: 'rules[0].to[0].operation.methods[1]',
          actual: 'POST',
        },
        {
          path: 'action',
          expected: 'ALLOW',
          actual: 'AUDIT',
        },
      ],
      message: `${ref.kind} ${ref.namespace}/${ref.name} differs at rules[0].to[0].operation.methods[1], action`,
    },
  ];
}
