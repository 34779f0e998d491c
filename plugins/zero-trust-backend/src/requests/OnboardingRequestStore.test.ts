import type { OnboardingPlan } from '@zero-trust/backstage-plugin-zero-trust-common';
import { Knex } from 'knex';
import { testDatabases } from './__testUtils__/databases';
import {
  githubPullRequest,
  inventoryPlan,
  recordInput,
} from './__testUtils__/inventory';
import { OnboardingRequestStore } from './OnboardingRequestStore';

jest.setTimeout(60_000);

const { databases, suites } = testDatabases();

for (const suite of suites) {
  suite.describe(`OnboardingRequestStore on ${suite.name}`, () => {
    let knex: Knex;
    let store: OnboardingRequestStore;
    let plan: OnboardingPlan;

    beforeAll(async () => {
      plan = await inventoryPlan();
      knex = await databases.init(suite.id);
      store = await OnboardingRequestStore.create({
        database: { getClient: async () => knex },
      });
    });
    afterEach(async () => {
      await knex('onboarding_requests').delete();
    });

    const rows = () => knex('onboarding_requests').count({ n: '*' });

    it('records a request and reads back every field as recorded', async () => {
      const input = recordInput(plan);
      const at = new Date('2026-01-02T03:04:05.000Z');
      const { record, created } = await store.record(input, at);

      expect(created).toBe(true);
      expect(record).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        state: 'open',
        ...input,
        drift: [],
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      });
      expect(await store.get(record.id)).toEqual(record);
      // The generated change survives the round trip: convergence compares against it.
      expect(record.change.resources.map(r => r.kind).sort()).toEqual(
        plan.resources.map(r => r.kind).sort(),
      );
      expect(await store.get('no-such-id')).toBeUndefined();
    });

    it('updates the same record when the action runs again, never a duplicate', async () => {
      const first = await store.record(recordInput(plan));
      await store.saveCheck(
        { id: first.record.id, generation: 1 },
        {
          state: 'merged',
          mergedAt: new Date('2026-01-03T00:00:00Z'),
          checkedAt: new Date('2026-01-03T00:01:00Z'),
        },
      );

      const again = await store.record(
        recordInput(plan, { requestedBy: 'user:default/alice' }),
      );
      expect(again.created).toBe(false);
      expect(again.record.id).toBe(first.record.id);
      expect(again.record.requestedBy).toBe('user:default/alice');
      // The same commit: what was found out about it stands.
      expect(again.record.state).toBe('merged');
      expect(again.record.mergedAt).toBe('2026-01-03T00:00:00.000Z');
      expect(Number((await rows())[0].n)).toBe(1);

      // Another pull request for the same service is another record.
      const other = await store.record(
        recordInput(plan, { pullRequest: githubPullRequest(8) }),
      );
      expect(other.created).toBe(true);
      expect(Number((await rows())[0].n)).toBe(2);
    });

    it('follows a request afresh when its branch holds a new commit, and drops a check of the old one', async () => {
      const first = await store.record(recordInput(plan));
      const [stored] = await store.listActive();
      await store.saveCheck(stored, {
        state: 'drifted',
        mergedAt: new Date(),
        drift: [{ type: 'missingNamespace', namespace: 'x', message: 'm' }],
        lastError: 'earlier',
        checkedAt: new Date(),
      });

      const recorded = await store.record(
        recordInput(plan, {
          pullRequest: { ...githubPullRequest(), headSha: 'b'.repeat(40) },
        }),
      );
      expect(recorded.record).toMatchObject({
        id: first.record.id,
        state: 'open',
        drift: [],
      });
      expect(recorded.record.mergedAt).toBeUndefined();
      expect(recorded.record.lastError).toBeUndefined();

      // A check that started before the new commit was recorded is not saved.
      expect(
        await store.saveCheck(stored, {
          state: 'converged',
          checkedAt: new Date(),
        }),
      ).toBe(false);
      expect((await store.get(first.record.id))?.state).toBe('open');
    });

    it('keeps one record when the same request is recorded concurrently', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => store.record(recordInput(plan))),
      );
      expect(new Set(results.map(r => r.record.id)).size).toBe(1);
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(Number((await rows())[0].n)).toBe(1);
    });

    it('filters by state, cluster and entity, newest first; lists the requests not closed or failed as active', async () => {
      const at = (minute: number) =>
        new Date(`2026-02-01T00:${String(minute).padStart(2, '0')}:00Z`);
      const a = await store.record(recordInput(plan), at(1));
      const b = await store.record(
        recordInput(plan, {
          pullRequest: githubPullRequest(2),
          entityRef: 'component:default/other',
        }),
        at(2),
      );
      const c = await store.record(
        recordInput(plan, {
          pullRequest: githubPullRequest(3),
          cluster: 'edge',
        }),
        at(3),
      );
      await store.saveCheck(
        { id: b.record.id, generation: 1 },
        { state: 'converged', checkedAt: at(4) },
      );
      const d = await store.record(
        recordInput(plan, { pullRequest: githubPullRequest(4) }),
        at(5),
      );
      await store.saveCheck(
        { id: d.record.id, generation: 1 },
        { state: 'closed', checkedAt: at(6) },
      );

      const ids = (records: { id: string }[]) => records.map(r => r.id);
      expect(ids(await store.list())).toEqual([
        d.record.id,
        c.record.id,
        b.record.id,
        a.record.id,
      ]);
      expect(ids(await store.list({ state: 'open' }))).toEqual([
        c.record.id,
        a.record.id,
      ]);
      expect(ids(await store.list({ cluster: 'edge' }))).toEqual([c.record.id]);
      expect(
        ids(await store.list({ entityRef: 'component:default/other' })),
      ).toEqual([b.record.id]);
      expect(ids(await store.listActive()).sort()).toEqual(
        [a.record.id, b.record.id, c.record.id].sort(),
      );
    });

    it('stops listing a merged request as active once a newer one for the same service is merged', async () => {
      const at = (minute: number) =>
        new Date(`2026-02-01T01:${String(minute).padStart(2, '0')}:00Z`);
      const state = (id: string, s: 'merged' | 'converged', minute: number) =>
        store.saveCheck(
          { id, generation: 1 },
          { state: s, checkedAt: at(minute) },
        );
      const ids = async () => (await store.listActive()).map(r => r.id).sort();

      const first = await store.record(recordInput(plan), at(1));
      await state(first.record.id, 'converged', 2);
      // Another service in the same namespace and cluster takes over nothing.
      const other = await store.record(
        recordInput(plan, {
          pullRequest: githubPullRequest(2),
          service: 'other-api',
        }),
        at(3),
      );
      await state(other.record.id, 'merged', 4);
      const second = await store.record(
        recordInput(plan, { pullRequest: githubPullRequest(3) }),
        at(5),
      );
      expect(await ids()).toEqual(
        [first.record.id, other.record.id, second.record.id].sort(),
      );

      await state(second.record.id, 'merged', 6);
      expect(await ids()).toEqual([other.record.id, second.record.id].sort());
    });

    it('saves a check: state, times, drift and an error that a later check clears', async () => {
      const { record } = await store.record(recordInput(plan));
      const drift = [
        {
          type: 'missingResource' as const,
          resource: { kind: 'DestinationRule', namespace: 'n', name: 'd' },
          message: 'DestinationRule n/d is not in cluster backend',
        },
      ];
      await store.saveCheck(
        { id: record.id, generation: 1 },
        {
          state: 'drifted',
          mergedAt: new Date('2026-03-01T10:00:00Z'),
          drift,
          lastError: 'GitHub answered 502',
          checkedAt: new Date('2026-03-01T10:30:00Z'),
        },
      );
      expect(await store.get(record.id)).toMatchObject({
        state: 'drifted',
        mergedAt: '2026-03-01T10:00:00.000Z',
        lastCheckedAt: '2026-03-01T10:30:00.000Z',
        updatedAt: '2026-03-01T10:30:00.000Z',
        drift,
        lastError: 'GitHub answered 502',
      });

      // SQLite keeps a Date as epoch milliseconds: even 0 reads back as a time.
      await store.saveCheck(
        { id: record.id, generation: 1 },
        { mergedAt: new Date(0), checkedAt: new Date('2026-03-01T10:40:00Z') },
      );
      expect((await store.get(record.id))?.mergedAt).toBe(
        '1970-01-01T00:00:00.000Z',
      );

      // A check that changes nothing but the time leaves `updatedAt` alone.
      await store.saveCheck(
        { id: record.id, generation: 1 },
        {
          state: 'converged',
          convergedAt: new Date('2026-03-01T11:00:00Z'),
          drift: [],
          lastError: null,
          checkedAt: new Date('2026-03-01T11:00:00Z'),
        },
      );
      await store.saveCheck(
        { id: record.id, generation: 1 },
        { checkedAt: new Date('2026-03-01T12:00:00Z') },
      );
      const after = await store.get(record.id);
      expect(after).toMatchObject({
        state: 'converged',
        convergedAt: '2026-03-01T11:00:00.000Z',
        lastCheckedAt: '2026-03-01T12:00:00.000Z',
        updatedAt: '2026-03-01T11:00:00.000Z',
        drift: [],
      });
      expect(after?.lastError).toBeUndefined();
    });
  });
}
