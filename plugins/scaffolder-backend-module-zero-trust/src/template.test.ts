import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { runAction } from './__testUtils__/actionContext';
import {
  annotateActionFor,
  catalogEntities,
} from './__testUtils__/componentRepository';
import {
  checkoutBranch,
  createBareRepository,
  demoGitops,
  demoRepoUrls,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from './__testUtils__/repositories';
import {
  inventoryAccess,
  inventoryBranch,
  repositoriesFor,
} from './__testUtils__/setup';
import { createGitopsPullRequestAction } from './actions/gitopsPullRequest';
import { createOnboardGenerateAction } from './actions/onboardGenerate';
import { toOnboardingRequest } from './onboarding/toOnboardingRequest';

const templateFile = path.resolve(
  __dirname,
  '../../../templates/onboard-service/template.yaml',
);
const demoEntities = path.resolve(__dirname, '../../../examples/entities.yaml');

/**
 * A step input as the scaffolder renders it where the whole value is one
 * `${{ parameters.NAME }}` expression: the parameter's value, type kept.
 */
/** Fills `${{ parameters.X }}` and `${{ steps.ID.output.X }}`, as the scaffolder would. */
function render(
  input: Record<string, unknown>,
  parameters: Record<string, unknown>,
  steps: Record<string, Record<string, unknown>> = {},
) {
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => {
      if (typeof value !== 'string') return [key, value];
      const parameter = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(value);
      if (parameter) return [key, parameters[parameter[1]]];
      const output = /^\$\{\{ steps\.([\w-]+)\.output\.(\w+) \}\}$/.exec(value);
      if (output) return [key, steps[output[1]]?.[output[2]]];
      return [key, value];
    }),
  );
}

// Every test runs the template's steps, which clone, commit and push with real git
// processes: more than jest's default 5 s when the machine is busy.
jest.setTimeout(60_000);

