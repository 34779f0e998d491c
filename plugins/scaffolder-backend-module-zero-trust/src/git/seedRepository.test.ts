import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  examplesGitops,
  git,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
  testAuthor,
} from '../__testUtils__/repositories';
import { seedRepository } from './seedRepository';

describe('seedRepository', () => {
  afterAll(removeTemporaryFolders);

  it("creates a bare repository whose branch holds the folder's files, once", async () => {
    const repository = path.join(await temporaryFolder(), 'cache/gitops.git');
    const options = {
      repository,
      from: examplesGitops,
      branch: 'main',
      author: testAuthor,
    };
    expect(await seedRepository(options)).toBe(true);
    expect(await git(repository, 'rev-parse', '--is-bare-repository')).toBe(
      'true',
    );
    expect(await git(repository, 'symbolic-ref', 'HEAD')).toBe(
      'refs/heads/main',
    );
    const tracked = (
      await git(repository, 'ls-tree', '-r', '--name-only', 'main')
    ).split('\n');
    expect(tracked).toContain(
      'clusters/backend/namespaces/inventory/namespace.yaml',
    );
    expect(
      await git(
        repository,
        'show',
        'main:clusters/backend/namespaces/inventory/namespace.yaml',
      ),
    ).toBe(
      (
        await fs.readFile(
          path.join(
            examplesGitops,
            'clusters/backend/namespaces/inventory/namespace.yaml',
          ),
          'utf8',
        )
      ).trim(),
    );

    // A second start keeps what the repository holds (branches the template pushed).
    await git(repository, 'branch', 'zero-trust/pushed-earlier', 'main');
    const before = await refs(repository);
    expect(await seedRepository(options)).toBe(false);
    expect(await refs(repository)).toEqual(before);
    // Nothing is left beside it.
    expect(await fs.readdir(path.dirname(repository))).toEqual(['gitops.git']);
  });

  it('refuses a folder that does not exist, creating nothing', async () => {
    const parent = await temporaryFolder();
    await expect(
      seedRepository({
        repository: path.join(parent, 'gitops.git'),
        from: path.join(parent, 'missing'),
        branch: 'main',
        author: testAuthor,
      }),
    ).rejects.toThrow(/missing does not exist/);
    expect(await fs.readdir(parent)).toEqual([]);
  });
});
