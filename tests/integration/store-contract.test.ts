/**
 * The store contract: every adapter of server/store/port.ts must pass this suite, SQLite and
 * Postgres alike. Postgres tests each get a schema of their own (tests/support/postgres.ts).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewUpdate, Store, StoreLimits } from '../../server/store/port.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { MIGRATIONS } from '../../server/store/postgresMigrations.js';
import { SqliteStore, type SqliteWriterMode } from '../../server/store/sqlite.js';
import { freshSchema, lazySchema, postgresUrl, requirePostgres, type TestSchema } from '../support/postgres.js';
import { tempDir } from '../support/server.js';

const postgresReady = await requirePostgres();

const schemas: TestSchema[] = [];

interface Opened {
  store: Store;
  /** Another store on the same database (the first may still be open: two instances at once). */
  reopen: () => Promise<Store>;
  /** The same database for another process: an SQLite file, or a Postgres URL naming the schema. */
  location: string;
  /** SQLite: the writer mode another process opens it with */
  writer?: string;
}

/**
 * `exclusive`: the adapter needs its database to itself (SQLite's journal mode allocates seqs in
 * memory), so the cases with several stores on one database check that a second is refused instead.
 */
type Adapter = { name: string; skip: boolean; exclusive?: boolean; open: (limits?: StoreLimits) => Promise<Opened> };

/** A fresh SQLite file per case, opened in `writer` mode (unset: the default, as `npm start` opens it). */
const sqliteAdapter = (name: string, writer?: SqliteWriterMode): Adapter => ({
  name,
  skip: false,
  exclusive: (writer ?? 'journal') === 'journal',
  open: async (limits) => {
    const file = path.join(tempDir(), 'attn.sqlite');
    const open = () => new SqliteStore(file, limits, writer ? { writer } : {});
    return { store: open(), reopen: async () => open(), location: file, ...(writer ? { writer } : {}) };
  },
});

const adapters: Adapter[] = [
  // ATTN_SQLITE_WRITER=journal (the default): appends go to a journal file, committed in batches.
  sqliteAdapter('sqlite'),
  // ATTN_SQLITE_WRITER=thread: each append committed on the writer thread before it resolves.
  sqliteAdapter('sqlite-thread', 'thread'),
  // ATTN_SQLITE_WRITER=inline: every commit on the calling thread, as before the writer thread.
  sqliteAdapter('sqlite-inline', 'inline'),
  {
    name: 'postgres',
    skip: !postgresReady,
    open: async (limits) => {
      const schema = await freshSchema();
      schemas.push(schema);
      // A small pool, so concurrent appends really queue on several connections and take turns.
      const connect = () => PostgresStore.connect(postgresUrl(), { schema: schema.schema, poolSize: 4, ...(limits ? { limits } : {}) });
      return { store: await connect(), reopen: connect, location: schema.url };
    },
  },
];

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs `rounds` bursts of `burst` concurrent appends to room0001/board in a child process, once the
 * parent says go on stdin (so several children append at the same time); resolves with the seqs.
 */
