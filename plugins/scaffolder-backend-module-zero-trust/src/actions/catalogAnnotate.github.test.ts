import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import { actionContext, runAction } from '../__testUtils__/actionContext';
import {
  annotateActionFor,
  catalogEntities,
  componentCatalogInfo,
  createComponentRepository,
} from '../__testUtils__/componentRepository';
import { useGithub } from '../__testUtils__/forgeFakes';
import { GitHttpServer } from '../__testUtils__/gitHttpServer';
import { GithubFake } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import {
  changedFiles,
  git as runGit,
  refs,
} from '../__testUtils__/repositories';

const token = 'ghp_Z3r0TrustAnnotateT0kenForTests01';
const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
const branch = 'zero-trust/annotate-default-inventory-api';
const input = {
  component: 'inventory-api',
  service: 'inventory-api',
  namespace: 'inventory',
  cluster: 'backend',
};
const added = {
  'backstage.io/kubernetes-label-selector': 'app=inventory-api',
  'backstage.io/kubernetes-namespace': 'inventory',
  'backstage.io/kubernetes-cluster': 'backend',
};
const slugLine =
  '    github.com/project-slug: example-org/inventory # where the code lives\n';

// Every test clones and pushes with real git processes:
// more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);
describe('zero-trust:catalog:annotate on GitHub', () => {
  const forge = useGithub({ token, owner: 'example-org', repo: 'inventory' });
  let bare: string;
  let git: GitHttpServer;
  let github: GithubFake;

  const location = () =>
    `url:${git.origin}/example-org/inventory/blob/main/catalog-info.yaml`;
  const config = (integrationToken = token) => ({
    integrations: {
      github: [
        {
          host: git.host,
          apiBaseUrl: `${git.origin}/api/v3`,
          token: integrationToken,
        },
      ],
    },
    // The GitOps repository's reviewers are the platform team's, not the component's.
    zeroTrust: { gitops: { github: { reviewers: ['platform-lead'] } } },
  });
  /** The action, with the catalog holding the file's entities as read from `location()`. */
  const setup = (
    catalogInfo = componentCatalogInfo,
    integrationToken = token,
  ) =>
    annotateActionFor(
      config(integrationToken),
      catalogEntities(catalogInfo, location()),
    );

  /** The component's repository, its `main` holding this catalog file. */
  const repository = async (catalogInfo = componentCatalogInfo) => {
    bare = await createComponentRepository(forge.repositoryPath, catalogInfo);
  };

  beforeEach(() => {
    ({ git, fake: github } = forge);
  });

  const calls = () => github.requests.map(r => `${r.method} ${r.operation}`);
  const fileOn = (ref: string) =>
    runGit(bare, 'show', `${ref}:catalog-info.yaml`).then(t => `${t}\n`);

  it("opens a pull request that adds exactly the missing annotations to the entity's file", async () => {
    await repository();
    const { action, lookups } = setup();
    const { ctx, outputs } = await actionContext(input);
    await action.handler(ctx as any);

    expect(outputs).toEqual({
      annotated: true,
      pullRequestUrl: github.pullUrl(1),
      pullRequestNumber: 1,
      branch,
      file: 'catalog-info.yaml',
      annotations: added,
    });
    // Read as the user who runs the template.
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(lookups.mock.calls[0][0]).toMatchObject({
      kind: 'component',
      namespace: 'default',
      name: 'inventory-api',
    });
    expect(lookups.mock.calls[0][1]).toEqual({
      credentials: await ctx.getInitiatorCredentials(),
    });

    // Found, opened; no labels or reviewers (those settings are the GitOps repository's).
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/pulls',
    ]);
    expect(github.requests[2].body).toMatchObject({
      head: branch,
      base: 'main',
      title:
        'Annotate component:default/inventory-api for the zero-trust Security tab',
    });
    expect(
      github.requests.every(r => r.authorization === `token ${token}`),
    ).toBe(true);
    expect(git.pushes).toBe(1);

    // The branch changes one file: the lines added under the Component's annotations,
    // every other byte (comments, the System, quoting, flow lists) as it was.
    expect(
      await changedFiles(bare, 'refs/heads/main', `refs/heads/${branch}`),
    ).toEqual(['catalog-info.yaml']);
    const edited = await fileOn(`refs/heads/${branch}`);
    expect(edited).toBe(
      componentCatalogInfo.replace(
        slugLine,
        `${slugLine}    backstage.io/kubernetes-label-selector: app=inventory-api\n    backstage.io/kubernetes-namespace: inventory\n    backstage.io/kubernetes-cluster: backend\n`,
      ),
    );
    const [system, component] = Array.from(parseAllDocuments(edited)).map(d =>
      d.toJS(),
    );
    expect(system.metadata).toEqual({ name: 'supply' });
    expect(component.metadata.annotations).toEqual({
      'github.com/project-slug': 'example-org/inventory',
      ...added,
    });
    expect(await fileOn('refs/heads/main')).toBe(componentCatalogInfo);

    // The description says what and why; the commit says who asked.
    const body = github.pulls[0].body;
    for (const name of Object.keys(added))
      expect(body).toContain(`\`${name}\``);
    expect(body).toContain('app=inventory\\-api');
    expect(body).toContain('**Security** tab');
    expect(body).toContain('user:default/guest');
    expect(
      await runGit(bare, 'log', '-1', '--format=%B', `refs/heads/${branch}`),
    ).toContain('Requested by user:default/guest.');
  });

  it('re-run: pushes nothing, opens no second pull request, returns the first', async () => {
    await repository();
    const first = await runAction(setup().action, input);
    const pushed = await refs(bare);
    github.requests.length = 0;

    const second = await runAction(setup().action, input);
    expect(second.outputs).toEqual(first.outputs);
    expect(git.pushes).toBe(1);
    expect(await refs(bare)).toEqual(pushed);
    expect(Object.keys(pushed).filter(r => r.includes('annotate'))).toEqual([
      `refs/heads/${branch}`,
    ]);
    expect(github.pulls).toHaveLength(1);
    expect(calls()).toEqual([
      'GET /repos/{owner}/{repo}',
      'GET /repos/{owner}/{repo}/pulls',
    ]);
  });

  it('a retried task repeats neither the push nor the pull request', async () => {
    await repository();
    const checkpoints = new Map<string, unknown>();
    const first = await runAction(setup().action, input, { checkpoints });
    expect(checkpoints.size).toBe(2);
    github.requests.length = 0;
    const retried = await runAction(setup().action, input, { checkpoints });
    expect(retried.outputs).toEqual(first.outputs);
    expect(git.pushes).toBe(1);
    expect(calls()).toEqual(['GET /repos/{owner}/{repo}']);
  });

  it.each([
    [
      'backstage.io/kubernetes-label-selector',
      "    backstage.io/kubernetes-label-selector: 'app=inventory'\n    backstage.io/kubernetes-namespace: inventory\n    backstage.io/kubernetes-cluster: backend\n",
      '',
    ],
    [
      'backstage.io/kubernetes-id',
      '    backstage.io/kubernetes-id: inventory\n',
      ' (it has no backstage.io/kubernetes-namespace or backstage.io/kubernetes-cluster either',
    ],
  ])(
    'leaves an entity that already has %s alone: nothing cloned, nothing asked of GitHub',
    async (selection, lines, lacking) => {
      const annotated = componentCatalogInfo.replace(
        slugLine,
        `${slugLine}${lines}`,
      );
      await repository(annotated);
      const { outputs, lines: log } = await runAction(
        setup(annotated).action,
        input,
      );
      expect(outputs).toEqual({
        annotated: false,
        reason: expect.stringContaining(
          `component:default/inventory-api already has ${selection}, which finds its workloads: left as it is${lacking}`,
        ),
      });
      expect(log.join('\n')).toContain(`already has ${selection}`);
      expect(git.requests).toEqual([]);
      expect(github.requests).toEqual([]);
    },
  );

  it('keeps an annotation the entity sets to another value, and says so', async () => {
    const withNamespace = componentCatalogInfo.replace(
      slugLine,
      `${slugLine}    backstage.io/kubernetes-namespace: stock\n`,
    );
    await repository(withNamespace);
    const { outputs, lines } = await runAction(
      setup(withNamespace).action,
      input,
    );
    const { 'backstage.io/kubernetes-namespace': _, ...rest } = added;
    expect(outputs).toMatchObject({ annotated: true, annotations: rest });
    expect(await fileOn(`refs/heads/${branch}`)).toBe(
      withNamespace.replace(
        '    backstage.io/kubernetes-namespace: stock\n',
        '    backstage.io/kubernetes-namespace: stock\n    backstage.io/kubernetes-label-selector: app=inventory-api\n    backstage.io/kubernetes-cluster: backend\n',
      ),
    );
    expect(lines.join('\n')).toMatch(
      /warn component:default\/inventory-api already has backstage.io\/kubernetes-namespace: stock; left as it is \(the onboarding used inventory\)/,
    );
    expect(github.pulls[0].body).toMatch(
      /`backstage\.io\/kubernetes-namespace`: stock \(onboarded: inventory\)/,
    );
  });

  it('pushes nothing when the file sets every annotation, if only to other values', async () => {
    const setElsewhere = componentCatalogInfo.replace(
      slugLine,
      `${slugLine}    backstage.io/kubernetes-label-selector: ''\n    backstage.io/kubernetes-namespace: stock\n    backstage.io/kubernetes-cluster: edge\n`,
    );
    await repository(setElsewhere);
    const before = await refs(bare);
    const { outputs } = await runAction(setup(setElsewhere).action, input);
    expect(outputs).toEqual({
      annotated: false,
      file: 'catalog-info.yaml',
      reason: expect.stringMatching(
        /^catalog-info\.yaml in .* \(main\) already sets component:default\/inventory-api's backstage\.io\/kubernetes-label-selector: , backstage\.io\/kubernetes-namespace: stock, backstage\.io\/kubernetes-cluster: edge, other values than the onboarding's: left as they are$/,
      ),
    });
    expect(await refs(bare)).toEqual(before);
    expect(git.pushes).toBe(0);
    expect(github.pulls).toEqual([]);
  });

  it.each([
    [
      'holds no document for the entity',
      // The catalog still lists the Component; the file on main no longer defines it.
      componentCatalogInfo.split('---\n')[0],
      /^catalog-info\.yaml in 127\.0\.0\.1:\d+\/example-org\/inventory \(main\) holds no document for component:default\/inventory-api/,
    ],
    [
      'does not parse',
      `${componentCatalogInfo}---\nkind: [unclosed\n`,
      /^catalog-info\.yaml in 127\.0\.0\.1:\d+\/example-org\/inventory \(main\) does not parse as YAML: /,
    ],
  ])(
    'names the file and pushes nothing when it %s',
    async (_, onMain, message) => {
      await repository(onMain);
      const before = await refs(bare);
      const error = await runAction(setup().action, input).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
      expect(await refs(bare)).toEqual(before);
      expect(git.pushes).toBe(0);
      expect(github.requests.filter(r => r.method !== 'GET')).toEqual([]);
    },
  );

  it('opens nothing when the file already selects the workloads (the catalog has not read it yet)', async () => {
    const onMain = componentCatalogInfo.replace(
      slugLine,
      `${slugLine}    backstage.io/kubernetes-label-selector: app=inventory\n`,
    );
    await repository(onMain);
    const { outputs } = await runAction(setup().action, input);
    expect(outputs).toEqual({
      annotated: false,
      file: 'catalog-info.yaml',
      reason: expect.stringMatching(
        /^catalog-info\.yaml in .* \(main\) already gives component:default\/inventory-api backstage\.io\/kubernetes-label-selector; the catalog shows it once it reads the file again$/,
      ),
    });
    expect(git.pushes).toBe(0);
    expect(github.pulls).toEqual([]);
  });

  it.each([
    [{ service: 'Inventory_API' }, /service/],
    [{ namespace: 'in ventory' }, /namespace/],
    [{ cluster: 'b'.repeat(64) }, /cluster/],
    [{ selector: { 'bad key!': 'x' } }, /selector/],
    [{ component: 'component:default/' }, /component/],
    [{ component: 'component:default/inventory-api\nx' }, /component/],
    [{ owner: 'group:default/team' }, /owner: unknown field/],
  ])(
    'refuses %j before it reads the catalog or clones anything',
    async (bad, message) => {
      await repository();
      const { action, lookups } = setup();
      const error = await runAction(action, { ...input, ...bad }).catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(message);
      expect(lookups).not.toHaveBeenCalled();
      expect(git.requests).toEqual([]);
      expect(github.requests).toEqual([]);
    },
  );

  it('on a dry run, says what it would do and clones, pushes and opens nothing', async () => {
    await repository();
    const { outputs } = await runAction(setup().action, input, {
      isDryRun: true,
    });
    expect(outputs).toEqual({
      annotated: false,
      branch,
      file: 'catalog-info.yaml',
      annotations: added,
      reason: `Dry run: would add backstage.io/kubernetes-label-selector: app=inventory-api, backstage.io/kubernetes-namespace: inventory, backstage.io/kubernetes-cluster: backend to component:default/inventory-api in catalog-info.yaml of ${git.host}/example-org/inventory (branch main) on ${branch}, and open a pull request`,
    });
    expect(git.requests).toEqual([]);
    expect(github.requests).toEqual([]);
  });

  it('shows the token in no log line, output or request body', async () => {
    await repository();
    const created = await runAction(setup().action, input);
    const again = await runAction(setup().action, input);
    const leaked = (text: string) =>
      text.includes(token) || text.includes(basic);
    for (const run of [created, again]) {
      expect(run.lines.length).toBeGreaterThan(0);
      expect(run.lines.filter(leaked)).toEqual([]);
      expect(leaked(JSON.stringify(run.outputs))).toBe(false);
    }
    expect(github.requests.length).toBeGreaterThan(3);
    expect(
      github.requests.filter(r => leaked(JSON.stringify(r.body ?? ''))),
    ).toEqual([]);
    expect(github.pulls.filter(p => leaked(JSON.stringify(p)))).toEqual([]);
    expect(
      await runGit(bare, 'log', '--format=%B', `refs/heads/${branch}`),
    ).not.toContain(token);
  });

  it('keeps a wrong token out of the error git answers with', async () => {
    await repository();
    const wrong = 'ghp_Wr0ngAnnotateT0kenMustNotLeak01';
    const { ctx, lines } = await actionContext(input);
    const error = await setup(componentCatalogInfo, wrong)
      .action.handler(ctx as any)
      .catch(e => e);
    expect(error.name).toBe('CatalogAnnotateError');
    expect(error.message).toMatch(
      /^Could not open the pull request annotating component:default\/inventory-api in .*: git clone failed/,
    );
    const everything = `${error.message}\n${error.stack}\n${lines.join('\n')}`;
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(
      Buffer.from(`x-access-token:${wrong}`).toString('base64'),
    );
    expect(github.pulls).toHaveLength(0);
  });
});
