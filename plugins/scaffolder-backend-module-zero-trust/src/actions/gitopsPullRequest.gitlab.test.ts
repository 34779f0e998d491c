import { useGitlab } from '../__testUtils__/forgeFakes';
import { GitHttpServer } from '../__testUtils__/gitHttpServer';
import { GitlabFake } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import {
  checkoutBranch,
  createBareRepository,
  refs,
} from '../__testUtils__/repositories';
import { onboardingActions, runOnboarding } from '../__testUtils__/onboarding';
import {
  inventoryAccess,
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';

const token = 'glpat-Z3r0TrustGitlabT0ken0001';

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:gitops:pull-request on GitLab', () => {
  const forge = useGitlab({ token, project: 'platform/mesh/gitops' });
  let bare: string;
  let git: GitHttpServer;
  let gitlab: GitlabFake;
  let input: Record<string, unknown>;

  const action = (reviewers = ['grace.hopper', 'alan.turing']) =>
    onboardingActions({
      repositories: repositoriesFor({
        integrations: {
          gitlab: [
            {
              host: git.host,
              apiBaseUrl: `${git.origin}/api/v4`,
              baseUrl: git.origin,
              token,
            },
          ],
        },
        zeroTrust: {
          gitops: {
            gitlab: { labels: ['zero-trust', 'mesh onboarding'], reviewers },
          },
        },
      }),
    });

  beforeEach(async () => {
    ({ git, fake: gitlab } = forge);
    bare = await createBareRepository(forge.repositoryPath);
    input = {
      ...inventoryInput,
      repoUrl: `${git.host}?owner=platform/mesh&repo=gitops`,
    };
  });

  const calls = () => gitlab.requests.map(r => `${r.method} ${r.route}`);

  it('opens a labelled merge request with reviewers, as the API documents', async () => {
    const { outputs } = await runOnboarding(action(), input);

    expect(outputs).toMatchObject({
      pullRequestUrl: gitlab.mergeRequestUrl(1),
      pullRequestNumber: 1,
      branch: inventoryBranch,
      targetBranch: 'main',
      pushed: true,
    });
    expect(calls()).toEqual([
      'GET /projects/:id',
      'GET /projects/:id/merge_requests',
      'POST /projects/:id/merge_requests',
      'GET /users',
      'GET /users',
      'PUT /projects/:id/merge_requests/:iid',
    ]);
    // The project by its full path, URL-encoded as one path segment.
    expect(gitlab.requests[0].url).toContain(
      '/projects/platform%2Fmesh%2Fgitops',
    );
    const find = new URL(gitlab.requests[1].url).searchParams;
    expect(find.get('source_branch')).toBe(inventoryBranch);
    expect(find.get('state')).toBe('opened');
    expect(gitlab.requests[2].body).toMatchObject({
      source_branch: inventoryBranch,
      target_branch: 'main',
      title: 'Onboard inventory/inventory-api to the mesh in backend',
      labels: 'zero-trust,mesh onboarding',
    });
    expect(gitlab.requests[5].body).toEqual({ reviewer_ids: [7, 8] });
    expect(gitlab.mergeRequests[0].labels).toEqual([
      'zero-trust',
      'mesh onboarding',
    ]);
    expect(gitlab.mergeRequests[0].description).toContain(
      '`spiffe://internal.example/ns/inventory/sa/inventory`',
    );
    expect(gitlab.requests.every(r => r.token === token)).toBe(true);
    expect(git.pushes).toBe(1);

    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('identity/identity-api')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');
  });

  it('re-run with the same request: pushes nothing and returns the open merge request', async () => {
    const first = await runOnboarding(action(), input);
    const pushed = await refs(bare);
    gitlab.requests.length = 0;

    const second = await runOnboarding(action(), input);
    expect(second.outputs).toMatchObject({
      pullRequestUrl: first.outputs.pullRequestUrl,
      pullRequestNumber: 1,
      pushed: false,
    });
    expect(await refs(bare)).toEqual(pushed);
    expect(git.pushes).toBe(1);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(calls()).toEqual([
      'GET /projects/:id',
      'GET /projects/:id/merge_requests',
    ]);
  });

  it('a changed request updates the same merge request', async () => {
    await runOnboarding(action(), input);
    gitlab.requests.length = 0;
    const { outputs } = await runOnboarding(action(), {
      ...input,
      mtlsMode: 'PERMISSIVE',
    });
    expect(outputs).toMatchObject({ pullRequestNumber: 1, pushed: true });
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(calls()).toEqual([
      'GET /projects/:id',
      'GET /projects/:id/merge_requests',
      'PUT /projects/:id/merge_requests/:iid',
    ]);
    expect(gitlab.requests[2].body.description).toContain('PERMISSIVE');
    expect(gitlab.mergeRequests[0].description).toContain('PERMISSIVE');
  });

  it('logs a reviewer GitLab does not know and still opens the merge request', async () => {
    const { outputs, lines } = await runOnboarding(
      action(['grace.hopper', 'nobody-here']),
      input,
    );
    expect(outputs.pullRequestNumber).toBe(1);
    expect(gitlab.mergeRequests[0].reviewer_ids).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /warn Could not add reviewers to merge request !1: no GitLab user nobody-here/,
    );
    const leaked = lines.filter(l => l.includes(token));
    expect(leaked).toEqual([]);
  });
});
