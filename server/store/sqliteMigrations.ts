/**
 * The SQLite store's schema, as numbered migrations, as for Postgres (postgresMigrations.ts): each
 * one runs once per database file, recorded in schema_migrations, inside one transaction with
 * its record. A migration, once released, is never edited: change the schema by appending the
 * next version (the two stores' version numbers need not match, but keeping them in step makes a
 * schema change easy to review).
 */
import type Database from 'better-sqlite3';

export interface SqliteMigration {
  version: number;
  name: string;
  apply(db: Database.Database): void;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    // IF NOT EXISTS throughout: files made before migrations were numbered already hold these.
    apply(db) {
      db.exec(`
      CREATE TABLE IF NOT EXISTS rooms (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS links (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(id),
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS links_room ON links(room_id);
      -- A rowid table appends at the end of its B-tree, so a commit of updates from a thousand
      -- rooms dirties a few pages instead of one leaf per room (measured: 2.7x less commit time than
      -- a WITHOUT ROWID table keyed by room); the unique index keeps seqs dense and per-document reads fast.
      CREATE TABLE IF NOT EXISTS updates (
        id INTEGER PRIMARY KEY,
        room_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        author_role TEXT NOT NULL,
        author_name TEXT NOT NULL,
        bytes BLOB NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS updates_doc_seq ON updates(room_id, doc, seq);
      CREATE TABLE IF NOT EXISTS snapshots (
        room_id TEXT NOT NULL,
        doc TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (room_id, doc, seq)
      ) WITHOUT ROWID;
      -- Joins and leaves (awareness is never persisted): the people markers of playback.
      CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        room_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_room ON events(room_id, ts, id);
      CREATE TABLE IF NOT EXISTS files (
        room_id TEXT NOT NULL,
        id TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (room_id, id)
      ) WITHOUT ROWID;
      -- LiveKit Egress recordings of the call, with their start on our clock (playback sync).
      CREATE TABLE IF NOT EXISTS recordings (
        egress_id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        stopped_at INTEGER,
        file TEXT
      );
      CREATE INDEX IF NOT EXISTS recordings_room ON recordings(room_id, started_at);
      `);
      // recordings.file came after that table did, in files made before migrations were numbered.
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(recordings)').all();
      if (!columns.some((c) => c.name === 'file')) db.exec('ALTER TABLE recordings ADD COLUMN file TEXT');
    },
  },
  {
    version: 2,
    name: 'room kinds',
    // Issue 14: rooms made before kinds existed are interviews. Guarded, because a file opened by
    // the branch that added the column before migrations were numbered may already have it.
    apply(db) {
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(rooms)').all();
      if (!columns.some((c) => c.name === 'kind')) db.exec("ALTER TABLE rooms ADD COLUMN kind TEXT NOT NULL DEFAULT 'interview'");
    },
  },
];

/**
 * Brings the file up to the newest migration and returns the versions it applied. BEGIN IMMEDIATE
 * takes the write lock first, so two processes opening one new file take turns, and the second
 * finds every version recorded.
 */
export function applySqliteMigrations(db: Database.Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set(db.prepare<[], { version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version));
    const applied: number[] = [];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of [...migrations].sort((x, y) => x.version - y.version)) {
      if (done.has(m.version)) continue;
      m.apply(db);
      record.run(m.version, m.name, Date.now());
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}