describe('templates/onboard-service', () => {
  afterAll(removeTemporaryFolders);

  it('is a Template whose fields carry the request names and the custom fields', async () => {
    const template = yaml.parse(await fs.readFile(templateFile, 'utf8'));
    expect(template).toMatchObject({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'onboard-service' },
    });
    const properties = Object.assign(
      {},
      ...template.spec.parameters.map((p: any) => p.properties),
    );
    // The entity page's "Onboard to the mesh" link prefills these.
    for (const name of ['service', 'namespace', 'cluster', 'component']) {
      expect(properties[name]).toBeDefined();
    }
    expect(properties.allowedCallers['ui:field']).toBe(
      'ZeroTrustCallersPicker',
    );
    expect(properties.preview['ui:field']).toBe('ZeroTrustOnboardingPreview');
    expect(properties.component['ui:field']).toBe('EntityPicker');
    expect(properties.owner['ui:field']).toBe('OwnerPicker');
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([
      'zero-trust:onboard:generate',
      'zero-trust:gitops:pull-request',
      'zero-trust:catalog:annotate',
    ]);
    // Every parameter a step reads is one the form asks for.
    const read = template.spec.steps.flatMap((step: any) =>
      Object.values<string>(step.input).flatMap(value => {
        const name = /parameters\.(\w+)/.exec(String(value))?.[1];
        return name ? [name] : [];
      }),
    );
    expect(read.length).toBeGreaterThan(10);
    expect(read.filter((n: string) => !(n in properties))).toEqual([]);
    expect(template.spec.output.links[1].url).toBe(
      "/catalog/${{ parameters.component | parseEntityRef | pick('namespace') }}/component/${{ parameters.component | parseEntityRef | pick('name') }}/security",
    );
    // The annotation pull request's link only where one was opened; else its reason.
    expect(template.spec.output.links[2]).toEqual({
      title: 'Catalog annotations pull request',
      if: '${{ steps.annotate.output.pullRequestUrl }}',
      url: '${{ steps.annotate.output.pullRequestUrl }}',
    });
    expect(template.spec.output.text[1]).toEqual({
      title: 'Catalog annotations',
      if: '${{ steps.annotate.output.reason }}',
      content: '${{ steps.annotate.output.reason }}',
    });
  });

  it("offers egress and the seed's timeouts and retries as a preset the action takes as they are", async () => {
    const template = yaml.parse(await fs.readFile(templateFile, 'utf8'));
    const properties = Object.assign(
      {},
      ...template.spec.parameters.map((p: any) => p.properties),
    );
    // The form's defaults: what rjsf fills in when the preset is chosen.
    const defaults = (schema: any): any =>
      schema.type === 'object'
        ? Object.fromEntries(
            Object.entries(schema.properties).map(([k, v]) => [k, defaults(v)]),
          )
        : schema.default;
    const [none, preset] = properties.traffic.oneOf;
    expect(none.type).toBe('null');
    expect(defaults(preset)).toEqual({
      timeout: '30s',
      retries: {
        attempts: 3,
        perTryTimeout: '10s',
        retryOn: '5xx,reset,connect-failure',
      },
    });
    const host = defaults(properties.egress.items);
    expect(host).toEqual({ host: undefined, ports: [443], protocol: 'TLS' });
    const request = toOnboardingRequest({
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [],
      egress: [{ ...host, host: 'api.stripe.com' }],
      traffic: defaults(preset),
    });
    expect(request.egress).toEqual([
      { host: 'api.stripe.com', ports: [443], protocol: 'TLS' },
    ]);
    expect(request.traffic).toEqual(defaults(preset));
    // "None" and an empty host list are the fields left out.
    expect(
      toOnboardingRequest({
        service: 'ratings',
        namespace: 'bookinfo',
        allowedCallers: [],
        egress: [],
        traffic: null,
      }),
    ).toEqual({
      service: 'ratings',
      namespace: 'bookinfo',
      allowedCallers: [],
    });
  });

  it("opens the branch in the plain git repository from the form's answers, as a new user would", async () => {
    const template = yaml.parse(await fs.readFile(templateFile, 'utf8'));
    // The demo's repository and plain git settings, as app-config.yaml has them.
    const bare = await createBareRepository(
      path.join(await temporaryFolder(), '.cache/gitops.git'),
      demoGitops,
    );
    const plainGit = { url: bare, repoUrls: demoRepoUrls };
    const repositories = repositoriesFor({
      zeroTrust: { gitops: { plainGit } },
    });
    // The demo catalog: every component is defined in examples/entities.yaml.
    const entities = catalogEntities(
      await fs.readFile(demoEntities, 'utf8'),
      `file:${demoEntities}`,
    );
    const actions: Record<string, any> = {
      'zero-trust:onboard:generate': createOnboardGenerateAction({
        repositories,
      }),
      'zero-trust:gitops:pull-request': createGitopsPullRequestAction({
        repositories,
      }),
      'zero-trust:catalog:annotate': annotateActionFor(
        { zeroTrust: { gitops: { plainGit } } },
        entities,
      ).action,
    };
    // The form's answers with its defaults, the way the scaffolder sends them.
    const parameters = {
      component: 'component:default/inventory-api',
      owner: 'group:default/team-supply',
      service: 'inventory-api',
      namespace: 'inventory',
      cluster: 'backend',
      allowedCallers: [{ workload: 'bookinfo/productpage' }],
      ports: [],
      mtlsMode: 'STRICT',
      dataplane: 'sidecar',
      namespaceDefaultDeny: true,
      // The edges page left as it opens: no host, no timeouts.
      egress: [],
      traffic: null,
      // The preview shows productpage blocked by inventory's default-deny NetworkPolicy:
      // the user ticks the NetworkPolicy box, which admits it at the network layer too.
      networkPolicy: true,
      preview: 'spiffe://internal.example/ns/inventory/sa/inventory',
    };
    const workspacePath = await temporaryFolder('zt-ws-');
    const outputs: Record<string, any> = {};
    for (const step of template.spec.steps) {
      const run = await runAction(
        actions[step.action],
        render(step.input, parameters, outputs),
        { workspacePath },
      );
      outputs[step.id] = run.outputs;
    }
    // The workload's own labels, which the annotate step selects it by.
    expect(outputs.generate.selector).toEqual({
      app: 'inventory',
      team: 'supply',
    });
    expect(outputs.generate.changedFiles).toEqual(
      outputs['pull-request'].changedFiles,
    );
    expect(outputs['pull-request'].branch).toBe(inventoryBranch);
    expect(Object.keys(await refs(bare))).toContain(
      `refs/heads/${inventoryBranch}`,
    );
    const decide = await inventoryAccess(
      await checkoutBranch(bare, inventoryBranch),
      demoRepoUrls,
    );
    expect(decide('bookinfo/productpage')).toBe('ALLOW');
    expect(decide('monitoring/prometheus')).toBe('DENY');
    // inventory-api already selects its workloads in the demo catalog: the last step
    // passes quietly, changing nothing.
    expect(outputs.annotate).toEqual({
      annotated: false,
      reason: expect.stringContaining(
        'component:default/inventory-api already has backstage.io/kubernetes-label-selector',
      ),
    });
    expect(
      Object.keys(await refs(bare)).filter(r => r.includes('annotate')),
    ).toEqual([]);
  });
});
