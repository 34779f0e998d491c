import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { runAction } from '../__testUtils__/actionContext';
import { onboardingActions, runOnboarding } from '../__testUtils__/onboarding';
import {
  checkoutBranch,
  changedFiles,
  createBareRepository,
  git,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import { startRequestsServer } from '../__testUtils__/requestsServer';
import {
  inventoryAccess,
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';
import { createGitopsPullRequestAction } from './gitopsPullRequest';
import { createPolicyPromoteAction } from './policyPromote';

// Real git clones and pushes, real kustomize renders: wide timeouts for a busy machine.
jest.setTimeout(120_000);

const promoteBranch = 'zero-trust/promote-backend-inventory-inventory-api';

describe('zero-trust:policy:promote', () => {
  let bare: string;
  let backend: Awaited<ReturnType<typeof startRequestsServer>>;
  const repositories = () =>
    repositoriesFor({ zeroTrust: { gitops: { plainGit: { url: bare } } } });

  beforeEach(async () => {
    bare = await createBareRepository(
      path.join(await temporaryFolder(), 'gitops.git'),
    );
    backend = await startRequestsServer();
  });
  afterEach(() => backend.stop());
  afterAll(removeTemporaryFolders);

  /** The dry-run onboarding, recorded and merged into main. */
  async function dryRunMerged() {
    await runOnboarding(
      onboardingActions({
        repositories: repositories(),
        recorder: backend.recorder,
      }),
      { ...inventoryInput, rollout: 'dry-run' },
    );
    await git(
      bare,
      'update-ref',
      'refs/heads/main',
      `refs/heads/${inventoryBranch}`,
    );
  }

  const promote = (input: Record<string, unknown>, workspacePath: string) =>
    runAction(
      createPolicyPromoteAction({
        repositories: repositories(),
        requests: backend.requests,
      }),
      { targetPath: 'gitops', ...input },
      { workspacePath },
    );
  const publish = (workspacePath: string) =>
    runAction(
      createGitopsPullRequestAction({
        repositories: repositories(),
        recorder: backend.recorder,
      }),
      { sourcePath: 'gitops' },
      { workspacePath },
    );

  it('names the promotion, not an onboarding, when its pull request cannot be opened', async () => {
    await dryRunMerged();
    const workspacePath = await temporaryFolder('zt-ws-');
    await promote({ requestId: 'request-1' }, workspacePath);
    // The remote is gone by the time the branch is pushed.
    await fs.rm(bare, { recursive: true, force: true });
    await expect(publish(workspacePath)).rejects.toThrow(
      /^Could not open the pull request "Enforce the dry-run policies of inventory\/inventory-api in backend" in /,
    );
  });

  it('removes the dry-run annotations in place, and the pull request enforces exactly the requested callers', async () => {
    await dryRunMerged();
    const mainBefore = (await refs(bare))['refs/heads/main'];
    const dryAccess = await inventoryAccess(await checkoutBranch(bare, 'main'));
    // Logged only: reviews is not stopped by the dry-run policies.
    const reviewsBefore = dryAccess('bookinfo/reviews-v1');

    const workspacePath = await temporaryFolder('zt-ws-');
    const { outputs } = await promote(
      { requestId: 'request-1' },
      workspacePath,
    );
    expect(outputs.promoted).toEqual([
      'inventory/inventory-api-callers',
      'inventory/allow-nothing',
    ]);
    expect(outputs.branch).toBe(promoteBranch);
    expect(outputs.description).toContain('## What becomes enforced');
    expect(outputs.description).toContain('`inventory/inventory-api-callers`');
    // Read as the user who runs the template.
    expect(backend.gets[0]).toMatchObject({
      url: '/api/zero-trust/onboarding/requests/request-1',
      authorization: expect.stringContaining('"obo":"user:'),
    });

    const published = await publish(workspacePath);
    expect(published.outputs).toMatchObject({
      pushed: true,
      branch: promoteBranch,
      targetBranch: 'main',
      recorded: true,
    });
    const files = await changedFiles(bare, mainBefore, promoteBranch);
    expect(files).toEqual([...(outputs.changedFiles as string[])].sort());
    expect(files).toHaveLength(2);

    // The round trip: check on the pushed branch.
    const access = await inventoryAccess(
      await checkoutBranch(bare, promoteBranch),
    );
    expect(access('bookinfo/productpage', 'GET')).toBe('ALLOW');
    expect(access('bookinfo/productpage', 'POST')).toBe('DENY');
    expect(access('bookinfo/reviews-v1')).toBe('DENY');
    expect(access('plaintext')).toBe('DENY');
    // What the description said it would deny is what changed.
    expect(
      (outputs.wouldDeny as string[]).some(d =>
        d.endsWith('→ backend/inventory/inventory-api'),
      ),
    ).toBe(reviewsBefore === 'ALLOW');

    // Recorded as the request enforced, for the tracker to follow.
    const recorded = backend.posts[1].body;
    expect(recorded.request.rollout).toBe('enforce');
    expect(recorded.pullRequest.branch).toBe(promoteBranch);
    expect(
      recorded.change.resources.filter(r => r.metadata.annotations),
    ).toEqual([]);
  });

  it("finds an entity's one dry-run request, and refuses what it cannot promote", async () => {
    await dryRunMerged();
    const { outputs } = await promote(
      { entityRef: 'component:default/inventory-api' },
      await temporaryFolder('zt-ws-'),
    );
    expect(outputs.promoted).toHaveLength(2);

    await expect(
      promote({ requestId: 'request-9' }, await temporaryFolder('zt-ws-')),
    ).rejects.toThrow('no onboarding request request-9');
    await expect(promote({}, await temporaryFolder('zt-ws-'))).rejects.toThrow(
      'name exactly one of requestId and entityRef',
    );
    await expect(
      promote(
        { entityRef: 'component:default/nothing' },
        await temporaryFolder('zt-ws-'),
      ),
    ).rejects.toThrow('has no onboarding request rolled out in dry-run');
  });

  it('refuses a request that was enforced from the start', async () => {
    await runOnboarding(
      onboardingActions({
        repositories: repositories(),
        recorder: backend.recorder,
      }),
      inventoryInput,
    );
    await expect(
      promote({ requestId: 'request-1' }, await temporaryFolder('zt-ws-')),
    ).rejects.toThrow('was not rolled out in dry-run');
  });

  it("runs as templates/promote-dry-run says, the tracker's requestId filled in and the component left empty", async () => {
    await dryRunMerged();
    const template = yaml.parse(
      await fs.readFile(
        path.resolve(
          __dirname,
          '../../../../templates/promote-dry-run/template.yaml',
        ),
        'utf8',
      ),
    );
    const parameters: Record<string, unknown> = {
      requestId: 'request-1',
      entityRef: '',
    };
    // Each `${{ parameters.X }}` as the scaffolder fills it (a whole value, type kept).
    const render = (input: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(input).map(([k, v]) => {
          const m = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(String(v));
          return [k, m ? parameters[m[1]] : v];
        }),
      );
    const [promoteStep, publishStep] = template.spec.steps;
    expect([promoteStep.action, publishStep.action]).toEqual([
      'zero-trust:policy:promote',
      'zero-trust:gitops:pull-request',
    ]);
    const workspacePath = await temporaryFolder('zt-ws-');
    const options = { workspacePath };
    await runAction(
      createPolicyPromoteAction({
        repositories: repositories(),
        requests: backend.requests,
      }),
      render(promoteStep.input),
      options,
    );
    const { outputs } = await runAction(
      createGitopsPullRequestAction({
        repositories: repositories(),
        recorder: backend.recorder,
      }),
      render(publishStep.input),
      options,
    );
    expect(outputs).toMatchObject({ pushed: true, branch: promoteBranch });
  });
});
