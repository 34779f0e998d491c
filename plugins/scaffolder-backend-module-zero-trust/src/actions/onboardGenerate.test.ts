import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { actionContext, runAction } from '../__testUtils__/actionContext';
import { startIdentitiesServer } from '../__testUtils__/identitiesServer';
import {
  createBareRepository,
  flatGitops,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import {
  inventoryAccess,
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';
import { createOnboardGenerateAction } from './onboardGenerate';

/** Every file under a folder with its content. */
async function files(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(full);
      } else {
        result[path.relative(root, full)] = await fs.readFile(full, 'utf8');
      }
    }
  };
  await walk(root);
  return result;
}

/** A workspace whose `gitops/` folder is a copy of the demo's GitOps repository. */
async function workspaceWithCheckout(): Promise<string> {
  const workspace = await temporaryFolder('zt-ws-');
  await fs.cp(flatGitops, path.join(workspace, 'gitops'), {
    recursive: true,
  });
  return workspace;
}

// Every test clones with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:onboard:generate', () => {
  let identities: Awaited<ReturnType<typeof startIdentitiesServer>>;
  beforeAll(async () => {
    identities = await startIdentitiesServer();
  });
  afterAll(async () => {
    await identities.stop();
    await removeTemporaryFolders();
  });

  const action = () =>
    createOnboardGenerateAction({ identities: identities.identities });

  it('writes the change into the checkout in the workspace, and says what a pull request would', async () => {
    const workspacePath = await workspaceWithCheckout();
    const { outputs } = await runAction(
      action(),
      { ...inventoryInput, targetPath: 'gitops' },
      { workspacePath },
    );
    const checkout = path.join(workspacePath, 'gitops');

    expect(outputs.branch).toBe(inventoryBranch);
    expect(outputs.cluster).toBe('backend');
    expect(outputs.spiffeId).toBe(
      'spiffe://internal.example/ns/inventory/sa/inventory',
    );
    expect(outputs.trustDomain).toBe('internal.example');
    expect(outputs.title).toBe(
      'Onboard inventory/inventory-api to the mesh in backend',
    );
    const changed = outputs.changedFiles as string[];
    expect(changed).toContain(
      'clusters/backend/namespaces/inventory/namespace.yaml',
    );
    for (const file of changed) {
      expect(outputs.diff).toContain(`+++ b/${file}`);
      expect(outputs.description).toContain(`\`${file}\``);
    }
    // The namespace file was edited in place: its comment survives, the label is added.
    const namespace = await fs.readFile(
      path.join(
        checkout,
        'clusters/backend/namespaces/inventory/namespace.yaml',
      ),
      'utf8',
    );
    expect(namespace).toContain('# Owned by team-supply');
    expect(namespace).toMatch(/istio-injection: enabled/);

    const decide = await inventoryAccess(checkout);
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('monitoring/prometheus')).toBe('ALLOW');
    expect(decide('bookinfo/reviews-v1')).toBe('DENY');
    expect(decide('plaintext')).toBe('DENY');
  });

  it('changes nothing when run again', async () => {
    const workspacePath = await workspaceWithCheckout();
    const input = { ...inventoryInput, targetPath: 'gitops' };
    await runAction(action(), input, { workspacePath });
    const before = await files(workspacePath);
    const { outputs, lines } = await runAction(action(), input, {
      workspacePath,
    });
    expect(outputs.changedFiles).toEqual([]);
    expect(await files(workspacePath)).toEqual(before);
    expect(lines.join('\n')).toContain('already holds this onboarding');
  });

  it('writes nothing on a dry run, and still outputs the diff', async () => {
    const workspacePath = await workspaceWithCheckout();
    const before = await files(workspacePath);
    const { outputs } = await runAction(
      action(),
      { ...inventoryInput, targetPath: 'gitops' },
      { workspacePath, isDryRun: true },
    );
    expect(await files(workspacePath)).toEqual(before);
    expect((outputs.changedFiles as string[]).length).toBeGreaterThan(0);
    expect(outputs.diff).toContain('+    istio-injection: enabled');
  });

  it('clones the configured GitOps repository into an empty target first, and pushes nothing', async () => {
    const bare = await createBareRepository(
      path.join(await temporaryFolder(), 'gitops.git'),
    );
    const before = await refs(bare);
    const { outputs, ctx } = await runAction(
      createOnboardGenerateAction({
        repositories: repositoriesFor({
          zeroTrust: { gitops: { plainGit: { url: bare } } },
        }),
      }),
      { ...inventoryInput, targetPath: 'gitops' },
    );
    const checkout = path.join(ctx.workspacePath, 'gitops');
    await expect(fs.stat(path.join(checkout, '.git'))).resolves.toBeTruthy();
    expect((outputs.changedFiles as string[]).length).toBeGreaterThan(0);
    expect((await inventoryAccess(checkout))('bookinfo/productpage')).toBe(
      'ALLOW',
    );
    expect(await refs(bare)).toEqual(before);
  });

  it('resolves entity callers through the zero-trust backend', async () => {
    const workspacePath = await workspaceWithCheckout();
    await runAction(
      action(),
      {
        ...inventoryInput,
        targetPath: 'gitops',
        allowedCallers: [{ entityRef: 'component:default/productpage' }],
      },
      { workspacePath },
    );
    const decide = await inventoryAccess(path.join(workspacePath, 'gitops'));
    expect(decide('bookinfo/productpage', 'POST')).toBe('ALLOW');
    expect(decide('monitoring/prometheus')).toBe('DENY');
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'a target outside the workspace',
        { targetPath: '../elsewhere' },
        /targetPath \.\.\/elsewhere is outside the workspace/,
      ],
      [
        'an empty target and no repository to clone',
        { targetPath: 'nothing-here' },
        /targetPath nothing-here holds no GitOps checkout/,
      ],
      [
        'a namespace that is not a DNS-1123 label',
        { targetPath: 'gitops', namespace: 'Inventory' },
        /namespace: must be a DNS-1123 label/,
      ],
      [
        'YAML smuggled into a selector value',
        { targetPath: 'gitops', selector: { app: 'inventory\nkind: Secret' } },
        /selector\.app: must not contain control characters/,
      ],
      [
        // As the template's preview refuses it: it would select every pod of the
        // namespace, so it is not taken for the default selector.
        'an empty selector',
        { targetPath: 'gitops', selector: {} },
        /selector: must name at least one label: an empty selector would select every pod/,
      ],
      [
        'a cluster the repository does not hold',
        { targetPath: 'gitops', cluster: 'edge' },
        /cluster.*edge/,
      ],
      [
        'a layout with ".."',
        { targetPath: 'gitops', layout: { serviceDir: 'a/../../{service}/' } },
        /layout\.serviceDir/,
      ],
      [
        'a caller narrowed to a port the service does not serve',
        {
          targetPath: 'gitops',
          allowedCallers: [
            { workload: 'bookinfo/productpage' },
            { namespace: 'monitoring', ports: [9090] },
          ],
        },
        /allowedCallers\[1\]\.ports\[0\]: 9090 is not a port inventory-api serves \(its target ports: 8080\)/,
      ],
      [
        'an entity no identity belongs to',
        {
          targetPath: 'gitops',
          allowedCallers: [{ entityRef: 'component:default/ghost' }],
        },
        /component:default\/ghost has no mesh identity/,
      ],
    ];
    it.each(cases)(
      '%s: an InputError, nothing written',
      async (_n, change, message) => {
        const workspacePath = await workspaceWithCheckout();
        const before = await files(workspacePath);
        const { ctx } = await actionContext(
          { ...inventoryInput, ...change },
          { workspacePath },
        );
        const error = await action()
          .handler(ctx as any)
          .catch(e => e);
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toMatch(message);
        expect(await files(workspacePath)).toEqual(before);
      },
    );
  });
});
