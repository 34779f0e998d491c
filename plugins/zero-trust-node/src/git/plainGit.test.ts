import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { seedPlainGitRepository } from './plainGit';

// Real git processes, several per test.
jest.setTimeout(60_000);

const run = promisify(execFile);
const examplesGitops = path.resolve(__dirname, '../../../../examples/gitops');

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'zt-plain-git-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('seedPlainGitRepository', () => {
  it("seeds the demo's repository again when its seed changed, and keeps one holding onboarding branches with one line saying how to start over", async () => {
    const seed = path.join(tmp, 'gitops');
    await fs.cp(examplesGitops, seed, { recursive: true });
    const repository = path.join(tmp, 'cache', 'gitops.git');
    const config = new ConfigReader({
      zeroTrust: {
        gitops: { plainGit: { url: repository, seedFrom: seed } },
      },
    });
    const logger = mockServices.logger.mock();
    const lines = () => [
      ...logger.info.mock.calls.map(c => `info ${c[0]}`),
      ...logger.warn.mock.calls.map(c => `warn ${c[0]}`),
    ];

    await seedPlainGitRepository({ config, logger });
    await seedPlainGitRepository({ config, logger });
    expect(lines()).toEqual([
      `info Created the GitOps repository ${repository} from ${seed}`,
    ]);

    await fs.writeFile(path.join(seed, 'NEW.md'), 'added later\n');
    logger.info.mockClear();
    await seedPlainGitRepository({ config, logger });
    expect(lines()).toEqual([
      `info Seeded the GitOps repository ${repository} again: ${seed} changed since it was created, and it held nothing else`,
    ]);

    await run('git', ['branch', 'zero-trust/onboard-inventory', 'main'], {
      cwd: repository,
    });
    await fs.writeFile(path.join(seed, 'NEW.md'), 'changed again\n');
    logger.info.mockClear();
    await seedPlainGitRepository({ config, logger });
    expect(lines()).toEqual([
      `warn The GitOps repository ${repository} was created from an older ${seed} and holds work of its own (branch zero-trust/onboard-inventory), so it is kept as it is; to start over from ${seed}, stop the backend and delete ${repository}`,
    ]);
    const { stdout } = await run('git', ['show', 'main:NEW.md'], {
      cwd: repository,
    });
    expect(stdout).toBe('added later\n');
  });
});
