import {
  mockServices,
  registerMswTestHooks,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type {
  OnboardingPlan,
  OnboardingPullRequest,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import { PullRequestStates } from './forges/PullRequestStates';
import {
  GithubFake,
  GitlabFake,
} from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import {
  githubPullRequest,
  inventoryPlan,
  recordInput,
} from './__testUtils__/inventory';
import { eventually, liveBackendCluster } from './__testUtils__/liveCluster';
import { OnboardingRequestStore } from './OnboardingRequestStore';
import { OnboardingRequestTracker } from './OnboardingRequestTracker';

jest.setTimeout(60_000);

const githubToken = 'ghp_TrackerTestToken0000000000000000001';
const gitlabToken = 'glpat-TrackerTestToken000001';

const gitlabPullRequest = (number: number): OnboardingPullRequest => ({
  provider: 'gitlab',
  host: 'gitlab.example.com',
  repository: 'platform/infra/gitops',
  url: `https://gitlab.example.com/platform/infra/gitops/-/merge_requests/${number}`,
  number,
  branch: 'zero-trust/onboard-backend-inventory-inventory-api',
  baseBranch: 'main',
  headSha: 'c'.repeat(40),
});

describe('OnboardingRequestTracker over a forge faked at the HTTP level and a live cluster', () => {
  // The forges are faked; the Kubernetes API server is a real one on the loopback.
  const msw = setupServer(
    http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
  );
  registerMswTestHooks(msw);
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  let plan: OnboardingPlan;
  let cluster: Awaited<ReturnType<typeof liveBackendCluster>>;
  let store: OnboardingRequestStore;
  let github: GithubFake;
  let gitlab: GitlabFake;
  let clock: Date;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let tracker: OnboardingRequestTracker;

  const minutes = (n: number) => new Date(Date.UTC(2026, 0, 5, 12, n));

  beforeAll(async () => {
    plan = await inventoryPlan();
  });

  /** The cluster takes the change at minute `at`: that run finds the request converged. */
  const convergesAt = async (id: string, at: number) => {
    await cluster.sync(plan);
    clock = minutes(at);
    await tracker.run();
    expect(await store.get(id)).toMatchObject({
      state: 'converged',
      convergedAt: minutes(at).toISOString(),
      drift: [],
    });
  };

  beforeEach(async () => {
    cluster = await liveBackendCluster();
    const knex = await databases.init('SQLITE_3');
    store = await OnboardingRequestStore.create({
      database: { getClient: async () => knex },
    });
    github = new GithubFake({
      apiBaseUrl: 'https://api.github.example.com',
      webBaseUrl: 'https://github.example.com',
      owner: 'platform',
      repo: 'gitops',
    });
    gitlab = new GitlabFake({
      apiBaseUrl: 'https://gitlab.example.com/api/v4',
      webBaseUrl: 'https://gitlab.example.com',
      project: 'platform/infra/gitops',
    });
    msw.use(...github.handlers(), ...gitlab.handlers());
    clock = minutes(0);
    logger = mockServices.logger.mock();
    tracker = new OnboardingRequestTracker({
      store,
      pullRequests: PullRequestStates.fromConfig(
        new ConfigReader({
          integrations: {
            github: [
              {
                host: 'github.example.com',
                apiBaseUrl: 'https://api.github.example.com',
                token: githubToken,
              },
            ],
            gitlab: [
              {
                host: 'gitlab.example.com',
                apiBaseUrl: 'https://gitlab.example.com/api/v4',
                token: gitlabToken,
              },
            ],
          },
        }),
      ),
      clusters: [cluster.source],
      logger,
      convergeWithinMs: 10 * 60_000,
      now: () => clock,
    });
  });

  afterEach(async () => {
    await cluster.close();
    // Whatever happened, no token went into a log line.
    const logged = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.error.mock.calls,
    ]);
    if (logged.includes(githubToken) || logged.includes(gitlabToken)) {
      throw new Error(`a token went into a log line: ${logged}`);
    }
  });

  it('follows a GitHub pull request from open to merged to converged once the cluster holds the change', async () => {
    const { record } = await store.record(recordInput(plan));
    github.answer(7, { state: 'open' });

    await tracker.run();
    expect(await store.get(record.id)).toMatchObject({
      state: 'open',
      lastCheckedAt: minutes(0).toISOString(),
    });
    // Octokit sends a personal access token as `token …` (GitHub takes it as Bearer too).
    expect(
      github.requests.map(r => [r.method, r.url, r.authorization]),
    ).toEqual([
      [
        'GET',
        'https://api.github.example.com/repos/platform/gitops/pulls/7',
        `token ${githubToken}`,
      ],
    ]);
    expect(github.violations).toEqual([]);

    // Merged; the GitOps controller has not synced yet: still `merged`, and what is
    // missing is already there to see.
    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(1).toISOString(),
    });
    clock = minutes(2);
    await tracker.run();
    const merged = await store.get(record.id);
    expect(merged).toMatchObject({
      state: 'merged',
      mergedAt: minutes(1).toISOString(),
    });
    expect(merged?.drift.map(d => d.type).sort()).toEqual(
      [
        'missingLabel',
        ...plan.resources.map(() => 'missingResource' as const),
      ].sort(),
    );

    await convergesAt(record.id, 3);
    // Once merged, the forge is not asked again; the cluster still is.
    expect(github.countFor(7)).toBe(2);
    clock = minutes(4);
    await tracker.run();
    expect(github.countFor(7)).toBe(2);
    expect(await store.get(record.id)).toMatchObject({
      state: 'converged',
      convergedAt: minutes(3).toISOString(),
      lastCheckedAt: minutes(4).toISOString(),
    });
  });

  it('asks GitHub again with the last ETag, so an unchanged pull request costs no rate limit', async () => {
    const { record } = await store.record(recordInput(plan));
    github.answer(7, { state: 'open' });
    await tracker.run();
    clock = minutes(1);
    await tracker.run();
    expect(github.requests.map(r => r.notModified ?? false)).toEqual([
      false,
      true,
    ]);
    expect(github.requests[1].ifNoneMatch).toMatch(/^"[0-9a-f]{64}"$/);
    // The 304 is one GitHub's OpenAPI description documents for this operation.
    expect(github.violations).toEqual([]);
    expect(await store.get(record.id)).toMatchObject({
      state: 'open',
      lastCheckedAt: minutes(1).toISOString(),
    });

    // Once it changes, the same conditional request gets the new answer.
    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(2).toISOString(),
    });
    clock = minutes(3);
    await tracker.run();
    expect(github.requests[2]).toMatchObject({
      ifNoneMatch: github.requests[1].ifNoneMatch,
    });
    expect(github.requests[2].notModified).toBeUndefined();
    expect((await store.get(record.id))?.state).toBe('merged');
  });

  it('follows a converged request: drifted at once when the cluster stops holding it, converged again when it does', async () => {
    const { record } = await store.record(recordInput(plan));
    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(0).toISOString(),
    });
    await cluster.sync(plan);
    clock = minutes(1);
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('converged');

    // Someone loosens the DestinationRule by hand, long after the merge.
    const rule = plan.resources.find(r => r.kind === 'DestinationRule')!;
    const loosened = {
      ...rule,
      spec: { ...rule.spec, trafficPolicy: { tls: { mode: 'DISABLE' } } },
    };
    await cluster.sync(
      plan,
      plan.resources.map(r => (r === rule ? loosened : r)),
    );
    clock = minutes(30);
    await tracker.run();
    const drifted = await store.get(record.id);
    expect(drifted).toMatchObject({
      state: 'drifted',
      convergedAt: minutes(1).toISOString(),
    });
    expect(drifted?.drift).toEqual([
      expect.objectContaining({
        type: 'differentSpec',
        resource: expect.objectContaining({ kind: 'DestinationRule' }),
      }),
    ]);

    await convergesAt(record.id, 31);
  });

  it('stops following a merged request once a newer request for the same service is merged', async () => {
    const older = await store.record(recordInput(plan), minutes(0));
    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(0).toISOString(),
    });
    await cluster.sync(plan);
    clock = minutes(1);
    await tracker.run();
    expect((await store.get(older.record.id))?.state).toBe('converged');

    // A second pull request for the same service: while it is open, the first is
    // still what the cluster should hold.
    const newer = await store.record(
      recordInput(plan, { pullRequest: githubPullRequest(8) }),
      minutes(2),
    );
    github.answer(8, { state: 'open' });
    clock = minutes(3);
    await tracker.run();
    expect((await store.listActive()).map(r => r.id).sort()).toEqual(
      [older.record.id, newer.record.id].sort(),
    );

    github.answer(8, {
      state: 'merged',
      mergedAt: minutes(4).toISOString(),
    });
    clock = minutes(5);
    await tracker.run();
    expect((await store.get(newer.record.id))?.state).toBe('converged');
    expect((await store.listActive()).map(r => r.id)).toEqual([
      newer.record.id,
    ]);
    const checked = (await store.get(older.record.id))?.lastCheckedAt;
    clock = minutes(6);
    await tracker.run();
    expect((await store.get(older.record.id))?.lastCheckedAt).toBe(checked);
  });

  it('marks a GitLab merge request drifted, with the differences, when the cluster holds something else after the grace period; converged once it matches', async () => {
    const { record } = await store.record(
      recordInput(plan, { pullRequest: gitlabPullRequest(3) }),
    );
    gitlab.answer(3, { state: 'locked' });
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('open');
    expect(gitlab.requests[0]).toMatchObject({
      method: 'GET',
      url: 'https://gitlab.example.com/api/v4/projects/platform%2Finfra%2Fgitops/merge_requests/3',
      token: gitlabToken,
    });

    gitlab.answer(3, {
      state: 'merged',
      mergedAt: minutes(0).toISOString(),
    });
    // Someone applied another version of the callers policy.
    const policy = plan.resources.find(
      r => r.kind === 'AuthorizationPolicy' && r.spec.rules,
    )!;
    const tampered = {
      ...policy,
      spec: {
        ...policy.spec,
        rules: [{ from: [{ source: { namespaces: ['edge'] } }] }],
      },
    };
    await cluster.sync(
      plan,
      plan.resources.map(r => (r === policy ? tampered : r)),
    );

    clock = minutes(5);
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('merged');

    clock = minutes(11);
    await tracker.run();
    const drifted = await store.get(record.id);
    expect(drifted?.state).toBe('drifted');
    expect(drifted?.drift).toEqual([
      expect.objectContaining({
        type: 'differentSpec',
        resource: {
          kind: 'AuthorizationPolicy',
          namespace: 'inventory',
          name: policy.metadata.name,
        },
        differences: expect.arrayContaining([
          expect.objectContaining({
            path: 'rules[0].from[0].source.namespaces',
            actual: ['edge'],
          }),
        ]),
      }),
    ]);

    await convergesAt(record.id, 12);
  });

  it('closes a pull request closed without merging, and asks no more', async () => {
    const { record } = await store.record(recordInput(plan));
    github.answer(7, { state: 'closed' });
    await tracker.run();
    expect((await store.get(record.id))?.state).toBe('closed');
    await tracker.run();
    expect(github.countFor(7)).toBe(1);
  });

  it('keeps the state and records the error while the forge cannot be read, and carries on once it can', async () => {
    const { record } = await store.record(recordInput(plan));
    github.answer(7, { state: 'unreachable' });
    await tracker.run();
    const unreachable = await store.get(record.id);
    expect(unreachable?.state).toBe('open');
    expect(unreachable?.lastError).toMatch(
      /^could not reach GitHub \(pull request #7 of platform\/gitops\)/,
    );

    github.answer(7, { state: 'error', status: 502 });
    clock = minutes(1);
    await tracker.run();
    expect(await store.get(record.id)).toMatchObject({
      state: 'open',
      lastError:
        'GitHub (pull request #7 of platform/gitops) answered 502 Bad Gateway',
      lastCheckedAt: minutes(1).toISOString(),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('answered 502'),
    );

    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(2).toISOString(),
    });
    clock = minutes(3);
    await tracker.run();
    const merged = await store.get(record.id);
    expect(merged?.state).toBe('merged');
    expect(merged?.lastError).toBeUndefined();
    expect(github.countFor(7)).toBe(3);
  });

  it('keeps a merged request merged while its cluster is stale or unknown: no verdict without a current state', async () => {
    const { record } = await store.record(recordInput(plan));
    const { record: elsewhere } = await store.record(
      recordInput(plan, {
        cluster: 'elsewhere',
        pullRequest: githubPullRequest(8),
      }),
    );
    github.answer(7, {
      state: 'merged',
      mergedAt: minutes(0).toISOString(),
    });
    github.answer(8, {
      state: 'merged',
      mergedAt: minutes(0).toISOString(),
    });
    await cluster.server.down();
    await eventually(
      () => cluster.source.status().state === 'stale',
      'the live source to turn stale',
    );

    clock = minutes(30);
    await tracker.run();
    const stale = await store.get(record.id);
    expect(stale?.state).toBe('merged');
    expect(stale?.lastError).toMatch(
      /^cluster backend is stale since .*: not compared$/,
    );
    expect(await store.get(elsewhere.id)).toMatchObject({
      state: 'merged',
      lastError: 'cluster elsewhere is not configured in zeroTrust.clusters',
    });

    await cluster.server.up();
    await eventually(
      () => cluster.source.status().state === 'synced',
      'the live source to sync again',
    );
    await tracker.run();
    // Long past the grace period, and the change never arrived: drifted.
    expect((await store.get(record.id))?.state).toBe('drifted');
  });

  it('does not compare against a cluster that may not read the generated kinds', async () => {
    const restricted = await liveBackendCluster({
      forbidden: ['authorizationpolicies.security.istio.io'],
    });
    try {
      const limited = new OnboardingRequestTracker({
        store,
        pullRequests: { read: async () => ({ state: 'merged' }) },
        clusters: [restricted.source],
        logger,
        convergeWithinMs: 0,
        now: () => clock,
      });
      const { record } = await store.record(recordInput(plan));
      await limited.run();
      const after = await store.get(record.id);
      // Long past the grace period, yet not drifted: a policy it cannot see is not missing.
      expect(after?.state).toBe('merged');
      expect(after?.lastError).toMatch(
        /^cluster backend cannot read authorizationpolicies\.security\.istio\.io \(.*\): not compared$/,
      );
    } finally {
      await restricted.close();
    }
  });

  it('fails a request on a host no integration covers, and never asks it again', async () => {
    const { record } = await store.record(
      recordInput(plan, {
        pullRequest: {
          ...githubPullRequest(),
          host: 'github.other.example',
          url: 'https://github.other.example/platform/gitops/pull/7',
        },
      }),
    );
    await tracker.run();
    expect(await store.get(record.id)).toMatchObject({
      state: 'failed',
      lastError: 'no GitHub integration is configured for github.other.example',
    });
    expect(github.requests).toEqual([]);
    expect(await store.listActive()).toEqual([]);
  });
});
