import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/** Backstage's PostgreSQL test database ids, newest first. */
const postgresIds: TestDatabaseId[] = [
  'POSTGRES_18',
  'POSTGRES_17',
  'POSTGRES_16',
  'POSTGRES_15',
  'POSTGRES_14',
  'POSTGRES_13',
  'POSTGRES_12',
];

const connectionVariable = (id: TestDatabaseId) =>
  `BACKSTAGE_TEST_DATABASE_${id.replace('_', '')}_CONNECTION_STRING`;

export interface DatabaseSuite {
  name: string;
  id: TestDatabaseId;
  /** `describe`, or `describe.skip` where the database is not there to test against. */
  describe: jest.Describe;
}

/**
 * The databases the tracking tests run against: SQLite always, and PostgreSQL when
 * ZT_TEST_POSTGRES is set (`npm test` then starts a server and names it in Backstage's
 * BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING; CI sets it). Without it the
 * PostgreSQL suites show in the report as skipped, never as passed. Call at the top of a
 * test file: TestDatabases registers its own cleanup.
 */
export function testDatabases(): {
  databases: TestDatabases;
  suites: DatabaseSuite[];
} {
  const wanted = Boolean(process.env.ZT_TEST_POSTGRES);
  const postgres = postgresIds.find(id => process.env[connectionVariable(id)]);
  if (wanted && !postgres) {
    throw new Error(
      'ZT_TEST_POSTGRES is set but no BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING names a server: run the tests through `npm test`, which starts one',
    );
  }
  const databases = TestDatabases.create({
    ids: wanted && postgres ? [postgres, 'SQLITE_3'] : ['SQLITE_3'],
    disableDocker: true,
  });
  return {
    databases,
    suites: [
      { name: 'SQLite', id: 'SQLITE_3', describe },
      wanted && postgres
        ? { name: `PostgreSQL (${postgres})`, id: postgres, describe }
        : {
            name: 'PostgreSQL (skipped: set ZT_TEST_POSTGRES=1 to run)',
            id: 'POSTGRES_16',
            describe: describe.skip,
          },
    ],
  };
}
