/**
 * Real Postgres for integration tests. Each test (or test file) works in a schema of its own, so
 * files running in parallel never see each other's rows.
 *
 * On a developer machine without Postgres the Postgres tests skip with a loud message; under CI a
 * missing database is a failure, never a skip (.ci/run starts it).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { urlWithSchema } from '../../server/store/postgres.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The database the tests use: ATTN_TEST_DATABASE_URL, or the local one .ci/run starts (trust auth). */
export function postgresUrl(): string {
  return process.env.ATTN_TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

const inCi = (): boolean => !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

let reachable: Promise<boolean> | null = null;

/**
 * Whether Postgres answers. Use as `describe.skipIf(!(await requirePostgres()))`. Under CI an
 * unreachable database throws instead, so the suite fails rather than silently passing.
 */
export function requirePostgres(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message || err.name : String(err);
      const where = new URL(postgresUrl()).host;
      if (inCi()) throw new Error(`CI is set but Postgres at ${where} is unreachable (${why}): .ci/run must start it.`);
      console.warn(
        `\n\n*** SKIPPING POSTGRES TESTS: no Postgres at ${where} (${why}). Start it with ` +
          '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` (or set ATTN_TEST_DATABASE_URL). ***\n\n',
      );
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * A schema name no other test uses. Prefixed so leftovers of a killed run are easy to find:
 * `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'attn_test_%'`.
 */
export function freshSchemaName(): string {
  return `attn_test_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
}

/**
 * The test database's URL with its search_path set to `schema`: hand it to config.databaseUrl
 * (or ATTN_DATABASE_URL of a spawned server) and attn keeps all its tables in that schema; give
 * the same URL to several instances and they share one database. The store creates the schema
 * at connect when it is missing.
 */
export function schemaUrl(schema: string): string {
  return urlWithSchema(postgresUrl(), schema);
}

export interface TestSchema {
  /** connection URL whose search_path is this schema */
  url: string;
  schema: string;
  /** Drops the schema and everything in it (close the stores using it first). */
  drop(): Promise<void>;
}

/**
 * A schema of its own for a test, not created yet: the first store (or attn instance) to connect
 * to `url` creates it. Synchronous, so it fits a config built synchronously.
 */
export function lazySchema(schema = freshSchemaName()): TestSchema {
  return { url: schemaUrl(schema), schema, drop: () => admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}

/** Creates an empty schema of its own for a test. */
export async function freshSchema(): Promise<TestSchema> {
  const handle = lazySchema();
  await admin(`CREATE SCHEMA ${handle.schema}`);
  return handle;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
