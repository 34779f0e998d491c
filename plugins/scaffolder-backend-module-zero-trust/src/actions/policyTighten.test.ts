import { promises as fs } from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  TestPrometheus,
  istioSeries,
  startTestPrometheus,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing/prometheus';
import type { TelemetryConfig } from '@zero-trust/backstage-plugin-zero-trust-node/telemetry';
import { runAction } from '../__testUtils__/actionContext';
import { onboardingActions, runOnboarding } from '../__testUtils__/onboarding';
import {
  checkoutBranch,
  changedFiles,
  createBareRepository,
  git,
  refs,
  removeTemporaryFolders,
  temporaryFolder,
} from '../__testUtils__/repositories';
import { startRequestsServer } from '../__testUtils__/requestsServer';
import {
  inventoryAccess,
  inventoryBranch,
  inventoryInput,
  repositoriesFor,
} from '../__testUtils__/setup';
import { createGitopsPullRequestAction } from './gitopsPullRequest';
import { createPolicyTightenAction } from './policyTighten';

// A real Prometheus, real git and kustomize: wide timeouts for a busy machine.
jest.setTimeout(180_000);

const hour = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * hour);
const tightenBranch = 'zero-trust/tighten-backend-inventory-inventory-api';

describe('zero-trust:policy:tighten, with a real Prometheus', () => {
  let prom: TestPrometheus;
  let bare: string;
  let backend: Awaited<ReturnType<typeof startRequestsServer>>;
  const repositories = () =>
    repositoriesFor({ zeroTrust: { gitops: { plainGit: { url: bare } } } });
  const telemetry = (): TelemetryConfig => ({
    window: '7d',
    cacheSeconds: 120,
    endpoints: new Map([['backend', { cluster: 'backend', url: prom.url }]]),
    errors: [],
  });

  beforeAll(async () => {
    prom = await startTestPrometheus({
      history: [
        {
          ...istioSeries({
            source: {
              principal: 'internal.example/ns/bookinfo/sa/bookinfo-productpage',
              namespace: 'bookinfo',
              workload: 'productpage',
            },
            destination: {
              namespace: 'inventory',
              workload: 'inventory-api',
              port: 8080,
            },
          }),
          at: ago(20),
          count: 42,
        },
      ],
    });
  }, 180_000);
  afterAll(async () => {
    await prom?.stop();
    await removeTemporaryFolders();
  });
  beforeEach(async () => {
    bare = await createBareRepository(
      path.join(await temporaryFolder(), 'gitops.git'),
    );
    backend = await startRequestsServer();
    backend.security.set('component:default/inventory-api', {
      entityRef: 'component:default/inventory-api',
      clusters: [
        {
          cluster: 'backend',
          workloads: [{ namespace: 'inventory', name: 'inventory-api' }],
        },
      ],
    } as any);
    // inventory-api onboarded (productpage GET, the monitoring namespace) and merged.
    await runOnboarding(
      onboardingActions({ repositories: repositories() }),
      inventoryInput,
    );
    await git(
      bare,
      'update-ref',
      'refs/heads/main',
      `refs/heads/${inventoryBranch}`,
    );
  });
  afterEach(() => backend.stop());

  const action = () =>
    createPolicyTightenAction({
      repositories: repositories(),
      workloads: backend.workloads,
      telemetry: telemetry(),
    });

  it('runs as templates/tighten-callers says: a pull request that admits the used caller and denies the unused', async () => {
    const template = yaml.parse(
      await fs.readFile(
        path.resolve(
          __dirname,
          '../../../../templates/tighten-callers/template.yaml',
        ),
        'utf8',
      ),
    );
    const [tightenStep, publishStep] = template.spec.steps;
    expect([tightenStep.action, publishStep.action]).toEqual([
      'zero-trust:policy:tighten',
      'zero-trust:gitops:pull-request',
    ]);
    const parameters: Record<string, unknown> = {
      entityRef: 'component:default/inventory-api',
      window: '7d',
    };
    const render = (input: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(input).map(([k, v]) => {
          const m = /^\$\{\{ parameters\.(\w+) \}\}$/.exec(String(v));
          return [k, m ? parameters[m[1]] : v];
        }),
      );
    const mainBefore = (await refs(bare))['refs/heads/main'];
    const workspacePath = await temporaryFolder('zt-ws-');
    const { outputs } = await runAction(action(), render(tightenStep.input), {
      workspacePath,
    });
    expect(outputs.branch).toBe(tightenBranch);
    expect(outputs.removed).toEqual(
      expect.arrayContaining([expect.stringContaining('monitoring')]),
    );
    // The evidence: productpage's 42 requests, and when they were last seen.
    const description = outputs.description as string;
    expect(description).toMatch(
      /\| `[^`]*productpage[^`]*` \| 42 \| `20\d\d-\d\d-\d\dT[^`|]+` \| 8080 \|/,
    );
    expect(description).toContain(
      'No longer admitted (not seen in the window)',
    );
    // The user's identity asked for the entity's workloads.
    expect(backend.gets[0].authorization).toContain('"obo":"user:');

    const published = await runAction(
      createGitopsPullRequestAction({
        repositories: repositories(),
        recorder: backend.recorder,
      }),
      render(publishStep.input),
      { workspacePath },
    );
    expect(published.outputs).toMatchObject({
      pushed: true,
      branch: tightenBranch,
      recorded: false,
    });
    // Not an onboarding request: nothing recorded.
    expect(backend.posts).toEqual([]);
    expect(await changedFiles(bare, mainBefore, tightenBranch)).toEqual([
      'clusters/backend/namespaces/inventory/inventory-api/authorization-policy-inventory-api-callers.yaml',
    ]);

    // The round trip: check on the pushed branch.
    const access = await inventoryAccess(
      await checkoutBranch(bare, tightenBranch),
    );
    expect(access('bookinfo/productpage', 'GET')).toBe('ALLOW');
    expect(access('monitoring/prometheus', 'GET')).toBe('DENY');
    expect(access('bookinfo/reviews-v1', 'GET')).toBe('DENY');
  });

  it('says how to connect a Prometheus where the cluster has none, and refuses a bad window', async () => {
    const none = createPolicyTightenAction({
      repositories: repositories(),
      workloads: backend.workloads,
      telemetry: { ...telemetry(), endpoints: new Map() },
    });
    await expect(
      runAction(none, { entityRef: 'component:default/inventory-api' }),
    ).rejects.toThrow('No Prometheus is configured for cluster backend');
    await expect(
      runAction(action(), {
        entityRef: 'component:default/inventory-api',
        window: 'a week',
      }),
    ).rejects.toThrow('is not a Prometheus duration');
    await expect(
      runAction(action(), { entityRef: 'component:default/nothing' }),
    ).rejects.toThrow('no entity component:default/nothing');
  });
});
