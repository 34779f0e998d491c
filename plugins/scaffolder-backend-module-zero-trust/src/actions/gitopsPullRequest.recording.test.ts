import path from 'node:path';
import { http, passthrough } from 'msw';
import { useGithub } from '../__testUtils__/forgeFakes';
import {
  createBareRepository,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import { startRequestsServer } from '../__testUtils__/requestsServer';
import { onboardingActions, runOnboarding } from '../__testUtils__/onboarding';
import {
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:gitops:pull-request records what it opened with the zero-trust backend', () => {
  let bare: string;
  let backend: Awaited<ReturnType<typeof startRequestsServer>>;

  const action = () =>
    onboardingActions({
      repositories: repositoriesFor({
        zeroTrust: { gitops: { plainGit: { url: bare } } },
      }),
      recorder: backend.recorder,
    });

  beforeEach(async () => {
    bare = await createBareRepository(
      path.join(await temporaryFolder(), 'gitops.git'),
    );
    backend = await startRequestsServer();
  });
  afterEach(() => backend.stop());
  afterAll(removeTemporaryFolders);

  it('records the pushed branch once, as a service, with the generated change', async () => {
    const { outputs, lines } = await runOnboarding(action(), inventoryInput);

    expect(backend.posts).toHaveLength(1);
    const [{ authorization, body }] = backend.posts;
    expect(authorization).toMatch(/^Bearer mock-service-token:.*zero-trust/);
    const url = new URL(`file://${bare}`).href;
    expect(body.pullRequest).toEqual({
      provider: 'git',
      repository: url,
      url: outputs.pullRequestUrl,
      branch: inventoryBranch,
      baseBranch: 'main',
      headSha: (await refs(bare))[`refs/heads/${inventoryBranch}`],
    });
    expect(body).toMatchObject({
      requestedBy: 'user:default/guest',
      entityRef: 'component:default/inventory-api',
      cluster: 'backend',
      namespace: 'inventory',
      service: 'inventory-api',
      request: {
        service: 'inventory-api',
        namespace: 'inventory',
        allowedCallers: inventoryInput.allowedCallers,
      },
    });
    expect(body.change.namespaceLabels).toEqual({
      'istio-injection': 'enabled',
    });
    expect(body.change.resources.map(r => r.kind).sort()).toEqual([
      'AuthorizationPolicy',
      'AuthorizationPolicy',
      'DestinationRule',
    ]);
    expect(outputs).toMatchObject({ recorded: true, requestId: 'request-1' });
    expect(lines.join('\n')).toContain('Recorded onboarding request request-1');
  });

  it('updates the same record when re-run, also after the request changed', async () => {
    await runOnboarding(action(), inventoryInput);
    const again = await runOnboarding(action(), inventoryInput);
    expect(again.outputs).toMatchObject({
      pushed: false,
      recorded: true,
      requestId: 'request-1',
    });
    expect(backend.posts[1].body.pullRequest.headSha).toBe(
      backend.posts[0].body.pullRequest.headSha,
    );

    const changed = await runOnboarding(action(), {
      ...inventoryInput,
      allowedCallers: [{ workload: 'bookinfo/reviews-v1' }],
    });
    expect(changed.outputs).toMatchObject({
      pushed: true,
      requestId: 'request-1',
    });
    expect(backend.posts[2].body.pullRequest.headSha).toBe(
      (await refs(bare))[`refs/heads/${inventoryBranch}`],
    );
    expect(backend.posts[2].body.pullRequest.headSha).not.toBe(
      backend.posts[0].body.pullRequest.headSha,
    );
    expect(backend.records.size).toBe(1);
  });

  it('does not fail when the backend is down: the branch is pushed, the output and the log say it is not tracked', async () => {
    await backend.stop();
    const { outputs, lines } = await runOnboarding(action(), inventoryInput);
    expect(outputs).toMatchObject({ pushed: true, recorded: false });
    expect(outputs.requestId).toBeUndefined();
    expect((await refs(bare))[`refs/heads/${inventoryBranch}`]).toBeDefined();
    expect(lines.join('\n')).toMatch(
      /warn .* is open, but the zero-trust backend could not record it, so it is not tracked/,
    );
  });

  it('records nothing on a dry run, and nothing twice in a retried task', async () => {
    await runOnboarding(action(), inventoryInput, { isDryRun: true });
    expect(backend.posts).toEqual([]);

    const checkpoints = new Map<string, unknown>();
    const first = await runOnboarding(action(), inventoryInput, {
      checkpoints,
    });
    const retried = await runOnboarding(action(), inventoryInput, {
      checkpoints,
    });
    expect(backend.posts).toHaveLength(1);
    expect(retried.outputs.requestId).toBe(first.outputs.requestId);
  });
});

describe('zero-trust:gitops:pull-request records a GitHub pull request', () => {
  const token = 'ghp_Z3r0Trust5ecretT0kenForTests0002';
  const forge = useGithub({ token, owner: 'example-org', repo: 'gitops' });

  it('with its host, repository and number, for the backend to ask GitHub about', async () => {
    const { git, fake: github } = forge;
    await createBareRepository(forge.repositoryPath);
    const backend = await startRequestsServer();
    // GitHub is faked; the zero-trust backend is a real server on the loopback.
    forge.msw.use(http.all(`${backend.origin}/*`, () => passthrough()));
    try {
      const { outputs } = await runOnboarding(
        onboardingActions({
          repositories: repositoriesFor({
            integrations: {
              github: [
                { host: git.host, apiBaseUrl: `${git.origin}/api/v3`, token },
              ],
            },
          }),
          recorder: backend.recorder,
        }),
        {
          ...inventoryInput,
          repoUrl: `${git.host}?owner=example-org&repo=gitops`,
        },
      );
      expect(backend.posts.map(p => p.body.pullRequest)).toEqual([
        {
          provider: 'github',
          host: git.host,
          repository: 'example-org/gitops',
          url: github.pullUrl(1),
          number: 1,
          branch: inventoryBranch,
          baseBranch: 'main',
          headSha: expect.stringMatching(/^[0-9a-f]{40}$/),
        },
      ]);
      expect(outputs.recorded).toBe(true);
      expect(JSON.stringify(backend.posts)).not.toContain(token);
      expect(github.violations).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
