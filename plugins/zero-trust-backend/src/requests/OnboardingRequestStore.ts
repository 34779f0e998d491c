import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type {
  OnboardingDrift,
  OnboardingRequestRecord,
  OnboardingRequestRecordInput,
  OnboardingRequestState,
} from '@zero-trust/backstage-plugin-zero-trust-common';
import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';

const migrationsDir = resolvePackagePath(
  '@zero-trust/backstage-plugin-zero-trust-backend',
  'migrations',
);

const table = 'onboarding_requests';

/**
 * States the tracking task follows. `converged` too: a cluster that later stops holding
 * the change (someone edits a policy by hand, a later commit reverts it) is `drifted`.
 * `closed` and `failed` are final.
 */
const followedStates: OnboardingRequestState[] = [
  'open',
  'merged',
  'converged',
  'drifted',
];

/** States of a request whose change is merged: the cluster should hold it now. */
const mergedStates: OnboardingRequestState[] = [
  'merged',
  'converged',
  'drifted',
];

type Timestamp = Date | string | number;

interface Row {
  id: string;
  request_key: string;
  generation: number;
  state: OnboardingRequestState;
  cluster: string;
  namespace: string;
  service: string;
  entity_ref: string | null;
  requested_by: string | null;
  pull_request_url: string;
  pull_request: string;
  request: string;
  change: string;
  drift: string | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  merged_at: Timestamp | null;
  converged_at: Timestamp | null;
  last_checked_at: Timestamp | null;
}

/** A stored request with the generation a check must still match to be saved. */
export interface StoredOnboardingRequest extends OnboardingRequestRecord {
  generation: number;
}

/** What one check of a request found; fields left out stay as they are. */
export interface OnboardingRequestCheck {
  state?: OnboardingRequestState;
  mergedAt?: Date;
  convergedAt?: Date;
  drift?: OnboardingDrift[];
  /** null clears it. */
  lastError?: string | null;
  checkedAt: Date;
}

export interface OnboardingRequestFilter {
  state?: OnboardingRequestState;
  cluster?: string;
  entityRef?: string;
}

/**
 * SQLite returns what it was given (a Date goes in as epoch milliseconds), PostgreSQL a
 * Date: both become ISO strings. Every timestamp is written as a Date, never as the
 * database's `now()`, so that all rows hold one format.
 */
function isoTime(value: Timestamp | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return new Date(value).toISOString();
}

/** `{ [key]: ISO time }` where the column holds one (SQLite's epoch 0 included). */
function optionalTime<K extends string>(
  key: K,
  value: Timestamp | null,
): Partial<Record<K, string>> {
  const iso = isoTime(value);
  return iso === undefined ? {} : ({ [key]: iso } as Record<K, string>);
}

function toRecord(row: Row): StoredOnboardingRequest {
  return {
    id: row.id,
    generation: Number(row.generation),
    state: row.state,
    request: JSON.parse(row.request),
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    cluster: row.cluster,
    namespace: row.namespace,
    service: row.service,
    pullRequest: JSON.parse(row.pull_request),
    change: JSON.parse(row.change),
    drift: row.drift ? JSON.parse(row.drift) : [],
    ...(row.last_error ? { lastError: row.last_error } : {}),
    createdAt: isoTime(row.created_at)!,
    updatedAt: isoTime(row.updated_at)!,
    ...optionalTime('mergedAt', row.merged_at),
    ...optionalTime('convergedAt', row.converged_at),
    ...optionalTime('lastCheckedAt', row.last_checked_at),
  };
}

/** The record's identity: the same service's same pull request is one record. */
function requestKey(input: OnboardingRequestRecordInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        input.cluster,
        input.namespace,
        input.service,
        input.pullRequest.url,
      ]),
    )
    .digest('hex');
}

/**
 * The onboarding requests in the plugin's database (Backstage's DatabaseService: SQLite
 * in the demo, PostgreSQL in production), with the knex migrations in `migrations/`.
 */
