import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { actionContext, runAction } from '../__testUtils__/actionContext';
import { startIdentitiesServer } from '../__testUtils__/identitiesServer';
import {
  changedFiles,
  checkoutBranch,
  createBareRepository,
  flatGitops,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import { onboardingActions, runOnboarding } from '../__testUtils__/onboarding';
import {
  inventoryAccess,
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:gitops:pull-request with a plain git remote', () => {
  let bare: string;
  let identities: Awaited<ReturnType<typeof startIdentitiesServer>>;

  const actionFor = (repository: string, branchUrl?: string) =>
    onboardingActions({
      repositories: repositoriesFor({
        zeroTrust: { gitops: { plainGit: { url: repository, branchUrl } } },
      }),
      identities: identities.identities,
    });

  beforeAll(async () => {
    identities = await startIdentitiesServer();
  });
  afterAll(async () => {
    await identities.stop();
    await removeTemporaryFolders();
  });
  beforeEach(async () => {
    bare = await createBareRepository(
      path.join(await temporaryFolder(), 'gitops.git'),
    );
  });

  it('pushes the change on the service branch; the engine on that branch allows exactly the requested callers', async () => {
    const before = await refs(bare);
    const { outputs, lines } = await runOnboarding(
      actionFor(bare, 'https://git.example.com/gitops/tree/{branch}'),
      inventoryInput,
    );

    expect(outputs.branch).toBe(inventoryBranch);
    expect(outputs.targetBranch).toBe('main');
    expect(outputs.pushed).toBe(true);
    expect(outputs.pullRequestNumber).toBeUndefined();
    expect(outputs.pullRequestUrl).toBe(
      `https://git.example.com/gitops/tree/${encodeURIComponent(
        inventoryBranch,
      )}`,
    );
    expect(outputs.spiffeId).toBe(
      'spiffe://internal.example/ns/inventory/sa/inventory',
    );

    const after = await refs(bare);
    expect(after['refs/heads/main']).toBe(before['refs/heads/main']);
    expect(after[`refs/heads/${inventoryBranch}`]).toBeDefined();
    // The outputs list exactly what the branch changes.
    expect(
      await changedFiles(
        bare,
        'refs/heads/main',
        `refs/heads/${inventoryBranch}`,
      ),
    ).toEqual([...(outputs.changedFiles as string[])].sort());
    expect(lines.join('\n')).toContain('Pushed');

    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'DELETE')).toBe('DENY');
    expect(decide('monitoring/prometheus')).toBe('ALLOW');
    expect(decide('bookinfo/reviews-v1')).toBe('DENY');
    expect(decide('identity/identity-api')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');
  });

  it('pushes nothing when re-run with the same request, and returns the same branch', async () => {
    const action = actionFor(bare);
    const first = await runOnboarding(action, inventoryInput);
    const pushed = await refs(bare);

    const second = await runOnboarding(action, inventoryInput);
    expect(await refs(bare)).toEqual(pushed);
    expect(second.outputs.pushed).toBe(false);
    expect(second.outputs.branch).toBe(first.outputs.branch);
    expect(second.outputs.pullRequestUrl).toBe(first.outputs.pullRequestUrl);
    expect(second.outputs.changedFiles).toEqual(first.outputs.changedFiles);
    expect(second.lines.join('\n')).toContain('already holds this change');
  });

  it('replaces the branch commit when the request changes, on the same branch', async () => {
    const action = actionFor(bare);
    await runOnboarding(action, inventoryInput);
    const first = await refs(bare);

    const { outputs } = await runOnboarding(action, {
      ...inventoryInput,
      allowedCallers: [{ workload: 'bookinfo/reviews-v1' }],
    });
    const second = await refs(bare);
    expect(outputs.pushed).toBe(true);
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    expect(second[`refs/heads/${inventoryBranch}`]).not.toBe(
      first[`refs/heads/${inventoryBranch}`],
    );
    expect(second['refs/heads/main']).toBe(first['refs/heads/main']);

    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/reviews-v1')).toBe('ALLOW');
    expect(decide('bookinfo/productpage')).toBe('DENY');
  });

  it('resolves entity callers through the zero-trust backend, on behalf of the user who runs the template, once', async () => {
    const asked = identities.authorizations.length;
    const { outputs } = await runOnboarding(actionFor(bare), {
      ...inventoryInput,
      allowedCallers: [
        { entityRef: 'component:default/productpage', methods: ['GET'] },
      ],
    });
    // The catalog decides which entities the user may name: asked as them, not as the
    // module; the pull request step asks nothing again.
    expect(identities.authorizations.slice(asked)).toEqual([
      expect.stringMatching(
        /^Bearer mock-service-token:\{"obo":"user:default\/mock","target":"zero-trust"\}$/,
      ),
    ]);
    const decide = await inventoryAccess(
      await checkoutBranch(bare, outputs.branch as string),
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('bookinfo/productpage', 'POST')).toBe('DENY');
    expect(decide('monitoring/prometheus')).toBe('DENY');
  });

  it("takes a template's empty optional fields as left out", async () => {
    const { outputs } = await runOnboarding(actionFor(bare), {
      ...inventoryInput,
      cluster: '',
      revision: '',
      serviceAccount: null,
      ports: [],
    });
    expect(outputs.branch).toBe(inventoryBranch);
    // The workload's own port and labels, found in the repository, were used.
    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
  });

  it('pushes nothing on a dry run', async () => {
    const before = await refs(bare);
    const { outputs, lines } = await runOnboarding(
      actionFor(bare),
      inventoryInput,
      {
        isDryRun: true,
      },
    );
    expect(await refs(bare)).toEqual(before);
    expect(outputs.pushed).toBe(false);
    expect((outputs.changedFiles as string[]).length).toBeGreaterThan(0);
    // The diff shows in the log for the template editor's dry run.
    expect(lines.join('\n')).toContain('+++ b/');
  });

  it('commits and pushes nothing when the repository conflicts with the change, naming the file', async () => {
    const source = await temporaryFolder();
    await fs.cp(flatGitops, source, { recursive: true });
    const dir = path.join(
      source,
      'clusters/backend/namespaces/inventory/inventory-api',
    );
    await fs.writeFile(
      path.join(dir, 'callers.yaml'),
      [
        'apiVersion: security.istio.io/v1',
        'kind: AuthorizationPolicy',
        'metadata:',
        '  name: inventory-api-callers',
        '  namespace: inventory',
        'spec:',
        '  action: ALLOW',
        '  rules:',
        '    - from:',
        '        - source:',
        '            namespaces: ["edge"]',
        '',
      ].join('\n'),
    );
    const conflicted = await createBareRepository(
      path.join(await temporaryFolder(), 'conflicted.git'),
      source,
    );
    const before = await refs(conflicted);
    const error = await runOnboarding(
      actionFor(conflicted),
      inventoryInput,
    ).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'clusters/backend/namespaces/inventory/inventory-api/callers.yaml',
    );
    expect(await refs(conflicted)).toEqual(before);
  });

  it('refuses a cluster or a caller the repository does not hold, pushing nothing', async () => {
    const before = await refs(bare);
    const action = actionFor(bare);
    const unknownCluster = await runOnboarding(action, {
      ...inventoryInput,
      cluster: 'edge',
    }).catch(e => e);
    expect(unknownCluster).toBeInstanceOf(InputError);
    expect(unknownCluster.message).toMatch(/cluster.*edge/);

    const unknownCaller = await runOnboarding(action, {
      ...inventoryInput,
      allowedCallers: [{ workload: 'bookinfo/no-such-workload' }],
    }).catch(e => e);
    expect(unknownCaller).toBeInstanceOf(InputError);
    expect(unknownCaller.message).toContain('bookinfo/no-such-workload');
    expect(await refs(bare)).toEqual(before);
  });

  it('reports a remote it cannot clone as what it is, not as bad input', async () => {
    const error = await runOnboarding(
      actionFor('/nonexistent/zero-trust/gitops.git'),
      inventoryInput,
    ).catch(e => e);
    expect(error).not.toBeInstanceOf(InputError);
    expect(error.name).toBe('GitopsCheckoutError');
    expect(error.message).toMatch(
      /Could not clone file:\/\/\/nonexistent\/zero-trust\/gitops\.git: git clone failed/,
    );
  });

  it('publishes only a checkout the generate step cloned, and pushes nothing else', async () => {
    const before = await refs(bare);
    const workspacePath = await temporaryFolder('zt-ws-');
    await fs.mkdir(path.join(workspacePath, 'gitops'));
    const error = await runAction(
      actionFor(bare).pullRequest,
      { sourcePath: 'gitops' },
      { workspacePath },
    ).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /sourcePath gitops holds no checkout that zero-trust:onboard:generate cloned/,
    );
    const outside = await runAction(
      actionFor(bare).pullRequest,
      { sourcePath: '../elsewhere' },
      { workspacePath },
    ).catch(e => e);
    expect(outside).toBeInstanceOf(InputError);
    expect(await refs(bare)).toEqual(before);
  });

  describe('bad input, refused before any clone', () => {
    // A remote that does not exist: had the action tried to clone it, the error would be
    // git's, not the InputError each case expects.
    const missing = () => actionFor('/nonexistent/zero-trust/gitops.git');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'a service name that is not a DNS-1123 label',
        { service: 'Inventory_API' },
        /service: must be a DNS-1123 label/,
      ],
      [
        'YAML injection in a name',
        { namespace: 'inventory\nkind: Secret' },
        /namespace: must not contain control characters/,
      ],
      [
        'Markdown injection in a path',
        {
          allowedCallers: [
            { namespace: 'monitoring', paths: ['/[x](https://evil.example)'] },
          ],
        },
        /allowedCallers\[0\]\.paths\[0\]/,
      ],
      [
        'a template injection in a method',
        {
          allowedCallers: [{ namespace: 'monitoring', methods: ['{{ GET }}'] }],
        },
        /allowedCallers\[0\]\.methods\[0\]/,
      ],
      [
        'a caller naming two kinds',
        {
          allowedCallers: [
            { namespace: 'monitoring', workload: 'bookinfo/productpage' },
          ],
        },
        /exactly one of workload, principal, namespace or entityRef/,
      ],
      [
        'an unknown field',
        { allowedCallers: [], colour: 'blue' },
        /colour: unknown field/,
      ],
      [
        'a layout that leaves the repository',
        { layout: { serviceDir: '../outside/{service}/' } },
        /layout\.serviceDir/,
      ],
      [
        'an absolute layout',
        { layout: { namespaceFile: '/etc/{namespace}.yaml' } },
        /layout\.namespaceFile/,
      ],
      [
        'an entity with no mesh identity',
        { allowedCallers: [{ entityRef: 'component:default/nothing' }] },
        /component:default\/nothing has no mesh identity/,
      ],
      [
        'a host with no integration',
        { repoUrl: 'git.example.com?owner=platform&repo=gitops' },
        /No matching integration configuration for host git\.example\.com/,
      ],
      [
        'a local repository that is not the configured one',
        { repoUrl: 'file:///etc/passwd.git' },
        /not the configured zeroTrust\.gitops\.plainGit\.url/,
      ],
      [
        'a URL instead of host?owner=&repo=',
        { repoUrl: 'https://github.com/org/gitops.git' },
        /repoUrl must be host\?owner=OWNER&repo=REPO/,
      ],
    ];
    it.each(cases)('%s', async (_name, change, message) => {
      const { ctx } = await actionContext({ ...inventoryInput, ...change });
      const error = await missing()
        .generate.handler(ctx as any)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
    });
  });
});
