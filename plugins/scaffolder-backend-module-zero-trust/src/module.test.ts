import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  demoGitops,
  git,
  removeTemporaryFolders,
  temporaryFolder,
} from './__testUtils__/repositories';
import { scaffolderModule } from './module';

// Every test starts the module, which seeds a repository with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('scaffolderModule', () => {
  afterAll(removeTemporaryFolders);

  it('registers the three actions and creates the configured plain git repository', async () => {
    const repository = path.join(await temporaryFolder(), '.cache/gitops.git');
    const addActions = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModule,
        mockServices.rootConfig.factory({
          data: {
            zeroTrust: {
              gitops: {
                plainGit: { url: repository, seedFrom: demoGitops },
              },
            },
          },
        }),
      ],
    });
    const ids = addActions.mock.calls.flat().map(a => a.id);
    expect(ids).toEqual([
      'zero-trust:onboard:generate',
      'zero-trust:gitops:pull-request',
      'zero-trust:catalog:annotate',
      'zero-trust:policy:promote',
      'zero-trust:policy:tighten',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples.length).toBeGreaterThan(0);
      // Every input the template editor shows is described.
      const properties = action.schema.input.properties;
      for (const [name, schema] of Object.entries<any>(properties)) {
        expect([name, typeof schema.description]).toEqual([name, 'string']);
      }
    }
    expect(await git(repository, 'ls-tree', '--name-only', 'main')).toContain(
      'clusters',
    );
    await backend.stop();
  });

  it('starts without a GitOps repository configured', async () => {
    const addActions = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModule],
    });
    expect(addActions.mock.calls.flat()).toHaveLength(5);
    await backend.stop();
  });
});
