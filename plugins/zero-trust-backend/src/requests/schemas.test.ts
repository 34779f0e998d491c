import {
  buildClusterState,
  MeshModel,
  parseOnboardingRequest,
  planOnboarding,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import {
  backendCluster,
  githubPullRequest,
  inventoryRequest,
  recordInput,
} from './__testUtils__/inventory';
import { recordInputSchema } from './schemas';

describe('recordInputSchema', () => {
  it("accepts a dry-run request's record, with the policies' istio.io/dry-run annotation", async () => {
    const request = parseOnboardingRequest({
      ...inventoryRequest,
      rollout: 'dry-run',
    });
    const model = new MeshModel([
      buildClusterState('backend', await backendCluster()),
    ]);
    const plan = planOnboarding(request, model);
    const input = recordInput(plan, {
      request,
      pullRequest: githubPullRequest(),
    });
    const parsed = recordInputSchema.parse(input);
    expect(parsed.request.rollout).toBe('dry-run');
    const annotated = parsed.change.resources.filter(
      r => r.metadata.annotations?.['istio.io/dry-run'] === 'true',
    );
    expect(annotated.map(r => r.metadata.name).sort()).toEqual(
      plan.resources
        .filter(r => r.kind === 'AuthorizationPolicy')
        .map(r => r.metadata.name)
        .sort(),
    );
    expect(annotated.length).toBeGreaterThan(0);

    // Metadata holds nothing else.
    const extra = structuredClone(input);
    (extra.change.resources[0].metadata as any).finalizers = ['x'];
    expect(recordInputSchema.safeParse(extra).success).toBe(false);
    expect(
      recordInputSchema.safeParse({
        ...input,
        request: { ...input.request, rollout: 'later' },
      }).success,
    ).toBe(false);
  });
});
