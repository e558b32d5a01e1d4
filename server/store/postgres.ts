/**
 * The scale-out store: one Postgres database shared by every attn instance (ATTN_DATABASE_URL).
 *
 * Every instance appends to the same update log, so the seq of an update is allocated by the
 * database, not by the process: a per-document head row is bumped in the same statement that
 * inserts the update, and the bump's row lock makes concurrent appenders of one document take
 * turns (appenders of other documents never wait on each other). An append is one round trip and
 * one commit (appends of one document that queue up in this process share one); with
 * synchronous_commit on (Postgres's default) it is durable on resolve.
 *
 * All tables live in one schema (default `public`), chosen through the connection's search_path,
 * so tests (and several deployments on one database) can keep apart.
 */
import pg from 'pg';
import type { RoomKind } from '../../shared/capabilities.js';
import type { DocName, Role } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
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
import { toBytes, toEvent, toLink, toRecording, toRoom, toUpdate, type EventRow, type LinkRow, type RecordingRow, type RoomRow, type UpdateRow } from './rows.js';
import { applyMigrations, SCHEMA_NAME } from './postgresMigrations.js';
import { PostgresMaintenance } from './postgresMaintenance.js';
import { toLoadedDoc } from './fold.js';

export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * Where the tables live. Default: the schema the URL's `options=-c search_path=...` names, else
   * `public`. Created (with the tables) when missing.
   */
  schema?: string;
  /** Errors of idle pooled connections (a restarted database, a dropped network) go here. */
  log?: Pick<Logger, 'warn'>;
  /** How long to wait for a connection before a query fails (default 10 s). */
  connectionTimeoutMs?: number;
  /** What one room may accumulate (default DEFAULT_STORE_LIMITS). */
  limits?: StoreLimits;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
const INT8_OID = 20;

/**
 * BIGINT columns hold ms timestamps, seqs and counts, all far below 2^53; pg hands int8 back as a
 * string by default (it cannot know that), so this pool parses them to numbers. Per pool, not the
 * global pg.types, so other users of pg in the process are unaffected.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const SEARCH_PATH_OPTION = /(?:-c\s*|--)search_path=(\S+)/;

/** The schema named by a URL's libpq `options=-c search_path=...` parameter, if any. */
export function schemaFromUrl(url: string): string | undefined {
  const options = new URL(url).searchParams.get('options');
  const m = options ? SEARCH_PATH_OPTION.exec(options) : null;
  return m ? m[1]!.replace(/^"(.*)"$/, '$1') : undefined;
}

/**
 * The URL with its search_path set to `schema` (other `options` kept). Percent-encoded, not '+',
 * so psql reads the same URL: `psql "$(that url)"` lands in the same schema as attn.
 */
export function urlWithSchema(url: string, schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`bad schema name ${JSON.stringify(schema)}`);
  const u = new URL(url);
  const params = [...u.searchParams.entries()];
  const i = params.findIndex(([k]) => k === 'options');
  const rest = i >= 0 ? params[i]![1].replace(new RegExp(SEARCH_PATH_OPTION.source, 'g'), '').trim() : '';
  const options = `${rest} -c search_path=${schema}`.trim();
  if (i >= 0) params[i] = ['options', options];
  else params.push(['options', options]);
  u.search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return u.toString();
}

/**
 * Postgres TEXT cannot hold U+0000 (SQLite can), and names and titles come from users: a NUL in a
 * display name must not make every append of that person fail (the sync layer closes a document
 * whose append fails). Such a character is stored as U+FFFD instead.
 */
const text = (v: string): string => (v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v);
const textOrNull = (v: string | null): string | null => (v === null ? null : text(v));





const INSERT_LINK = 'INSERT INTO links (id, room_id, role, token_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)';
const linkValues = (l: LinkRecord) => [l.id, l.roomId, l.role, l.tokenHash, l.createdAt, l.revokedAt];

const UPDATE_COLUMNS = 'room_id, doc, seq, ts, author_role, author_name, bytes';

// One statement is one implicit transaction: the head bump and the insert commit together or not
// at all, so a failed insert never leaves a gap. ON CONFLICT DO UPDATE re-reads the head row after
// waiting for its lock, so under READ COMMITTED every appender sees the previous one's bump.
const APPEND_UPDATE = `
WITH head AS (
  INSERT INTO doc_heads (room_id, doc, last_seq) VALUES ($1, $2, 1)
  ON CONFLICT (room_id, doc) DO UPDATE SET last_seq = doc_heads.last_seq + 1
  RETURNING last_seq
)
INSERT INTO updates (${UPDATE_COLUMNS})
SELECT $1, $2, last_seq, $3::bigint, $4::text, $5::text, $6::bytea FROM head
RETURNING seq`;

