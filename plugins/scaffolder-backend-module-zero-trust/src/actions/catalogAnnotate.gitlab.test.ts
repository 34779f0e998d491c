import { parseAllDocuments } from 'yaml';
import { runAction } from '../__testUtils__/actionContext';
import {
  annotateActionFor,
  catalogEntities,
  componentCatalogInfo,
  createComponentRepository,
} from '../__testUtils__/componentRepository';
import { useGitlab } from '../__testUtils__/forgeFakes';
import { GitHttpServer } from '../__testUtils__/gitHttpServer';
import { GitlabFake } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import { git as runGit, refs } from '../__testUtils__/repositories';

const token = 'glpat-Z3r0TrustAnnotateGitlab01';
const basic = Buffer.from(`oauth2:${token}`).toString('base64');
const branch = 'zero-trust/annotate-default-inventory-api';
const input = {
  component: 'component:default/inventory-api',
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
  selector: { 'app.kubernetes.io/name': 'inventory', tier: 'api' },
};

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:catalog:annotate on GitLab', () => {
  const forge = useGitlab({ token, project: 'platform/supply/inventory' });
  let bare: string;
  let git: GitHttpServer;
  let gitlab: GitlabFake;

  const setup = () => {
    const location = `url:${git.origin}/platform/supply/inventory/-/blob/main/catalog-info.yaml`;
    return annotateActionFor(
      {
        integrations: {
          gitlab: [
            {
              host: git.host,
              apiBaseUrl: `${git.origin}/api/v4`,
              baseUrl: git.origin,
              token,
            },
          ],
        },
      },
      catalogEntities(componentCatalogInfo, location),
    ).action;
  };

  beforeEach(async () => {
    ({ git, fake: gitlab } = forge);
    bare = await createComponentRepository(forge.repositoryPath);
  });

  const calls = () => gitlab.requests.map(r => `${r.method} ${r.route}`);

  it('opens a merge request in the project of a subgroup, then finds it again on a re-run', async () => {
    const { outputs, lines } = await runAction(setup(), input);
    expect(outputs).toEqual({
      annotated: true,
      pullRequestUrl: gitlab.mergeRequestUrl(1),
      pullRequestNumber: 1,
      branch,
      file: 'catalog-info.yaml',
      annotations: {
        'backstage.io/kubernetes-label-selector':
          'app.kubernetes.io/name=inventory,tier=api',
        'backstage.io/kubernetes-namespace': 'inventory',
        'backstage.io/kubernetes-cluster': 'backend',
      },
    });
    expect(calls()).toEqual([
      'GET /projects/:id',
      'GET /projects/:id/merge_requests',
      'POST /projects/:id/merge_requests',
    ]);
    expect(gitlab.requests[0].url).toContain(
      '/projects/platform%2Fsupply%2Finventory',
    );
    expect(gitlab.requests[2].body).toMatchObject({
      source_branch: branch,
      target_branch: 'main',
      title:
        'Annotate component:default/inventory-api for the zero-trust Security tab',
    });
    expect(gitlab.requests.every(r => r.token === token)).toBe(true);
    expect(git.pushes).toBe(1);
    const edited = await runGit(
      bare,
      'show',
      `refs/heads/${branch}:catalog-info.yaml`,
    );
    const component = Array.from(parseAllDocuments(edited))[1].toJS();
    expect(
      component.metadata.annotations['backstage.io/kubernetes-label-selector'],
    ).toBe('app.kubernetes.io/name=inventory,tier=api');

    const pushed = await refs(bare);
    gitlab.requests.length = 0;
    const again = await runAction(setup(), input);
    expect(again.outputs).toEqual(outputs);
    expect(await refs(bare)).toEqual(pushed);
    expect(gitlab.mergeRequests).toHaveLength(1);
    expect(calls()).toEqual([
      'GET /projects/:id',
      'GET /projects/:id/merge_requests',
    ]);

    const leaked = (text: string) =>
      text.includes(token) || text.includes(basic);
    for (const run of [lines, again.lines]) {
      expect(run.filter(leaked)).toEqual([]);
    }
    expect(leaked(JSON.stringify(outputs))).toBe(false);
    expect(leaked(JSON.stringify(gitlab.mergeRequests))).toBe(false);
  });
});
