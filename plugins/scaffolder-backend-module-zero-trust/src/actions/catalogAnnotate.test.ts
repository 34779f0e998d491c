import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { runAction } from '../__testUtils__/actionContext';
import { GitopsRepositories } from '../gitops/GitopsRepositories';
import {
  annotateActionFor,
  catalogEntities,
} from '../__testUtils__/componentRepository';

// Runs the action end to end over a real checkout: slow on a busy machine.
jest.setTimeout(60_000);

const demoEntities = path.resolve(
  __dirname,
  '../../../../examples/entities.yaml',
);
const input = {
  component: 'component:default/ledger',
  service: 'ledger',
  namespace: 'payments',
  cluster: 'backend',
};
const ledger = (location: string) =>
  catalogEntities(
    'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\nspec:\n  type: service\n  owner: team-payments\n  lifecycle: production\n',
    location,
  );
const config = {
  integrations: {
    github: [{ host: 'github.com', token: 'ghp_unused0000' }],
  },
};

/** The clone the action must not start: a spy on the one way it reaches a repository. */
const clones = () => jest.spyOn(GitopsRepositories.prototype, 'checkout');

describe('zero-trust:catalog:annotate without a pull request', () => {
  afterEach(() => jest.restoreAllMocks());

  it('says what to add by hand for an entity defined in a file: location', async () => {
    const checkout = clones();
    const { action } = annotateActionFor(
      config,
      ledger('file:/srv/backstage/catalog/entities.yaml'),
    );
    const { outputs, lines } = await runAction(action, input);
    expect(outputs).toEqual({
      annotated: false,
      file: 'file:/srv/backstage/catalog/entities.yaml',
      annotations: {
        'backstage.io/kubernetes-label-selector': 'app=ledger',
        'backstage.io/kubernetes-namespace': 'payments',
        'backstage.io/kubernetes-cluster': 'backend',
      },
      reason:
        "component:default/ledger is defined in file:/srv/backstage/catalog/entities.yaml, a file on the catalog's own disk, which the scaffolder cannot change: add these annotations by hand: backstage.io/kubernetes-label-selector: app=ledger, backstage.io/kubernetes-namespace: payments, backstage.io/kubernetes-cluster: backend",
    });
    expect(lines.join('\n')).toContain('add these annotations by hand');
    expect(checkout).not.toHaveBeenCalled();
  });

  it('says so for a host with no GitHub or GitLab integration, and adds only what is missing', async () => {
    const [entity] = ledger(
      'url:https://git.example.com/payments/ledger/blob/main/catalog-info.yaml',
    );
    entity.metadata.annotations!['backstage.io/kubernetes-cluster'] = 'edge';
    const checkout = clones();
    const { action } = annotateActionFor(config, [entity]);
    const { outputs } = await runAction(action, input);
    expect(checkout).not.toHaveBeenCalled();
    expect(outputs.annotated).toBe(false);
    expect(outputs.annotations).toEqual({
      'backstage.io/kubernetes-label-selector': 'app=ledger',
      'backstage.io/kubernetes-namespace': 'payments',
    });
    expect(outputs.reason).toMatch(
      /^component:default\/ledger is defined in url:https:\/\/git\.example\.com\/.*, git\.example\.com, which has no GitHub or GitLab integration configured/,
    );
  });

  it('says what to change by hand where the entity sets every annotation to another value', async () => {
    const [entity] = ledger('file:/srv/entities.yaml');
    Object.assign(entity.metadata.annotations!, {
      'backstage.io/kubernetes-label-selector': ' ',
      'backstage.io/kubernetes-namespace': 'ledger',
      'backstage.io/kubernetes-cluster': 'edge',
    });
    const { action } = annotateActionFor(config, [entity]);
    const { outputs } = await runAction(action, input);
    expect(outputs).toMatchObject({ annotated: false, annotations: {} });
    expect(outputs.reason).toMatch(
      /: its annotations differ from the onboarding's \(it has backstage\.io\/kubernetes-label-selector: {2}, backstage\.io\/kubernetes-namespace: ledger, backstage\.io\/kubernetes-cluster: edge\): change them by hand/,
    );
  });

  it('refuses an entity the catalog does not show the user, naming it', async () => {
    const { action, lookups } = annotateActionFor(
      config,
      ledger('file:/srv/entities.yaml'),
    );
    const error = await runAction(action, {
      ...input,
      component: 'Component:Payments/Ledger',
    }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'component:payments/ledger is not in the catalog, or you may not see it',
    );
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('passes quietly in the demo, where every component is annotated in examples/entities.yaml', async () => {
    const checkout = clones();
    const text = await fs.readFile(demoEntities, 'utf8');
    const { action } = annotateActionFor(
      {},
      catalogEntities(text, `file:${demoEntities}`),
    );
    const { outputs } = await runAction(action, {
      component: 'component:default/inventory-api',
      service: 'inventory-api',
      namespace: 'inventory',
      cluster: 'backend',
    });
    expect(outputs).toEqual({
      annotated: false,
      reason: expect.stringMatching(
        /^component:default\/inventory-api already has backstage\.io\/kubernetes-label-selector, which finds its workloads: left as it is/,
      ),
    });
    expect(checkout).not.toHaveBeenCalled();
  });
});