function appendInChild(location: string, who: string, rounds: number, burst: number, writer = ''): { ready: Promise<void>; go: () => void; seqs: Promise<number[]> } {
  const script = `
    const loc = process.env.STORE_AT;
    const store = loc.startsWith('postgres')
      ? await (await import('./server/store/postgres.ts')).PostgresStore.connect(loc, { poolSize: 4 })
      : new (await import('./server/store/sqlite.ts')).SqliteStore(loc, undefined, { writer: process.env.STORE_WRITER || undefined });
    process.stdout.write('ready\\n');
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.destroy();
    const seqs = [];
    for (let r = 0; r < ${rounds}; r++) {
      const burst = Array.from({ length: ${burst} }, (_, i) => store.appendUpdate({
        roomId: 'room0001', doc: 'board', ts: r, authorRole: 'candidate', authorName: '${who}' + (r * ${burst} + i), bytes: new Uint8Array([r, i]),
      }));
      seqs.push(...(await Promise.all(burst)));
    }
    await store.close();
    process.stdout.write(JSON.stringify(seqs) + '\\n');
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, STORE_AT: location, STORE_WRITER: writer },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`append child exited with ${code} before it was ready: ${err}`)));
  });
  const seqs = new Promise<number[]>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`append child exited with ${code}: ${err}`));
      resolve(JSON.parse(out.slice('ready\n'.length)) as number[]);
    });
  });
  ready.catch(() => undefined);
  return { ready, go: () => child.stdin.end('go\n'), seqs };
}

const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close().catch(() => undefined);
  for (const s of schemas.splice(0)) await s.drop();
});

for (const adapter of adapters) {
  describe.skipIf(adapter.skip)(`store contract: ${adapter.name}`, () => {
    /** a case with several stores on one database: for an exclusive adapter, the case below instead */
    const whenShared = (name: string, body: () => Promise<void>, timeout?: number) => {
      if (!adapter.exclusive) it(name, body, timeout);
    };
    const setup = async (limits?: StoreLimits) => {
      const h = await adapter.open(limits);
      opened.push(h.store);
      await h.store.createRoom({ id: 'room0001', title: 'T', createdAt: 1 }, [
        { id: 'link01', roomId: 'room0001', role: 'interviewer', tokenHash: 'h1', createdAt: 1, revokedAt: null },
        { id: 'link02', roomId: 'room0001', role: 'candidate', tokenHash: 'h2', createdAt: 2, revokedAt: null },
      ]);
      return h;
    };

    it('rooms and links round-trip; revocation keeps the first time', async () => {
      const { store } = await setup();
      expect(await store.getRoom('room0001')).toEqual({ id: 'room0001', title: 'T', createdAt: 1, kind: 'interview' });
      expect(await store.getRoom('nope0001')).toBeNull();
      expect((await store.findLinkByTokenHash('h2'))?.role).toBe('candidate');
      expect(await store.findLinkByTokenHash('zz')).toBeNull();
      await store.addLink({ id: 'link03', roomId: 'room0001', role: 'observer', tokenHash: 'h3', createdAt: 3, revokedAt: null });
      expect((await store.listLinks('room0001')).map((l) => l.id)).toEqual(['link01', 'link02', 'link03']);
      expect((await store.revokeLink('room0001', 'link02', 100))?.revokedAt).toBe(100);
      expect((await store.revokeLink('room0001', 'link02', 200))?.revokedAt).toBe(100);
      expect(await store.revokeLink('room0001', 'missing', 200)).toBeNull();
      expect(await store.revokeLink('other001', 'link01', 200)).toBeNull();
    });

    it('keeps a room kind; changes it only from the kind named; swaps two roles on unrevoked links at once', async () => {
      const { store } = await setup();
      await store.createRoom({ id: 'room0003', title: 'P', createdAt: 1, kind: 'pair' }, []);
      expect((await store.getRoom('room0003'))?.kind).toBe('pair');
      expect(await store.setRoomKind('room0003', 'practice', 'interview')).toBeNull();
      expect(await store.setRoomKind('room0003', 'pair', 'interview')).toEqual({ id: 'room0003', title: 'P', createdAt: 1, kind: 'interview' });
      expect(await store.setRoomKind('room0003', 'pair', 'interview')).toBeNull();
      expect(await store.setRoomKind('nope0001', 'pair', 'interview')).toBeNull();

      await store.addLink({ id: 'link03', roomId: 'room0001', role: 'observer', tokenHash: 'h3', createdAt: 3, revokedAt: null });
      await store.addLink({ id: 'link04', roomId: 'room0001', role: 'candidate', tokenHash: 'h4', createdAt: 4, revokedAt: null });
      await store.revokeLink('room0001', 'link04', 5);
      const swapped = await store.swapLinkRoles('room0001', 'interviewer', 'candidate');
      expect(Object.fromEntries(swapped.map((l) => [l.id, l.role]))).toEqual({ link01: 'candidate', link02: 'interviewer' });
      const roles = Object.fromEntries((await store.listLinks('room0001')).map((l) => [l.id, l.role]));
      expect(roles).toEqual({ link01: 'candidate', link02: 'interviewer', link03: 'observer', link04: 'candidate' });
      expect(await store.swapLinkRoles('nope0001', 'interviewer', 'candidate')).toEqual([]);
    });

    it('allocates dense seqs to concurrent appends, keeps them in order, and loads snapshot + tail', async () => {
      const { store, reopen } = await setup();
      const up = (n: number) => ({
        roomId: 'room0001',
        doc: 'board' as const,
        ts: 1000 + n,
        authorRole: 'candidate' as const,
        authorName: `n${n}`,
        bytes: new Uint8Array([n, n]),
      });
      const seqs = await Promise.all([1, 2, 3, 4].map((n) => store.appendUpdate(up(n))));
      expect([...seqs].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
      await store.putSnapshot({ roomId: 'room0001', doc: 'board', seq: 3, ts: 5, bytes: new Uint8Array([9]) });
      expect(await store.appendUpdate(up(5))).toBe(5);
      // another document of the same room has its own sequence
      expect(await store.appendUpdate({ ...up(1), doc: 'panel' })).toBe(1);
      const loaded = await store.loadDoc('room0001', 'board');
      expect(loaded.snapshot).toMatchObject({ seq: 3, bytes: new Uint8Array([9]) });
      expect(loaded.tail.map((u) => u.seq)).toEqual([4, 5]);
      // each update is stored as given, under the seq its append returned
      const n4 = seqs.indexOf(4) + 1;
      expect(loaded.tail[0]).toEqual({ ...up(n4), seq: 4 });
      expect(await store.loadDoc('room0002', 'board')).toEqual({ snapshot: null, tail: [] });
      await store.close();
      const again = await reopen();
      opened.push(again);
      expect(await again.appendUpdate(up(6))).toBe(6);
      expect((await again.loadDoc('room0001', 'board')).tail.map((u) => u.seq)).toEqual([4, 5, 6]);
    });

    it('pages through the update log in seq order, with stats and snapshot positions', async () => {
      const { store } = await setup();
      const up = (doc: 'board' | 'panel', seq: number) => ({
        roomId: 'room0001',
        doc,
        seq,
        ts: 10_000 + seq * 10,
        authorRole: (seq % 2 ? 'candidate' : 'interviewer') as 'candidate' | 'interviewer',
        authorName: `n${seq}`,
        bytes: new Uint8Array([seq & 255]),
      });
      expect(await store.updateLogStats('room0001', 'board')).toEqual({ updates: 0, lastSeq: 0, firstTs: null, lastTs: null });
      expect(await store.listUpdates('room0001', 'board', 0, 10)).toEqual([]);
      for (let seq = 1; seq <= 23; seq++) expect(await store.appendUpdate(up('board', seq))).toBe(seq);
      await store.appendUpdate(up('panel', 1));
      await store.putSnapshot({ roomId: 'room0001', doc: 'board', seq: 10, ts: 10_101, bytes: new Uint8Array([1, 0]) });
      await store.putSnapshot({ roomId: 'room0001', doc: 'board', seq: 20, ts: 10_202, bytes: new Uint8Array([2, 0]) });

      const seen: number[] = [];
      for (let after = 0; ; ) {
        const page = await store.listUpdates('room0001', 'board', after, 7);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(7);
        seen.push(...page.map((u) => u.seq));
        after = page[page.length - 1]!.seq;
      }
      expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
      expect((await store.listUpdates('room0001', 'board', 5, 1))[0]).toEqual(up('board', 6));
      expect(await store.updateLogStats('room0001', 'board')).toEqual({ updates: 23, lastSeq: 23, firstTs: 10_010, lastTs: 10_230 });
      expect((await store.updateLogStats('room0001', 'panel')).updates).toBe(1);
      expect(await store.listSnapshots('room0001', 'board')).toEqual([
        { seq: 10, ts: 10_101 },
        { seq: 20, ts: 10_202 },
      ]);
      expect(await store.listSnapshots('room0001', 'panel')).toEqual([]);
      expect(await store.getSnapshot('room0001', 'board', 20)).toEqual({ roomId: 'room0001', doc: 'board', seq: 20, ts: 10_202, bytes: new Uint8Array([2, 0]) });
      expect(await store.getSnapshot('room0001', 'board', 11)).toBeNull();
    });

    it('records joins and leaves per room, in order, across a reopen', async () => {
      const { store, reopen } = await setup();
      const ev = (ts: number, kind: 'join' | 'leave', name: string, roomId = 'room0001') =>
        ({ roomId, ts, kind, role: 'candidate' as const, name, doc: 'board' as const });
      await store.appendEvent(ev(5, 'join', 'Cam'));
      await store.appendEvent(ev(5, 'join', 'Ines'));
      await store.appendEvent(ev(3, 'join', 'Other', 'room0002'));
      await store.appendEvent(ev(9, 'leave', 'Cam'));
      // a join written late (the name arrived after the join) still sorts by its time
      await store.appendEvent(ev(7, 'join', 'Olu'));
      expect(await store.listEvents('room0001')).toEqual([ev(5, 'join', 'Cam'), ev(5, 'join', 'Ines'), ev(7, 'join', 'Olu'), ev(9, 'leave', 'Cam')]);
      expect(await store.listEvents('nope0001')).toEqual([]);
      await store.close();
      const again = await reopen();
      opened.push(again);
      expect((await again.listEvents('room0001')).map((e) => e.name)).toEqual(['Cam', 'Ines', 'Olu', 'Cam']);
      expect((await again.listEvents('room0002'))[0]).toEqual(ev(3, 'join', 'Other', 'room0002'));
    });

    it('recordings: egress id, start time and output file per room, stop is idempotent, survive a reopen', async () => {
      const { store, reopen } = await setup();
      await store.createRoom({ id: 'room0002', title: 'U', createdAt: 1 }, []);
      await store.addRecording({ roomId: 'room0001', egressId: 'EG_a', startedAt: 1000, stoppedAt: null, file: null });
      await store.addRecording({ roomId: 'room0001', egressId: 'EG_b', startedAt: 3000, stoppedAt: null, file: null });
      await store.addRecording({ roomId: 'room0002', egressId: 'EG_c', startedAt: 2000, stoppedAt: 2600, file: 'attn/room0002/c.mp4' });
      await expect(store.addRecording({ roomId: 'room0001', egressId: 'EG_a', startedAt: 5, stoppedAt: null, file: null })).rejects.toThrow();
      expect(await store.stopRecording('room0001', 'EG_a', 2000, 'attn/room0001/a.mp4')).toEqual({
        roomId: 'room0001',
        egressId: 'EG_a',
        startedAt: 1000,
        stoppedAt: 2000,
        file: 'attn/room0001/a.mp4',
      });
      // a second stop keeps the first stop time and the first file
      expect(await store.stopRecording('room0001', 'EG_a', 9999, 'other.mp4')).toMatchObject({ stoppedAt: 2000, file: 'attn/room0001/a.mp4' });
      // another room's egress id is not this room's
      expect(await store.stopRecording('room0001', 'EG_c', 2500)).toBeNull();
      expect(await store.stopRecording('room0001', 'EG_zz', 2500)).toBeNull();
      await store.close();
      const again = await reopen();
      opened.push(again);
      expect(await again.listRecordings('room0001')).toEqual([
        { roomId: 'room0001', egressId: 'EG_a', startedAt: 1000, stoppedAt: 2000, file: 'attn/room0001/a.mp4' },
        { roomId: 'room0001', egressId: 'EG_b', startedAt: 3000, stoppedAt: null, file: null },
      ]);
      expect(await again.listRecordings('room0002')).toEqual([
        { roomId: 'room0002', egressId: 'EG_c', startedAt: 2000, stoppedAt: 2600, file: 'attn/room0002/c.mp4' },
      ]);
      expect(await again.listRecordings('nope0000')).toEqual([]);
    });

    it('keeps only the latest maxEventsPerRoom events of a room, and lists the latest `limit` in time order (issue 12)', async () => {
      const { store } = await setup({ maxEventsPerRoom: 5 });
      const ev = (ts: number, roomId = 'room0001') => ({ roomId, ts, kind: 'join' as const, role: 'candidate' as const, name: `n${ts}`, doc: 'board' as const });
      await store.appendEvent(ev(1, 'room0002'));
      // A reconnect loop: far more joins than the bound.
      for (let ts = 1; ts <= 40; ts++) await store.appendEvent(ev(ts));
      expect((await store.listEvents('room0001')).map((e) => e.ts)).toEqual([36, 37, 38, 39, 40]);
      expect((await store.listEvents('room0001', 2)).map((e) => e.ts)).toEqual([39, 40]);
      // Another room's events are its own.
      expect(await store.listEvents('room0002')).toEqual([ev(1, 'room0002')]);
    });

    it("refuses a new file past the room's byte budget, atomically, and counts a repeat as nothing (issue 12)", async () => {
      const { store } = await setup();
      await store.createRoom({ id: 'room0002', title: 'U', createdAt: 1 }, []);
      const f = (id: string, size: number, roomId = 'room0001') => ({ roomId, id, mimeType: 'image/png', size, sha256: id, createdAt: 1, bytes: new Uint8Array(size) });
      const budget = { maxRoomBytes: 10 };
      expect(await store.putFile(f('file0001', 6), budget)).toBe('created');
      expect(await store.putFile(f('file0001', 6), budget)).toBe('exists');
      expect(await store.putFile(f('file0002', 5), budget)).toBe('over_budget');
      expect(await store.getFile('room0001', 'file0002')).toBeNull();
      expect(await store.putFile(f('file0002', 5, 'room0002'), budget)).toBe('created');
      // Racing uploads: only as many as fit.
      const raced = await Promise.all(['a', 'b', 'c', 'd'].map((x) => store.putFile(f(`race000${x}`, 4), { maxRoomBytes: 14 })));
      expect(raced.filter((r) => r === 'created')).toHaveLength(2);
      expect(raced.filter((r) => r === 'over_budget')).toHaveLength(2);
    });

    it('files are immutable per room', async () => {
      const { store } = await setup();
      const f = { roomId: 'room0001', id: 'file0001', mimeType: 'image/png', size: 3, sha256: 'abc', createdAt: 1, bytes: new Uint8Array([1, 2, 3]) };
      expect(await store.putFile(f)).toBe('created');
      expect(await store.putFile({ ...f, bytes: new Uint8Array([4]) })).toBe('exists');
      expect((await store.getFile('room0001', 'file0001'))?.bytes).toEqual(new Uint8Array([1, 2, 3]));
      expect(await store.getFile('other001', 'file0001')).toBeNull();
    });

    whenShared('two instances on one database appending to one doc get dense, distinct seqs, each update stored once', async () => {
      const { store, reopen } = await setup();
      const other = await reopen();
      opened.push(other);
      const PER_INSTANCE = 60;
      const up = (who: string, i: number): NewUpdate => ({
        roomId: 'room0001',
        doc: 'board',
        ts: 2000 + i,
        authorRole: 'candidate',
        authorName: `${who}${i}`,
        bytes: new Uint8Array([i & 255, who.charCodeAt(0)]),
      });
      // Interleaved, all in flight at once: each instance's appends race the other's.
      const calls = Array.from({ length: PER_INSTANCE }, (_, i) => [store.appendUpdate(up('a', i)), other.appendUpdate(up('b', i))]).flat();
      const seqs = await Promise.all(calls);
      const total = 2 * PER_INSTANCE;
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const log = await other.listUpdates('room0001', 'board', 0, total + 10);
      expect(log.map((u) => u.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // the update stored under each seq is the one whose append returned that seq
      const names = Array.from({ length: PER_INSTANCE }, (_, i) => [`a${i}`, `b${i}`]).flat();
      const bySeq = new Map(log.map((u) => [u.seq, u.authorName]));
      seqs.forEach((seq, k) => expect(bySeq.get(seq)).toBe(names[k]));
      expect(new Set(log.map((u) => u.authorName)).size).toBe(total);
      expect(await store.updateLogStats('room0001', 'board')).toMatchObject({ updates: total, lastSeq: total });
      // and the sequence carries on from either instance
      expect(await store.appendUpdate(up('a', 999))).toBe(total + 1);
      expect(await other.appendUpdate(up('b', 999))).toBe(total + 2);
    });

    whenShared('three processes appending to one doc at once get dense, distinct seqs', async () => {
      const { store, location, writer } = await setup();
      const ROUNDS = 10;
      const BURST = 10;
      const children = ['p', 'q', 'r'].map((who) => appendInChild(location, who, ROUNDS, BURST, writer));
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const perChild = await Promise.all(children.map((c) => c.seqs));
      const total = children.length * ROUNDS * BURST;
      expect(perChild.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const log = await store.listUpdates('room0001', 'board', 0, total + 10);
      expect(log.map((u) => u.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      // each child's k-th append is stored under the seq the child was given for it
      const bySeq = new Map(log.map((u) => [u.seq, u.authorName]));
      perChild.forEach((seqs, c) => seqs.forEach((seq, k) => expect(bySeq.get(seq)).toBe(`${'pqr'[c]}${k}`)));
    }, 60_000);

    it('stores a name, title or event with a NUL character instead of failing (names come from users)', async () => {
      const { store } = await setup();
      const nul = 'Ca\u0000m';
      // SQLite keeps it; Postgres TEXT cannot hold U+0000 and keeps U+FFFD in its place
      const same = (stored: string | undefined, given: string) => expect([given, given.replaceAll('\u0000', '\uFFFD')]).toContain(stored);
      await store.createRoom({ id: 'room0002', title: 'T\u0000', createdAt: 1 }, []);
      same((await store.getRoom('room0002'))?.title, 'T\u0000');
      const bytes = new Uint8Array([0, 1, 0]);
      const up = { roomId: 'room0001', doc: 'board' as const, ts: 1, authorRole: 'candidate' as const, authorName: nul, bytes };
      // alone, and several at once (which an adapter may write together)
      expect(await store.appendUpdate(up)).toBe(1);
      expect((await Promise.all([up, up, up].map((u) => store.appendUpdate(u)))).sort()).toEqual([2, 3, 4]);
      const log = await store.listUpdates('room0001', 'board', 0, 10);
      for (const u of log) {
        same(u.authorName, nul);
        expect(u.bytes).toEqual(bytes);
      }
      await store.appendEvent({ roomId: 'room0001', ts: 1, kind: 'join', role: 'candidate', name: nul, doc: 'board' });
      same((await store.listEvents('room0001'))[0]?.name, nul);
    });

    whenShared('opening the store again, or twice at once, migrates nothing new and keeps the data', async () => {
      const { store, reopen } = await setup();
      expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'server', authorName: '', bytes: new Uint8Array([1]) })).toBe(1);
      await store.close();
      const [a, b] = await Promise.all([reopen(), reopen()]);
      opened.push(a, b);
      const c = await reopen();
      opened.push(c);
      expect(await c.getRoom('room0001')).toEqual({ id: 'room0001', title: 'T', createdAt: 1, kind: 'interview' });
      expect((await a.listLinks('room0001')).map((l) => l.id)).toEqual(['link01', 'link02']);
      expect(await b.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 2, authorRole: 'server', authorName: '', bytes: new Uint8Array([2]) })).toBe(2);
      expect((await c.loadDoc('room0001', 'board')).tail.map((u) => [u.seq, ...u.bytes])).toEqual([
        [1, 1],
        [2, 2],
      ]);
    });

    if (adapter.exclusive) {
      it('a second store on the database is refused with one line, in this process and in another; once closed it opens and keeps the data', async () => {
        const { store, reopen, location } = await setup();
        expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'server', authorName: '', bytes: new Uint8Array([1]) })).toBe(1);
        await expect(reopen()).rejects.toThrow(/in use by another attn process.*ATTN_SQLITE_WRITER=thread/);
        const child = appendInChild(location, 'x', 1, 1);
        child.seqs.catch(() => undefined);
        await expect(child.ready).rejects.toThrow(/in use by another attn process/);
        await store.close();
        const again = await reopen();
        opened.push(again);
        expect(await again.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 2, authorRole: 'server', authorName: '', bytes: new Uint8Array([2]) })).toBe(2);
        expect((await again.loadDoc('room0001', 'board')).tail.map((u) => [u.seq, ...u.bytes])).toEqual([
          [1, 1],
          [2, 2],
        ]);
      });
    }
  });
}

describe.skipIf(!postgresReady)('postgres store', () => {
  const migrationsIn = async (url: string): Promise<number[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    } finally {
      await client.end();
    }
  };

  it('creates a missing schema; instances starting at once apply each migration exactly once', async () => {
    const { schema: name, url } = lazySchema();
    schemas.push(lazySchema(name));
    // The schema comes from the URL alone, as it does for an instance given ATTN_DATABASE_URL.
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.connect(url, { poolSize: 2 })));
    opened.push(...stores);
    expect(stores.map((s) => s.schema)).toEqual([name, name, name, name]);
    expect(await migrationsIn(url)).toEqual(MIGRATIONS.map((m) => m.version));
    await stores[0]!.createRoom({ id: 'room0001', title: 'T', createdAt: 1 }, []);
    expect(await stores[3]!.getRoom('room0001')).toEqual({ id: 'room0001', title: 'T', createdAt: 1, kind: 'interview' });
  });

  it('keeps schemas apart', async () => {
    const [one, two] = await Promise.all([freshSchema(), freshSchema()]);
    schemas.push(one!, two!);
    const a = await PostgresStore.connect(one!.url);
    const b = await PostgresStore.connect(two!.url);
    opened.push(a, b);
    await a.createRoom({ id: 'room0001', title: 'A', createdAt: 1 }, []);
    expect(await b.getRoom('room0001')).toBeNull();
    await b.createRoom({ id: 'room0001', title: 'B', createdAt: 1 }, []);
    expect((await a.getRoom('room0001'))?.title).toBe('A');
  });

  it('rolls back a room whose links fail to insert', async () => {
    const schema = await freshSchema();
    schemas.push(schema);
    const store = await PostgresStore.connect(schema.url);
    opened.push(store);
    const link = { id: 'link01', roomId: 'room0001', role: 'candidate' as const, tokenHash: 'same', createdAt: 1, revokedAt: null };
    await expect(store.createRoom({ id: 'room0001', title: 'T', createdAt: 1 }, [link, { ...link, id: 'link02' }])).rejects.toThrow();
    expect(await store.getRoom('room0001')).toBeNull();
  });

  it('rejects use after close', async () => {
    const schema = await freshSchema();
    schemas.push(schema);
    const store = await PostgresStore.connect(schema.url);
    await store.close();
    await store.close();
    await expect(store.appendUpdate({ roomId: 'r', doc: 'board', ts: 1, authorRole: 'server', authorName: '', bytes: new Uint8Array() })).rejects.toThrow(
      'store is closed',
    );
  });
});
