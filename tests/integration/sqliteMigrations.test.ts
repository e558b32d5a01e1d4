/**
 * The SQLite schema's numbered migrations: a new file gets every version once, a file made before
 * migrations were numbered (no schema_migrations, recordings without `file`) is brought up to date
 * with its data kept, and opening again applies nothing.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite.js';
import { applySqliteMigrations, SQLITE_MIGRATIONS } from '../../server/store/sqliteMigrations.js';
import { tempDir } from '../support/server.js';

const versions = (db: Database.Database) => db.prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version').all().map((r) => r.version);

describe('SQLite migrations', () => {
  it('applies every version once to a new file, and none on the next open', () => {
    const db = new Database(path.join(tempDir(), 'a.sqlite'));
    expect(applySqliteMigrations(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(applySqliteMigrations(db)).toEqual([]);
    expect(versions(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('brings a file made before numbered migrations up to date and keeps its rows', async () => {
    const file = path.join(tempDir(), 'old.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE rooms (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE recordings (egress_id TEXT PRIMARY KEY, room_id TEXT NOT NULL, started_at INTEGER NOT NULL, stopped_at INTEGER);
      INSERT INTO rooms VALUES ('room0001', 'kept', 5);
      INSERT INTO recordings VALUES ('eg1', 'room0001', 7, NULL);`);
    old.close();
    const store = new SqliteStore(file);
    expect(await store.getRoom('room0001')).toEqual({ id: 'room0001', title: 'kept', createdAt: 5, kind: 'interview' });
    expect(await store.stopRecording('room0001', 'eg1', 9, 'out.mp4')).toMatchObject({ stoppedAt: 9, file: 'out.mp4' });
    await store.close();
    const db = new Database(file);
    expect(versions(db)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    db.close();
  });

  it('rolls a failed migration back with its record, so the next open tries it again', () => {
    const db = new Database(path.join(tempDir(), 'b.sqlite'));
    const broken = [...SQLITE_MIGRATIONS, { version: 99, name: 'broken', apply: (d: Database.Database) => d.exec('CREATE TABLE t (x); SELECT nope FROM nowhere') }];
    expect(() => applySqliteMigrations(db, broken)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('t', 'schema_migrations')").all()).toEqual([]);
    db.close();
  });
});
