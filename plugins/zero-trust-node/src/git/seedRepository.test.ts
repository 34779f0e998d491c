import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { seedRepository } from './seedRepository';

// Real git processes (init, commit, push) several times per test: more than jest's
// default 5 s on a busy machine.
jest.setTimeout(60_000);

const examplesGitops = path.resolve(__dirname, '../../../../examples/gitops');
const testAuthor = { name: 'Test', email: 'test@example.com' };
const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd })).stdout.trim();
}

async function refs(repository: string): Promise<string> {
  return git(repository, 'for-each-ref', '--format=%(refname) %(objectname)');
}

const folders: string[] = [];
async function temporaryFolder(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-seed-'));
  folders.push(dir);
  return dir;
}

describe('seedRepository', () => {
  afterAll(() =>
    Promise.all(folders.map(d => fs.rm(d, { recursive: true, force: true }))),
  );

  it("creates a bare repository whose branch holds the folder's files, once", async () => {
    const repository = path.join(await temporaryFolder(), 'cache/gitops.git');
    const options = {
      repository,
      from: examplesGitops,
      branch: 'main',
      author: testAuthor,
    };
    expect(await seedRepository(options)).toEqual({ outcome: 'created' });
    expect(await git(repository, 'rev-parse', '--is-bare-repository')).toBe(
      'true',
    );
    expect(await git(repository, 'symbolic-ref', 'HEAD')).toBe(
      'refs/heads/main',
    );
    const tracked = (
      await git(repository, 'ls-tree', '-r', '--name-only', 'main')
    ).split('\n');
    expect(tracked).toContain('apps/base/inventory/namespace.yaml');
    expect(
      await git(repository, 'show', 'main:apps/base/inventory/namespace.yaml'),
    ).toBe(
      (
        await fs.readFile(
          path.join(examplesGitops, 'apps/base/inventory/namespace.yaml'),
          'utf8',
        )
      ).trim(),
    );

    // A second start keeps what the repository holds (branches the template pushed).
    await git(repository, 'branch', 'zero-trust/pushed-earlier', 'main');
    const before = await refs(repository);
    expect(await seedRepository(options)).toEqual({ outcome: 'current' });
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

  it('creates one repository when two callers seed it at once (the backend and the scaffolder module at startup)', async () => {
    const repository = path.join(await temporaryFolder(), 'cache/gitops.git');
    const options = {
      repository,
      from: examplesGitops,
      branch: 'main',
      author: testAuthor,
    };
    const created = await Promise.all([
      seedRepository(options),
      seedRepository(options),
      seedRepository(options),
    ]);
    expect(created.map(c => c.outcome).sort()).toEqual([
      'created',
      'current',
      'current',
    ]);
    expect(await git(repository, 'rev-parse', '--is-bare-repository')).toBe(
      'true',
    );
    expect(
      await git(repository, 'ls-tree', '--name-only', 'main', 'clusters/'),
    ).toBe('clusters/analytics\nclusters/backend\nclusters/edge');
    // No half-built repository is left beside it.
    expect(await fs.readdir(path.dirname(repository))).toEqual(['gitops.git']);
  });

  it('dates its first commit where asked, so the repository has a past', async () => {
    const repository = path.join(await temporaryFolder(), 'gitops.git');
    await seedRepository({
      repository,
      from: examplesGitops,
      branch: 'main',
      author: testAuthor,
      date: new Date('2026-11-02T09:00:00Z'),
    });
    expect(await git(repository, 'log', '-1', '--format=%aI %cI', 'main')).toBe(
      '2026-11-02T09:00:00+00:00 2026-11-02T09:00:00+00:00',
    );
  });

  describe('where the folder changed since the repository was created', () => {
    /** A copy of the demo's folder to change, and a repository to seed from it. */
    async function seedFolder() {
      const seed = path.join(await temporaryFolder(), 'gitops');
      await fs.cp(examplesGitops, seed, { recursive: true });
      const repository = path.join(await temporaryFolder(), 'gitops.git');
      const options = {
        repository,
        from: seed,
        branch: 'main',
        author: testAuthor,
      };
      return { seed, repository, options };
    }

    it('seeds it again where it holds nothing but its seed, and only then', async () => {
      const { seed, repository, options: defaults } = await seedFolder();
      const options = { ...defaults, date: new Date('2026-11-02T09:00:00Z') };
      expect(await seedRepository(options)).toEqual({ outcome: 'created' });
      const first = await git(repository, 'rev-parse', 'main');
      // Nothing changed: the same commit, however often the demo starts.
      expect(await seedRepository(options)).toEqual({ outcome: 'current' });
      expect(await git(repository, 'rev-parse', 'main')).toBe(first);

      await fs.writeFile(path.join(seed, 'apps/base/NEW.md'), 'added later\n');
      expect(await seedRepository(options)).toEqual({ outcome: 'reseeded' });
      expect(await git(repository, 'rev-list', '--count', 'main')).toBe('1');
      expect(await git(repository, 'show', 'main:apps/base/NEW.md')).toBe(
        'added later',
      );
      expect(await git(repository, 'log', '-1', '--format=%aI', 'main')).toBe(
        '2026-11-02T09:00:00+00:00',
      );
      expect(await seedRepository(options)).toEqual({ outcome: 'current' });
      expect(await fs.readdir(path.dirname(repository))).toEqual([
        'gitops.git',
      ]);
    });

    it('keeps a repository with branches or commits of its own, and says what they are', async () => {
      const { seed, repository, options } = await seedFolder();
      await seedRepository(options);
      await git(repository, 'branch', 'zero-trust/onboard-inventory', 'main');
      await fs.writeFile(path.join(seed, 'apps/base/NEW.md'), 'added later\n');
      const before = await refs(repository);
      expect(await seedRepository(options)).toEqual({
        outcome: 'kept',
        beyondSeed: 'branch zero-trust/onboard-inventory',
      });
      expect(await refs(repository)).toEqual(before);

      // A merge on main (commits after the seed) counts as well.
      const clone = path.join(await temporaryFolder(), 'clone');
      await git(path.dirname(clone), 'clone', '--quiet', repository, clone);
      await git(
        clone,
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.com',
        'commit',
        '--quiet',
        '--allow-empty',
        '-m',
        'merged',
      );
      await git(clone, 'push', '--quiet', 'origin', 'main');
      await git(repository, 'branch', '-D', 'zero-trust/onboard-inventory');
      const merged = await refs(repository);
      expect(await seedRepository(options)).toEqual({
        outcome: 'kept',
        beyondSeed: '1 commit(s) on main after the seed',
      });
      expect(await refs(repository)).toEqual(merged);
    });
  });
});
