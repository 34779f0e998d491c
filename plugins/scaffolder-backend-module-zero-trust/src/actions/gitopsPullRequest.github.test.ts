import { InputError } from '@backstage/errors';
import { actionContext } from '../__testUtils__/actionContext';
import { useGithub } from '../__testUtils__/forgeFakes';
import { GitHttpServer } from '../__testUtils__/gitHttpServer';
import { GithubFake } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import {
  changedFiles,
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

const token = 'ghp_Z3r0Trust5ecretT0kenForTests0001';
const basic = Buffer.from(`x-access-token:${token}`).toString('base64');

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:gitops:pull-request on GitHub', () => {
  const forge = useGithub({ token, owner: 'example-org', repo: 'gitops' });
  let bare: string;
  let git: GitHttpServer;
  let github: GithubFake;
  let input: Record<string, unknown>;

  const action = (
    integrationToken = token,
    settings: object = {
      labels: ['zero-trust', 'mesh-onboarding'],
      reviewers: ['ada-lovelace'],
      teamReviewers: ['platform-team'],
      draft: true,
    },
  ) =>
    onboardingActions({
      repositories: repositoriesFor({
        integrations: {
          github: [
            {
              host: git.host,
              apiBaseUrl: `${git.origin}/api/v3`,
              token: integrationToken,
            },
          ],
        },
        zeroTrust: { gitops: { github: settings } },
      }),
    });

  beforeEach(async () => {
    ({ git, fake: github } = forge);
    bare = await createBareRepository(forge.repositoryPath);
    input = {
      ...inventoryInput,
      repoUrl: `${git.host}?owner=example-org&repo=gitops`,
    };
  });

  const calls = () => github.requests.map(r => `${r.method} ${r.operation}`);

  it('opens a draft pull request that explains itself, labelled and with reviewers, as the API documents', async () => {
    const { outputs } = await runOnboarding(action(), input);

    expect(outputs).toMatchObject({
      pullRequestUrl: github.pullUrl(1),
      pullRequestNumber: 1,
      branch: inventoryBranch,
      targetBranch: 'main',
      pushed: true,
    });
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    ]);
    const find = new URL(github.requests[1].url).searchParams;
    expect(find.get('head')).toBe(`example-org:${inventoryBranch}`);
    expect(find.get('state')).toBe('open');
    expect(github.requests[2].body).toMatchObject({
      head: inventoryBranch,
      base: 'main',
      draft: true,
      title: 'Onboard inventory/inventory-api to the mesh in backend',
    });
    expect(github.requests[3].body).toEqual({
      labels: ['zero-trust', 'mesh-onboarding'],
    });
    expect(github.requests[4].body).toEqual({
      reviewers: ['ada-lovelace'],
      team_reviewers: ['platform-team'],
    });
    expect(github.pulls[0].labels).toEqual(['zero-trust', 'mesh-onboarding']);

    // The API calls carry the integration's token; git sent it as Basic auth.
    expect(
      github.requests.every(r => r.authorization === `token ${token}`),
    ).toBe(true);
    expect(git.pushes).toBe(1);
    expect(git.requests.every(r => r.authorization === `Basic ${basic}`)).toBe(
      true,
    );

    // The description: identity, files, callers before and after, what to check.
    const body: string = github.pulls[0].body;
    expect(body).toContain(
      '`spiffe://internal.example/ns/inventory/sa/inventory`',
    );
    expect(body).toContain('`internal.example`');
    for (const file of outputs.changedFiles as string[]) {
      expect(body).toContain(`\`${file}\``);
    }
    expect(body).toContain('## Zero-trust review');
    // Before: anyone, in plaintext too; after: productpage for GET only, Prometheus.
    expect(body).toMatch(/\| .*productpage \| — \| CONDITIONAL on 8080 \|/);
    expect(body).toMatch(/\| .*monitoring \| — \| ALLOW on 8080 \|/);
    expect(body).toMatch(/\| anyone, plaintext .* \| ALLOW on 8080 \| — \|/);
    expect(body).toContain('### Findings resolved');
    expect(body).toContain('## What to check');
    expect(body).toContain('user:default/guest');

    // The branch holds exactly the files the outputs list, and they do what was asked.
    expect(
      await changedFiles(
        bare,
        'refs/heads/main',
        `refs/heads/${inventoryBranch}`,
      ),
    ).toEqual([...(outputs.changedFiles as string[])].sort());
    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('bookinfo/reviews-v1')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');
  });

  it('re-run with the same request: pushes nothing, opens no second pull request, returns the first', async () => {
    const first = await runOnboarding(action(), input);
    const pushed = await refs(bare);
    github.requests.length = 0;

    const second = await runOnboarding(action(), input);
    expect(second.outputs).toMatchObject({
      pullRequestUrl: first.outputs.pullRequestUrl,
      pullRequestNumber: 1,
      pushed: false,
    });
    expect(git.pushes).toBe(1);
    expect(await refs(bare)).toEqual(pushed);
    expect(github.pulls).toHaveLength(1);
    // Found by its head branch; nothing to update, label or re-request.
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
    ]);
  });

  it('a changed request updates the same pull request on the same branch', async () => {
    await runOnboarding(action(), input);
    const firstBody = github.pulls[0].body;
    github.requests.length = 0;

    const { outputs } = await runOnboarding(action(), {
      ...input,
      allowedCallers: [{ workload: 'bookinfo/reviews-v1', ports: [8080] }],
    });
    expect(outputs).toMatchObject({ pullRequestNumber: 1, pushed: true });
    expect(git.pushes).toBe(2);
    expect(github.pulls).toHaveLength(1);
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
      'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
    ]);
    expect(github.pulls[0].body).not.toEqual(firstBody);
    expect(github.pulls[0].body).toMatch(/reviews/);
    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/reviews-v1')).toBe('ALLOW');
    expect(decide('bookinfo/productpage')).toBe('DENY');
  });

  it('a retried task repeats none of its side effects', async () => {
    const checkpoints = new Map<string, unknown>();
    const first = await runOnboarding(action(), input, { checkpoints });
    expect(checkpoints.size).toBe(4); // push, pull request, labels, reviewers
    github.requests.length = 0;

    const retried = await runOnboarding(action(), input, { checkpoints });
    expect(retried.outputs).toMatchObject({
      pullRequestUrl: first.outputs.pullRequestUrl,
      pullRequestNumber: 1,
    });
    expect(git.pushes).toBe(1);
    // Only the clone's lookup: no search, no second pull request, labels or reviewers.
    expect(calls()).toEqual(['GET /repos/{owner}/{repo}']);
  });

  it('logs a reviewer GitHub refuses and still opens the labelled pull request', async () => {
    github.unknownReviewers.add('ada-lovelace');
    const { outputs, lines } = await runOnboarding(action(), input);
    expect(outputs.pullRequestNumber).toBe(1);
    expect(github.pulls[0].labels).toEqual(['zero-trust', 'mesh-onboarding']);
    expect(lines.join('\n')).toMatch(
      /warn Could not add reviewers to pull request #1: .*collaborator/,
    );
  });

  it('shows the token in no log line, output or request body', async () => {
    github.unknownReviewers.add('ada-lovelace');
    const created = await runOnboarding(action(), input);
    const updated = await runOnboarding(action(), {
      ...input,
      allowedCallers: [{ namespace: 'monitoring' }],
    });
    const leaked = (text: string) =>
      text.includes(token) || text.includes(basic);

    for (const run of [created, updated]) {
      expect(run.lines.length).toBeGreaterThan(0);
      expect(run.lines.filter(leaked)).toEqual([]);
      expect(leaked(JSON.stringify(run.outputs))).toBe(false);
    }
    expect(github.requests.length).toBeGreaterThan(5);
    expect(
      github.requests.filter(r => leaked(JSON.stringify(r.body ?? ''))),
    ).toEqual([]);
    expect(github.pulls.filter(p => leaked(JSON.stringify(p)))).toEqual([]);
  });

  it('keeps a wrong token out of the error git answers with', async () => {
    const wrong = 'ghp_Wr0ngT0kenThatMustNotLeak000001';
    const { ctx, lines } = await actionContext(input);
    const error = await action(wrong)
      .generate.handler(ctx as any)
      .catch(e => e);
    // The generate step clones; the pull request step publishes its checkout.
    expect(error.name).toBe('GitopsCheckoutError');
    expect(error.message).toMatch(/git clone failed/);
    const everything = `${error.message}\n${error.stack}\n${lines.join('\n')}`;
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(
      Buffer.from(`x-access-token:${wrong}`).toString('base64'),
    );
    expect(github.pulls).toHaveLength(0);
  });

  it('pushes nothing and opens nothing on a dry run', async () => {
    const before = await refs(bare);
    const { outputs } = await runOnboarding(action(), input, {
      isDryRun: true,
    });
    expect(await refs(bare)).toEqual(before);
    expect(git.pushes).toBe(0);
    expect(github.requests.filter(r => r.method !== 'GET')).toEqual([]);
    expect(outputs.pushed).toBe(false);
    expect(outputs.pullRequestNumber).toBeUndefined();
  });

  it('pushes nothing and opens nothing when generation fails', async () => {
    const error = await runOnboarding(action(), {
      ...input,
      allowedCallers: [{ workload: 'bookinfo/no-such-workload' }],
    }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(git.pushes).toBe(0);
    expect(github.requests.filter(r => r.method !== 'GET')).toEqual([]);
  });
});
