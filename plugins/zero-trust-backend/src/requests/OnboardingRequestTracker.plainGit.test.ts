import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { OnboardingPullRequest } from '@zero-trust/backstage-plugin-zero-trust-common';
import { pathToFileURL } from 'node:url';
import { gitReader } from '../clusters/gitReader';
import { SnapshotClusterSource } from '../clusters/SnapshotClusterSource';
import { PullRequestStates } from './forges/PullRequestStates';
import { demoGitSource } from '../__fixtures__/demoConfig';
import { gitopsRepository } from './__testUtils__/gitopsRepository';
import { inventoryRequest, recordInput } from './__testUtils__/inventory';
import { OnboardingRequestStore } from './OnboardingRequestStore';
import { OnboardingRequestTracker } from './OnboardingRequestTracker';
import { gitopsChangeRenderer } from './renderedChange';

// Every test pushes, merges and reads with real git processes: more than jest's default
// 5 s when the machine is busy.
jest.setTimeout(60_000);

const branch = 'zero-trust/onboard-backend-inventory-inventory-api';

describe('OnboardingRequestTracker over a plain git repository', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let repository: Awaited<ReturnType<typeof gitopsRepository>>;
  let cluster: SnapshotClusterSource;
  let store: OnboardingRequestStore;
  let tracker: OnboardingRequestTracker;

  beforeEach(async () => {
    repository = await gitopsRepository();
    // The demo's backend cluster: what the GitOps repository's main branch holds.
    cluster = new SnapshotClusterSource(
      'backend',
      gitReader(demoGitSource(repository.bare, 'backend')),
    );
    await cluster.start();
    const knex = await databases.init('SQLITE_3');
    store = await OnboardingRequestStore.create({
      database: { getClient: async () => knex },
    });
    tracker = new OnboardingRequestTracker({
      store,
      pullRequests: PullRequestStates.fromConfig(
        new ConfigReader({
          zeroTrust: { gitops: { plainGit: { url: repository.bare } } },
        }),
      ),
      clusters: [cluster],
      // As startTracking wires the demo: the git cluster's branch is its desired state.
      renderers: [
        gitopsChangeRenderer(
          'backend',
          demoGitSource(repository.bare, 'backend'),
        ),
      ],
      logger: mockServices.logger.mock(),
      convergeWithinMs: 10 * 60_000,
    });
  });
  afterEach(async () => {
    await cluster.stop();
    await repository.remove();
  });

  /** The branch the pull request action pushed, recorded as it records it. */
  async function pushAndRecord() {
    const { plan, headSha } = await repository.pushOnboarding(
      inventoryRequest,
      branch,
    );
    const url = pathToFileURL(repository.bare).href;
    const pullRequest: OnboardingPullRequest = {
      provider: 'git',
      repository: url,
      url: `${url}#${branch}`,
      branch,
      baseBranch: 'main',
      headSha,
    };
    const { record } = await store.record(recordInput(plan, { pullRequest }));
    return { record, plan };
  }

  it('sees the branch merged into main for real, and the cluster that main describes converge', async () => {
    const { record } = await pushAndRecord();
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('open');

    // Plain git cannot say when a branch was merged: the request is merged as of the run
    // that first sees it merged, which falls between the merge and the end of that run.
    const beforeMerge = Date.now();
    await repository.merge(branch);
    await tracker.run();
    const afterRun = Date.now();
    const after = await store.get(record.id);
    expect(after).toMatchObject({ state: 'converged', drift: [] });
    const mergedAt = Date.parse(after!.mergedAt!);
    const convergedAt = Date.parse(after!.convergedAt!);
    expect(mergedAt).toBeGreaterThanOrEqual(beforeMerge);
    expect(mergedAt).toBeLessThanOrEqual(afterRun);
    expect(convergedAt).toBeGreaterThanOrEqual(mergedAt);
    expect(convergedAt).toBeLessThanOrEqual(afterRun);

    // Later polls keep both moments: they are when it happened, not when last seen.
    await tracker.run();
    await tracker.run();
    expect(await store.get(record.id)).toMatchObject({
      state: 'converged',
      mergedAt: after!.mergedAt,
      convergedAt: after!.convergedAt,
    });
  });

  it('closes the request when its branch is deleted unmerged', async () => {
    const { record } = await pushAndRecord();
    await repository.deleteBranch(branch);
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('closed');
  });

  it('reads no repository but the configured one', async () => {
    const { record, plan } = await pushAndRecord();
    const { record: other } = await store.record(
      recordInput(plan, {
        pullRequest: {
          ...record.pullRequest,
          repository: 'file:///etc/elsewhere.git',
          url: 'file:///etc/elsewhere.git#x',
        },
      }),
    );
    await tracker.run();
    expect(await store.get(other.id)).toMatchObject({
      state: 'failed',
      lastError:
        'file:///etc/elsewhere.git is not the configured zeroTrust.gitops.plainGit.url',
    });
    expect((await store.get(record.id))?.state).toBe('open');
  });
});