export class OnboardingRequestStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<OnboardingRequestStore> {
    const { database } = options;
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new OnboardingRequestStore(client);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Records what the pull request action opened. Recording the same service's same pull
   * request again updates that record; when the branch now holds another commit, the
   * request is followed afresh from `open`.
   */
  async record(
    input: OnboardingRequestRecordInput,
    now = new Date(),
  ): Promise<{ record: OnboardingRequestRecord; created: boolean }> {
    const key = requestKey(input);
    const fields = {
      cluster: input.cluster,
      namespace: input.namespace,
      service: input.service,
      entity_ref: input.entityRef ?? null,
      requested_by: input.requestedBy ?? null,
      pull_request_url: input.pullRequest.url,
      pull_request: JSON.stringify(input.pullRequest),
      request: JSON.stringify(input.request),
      change: JSON.stringify(input.change),
      updated_at: now,
    };
    const id = randomUUID();
    // The unique key settles a race between two recordings: one row, whoever wins.
    await this.db(table)
      .insert({
        id,
        request_key: key,
        generation: 1,
        state: 'open',
        ...fields,
        created_at: now,
      })
      .onConflict('request_key')
      .ignore();
    const existing = await this.db<Row>(table)
      .where({ request_key: key })
      .first();
    if (!existing) throw new Error(`onboarding request ${key} vanished`);
    if (existing.id === id) {
      return { record: publicRecord(toRecord(existing)), created: true };
    }

    const recorded = JSON.parse(existing.pull_request).headSha;
    const newCommit = recorded !== input.pullRequest.headSha;
    await this.db(table)
      .where({ id: existing.id })
      .update({
        ...fields,
        ...(newCommit
          ? {
              generation: this.db.raw('?? + 1', ['generation']),
              state: 'open',
              merged_at: null,
              converged_at: null,
              drift: null,
              last_error: null,
            }
          : {}),
      });
    return { record: (await this.get(existing.id))!, created: false };
  }

  /** Newest first. */
  async list(
    filter: OnboardingRequestFilter = {},
  ): Promise<OnboardingRequestRecord[]> {
    const query = this.db<Row>(table);
    if (filter.state) query.where('state', filter.state);
    if (filter.cluster) query.where('cluster', filter.cluster);
    if (filter.entityRef) query.where('entity_ref', filter.entityRef);
    const rows = await query.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map(row => publicRecord(toRecord(row)));
  }

  async get(id: string): Promise<OnboardingRequestRecord | undefined> {
    const row = await this.db<Row>(table).where({ id }).first();
    return row ? publicRecord(toRecord(row)) : undefined;
  }

  /**
   * The requests the tracking task still follows, oldest check first. A merged request
   * stops being followed once a newer request for the same service is merged too: the
   * cluster is then meant to hold the newer change, and comparing it with the older one
   * would call the newer one drift. An open pull request is followed until it is merged
   * or closed, whatever came after it.
   */
  async listActive(): Promise<StoredOnboardingRequest[]> {
    const db = this.db;
    const rows = await db<Row>({ r: table })
      .select('r.*')
      .whereIn('r.state', followedStates)
      .where(q =>
        q
          .where('r.state', 'open')
          .orWhereNotExists(newer =>
            newer
              .select('n.id')
              .from({ n: table })
              .where('n.cluster', db.ref('r.cluster'))
              .where('n.namespace', db.ref('r.namespace'))
              .where('n.service', db.ref('r.service'))
              .where('n.created_at', '>', db.ref('r.created_at'))
              .whereIn('n.state', mergedStates),
          ),
      )
      .orderBy([
        { column: 'r.last_checked_at', order: 'asc', nulls: 'first' },
        { column: 'r.created_at', order: 'asc' },
      ]);
    return rows.map(toRecord);
  }

  /**
   * Saves a check's outcome, unless the request was recorded again meanwhile (a new
   * commit on the branch): then this check was about a change that is no longer asked,
   * and the next run checks the new one. Returns whether it was saved.
   */
  async saveCheck(
    request: Pick<StoredOnboardingRequest, 'id' | 'generation'>,
    check: OnboardingRequestCheck,
  ): Promise<boolean> {
    const updated = await this.db(table)
      .where({ id: request.id, generation: request.generation })
      .update({
        ...(check.state ? { state: check.state } : {}),
        ...(check.mergedAt ? { merged_at: check.mergedAt } : {}),
        ...(check.convergedAt ? { converged_at: check.convergedAt } : {}),
        ...(check.drift
          ? { drift: check.drift.length ? JSON.stringify(check.drift) : null }
          : {}),
        ...(check.lastError !== undefined
          ? { last_error: check.lastError }
          : {}),
        ...(check.state ? { updated_at: check.checkedAt } : {}),
        last_checked_at: check.checkedAt,
      });
    return updated === 1;
  }
}

/** The record as the API shows it: without the store's bookkeeping. */
function publicRecord({
  generation: _generation,
  ...record
}: StoredOnboardingRequest): OnboardingRequestRecord {
  return record;
}
