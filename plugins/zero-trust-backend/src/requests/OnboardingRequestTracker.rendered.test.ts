import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  OnboardingPlan,
  OnboardingPullRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { demoGitSource } from '../__fixtures__/demoConfig';
import { PullRequestStates } from './forges/PullRequestStates';
import { gitopsRepository } from './__testUtils__/gitopsRepository';
import { inventoryRequest, recordInput } from './__testUtils__/inventory';
import { eventually, liveBackendCluster } from './__testUtils__/liveCluster';
import { OnboardingRequestStore } from './OnboardingRequestStore';
import { OnboardingRequestTracker } from './OnboardingRequestTracker';
import { gitopsChangeRenderer } from './renderedChange';

// Real git (push, merge, clone), the real kustomize, a real API server: a wide timeout
// for a busy machine, not a speed check.
jest.setTimeout(120_000);

const branch = 'zero-trust/onboard-backend-inventory-inventory-api';
const overlay = 'apps/overlays/backend/inventory';
const connectionPool = { tcp: { maxConnections: 100 } };

/** The backend cluster's overlay of inventory caps every DestinationRule's connections. */
const cappedOverlay = (text: string) => `${text}patches:
  # The backend cluster caps every DestinationRule's connections.
  - target:
      kind: DestinationRule
    patch: |-
      - op: add
        path: /spec/trafficPolicy/connectionPool
        value: ${JSON.stringify(connectionPool)}
`;

/** What Argo CD applies for the inventory Application: the real `kubectl kustomize`. */
function renderedByKustomize(dir: string): any[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return parseAllDocuments(out)
    .map(d => d.toJS())
    .filter(Boolean)
    .map(o =>
      o.kind === 'Namespace' || o.metadata.namespace
        ? o
        : { ...o, metadata: { ...o.metadata, namespace: 'inventory' } },
    );
}

/** The manifests of a folder read as they are (as Argo CD applies a plain folder). */
function plainFiles(dir: string): any[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.yaml'))
    .flatMap(f =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d =>
        d.toJS(),
      ),
    );
}