// The same for k updates of one document at once: the head moves by k, and the i-th update (in
// the order given, WITH ORDINALITY) gets the i-th of the k seqs.
const APPEND_BATCH = `
WITH head AS (
  INSERT INTO doc_heads (room_id, doc, last_seq) VALUES ($1, $2, $3::bigint)
  ON CONFLICT (room_id, doc) DO UPDATE SET last_seq = doc_heads.last_seq + EXCLUDED.last_seq
  RETURNING last_seq
)
INSERT INTO updates (${UPDATE_COLUMNS})
SELECT $1, $2, head.last_seq - $3::bigint + u.ord, u.ts, u.author_role, u.author_name, u.bytes
FROM head, unnest($4::bigint[], $5::text[], $6::text[], $7::bytea[]) WITH ORDINALITY AS u(ts, author_role, author_name, bytes, ord)
RETURNING seq`;

/** Bounds on one batched append, so a burst never becomes one huge statement. */
const MAX_BATCH_UPDATES = 256;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

interface PendingAppend {
  update: NewUpdate;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

/** One document's appends waiting for the one in flight (see appendUpdate). */
interface DocQueue {
  waiting: PendingAppend[];
  /** the flush loop, while it runs */
  flushing: Promise<void> | null;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private closed = false;
  private ended: Promise<void> | null = null;
  private readonly appendQueues = new Map<string, DocQueue>();

  private constructor(
    private readonly pool: pg.Pool,
    /** The schema holding attn's tables. */
    readonly schema: string,
    private readonly limits: StoreLimits,
    /** loads and snapshot builds, off the main thread */
    private readonly maintenance: PostgresMaintenance,
    private readonly log: Pick<Logger, 'warn'> | undefined,
  ) {}

