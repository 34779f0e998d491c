import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { http, passthrough } from 'msw';
import { setupServer } from 'msw/node';
import path from 'node:path';
import request from 'supertest';
import {
  catalogWithVisibility,
  demoEntities,
  repoRoot,
} from '../__fixtures__/catalog';
import { zeroTrustPlugin } from '../plugin';
import { testDatabases } from './__testUtils__/databases';
import { GithubFake } from '@zero-trust/backstage-plugin-zero-trust-node/testing';
import {
  githubPullRequest,
  inventoryPlan,
  recordInput,
} from './__testUtils__/inventory';
import { eventually } from './__testUtils__/liveCluster';
import { OnboardingRequestStore } from './OnboardingRequestStore';

jest.setTimeout(120_000);

const taskId = 'zero-trust-onboarding-requests';
const pulls = [1, 2, 3, 4, 5];
/** The scheduler's workers look for due work this often (Backstage's default). */
const workerPollMs = 5_000;

const { databases, suites } = testDatabases();

for (const suite of suites) {
  suite.describe(`two backend replicas over one ${suite.name} database`, () => {
    const msw = setupServer(
      http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()),
    );
    registerMswTestHooks(msw);

    it('check each request once per run: the tracking task runs on one replica at a time', async () => {
      const knex = await databases.init(suite.id);
      const store = await OnboardingRequestStore.create({
        database: { getClient: async () => knex },
      });
      const plan = await inventoryPlan();
      for (const n of pulls) {
        await store.record(
          recordInput(plan, { pullRequest: githubPullRequest(n) }),
        );
      }

      const github = new GithubFake({
        apiBaseUrl: 'https://api.github.example.com',
        webBaseUrl: 'https://github.example.com',
        owner: 'platform',
        repo: 'gitops',
      });
      pulls.forEach(n => github.answer(n, { state: 'open' }));
      // Slow answers: two replicas running the same run would overlap on each request.
      github.delayMs = 300;
      const inFlight = new Set<string>();
      const overlaps: string[] = [];
      msw.use(
        http.get(
          'https://api.github.example.com/repos/:owner/:repo/pulls/:number',
          async ({ request: req }) => {
            if (inFlight.has(req.url)) overlaps.push(req.url);
            inFlight.add(req.url);
            setTimeout(() => inFlight.delete(req.url), github.delayMs + 50);
            return undefined;
          },
        ),
        ...github.handlers(),
      );

      const replica = () =>
        startTestBackend({
          features: [
            zeroTrustPlugin,
            catalogWithVisibility(demoEntities()),
            // One database, as replicas of one deployment share one.
            mockServices.database.factory({ knex }),
            // The real scheduler: global tasks take their lock in that database.
            schedulerServiceFactory,
            mockServices.rootConfig.factory({
              data: {
                integrations: {
                  github: [
                    {
                      host: 'github.example.com',
                      apiBaseUrl: 'https://api.github.example.com',
                      token: 'ghp_ReplicaTestToken',
                    },
                  ],
                },
                zeroTrust: {
                  clusters: [
                    {
                      name: 'backend',
                      snapshot: path.join(
                        repoRoot,
                        'examples/clusters/backend',
                      ),
                    },
                  ],
                  // Only the run at startup and the one triggered below.
                  tracking: { frequencySeconds: 3600 },
                },
              },
            }),
          ],
        });
      // One after the other, as a rollout starts them: on an empty database, replicas
      // starting at the same instant can race on the scheduler's own table creation.
      const a = await replica();
      const b = await replica();

      const taskState = async () => {
        const res = await request(b.server)
          .get('/api/zero-trust/.backstage/scheduler/v1/tasks')
          .set('Authorization', mockCredentials.service.header());
        return res.body.tasks.find((t: any) => t.taskId === taskId)?.taskState;
      };
      /** Waits until a run has ended, then one more worker poll on each replica. */
      const settled = async (runs: number) => {
        await eventually(
          () => github.requests.length >= runs * pulls.length,
          `${runs} run(s) to ask the forge`,
          60_000,
        );
        await eventually(
          async () => (await taskState())?.status === 'idle',
          'the run to end',
          60_000,
        );
        await new Promise(r => setTimeout(r, workerPollMs + 500));
      };

      try {
        // Both replicas schedule the task; the run at startup happens on one.
        await settled(1);
        expect(pulls.map(n => github.countFor(n))).toEqual(pulls.map(() => 1));

        const trigger = await request(a.server)
          .post(
            `/api/zero-trust/.backstage/scheduler/v1/tasks/${taskId}/trigger`,
          )
          .set('Authorization', mockCredentials.service.header());
        expect(trigger.status).toBe(200);
        await settled(2);
        expect(pulls.map(n => github.countFor(n))).toEqual(pulls.map(() => 2));
        expect(overlaps).toEqual([]);

        // What the run found is in the shared database, whichever replica ran it.
        const checked = await store.list();
        expect(checked.every(r => r.lastCheckedAt)).toBe(true);
      } finally {
        await a.stop();
        await b.stop();
      }
    });
  });
}