describe('OnboardingRequestTracker compares the cluster with the change as its GitOps controller renders it', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let repository: Awaited<ReturnType<typeof gitopsRepository>>;
  let cluster: Awaited<ReturnType<typeof liveBackendCluster>>;
  let store: OnboardingRequestStore;
  let plan: OnboardingPlan;
  let recordId: string;
  let clock: Date;

  const minutes = (n: number) => new Date(Date.UTC(2026, 0, 5, 12, n));

  const tracker = (rendered: boolean) =>
    new OnboardingRequestTracker({
      store,
      pullRequests: PullRequestStates.fromConfig(
        new ConfigReader({
          zeroTrust: { gitops: { plainGit: { url: repository.bare } } },
        }),
      ),
      clusters: [cluster.source],
      // The live cluster's desired state: the demo's backend cluster folder on main.
      renderers: rendered
        ? [
            gitopsChangeRenderer(
              'backend',
              demoGitSource(repository.bare, 'backend'),
            ),
          ]
        : [],
      logger: mockServices.logger.mock(),
      convergeWithinMs: 10 * 60_000,
      now: () => clock,
    });

  beforeEach(async () => {
    repository = await gitopsRepository();
    const kustomization = path.join(overlay, 'kustomization.yaml');
    await repository.commitOnMain(
      {
        [kustomization]: cappedOverlay(
          fs.readFileSync(path.join(repository.work, kustomization), 'utf8'),
        ),
      },
      'cap connections in the backend cluster',
    );
    cluster = await liveBackendCluster();
    const knex = await databases.init('SQLITE_3');
    store = await OnboardingRequestStore.create({
      database: { getClient: async () => knex },
    });

    // The onboarding pushed on its branch, recorded as the pull request action does,
    // and merged for real.
    // The team keeps each service's policies in its cluster's overlay.
    const pushed = await repository.pushOnboarding(inventoryRequest, branch, {
      serviceDir: 'apps/overlays/{cluster}/{namespace}/',
    });
    plan = pushed.plan;
    const url = pathToFileURL(repository.bare).href;
    const pullRequest: OnboardingPullRequest = {
      provider: 'git',
      repository: url,
      url: `${url}#${branch}`,
      branch,
      baseBranch: 'main',
      headSha: pushed.headSha,
    };
    recordId = (await store.record(recordInput(plan, { pullRequest }))).record
      .id;
    await repository.merge(branch);
    clock = minutes(0);
  });
  afterEach(async () => {
    await cluster.close();
    await repository.remove();
  });

  const destinationRule = () =>
    plan.resources.find(r => r.kind === 'DestinationRule')!;

  it('converges once the cluster holds what the overlay renders, patch included, which the change as generated would call drift', async () => {
    // Argo CD syncs the merged overlay into the cluster, and the app of apps the
    // cluster folder's own files (the namespace's allow-nothing policy).
    const applied = [
      ...renderedByKustomize(path.join(repository.work, overlay)),
      ...plainFiles(path.join(repository.work, 'clusters/backend/namespaces')),
    ];
    const rule = applied.find(o => o.kind === 'DestinationRule');
    expect(rule.spec.trafficPolicy.connectionPool).toEqual(connectionPool);
    applied.forEach(o => cluster.server.apply(o));
    await eventually(
      () =>
        (cluster.source.objects() ?? []).some(
          ({ object }: any) =>
            object.kind === 'DestinationRule' &&
            object.metadata.namespace === 'inventory' &&
            object.spec?.trafficPolicy?.connectionPool,
        ),
      'the live source to see the synced overlay',
    );

    // Compared with the change as generated, the overlay's patch looks like drift.
    await tracker(false).run();
    const generated = await store.get(recordId);
    expect(generated?.state).toBe('merged');
    expect(generated?.drift).toEqual([
      expect.objectContaining({
        type: 'differentSpec',
        resource: {
          kind: 'DestinationRule',
          namespace: 'inventory',
          name: destinationRule().metadata.name,
        },
        differences: [
          { path: 'trafficPolicy.connectionPool', actual: connectionPool },
        ],
      }),
    ]);

    // Compared with what the cluster's controller renders, it holds the change.
    await tracker(true).run();
    expect(await store.get(recordId)).toMatchObject({
      state: 'converged',
      drift: [],
      convergedAt: minutes(0).toISOString(),
    });
  });

  it('calls a cluster holding the change as generated, without the overlay’s patch, drifted', async () => {
    await cluster.sync(plan);
    // Plain git: merged as of the first run that sees it; drifted after the grace period.
    await tracker(true).run();
    expect((await store.get(recordId))?.state).toBe('merged');
    clock = minutes(30);
    await tracker(true).run();
    const record = await store.get(recordId);
    expect(record?.state).toBe('drifted');
    expect(record?.lastError).toBeUndefined();
    expect(record?.drift).toEqual([
      expect.objectContaining({
        type: 'differentSpec',
        resource: {
          kind: 'DestinationRule',
          namespace: 'inventory',
          name: destinationRule().metadata.name,
        },
        differences: [
          { path: 'trafficPolicy.connectionPool', expected: connectionPool },
        ],
      }),
    ]);
  });

  it('says why it cannot compare when the desired state cannot be rendered, and keeps the state', async () => {
    await cluster.sync(plan);
    const broken = new OnboardingRequestTracker({
      store,
      pullRequests: PullRequestStates.fromConfig(
        new ConfigReader({
          zeroTrust: { gitops: { plainGit: { url: repository.bare } } },
        }),
      ),
      clusters: [cluster.source],
      renderers: [
        gitopsChangeRenderer('backend', {
          ...demoGitSource(repository.bare, 'backend'),
          branch: 'no-such-branch',
        }),
      ],
      logger: mockServices.logger.mock(),
      convergeWithinMs: 10 * 60_000,
      now: () => clock,
    });
    await broken.run();
    const record = await store.get(recordId);
    expect(record?.state).toBe('merged');
    expect(record?.lastError).toMatch(
      /^cannot read cluster backend's desired state \(clusters\/backend at no-such-branch\) of .*gitops\.git: /,
    );
  });
});