  /**
   * Opens a pool on `url`, brings the schema up to date and returns the store. Rejects (and
   * leaves no connection open) when the database cannot be reached or a migration fails.
   */
  static async connect(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const schema = options.schema ?? schemaFromUrl(url) ?? 'public';
    const connectionTimeoutMs = options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
    const pool = new pg.Pool({
      connectionString: urlWithSchema(url, schema),
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: connectionTimeoutMs,
      types: TYPES,
      application_name: 'attn',
    });
    // Without a listener, an idle connection's error (database restarted) would crash the process;
    // the pool drops that connection and the next query opens a fresh one.
    pool.on('error', (err) => options.log?.warn('postgres: idle connection failed', { err: err.message }));
    try {
      const client = await pool.connect();
      try {
        await applyMigrations(client, schema);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    const maintenance = new PostgresMaintenance(urlWithSchema(url, schema), connectionTimeoutMs);
    // Not fatal: without the thread, loads are read here (see loadDoc) and a request starts a new one.
    await maintenance.ready.catch((err: unknown) => options.log?.warn('postgres: the maintenance thread did not start', { err: String(err) }));
    return new PostgresStore(pool, schema, options.limits ?? DEFAULT_STORE_LIMITS, maintenance, options.log);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (this.closed) throw new Error('store is closed');
    return this.pool.query<R>(sql, values);
  }

  async createRoom(room: NewRoom, links: LinkRecord[]): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO rooms (id, title, created_at, kind) VALUES ($1, $2, $3, $4)', [
        room.id,
        text(room.title),
        room.createdAt,
        room.kind ?? 'interview',
      ]);
      for (const l of links) await client.query(INSERT_LINK, linkValues(l));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getRoom(roomId: string): Promise<RoomRecord | null> {
    const { rows } = await this.query<RoomRow>('SELECT id, title, created_at, kind FROM rooms WHERE id = $1', [roomId]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async setRoomKind(roomId: string, from: RoomKind, to: RoomKind): Promise<RoomRecord | null> {
    const { rows } = await this.query<RoomRow>(
      'UPDATE rooms SET kind = $1 WHERE id = $2 AND kind = $3 RETURNING id, title, created_at, kind',
      [to, roomId, from],
    );
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async swapLinkRoles(roomId: string, a: Role, b: Role): Promise<LinkRecord[]> {
    const { rows } = await this.query<LinkRow>(
      `UPDATE links SET role = CASE role WHEN $1 THEN $2 ELSE $1 END
       WHERE room_id = $3 AND revoked_at IS NULL AND role IN ($1, $2) RETURNING *`,
      [a, b, roomId],
    );
    return rows.map(toLink);
  }

  async findLinkByTokenHash(tokenHash: string): Promise<LinkRecord | null> {
    const { rows } = await this.query<LinkRow>('SELECT * FROM links WHERE token_hash = $1', [tokenHash]);
    return rows[0] ? toLink(rows[0]) : null;
  }

  async listLinks(roomId: string): Promise<LinkRecord[]> {
    const { rows } = await this.query<LinkRow>('SELECT * FROM links WHERE room_id = $1 ORDER BY created_at, id', [roomId]);
    return rows.map(toLink);
  }

  async addLink(l: LinkRecord): Promise<void> {
    await this.query(INSERT_LINK, linkValues(l));
  }

  async revokeLink(roomId: string, linkId: string, at: number): Promise<LinkRecord | null> {
    const { rows } = await this.query<LinkRow>(
      'UPDATE links SET revoked_at = COALESCE(revoked_at, $1) WHERE room_id = $2 AND id = $3 RETURNING *',
      [at, roomId, linkId],
    );
    return rows[0] ? toLink(rows[0]) : null;
  }

  /**
   * Each commit waits for its WAL flush (a few ms on ordinary disks), and appends to one document
   * take turns on its head row, so appending a burst one statement at a time would queue each
   * update behind every commit before it. Instead, while one append of a document is in flight,
   * later ones wait and then go together in one statement and one commit. An append with none in
   * flight goes at once: batching never delays a lone update.
   */
  appendUpdate(u: NewUpdate): Promise<number> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const key = `${u.roomId}\u0000${u.doc}`;
    let queue = this.appendQueues.get(key);
    if (!queue) {
      queue = { waiting: [], flushing: null };
      this.appendQueues.set(key, queue);
    }
    const q = queue;
    const done = new Promise<number>((resolve, reject) => q.waiting.push({ update: u, resolve, reject }));
    q.flushing ??= this.flushAppends(key, q);
    return done;
  }

  private async flushAppends(key: string, q: DocQueue): Promise<void> {
    while (q.waiting.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < q.waiting.length && n < MAX_BATCH_UPDATES && (n === 0 || bytes + q.waiting[n]!.update.bytes.byteLength <= MAX_BATCH_BYTES)) {
        bytes += q.waiting[n]!.update.bytes.byteLength;
        n++;
      }
      const batch = q.waiting.splice(0, n);
      try {
        const seqs = await this.insertUpdates(batch.map((p) => p.update));
        batch.forEach((p, i) => p.resolve(seqs[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    q.flushing = null;
    this.appendQueues.delete(key);
  }

  /** Inserts updates of one document in one statement; their seqs, in the order given. */
  private async insertUpdates(updates: NewUpdate[]): Promise<number[]> {
    const first = updates[0]!;
    if (updates.length === 1) {
      const { rows } = await this.pool.query<{ seq: number }>(APPEND_UPDATE, [first.roomId, first.doc, first.ts, first.authorRole, text(first.authorName), first.bytes]);
      return [rows[0]!.seq];
    }
    const { rows } = await this.pool.query<{ seq: number }>(APPEND_BATCH, [
      first.roomId,
      first.doc,
      updates.length,
      updates.map((u) => u.ts),
      updates.map((u) => u.authorRole),
      updates.map((u) => text(u.authorName)),
      updates.map((u) => u.bytes),
    ]);
    if (rows.length !== updates.length) throw new Error(`batched append stored ${rows.length} of ${updates.length} updates`);
    const start = Math.min(...rows.map((r) => r.seq));
    return updates.map((_, i) => start + i);
  }

  async putSnapshot(s: SnapshotRecord): Promise<void> {
    await this.query(
      `INSERT INTO snapshots (room_id, doc, seq, ts, bytes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, doc, seq) DO UPDATE SET ts = EXCLUDED.ts, bytes = EXCLUDED.bytes`,
      [s.roomId, s.doc, s.seq, s.ts, s.bytes],
    );
  }

  /**
   * Built on the maintenance thread from the store alone (the latest snapshot at or before `seq`
   * plus the log up to it) and stored there: the main thread never holds the bytes.
   */
  async snapshotFromLog(roomId: string, doc: DocName, seq: number, ts: number): Promise<void> {
    if (this.closed) throw new Error('store is closed');
    await this.maintenance.buildSnapshot(roomId, doc, seq, ts);
  }

  /**
   * Read on the maintenance thread, where a long tail is folded into one snapshot and stored (the
   * next load reads one row). Should that thread fail, read here instead: slower, never wrong.
   */
  async loadDoc(roomId: string, doc: DocName): Promise<LoadedDoc> {
    if (this.closed) throw new Error('store is closed');
    try {
      return toLoadedDoc(roomId, doc, await this.maintenance.loadDoc(roomId, doc));
    } catch (err) {
      if (this.closed) throw err;
      this.log?.warn('postgres: load on the maintenance thread failed; loading here', { room: roomId, doc, err: String(err) });
      return this.loadHere(roomId, doc);
    }
  }

  private async loadHere(roomId: string, doc: DocName): Promise<LoadedDoc> {
    // Snapshot first, then the tail after it: an append or snapshot landing in between only adds
    // to what the tail returns, so snapshot + tail is always a complete state.
    const snap = await this.query<{ seq: number; ts: number; bytes: Buffer }>(
      'SELECT seq, ts, bytes FROM snapshots WHERE room_id = $1 AND doc = $2 ORDER BY seq DESC LIMIT 1',
      [roomId, doc],
    );
    const s = snap.rows[0];
    const snapshot: SnapshotRecord | null = s ? { roomId, doc, seq: s.seq, ts: s.ts, bytes: toBytes(s.bytes) } : null;
    const tail = await this.query<UpdateRow>(
      `SELECT ${UPDATE_COLUMNS} FROM updates WHERE room_id = $1 AND doc = $2 AND seq > $3 ORDER BY seq`,
      [roomId, doc, snapshot?.seq ?? 0],
    );
    return { snapshot, tail: tail.rows.map(toUpdate) };
  }

  async listUpdates(roomId: string, doc: DocName, afterSeq: number, limit: number): Promise<UpdateRecord[]> {
    const { rows } = await this.query<UpdateRow>(
      `SELECT ${UPDATE_COLUMNS} FROM updates WHERE room_id = $1 AND doc = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
      [roomId, doc, afterSeq, limit],
    );
    return rows.map(toUpdate);
  }

  async updateLogStats(roomId: string, doc: DocName): Promise<UpdateLogStats> {
    // Count and max come from the primary key index; the two ts lookups are one row each.
    const { rows } = await this.query<{ n: number; last: number | null; first_ts: number | null; last_ts: number | null }>(
      `SELECT COUNT(*) AS n, MAX(seq) AS last,
         (SELECT ts FROM updates WHERE room_id = $1 AND doc = $2 ORDER BY seq LIMIT 1) AS first_ts,
         (SELECT ts FROM updates WHERE room_id = $1 AND doc = $2 ORDER BY seq DESC LIMIT 1) AS last_ts
       FROM updates WHERE room_id = $1 AND doc = $2`,
      [roomId, doc],
    );
    const r = rows[0]!;
    if (r.n === 0) return { updates: 0, lastSeq: 0, firstTs: null, lastTs: null };
    return { updates: r.n, lastSeq: r.last ?? 0, firstTs: r.first_ts, lastTs: r.last_ts };
  }

  async listSnapshots(roomId: string, doc: DocName): Promise<SnapshotInfo[]> {
    const { rows } = await this.query<SnapshotInfo>('SELECT seq, ts FROM snapshots WHERE room_id = $1 AND doc = $2 ORDER BY seq', [roomId, doc]);
    return rows.map((r) => ({ seq: r.seq, ts: r.ts }));
  }

  async getSnapshot(roomId: string, doc: DocName, seq: number): Promise<SnapshotRecord | null> {
    const { rows } = await this.query<{ seq: number; ts: number; bytes: Buffer }>(
      'SELECT seq, ts, bytes FROM snapshots WHERE room_id = $1 AND doc = $2 AND seq = $3',
      [roomId, doc, seq],
    );
    const r = rows[0];
    return r ? { roomId, doc, seq: r.seq, ts: r.ts, bytes: toBytes(r.bytes) } : null;
  }

  async appendEvent(e: PresenceEvent): Promise<void> {
    // One statement: the DELETE runs on the snapshot before the INSERT, so it keeps the latest
    // max - 1 older rows and the new row makes max.
    await this.query(
      `WITH added AS (INSERT INTO events (room_id, ts, kind, role, name, doc) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
       DELETE FROM events WHERE room_id = $1
         AND id NOT IN (SELECT id FROM events WHERE room_id = $1 ORDER BY ts DESC, id DESC LIMIT $7)`,
      [e.roomId, e.ts, e.kind, e.role, text(e.name), e.doc, this.limits.maxEventsPerRoom - 1],
    );
  }

  async listEvents(roomId: string, limit?: number): Promise<PresenceEvent[]> {
    const { rows } =
      limit === undefined
        ? await this.query<EventRow>('SELECT room_id, ts, kind, role, name, doc FROM events WHERE room_id = $1 ORDER BY ts, id', [roomId])
        : await this.query<EventRow>(
            `SELECT room_id, ts, kind, role, name, doc FROM
               (SELECT id, room_id, ts, kind, role, name, doc FROM events WHERE room_id = $1 ORDER BY ts DESC, id DESC LIMIT $2) latest
             ORDER BY ts, id`,
            [roomId, limit],
          );
    return rows.map(toEvent);
  }

  async putFile(f: FileRecord, limits: { maxRoomBytes?: number } = {}): Promise<PutFileResult> {
    const values = [f.roomId, f.id, text(f.mimeType), f.size, f.sha256, f.createdAt, f.bytes];
    if (limits.maxRoomBytes === undefined) {
      const res = await this.query(
        `INSERT INTO files (room_id, id, mime_type, size, sha256, created_at, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (room_id, id) DO NOTHING`,
        values,
      );
      return res.rowCount === 1 ? 'created' : 'exists';
    }
    if (this.closed) throw new Error('store is closed');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Uploads to one room queue on its row, so each sees the bytes the one before it stored
      // (READ COMMITTED takes a fresh snapshot per statement) and parallel uploads can't overshoot.
      await client.query('SELECT 1 FROM rooms WHERE id = $1 FOR UPDATE', [f.roomId]);
      const existing = await client.query('SELECT 1 FROM files WHERE room_id = $1 AND id = $2', [f.roomId, f.id]);
      let result: PutFileResult = 'exists';
      if (existing.rowCount === 0) {
        const { rows } = await client.query<{ total: string }>('SELECT COALESCE(SUM(size), 0)::text AS total FROM files WHERE room_id = $1', [f.roomId]);
        if (Number(rows[0]!.total) + f.size > limits.maxRoomBytes) result = 'over_budget';
        else {
          await client.query(
            `INSERT INTO files (room_id, id, mime_type, size, sha256, created_at, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (room_id, id) DO NOTHING`,
            values,
          );
          result = 'created';
        }
      }
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async getFile(roomId: string, fileId: string): Promise<FileRecord | null> {
    const { rows } = await this.query<{ id: string; mime_type: string; size: number; sha256: string; created_at: number; bytes: Buffer }>(
      'SELECT id, mime_type, size, sha256, created_at, bytes FROM files WHERE room_id = $1 AND id = $2',
      [roomId, fileId],
    );
    const r = rows[0];
    return r
      ? { roomId, id: r.id, mimeType: r.mime_type, size: r.size, sha256: r.sha256, createdAt: r.created_at, bytes: toBytes(r.bytes) }
      : null;
  }

  async addRecording(r: RecordingRecord): Promise<void> {
    await this.query('INSERT INTO recordings (egress_id, room_id, started_at, stopped_at, file) VALUES ($1, $2, $3, $4, $5)', [
      r.egressId,
      r.roomId,
      r.startedAt,
      r.stoppedAt,
      textOrNull(r.file),
    ]);
  }

  async stopRecording(roomId: string, egressId: string, at: number, file: string | null = null): Promise<RecordingRecord | null> {
    const { rows } = await this.query<RecordingRow>(
      `UPDATE recordings SET stopped_at = COALESCE(stopped_at, $1), file = COALESCE(file, $2)
       WHERE room_id = $3 AND egress_id = $4
       RETURNING egress_id, room_id, started_at, stopped_at, file`,
      [at, textOrNull(file), roomId, egressId],
    );
    return rows[0] ? toRecording(rows[0]) : null;
  }

  async listRecordings(roomId: string): Promise<RecordingRecord[]> {
    const { rows } = await this.query<RecordingRow>(
      'SELECT egress_id, room_id, started_at, stopped_at, file FROM recordings WHERE room_id = $1 ORDER BY started_at, recorded',
      [roomId],
    );
    return rows.map(toRecording);
  }

  /** Waits for appends and queries in flight, then closes every connection. */
  close(): Promise<void> {
    this.closed = true;
    this.ended ??= (async () => {
      // Appends already accepted were promised durability: let their queues drain first.
      await Promise.all([...this.appendQueues.values()].map((q) => q.flushing));
      await this.maintenance.close();
      await this.pool.end();
    })();
    return this.ended;
  }
}
