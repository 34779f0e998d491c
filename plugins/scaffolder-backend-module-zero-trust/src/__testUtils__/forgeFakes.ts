import path from 'node:path';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import {
  GithubFake,
  GitlabFake,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { SetupServerApi, setupServer } from 'msw/node';
import { GitHttpServer } from './gitHttpServer';
import { removeTemporaryFolders, temporaryFolder } from './repositories';

/** One test's forge: filled in before each test of the file that asked for it. */
export interface ForgeFixture<F> {
  /** The folder the git server serves repositories from. */
  root: string;
  /** The repository's bare folder under `root` (not created: the test creates it). */
  repositoryPath: string;
  /** Real git over HTTP, taking only the forge's token. */
  git: GitHttpServer;
  /** The forge's REST API at the HTTP level. */
  fake: F;
  /** The msw server answering as the forge: a test may let other origins through. */
  msw: SetupServerApi;
}

/**
 * Registers the hooks that give each test of a file a new forge for one repository: a
 * git HTTP server in a new folder and the forge's API fake on the same origin (msw),
 * stopped after the test. A test fails if a request or an answer of the fake was not as
 * the API documents.
 */
function useForge<F extends { handlers(): any[]; violations: string[] }>(
  credentials: { username: string; password: string },
  repository: string,
  fakeFor: (git: GitHttpServer) => F,
): ForgeFixture<F> {
  const server = setupServer();
  registerMswTestHooks(server);
  const fixture = { msw: server } as ForgeFixture<F>;
  beforeEach(async () => {
    fixture.root = await temporaryFolder();
    fixture.repositoryPath = path.join(fixture.root, `${repository}.git`);
    fixture.git = new GitHttpServer(fixture.root, credentials);
    await fixture.git.start();
    fixture.fake = fakeFor(fixture.git);
    server.use(...fixture.fake.handlers());
  });
  afterEach(async () => {
    await fixture.git.stop();
    if (fixture.fake.violations.length) {
      throw new Error(
        `Not as the API documents:\n${fixture.fake.violations.join('\n')}`,
      );
    }
  });
  afterAll(removeTemporaryFolders);
  return fixture;
}

/** GitHub (API at `/api/v3`) holding `owner/repo`, whose token is `token`. */
export function useGithub(options: {
  token: string;
  owner: string;
  repo: string;
}): ForgeFixture<GithubFake> {
  const { token, owner, repo } = options;
  return useForge(
    { username: 'x-access-token', password: token },
    `${owner}/${repo}`,
    git =>
      new GithubFake({
        apiBaseUrl: `${git.origin}/api/v3`,
        owner,
        repo,
        cloneUrl: `${git.origin}/${owner}/${repo}.git`,
        defaultBranch: 'main',
        webBaseUrl: 'https://github.example',
      }),
  );
}

/** GitLab (API at `/api/v4`) holding the project `project`, whose token is `token`. */
export function useGitlab(options: {
  token: string;
  project: string;
}): ForgeFixture<GitlabFake> {
  const { token, project } = options;
  return useForge(
    { username: 'oauth2', password: token },
    project,
    git =>
      new GitlabFake({
        apiBaseUrl: `${git.origin}/api/v4`,
        project,
        cloneUrl: `${git.origin}/${project}.git`,
        defaultBranch: 'main',
        webBaseUrl: 'https://gitlab.example',
      }),
  );
}
