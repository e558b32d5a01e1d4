/**
 * The embedded store: one SQLite file (WAL) under ATTN_DATA_DIR.
 *
 * How updates reach it depends on ATTN_SQLITE_WRITER:
 * - `journal` (default): appendUpdate writes the update to a journal file and returns its seq at
 *   once; a second thread commits the journal to SQLite in batches (updateJournal.ts). This mode
 *   needs the database to itself: it holds `attn.sqlite.lock` while open.
 * - `thread`: each update is committed by the second thread (sqliteWriter.ts, group commit of
 *   whatever queued) before appendUpdate resolves; several stores may share the file.
 * - `inline`: everything is committed here, on the calling thread.
 * Snapshots and presence events go to the second thread in both threaded modes, and a third
 * thread runs WAL checkpoints, document loads and snapshot builds. Everything else (rooms, links,
 * files, reads) runs here, synchronously. Neither the journal nor synchronous=NORMAL in WAL mode
 * syncs to disk per update: both survive a killed process (the case we test and promise); an OS
 * crash or power cut may lose the last updates, as with most databases' defaults.
 * An in-memory database (tests) has no second connection, so it commits everything here.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { DocName } from '../../shared/protocol.js';
import type {
  FileRecord,
  LinkRecord,
  NewRoom,
  LoadedDoc,
  NewUpdate,
  PresenceEvent,
  PutFileResult,
  RecordingRecord,
  RoomRecord,
  SnapshotInfo,
  SnapshotRecord,
  Store,
  StoreLimits,
  UpdateLogStats,
  UpdateRecord,
} from './port.js';
import { DEFAULT_STORE_LIMITS } from './port.js';
import { applySqliteMigrations } from './sqliteMigrations.js';
import { SqliteWriter } from './sqliteWriter.js';
import { toLoadedDoc } from './fold.js';
import { recoverJournal, UpdateJournal } from './updateJournal.js';
import { toBytes, toEvent, toLink, toRecording, toRoom, toUpdate, type EventRow, type LinkRow, type RecordingRow, type RoomRow, type UpdateRow } from './rows.js';
import type { RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';

export type SqliteWriterMode = 'journal' | 'thread' | 'inline';

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private closed = false;
  private readonly stmt;

  /** the hot writes' thread; null for an in-memory database (no second connection can see it) */
  private readonly writer: SqliteWriter | null;
  /** journal mode: where appends go first (see updateJournal.ts), and the lock that makes it ours */
  private readonly journal: UpdateJournal | null = null;
  private readonly lock: Database.Database | null = null;

  constructor(
    readonly file: string,
    private readonly limits: StoreLimits = DEFAULT_STORE_LIMITS,
    /** how updates are committed (ATTN_SQLITE_WRITER); an in-memory database is always inline */
    options: { writer?: SqliteWriterMode } = {},
  ) {
    const mode: SqliteWriterMode = file === ':memory:' ? 'inline' : (options.writer ?? 'journal');
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    // Taken before anything is read: a second process would hand out the same seqs. The other
    // modes take it only while they replay a journal left behind (a killed journal-mode process,
    // then a restart in another mode), waiting a moment for other processes doing the same.
    const lock = file === ':memory:' ? null : holdExclusively(file, mode === 'journal' ? 0 : 5000);
    if (mode === 'journal') this.lock = lock;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    applySqliteMigrations(this.db);
    if (lock) {
      // What a killed process had journaled but not committed (INSERT OR IGNORE: its last batch may have committed).
      const insert = this.db.prepare(
        'INSERT OR IGNORE INTO updates (room_id, doc, seq, ts, author_role, author_name, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      recoverJournal(file, (rows) =>
        this.db.transaction(() => {
          for (const u of rows) insert.run(u.roomId, u.doc, u.seq, u.ts, u.authorRole, u.authorName, u.bytes);
        })(),
      );
      if (mode !== 'journal') lock.close();
    }
    this.writer = mode === 'inline' ? null : new SqliteWriter(file, limits.maxEventsPerRoom);
    // Checkpoints belong to the writer's maintenance thread: one here would stall the event loop (issue 15).
    if (this.writer) this.db.pragma('wal_autocheckpoint = 0');
    const writer = this.writer;
    if (writer && mode === 'journal') {
      const lastSeq = this.db.prepare<[string, string], { last: number | null }>('SELECT MAX(seq) AS last FROM updates WHERE room_id = ? AND doc = ?');
      this.journal = new UpdateJournal(file, {
        commit: async (batch) => {
          await writer.write({ op: 'batch', ...batch });
        },
        lastSeq: (roomId, doc) => lastSeq.get(roomId, doc)?.last ?? 0,
      });
    }
    if (writer) {
      this.snapshotFromLog = async (roomId, doc, seq, ts) => {
        // The maintenance thread reads the log from SQLite: the journal's batch must be there first.
        // A snapshot can wait for it to commit in its own time (see committedInTime).
        await this.journal?.committedInTime();
        const bytes = await writer.buildSnapshot(roomId, doc, seq);
        // Nobody else holds these bytes: they move on to the writer thread uncopied.
        await writer.write({ op: 'snapshot', s: { roomId, doc, seq, ts, bytes } }, { handOver: true });
      };
    }
    this.stmt = {
      insertRoom: this.db.prepare('INSERT INTO rooms (id, title, created_at, kind) VALUES (?, ?, ?, ?)'),
      getRoom: this.db.prepare<[string], RoomRow>('SELECT id, title, created_at, kind FROM rooms WHERE id = ?'),
      setKind: this.db.prepare<[string, string, string], RoomRow>(
        'UPDATE rooms SET kind = ? WHERE id = ? AND kind = ? RETURNING id, title, created_at, kind',
      ),
      swapRoles: this.db.prepare<[string, string, string, string, string, string], LinkRow>(
        `UPDATE links SET role = CASE role WHEN ? THEN ? ELSE ? END
         WHERE room_id = ? AND revoked_at IS NULL AND role IN (?, ?) RETURNING *`,
      ),
      insertLink: this.db.prepare(
        'INSERT INTO links (id, room_id, role, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      linkByHash: this.db.prepare<[string], LinkRow>('SELECT * FROM links WHERE token_hash = ?'),
      linksByRoom: this.db.prepare<[string], LinkRow>('SELECT * FROM links WHERE room_id = ? ORDER BY created_at, id'),
      revoke: this.db.prepare(
        'UPDATE links SET revoked_at = COALESCE(revoked_at, ?) WHERE room_id = ? AND id = ?',
      ),
      linkById: this.db.prepare<[string, string], LinkRow>('SELECT * FROM links WHERE room_id = ? AND id = ?'),
      // The store picks the seq: MAX(seq) is one probe of the (room_id, doc, seq) index, and the
      // read and the insert are one statement, so no other append can slip between them.
      insertUpdate: this.db.prepare<[string, string, number, string, string, Uint8Array, string, string], { seq: number }>(
        `INSERT INTO updates (room_id, doc, seq, ts, author_role, author_name, bytes)
         SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM updates WHERE room_id = ? AND doc = ?
         RETURNING seq`,
      ),
      insertSnapshot: this.db.prepare(
        'INSERT OR REPLACE INTO snapshots (room_id, doc, seq, ts, bytes) VALUES (?, ?, ?, ?, ?)',
      ),
      latestSnapshot: this.db.prepare<[string, string], { seq: number; ts: number; bytes: Buffer }>(
        'SELECT seq, ts, bytes FROM snapshots WHERE room_id = ? AND doc = ? ORDER BY seq DESC LIMIT 1',
      ),
      tail: this.db.prepare<[string, string, number], UpdateRow>(
        'SELECT room_id, doc, seq, ts, author_role, author_name, bytes FROM updates WHERE room_id = ? AND doc = ? AND seq > ? ORDER BY seq',
      ),
      page: this.db.prepare<[string, string, number, number], UpdateRow>(
        'SELECT room_id, doc, seq, ts, author_role, author_name, bytes FROM updates WHERE room_id = ? AND doc = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      // Count and max come from the (room_id, doc, seq) index alone; the two ts lookups are one row each.
      logCount: this.db.prepare<[string, string], { n: number; last: number | null }>(
        'SELECT COUNT(*) AS n, MAX(seq) AS last FROM updates WHERE room_id = ? AND doc = ?',
      ),
      firstTs: this.db.prepare<[string, string], { ts: number }>(
        'SELECT ts FROM updates WHERE room_id = ? AND doc = ? ORDER BY seq LIMIT 1',
      ),
      lastTs: this.db.prepare<[string, string], { ts: number }>(
        'SELECT ts FROM updates WHERE room_id = ? AND doc = ? ORDER BY seq DESC LIMIT 1',
      ),
      snapshotList: this.db.prepare<[string, string], SnapshotInfo>(
        'SELECT seq, ts FROM snapshots WHERE room_id = ? AND doc = ? ORDER BY seq',
      ),
      snapshotAt: this.db.prepare<[string, string, number], { seq: number; ts: number; bytes: Buffer }>(
        'SELECT seq, ts, bytes FROM snapshots WHERE room_id = ? AND doc = ? AND seq = ?',
      ),
      insertEvent: this.db.prepare('INSERT INTO events (room_id, ts, kind, role, name, doc) VALUES (?, ?, ?, ?, ?, ?)'),
      eventsByRoom: this.db.prepare<[string], EventRow>(
        'SELECT room_id, ts, kind, role, name, doc FROM events WHERE room_id = ? ORDER BY ts, id',
      ),
      latestEvents: this.db.prepare<[string, number], EventRow>(
        `SELECT room_id, ts, kind, role, name, doc FROM
           (SELECT id, room_id, ts, kind, role, name, doc FROM events WHERE room_id = ? ORDER BY ts DESC, id DESC LIMIT ?)
         ORDER BY ts, id`,
      ),
      // At most maxEventsPerRoom + 1 rows to look at: the room was trimmed on every earlier insert.
      trimEvents: this.db.prepare(
        'DELETE FROM events WHERE room_id = ? AND id NOT IN (SELECT id FROM events WHERE room_id = ? ORDER BY ts DESC, id DESC LIMIT ?)',
      ),
      roomFileBytes: this.db.prepare<[string], { total: number }>('SELECT COALESCE(SUM(size), 0) AS total FROM files WHERE room_id = ?'),
      insertFile: this.db.prepare(
        'INSERT OR IGNORE INTO files (room_id, id, mime_type, size, sha256, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      getFile: this.db.prepare<
        [string, string],
        { id: string; mime_type: string; size: number; sha256: string; created_at: number; bytes: Buffer }
      >('SELECT id, mime_type, size, sha256, created_at, bytes FROM files WHERE room_id = ? AND id = ?'),
      insertRecording: this.db.prepare('INSERT INTO recordings (egress_id, room_id, started_at, stopped_at, file) VALUES (?, ?, ?, ?, ?)'),
      stopRecording: this.db.prepare(
        'UPDATE recordings SET stopped_at = COALESCE(stopped_at, ?), file = COALESCE(file, ?) WHERE room_id = ? AND egress_id = ?',
      ),
      recordingById: this.db.prepare<[string, string], RecordingRow>('SELECT * FROM recordings WHERE room_id = ? AND egress_id = ?'),
      recordingsByRoom: this.db.prepare<[string], RecordingRow>(
        'SELECT * FROM recordings WHERE room_id = ? ORDER BY started_at, rowid',
      ),
    };
  }

  /** Opens (or creates) the store in a data directory. */
  static open(dataDir: string, limits: StoreLimits = DEFAULT_STORE_LIMITS, options: { writer?: SqliteWriterMode } = {}): SqliteStore {
    return new SqliteStore(path.join(dataDir, 'attn.sqlite'), limits, options);
  }

  async createRoom(room: NewRoom, links: LinkRecord[]): Promise<void> {
    this.db.transaction(() => {
      this.stmt.insertRoom.run(room.id, room.title, room.createdAt, room.kind ?? 'interview');
      for (const l of links) this.stmt.insertLink.run(l.id, l.roomId, l.role, l.tokenHash, l.createdAt, l.revokedAt);
    })();
  }

  async getRoom(roomId: string): Promise<RoomRecord | null> {
    const r = this.stmt.getRoom.get(roomId);
    return r ? toRoom(r) : null;
  }

  async setRoomKind(roomId: string, from: RoomKind, to: RoomKind): Promise<RoomRecord | null> {
    const r = this.stmt.setKind.get(to, roomId, from);
    return r ? toRoom(r) : null;
  }

  async swapLinkRoles(roomId: string, a: Role, b: Role): Promise<LinkRecord[]> {
    return this.stmt.swapRoles.all(a, b, a, roomId, a, b).map(toLink);
  }

  async findLinkByTokenHash(tokenHash: string): Promise<LinkRecord | null> {
    const r = this.stmt.linkByHash.get(tokenHash);
    return r ? toLink(r) : null;
  }

  async listLinks(roomId: string): Promise<LinkRecord[]> {
    return this.stmt.linksByRoom.all(roomId).map(toLink);
  }

  async addLink(l: LinkRecord): Promise<void> {
    this.stmt.insertLink.run(l.id, l.roomId, l.role, l.tokenHash, l.createdAt, l.revokedAt);
  }

  async revokeLink(roomId: string, linkId: string, at: number): Promise<LinkRecord | null> {
    this.stmt.revoke.run(at, roomId, linkId);
    const r = this.stmt.linkById.get(roomId, linkId);
    return r ? toLink(r) : null;
  }

  /**
   * Not `async` on the journal's path (every edit): the journal's own promise is returned as it is,
   * without the wrapping promise and the extra microtask turns an async function adds.
   */
  appendUpdate(u: NewUpdate): Promise<number> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.journal) return this.journal.append(u);
    return this.appendElsewhere(u);
  }

  private async appendElsewhere(u: NewUpdate): Promise<number> {
    if (this.writer) return (await this.writer.write({ op: 'append', u })) as number;
    return this.stmt.insertUpdate.get(u.roomId, u.doc, u.ts, u.authorRole, u.authorName, u.bytes, u.roomId, u.doc)!.seq;
  }

  async putSnapshot(s: SnapshotRecord): Promise<void> {
    if (this.writer) {
      await this.writer.write({ op: 'snapshot', s });
      return;
    }
    this.stmt.insertSnapshot.run(s.roomId, s.doc, s.seq, s.ts, s.bytes);
  }

  /** Present only with the writer thread (its maintenance thread builds it): see UpdateLogStore. */
  readonly snapshotFromLog?: (roomId: string, doc: DocName, seq: number, ts: number) => Promise<void>;

  async loadDoc(roomId: string, doc: DocName): Promise<LoadedDoc> {
    await this.journal?.flushed();
    if (this.writer) {
      const rows = await this.writer.loadDoc(roomId, doc);
      const loaded = toLoadedDoc(roomId, doc, rows);
      if (loaded.snapshot && rows.folded !== undefined) {
        // The maintenance thread folded a long tail into this snapshot: store it, so the next load
        // reads one row. Copied to the writer (the caller keeps these bytes). A failed write costs
        // only that: the log still holds every row, and the next load folds them again.
        await this.writer.write({ op: 'snapshot', s: loaded.snapshot }).catch(() => undefined);
      }
      return loaded;
    }
    const snap = this.stmt.latestSnapshot.get(roomId, doc);
    const snapshot: SnapshotRecord | null = snap
      ? { roomId, doc, seq: snap.seq, ts: snap.ts, bytes: toBytes(snap.bytes) }
      : null;
    const tail = this.stmt.tail.all(roomId, doc, snapshot?.seq ?? 0).map(toUpdate);
    return { snapshot, tail };
  }

  async listUpdates(roomId: string, doc: DocName, afterSeq: number, limit: number): Promise<UpdateRecord[]> {
    await this.journal?.flushed();
    return this.stmt.page.all(roomId, doc, afterSeq, limit).map(toUpdate);
  }

  async updateLogStats(roomId: string, doc: DocName): Promise<UpdateLogStats> {
    await this.journal?.flushed();
    const { n, last } = this.stmt.logCount.get(roomId, doc)!;
    if (n === 0) return { updates: 0, lastSeq: 0, firstTs: null, lastTs: null };
    return {
      updates: n,
      lastSeq: last ?? 0,
      firstTs: this.stmt.firstTs.get(roomId, doc)?.ts ?? null,
      lastTs: this.stmt.lastTs.get(roomId, doc)?.ts ?? null,
    };
  }

  async listSnapshots(roomId: string, doc: DocName): Promise<SnapshotInfo[]> {
    return this.stmt.snapshotList.all(roomId, doc).map((r) => ({ seq: r.seq, ts: r.ts }));
  }

  async getSnapshot(roomId: string, doc: DocName, seq: number): Promise<SnapshotRecord | null> {
    const r = this.stmt.snapshotAt.get(roomId, doc, seq);
    return r ? { roomId, doc, seq: r.seq, ts: r.ts, bytes: toBytes(r.bytes) } : null;
  }

  async appendEvent(e: PresenceEvent): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    if (this.writer) await this.writer.write({ op: 'event', e });
    else this.appendEventTx(e);
  }

  private readonly appendEventTx = (e: PresenceEvent) =>
    this.db.transaction(() => {
      this.stmt.insertEvent.run(e.roomId, e.ts, e.kind, e.role, e.name, e.doc);
      this.stmt.trimEvents.run(e.roomId, e.roomId, this.limits.maxEventsPerRoom);
    })();

  async listEvents(roomId: string, limit?: number): Promise<PresenceEvent[]> {
    return (limit === undefined ? this.stmt.eventsByRoom.all(roomId) : this.stmt.latestEvents.all(roomId, limit)).map(toEvent);
  }

  async putFile(f: FileRecord, limits: { maxRoomBytes?: number } = {}): Promise<PutFileResult> {
    // One synchronous transaction: no other upload can land between the sum and the insert.
    return this.db.transaction((): PutFileResult => {
      if (limits.maxRoomBytes !== undefined && !this.stmt.getFile.get(f.roomId, f.id)) {
        if (this.stmt.roomFileBytes.get(f.roomId)!.total + f.size > limits.maxRoomBytes) return 'over_budget';
      }
      const res = this.stmt.insertFile.run(f.roomId, f.id, f.mimeType, f.size, f.sha256, f.createdAt, f.bytes);
      return res.changes === 1 ? 'created' : 'exists';
    })();
  }

  async getFile(roomId: string, fileId: string): Promise<FileRecord | null> {
    const r = this.stmt.getFile.get(roomId, fileId);
    return r
      ? { roomId, id: r.id, mimeType: r.mime_type, size: r.size, sha256: r.sha256, createdAt: r.created_at, bytes: toBytes(r.bytes) }
      : null;
  }

  async addRecording(r: RecordingRecord): Promise<void> {
    this.stmt.insertRecording.run(r.egressId, r.roomId, r.startedAt, r.stoppedAt, r.file);
  }

  async stopRecording(roomId: string, egressId: string, at: number, file: string | null = null): Promise<RecordingRecord | null> {
    this.stmt.stopRecording.run(at, file, roomId, egressId);
    const r = this.stmt.recordingById.get(roomId, egressId);
    return r ? toRecording(r) : null;
  }

  async listRecordings(roomId: string): Promise<RecordingRecord[]> {
    return this.stmt.recordingsByRoom.all(roomId).map(toRecording);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.journal?.close();
    await this.writer?.close();
    this.db.close();
    this.lock?.close();
  }
}

/**
 * Holds `<file>.lock` with an exclusive SQLite lock for as long as the returned connection is
 * open: the kernel drops it when the process dies, kill -9 included, so a restart never finds a
 * stale lock. A second store on the file, in this process or another, is refused with one line.
 */
function holdExclusively(file: string, waitMs: number): Database.Database {
  const lock = new Database(`${file}.lock`, { timeout: waitMs });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new Error(
        `${file} is in use by another attn process; ATTN_SQLITE_WRITER=journal needs the database to itself (use ATTN_SQLITE_WRITER=thread, or Postgres, for several instances on one database)`,
      );
    }
    throw err;
  }
  return lock;
}
