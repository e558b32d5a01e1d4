/**
 * The Postgres store's schema, as numbered migrations. Applied at start-up by every attn instance
 * (PostgresStore.connect); a migration, once released, is never edited: change the schema by
 * appending the next one.
 */
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE rooms (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE links (
  id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL REFERENCES rooms(id),
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX links_room ON links (room_id, created_at, id);
-- The last seq handed out per document. Appenders bump it with INSERT .. ON CONFLICT DO UPDATE,
-- so the row lock serialises appenders of one document only, across every instance; a MAX(seq)+1
-- read would let two transactions see the same maximum under READ COMMITTED.
CREATE TABLE doc_heads (
  room_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  PRIMARY KEY (room_id, doc)
);
-- The primary key is the backstop for the head counter: a duplicate seq can never be stored.
CREATE TABLE updates (
  room_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  seq BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  author_role TEXT NOT NULL,
  author_name TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (room_id, doc, seq)
);
CREATE TABLE snapshots (
  room_id TEXT NOT NULL,
  doc TEXT NOT NULL,
  seq BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (room_id, doc, seq)
);
-- Joins and leaves (awareness is never persisted): the people markers of playback. The identity
-- column orders events that share a timestamp by when they were recorded.
CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  kind TEXT NOT NULL,
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX events_room ON events (room_id, ts, id);
CREATE TABLE files (
  room_id TEXT NOT NULL,
  id TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (room_id, id)
);
-- Attachments are mostly already-compressed images: store them out of line without trying pglz.
ALTER TABLE files ALTER COLUMN bytes SET STORAGE EXTERNAL;
-- LiveKit Egress recordings of the call, with their start on our clock (playback sync).
CREATE TABLE recordings (
  egress_id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  stopped_at BIGINT,
  file TEXT,
  recorded BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX recordings_room ON recordings (room_id, started_at, recorded);
`,
  },
  {
    version: 2,
    name: 'room kinds',
    // Issue 14: interview | pair | practice. Rooms made before read as interviews.
    sql: `ALTER TABLE rooms ADD COLUMN kind TEXT NOT NULL DEFAULT 'interview';`,
  },
];

/** Schema names we accept: they go into SQL and into the connection's search_path unquoted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Brings `schema` up to the newest migration and returns the versions it applied (none when it
 * was up to date). Several instances may start at once: the transaction-scoped advisory lock makes
 * them take turns, and the ones that come second find every version recorded and apply nothing.
 * All of it is one transaction, so a failed migration leaves the schema as it was.
 */
export async function applyMigrations(client: pg.ClientBase, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${JSON.stringify(schema)}`);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`attn:migrate:${schema}`]);
    // Check before creating: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the
    // database, which a managed database's attn role may not have for an existing schema.
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${schema}`);
    // Qualified names from here on, whatever the connection's search_path says.
    await client.query(`SET LOCAL search_path TO ${schema}`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
