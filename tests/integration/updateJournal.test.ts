/**
 * The update journal (server/store/updateJournal.ts) behind SqliteStore's default writer mode: an
 * update is durable once it is in the journal file, reaches SQLite in a batch, and what a killed
 * process left in the journal is in the store after the next start.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from '../../server/store/sqlite.js';
import { decodeSegment, encodeRecord, segmentsOf, type JournaledUpdate } from '../../server/store/updateJournal.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-journal-'));
  dirs.push(dir);
  return path.join(dir, 'attn.sqlite');
}

const row = (seq: number, bytes: Uint8Array, name = 'Ada'): JournaledUpdate => ({
  roomId: 'room0001',
  doc: 'board',
  seq,
  ts: 1_700_000_000_000 + seq,
  authorRole: 'candidate',
  authorName: name,
  bytes,
});

const record = (r: JournaledUpdate): Buffer => encodeRecord(r);

/** rows committed to SQLite, read on a connection of our own (the store's batches are invisible until committed) */
function committedSeqs(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { seq: number }>("SELECT seq FROM updates WHERE room_id = 'room0001' AND doc = 'board' ORDER BY seq").all().map((r) => r.seq);
  } finally {
    db.close();
  }
}

describe('update journal records', () => {
  it('round-trip every field, and reading stops at a torn or corrupted record without losing the ones before it', () => {
    const rows = [row(1, new Uint8Array([1, 2, 3])), row(2, new Uint8Array(0), 'Zoë 🧪'), row(300, new Uint8Array(70_000).fill(9), 'ñ'.repeat(200))];
    const whole = Buffer.concat(rows.map(record));
    expect(decodeSegment(whole)).toEqual({ rows, torn: false });

    // cut anywhere inside the last record: the first two survive
    for (const cut of [1, 7, 8, 100, 69_999]) {
      expect(decodeSegment(whole.subarray(0, whole.byteLength - cut))).toEqual({ rows: rows.slice(0, 2), torn: true });
    }
    // a flipped byte in the second record's body fails its checksum: only the first is read
    const flipped = Buffer.from(whole);
    const second = record(rows[0]!).byteLength + 10;
    flipped[second] = flipped[second]! ^ 0xff;
    expect(decodeSegment(flipped)).toEqual({ rows: rows.slice(0, 1), torn: true });
    expect(decodeSegment(new Uint8Array(0))).toEqual({ rows: [], torn: false });
  });
});

describe('SqliteStore in journal mode', () => {
  it('hands out seqs at once, commits them in batches, a read waits for the batch, and an idle segment is deleted', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'J', createdAt: 1 }, []);
    const seqs = await Promise.all(
      Array.from({ length: 25 }, (_, i) => store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: i, authorRole: 'candidate', authorName: 'C', bytes: new Uint8Array([i]) })),
    );
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // durable in the journal, not yet in SQLite
    const [segment] = segmentsOf(file);
    expect(segment).toBeDefined();
    expect(decodeSegment(readFileSync(segment!)).rows.map((r) => r.seq)).toEqual(seqs);
    expect(committedSeqs(file)).toEqual([]);
    // a read sees every appended update: it waits for the batch to commit
    expect((await store.listUpdates('room0001', 'board', 0, 100)).map((u) => [u.seq, ...u.bytes])).toEqual(seqs.map((s) => [s, s - 1]));
    expect(committedSeqs(file)).toEqual(seqs);
    // without a read, the next batch commits by itself within a few BATCH_MS
    expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 2, authorRole: 'server', authorName: '', bytes: new Uint8Array([99]) })).toBe(26);
    await expect.poll(() => committedSeqs(file).length, { timeout: 5000 }).toBe(26);
    // a segment nothing is appended to any more is deleted once its rows are committed
    await expect.poll(() => existsSync(segment!), { timeout: 5000 }).toBe(false);
    expect(segmentsOf(file)).toEqual([]);
    // the next append starts a new one, and close leaves none behind
    expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 3, authorRole: 'server', authorName: '', bytes: new Uint8Array([100]) })).toBe(27);
    expect(segmentsOf(file)).toHaveLength(1);
    await store.close();
    expect(segmentsOf(file)).toEqual([]);
    expect(committedSeqs(file)).toHaveLength(27);
  });

  it('an update appended but not yet written when a batch is handed over is written and committed with it', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'J', createdAt: 1 }, []);
    await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes: new Uint8Array([1]) });
    // Not awaited: its turn's write has not happened when the read hands the batch over.
    const second = store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 2, authorRole: 'candidate', authorName: 'Ünïcode ✓', bytes: new Uint8Array(70_000).fill(7) });
    const read = store.listUpdates('room0001', 'board', 0, 100);
    expect(await second).toBe(2);
    // durable before it was acknowledged: in the journal, not only in the batch
    expect(segmentsOf(file).flatMap((f) => decodeSegment(readFileSync(f)).rows.map((r) => r.seq))).toEqual([1, 2]);
    const rows = await read;
    expect(rows.map((u) => [u.seq, u.authorName, u.bytes.byteLength])).toEqual([
      [1, 'C', 1],
      [2, 'Ünïcode ✓', 70_000],
    ]);
    expect(committedSeqs(file)).toEqual([1, 2]);
    await store.close();
  });

  it('the writer reads each batch back from its segment: later batches of one segment commit whole, and a record changed underneath fails the commit', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'J', createdAt: 1 }, []);
    const append = (i: number, name: string, size: number) =>
      store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 100 + i, authorRole: 'candidate', authorName: name, bytes: new Uint8Array(size).fill(i) });
    await Promise.all([append(1, 'a', 1), append(2, 'Zoë 🧪', 3), append(3, 'c', 70_000)]);
    await store.listUpdates('room0001', 'board', 0, 100);
    // the second batch starts in the middle of the same segment
    await Promise.all([append(4, 'd', 2), append(5, 'ñ'.repeat(300), 5)]);
    expect(segmentsOf(file)).toHaveLength(1);
    const rows = await store.listUpdates('room0001', 'board', 0, 100);
    expect(rows.map((u) => [u.seq, u.ts, u.authorName, u.bytes.byteLength, u.bytes[0]])).toEqual([
      [1, 101, 'a', 1, 1],
      [2, 102, 'Zoë 🧪', 3, 2],
      [3, 103, 'c', 70_000, 3],
      [4, 104, 'd', 2, 4],
      [5, 105, 'ñ'.repeat(300), 5, 5],
    ]);
    // seq 6 is written (acknowledged); then its last byte changes on disk before its batch commits
    expect(await append(6, 'e', 4)).toBe(6);
    const [segment] = segmentsOf(file);
    const fd = openSync(segment!, 'r+');
    writeSync(fd, Buffer.from([0xee]), 0, 1, statSync(segment!).size - 1);
    closeSync(fd);
    await expect(store.listUpdates('room0001', 'board', 0, 100)).rejects.toThrow(/update journal stopped: journal segment .*log-1 holds 0 of the 1 records/);
    expect(committedSeqs(file)).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });

  it("writes (and answers) a task's appends right after it, and in a busy turn every 256 without waiting for its end", async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'J', createdAt: 1 }, []);
    const answered: number[] = [];
    const append = (i: number) =>
      void store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: i, authorRole: 'candidate', authorName: 'C', bytes: new Uint8Array([i & 255]) }).then((seq) => answered.push(seq));
    const microtasks = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    const written = () => segmentsOf(file).flatMap((f) => decodeSegment(readFileSync(f)).rows).length;
    // One task (a socket read) appends 3: all written and answered once it ends, long before the turn does.
    for (let i = 0; i < 3; i++) append(i);
    expect(answered).toEqual([]);
    await microtasks();
    expect(answered).toEqual([1, 2, 3]);
    expect(written()).toBe(3);
    // Seven more tasks in the same turn use up its early writes (8); a ninth's 300 appends then
    // wait for the turn, except that a batch goes at 256, or sooner once its first waited 2 ms (on
    // a loaded CI machine the loop can pass 2 ms at, say, the 220th append, and then the remaining
    // 80 wait for the turn's end). Never 256 left waiting.
    for (let t = 0; t < 7; t++) {
      append(100 + t);
      await microtasks();
    }
    expect(answered).toHaveLength(10);
    for (let i = 0; i < 300; i++) append(1000 + i);
    await microtasks();
    expect(answered.length - 10).toBeGreaterThanOrEqual(300 - 255);
    expect(answered.length).toBeLessThan(310);
    expect(answered).toEqual(Array.from({ length: answered.length }, (_, i) => i + 1));
    expect(written()).toBe(answered.length);
    // the rest at the turn's end
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toHaveLength(310);
    await store.close();
  });

  it('a snapshot built from the log waits for the batch to commit in its own time, not cutting it short, and keeps the process alive meanwhile', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'S', createdAt: 1 }, []);
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    const typed = (text: string) => {
      source.getText('code').insert(source.getText('code').length, text);
      return store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: updates.length, authorRole: 'candidate', authorName: 'C', bytes: updates.at(-1)! });
    };
    await typed('a');
    await typed('b');
    const snapshot = store.snapshotFromLog!('room0001', 'board', 2, 10);
    // Appended after the snapshot asked, well within the batch's BATCH_MS: the same batch.
    await new Promise((resolve) => setTimeout(resolve, 30));
    await typed('c');
    await typed('d');
    expect(committedSeqs(file)).toEqual([]);
    await snapshot;
    // flushed() would have committed [1, 2] alone and left 3 and 4 for the next batch
    expect(committedSeqs(file)).toEqual([1, 2, 3, 4]);
    const stored = (await store.getSnapshot('room0001', 'board', 2))!;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.bytes);
    expect(doc.getText('code').toString()).toBe('ab');
    await store.close();

    // In a process where nothing else is alive: the batch's timer does not keep a process alive on
    // its own, so a snapshot waiting on it would end the process unfinished (exit code 13).
    const script = `
      const Y = await import('yjs');
      const { SqliteStore } = await import('./server/store/sqlite.ts');
      const store = new SqliteStore(process.env.STORE_AT);
      // Once the store's threads have started (a starting worker keeps the process alive on its own).
      await store.loadDoc('room0001', 'board');
      await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 19, authorRole: 'server', authorName: '', bytes: new Uint8Array([0, 0]) });
      await store.listUpdates('room0001', 'board', 0, 1);
      const doc = new Y.Doc();
      doc.getText('code').insert(0, 'later');
      const seq = await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 20, authorRole: 'candidate', authorName: 'C', bytes: Y.encodeStateAsUpdate(doc) });
      await store.snapshotFromLog('room0001', 'board', seq, 21);
      process.stdout.write(JSON.stringify((await store.listSnapshots('room0001', 'board')).map((x) => x.seq)) + '\\n');
      await store.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, STORE_AT: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual([2, 6]);
  }, 30_000);

  it('after kill -9, everything appended is in the store, a torn tail is dropped, and seqs carry on', async () => {
    const file = dbFile();
    const setup = new SqliteStore(file);
    await setup.createRoom({ id: 'room0001', title: 'K', createdAt: 1 }, []);
    await setup.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'server', authorName: '', bytes: new Uint8Array([0]) });
    await setup.close();

    // The child appends 40 updates (every 8th one 100 kB), says so, then blocks its event loop so
    // no batch can be handed over: whatever survives the kill is in the journal alone.
    const script = `
      const { SqliteStore } = await import('./server/store/sqlite.ts');
      const store = new SqliteStore(process.env.STORE_AT);
      const seqs = [];
      for (let i = 1; i <= 40; i++) {
        const bytes = i % 8 === 0 ? new Uint8Array(100_000).fill(i) : new Uint8Array([i, i]);
        seqs.push(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: i, authorRole: 'candidate', authorName: 'c' + i, bytes }));
      }
      process.stdout.write(JSON.stringify(seqs) + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, STORE_AT: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const said = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.endsWith('\n')) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${err}`)));
    });
    expect(JSON.parse(said)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect(committedSeqs(file)).toEqual([1]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // A half-written record after the last one, as a power cut could leave.
    const segments = segmentsOf(file);
    expect(segments.length).toBeGreaterThan(0);
    appendFileSync(segments.at(-1)!, record(row(42, new Uint8Array(500).fill(1))).subarray(0, 300));
    // and a stray file that only looks like a segment is left alone
    writeFileSync(`${file}.log-notanumber`, 'x');

    const store = new SqliteStore(file);
    const { tail } = await store.loadDoc('room0001', 'board');
    expect(tail.map((u) => u.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    for (const u of tail.slice(1)) {
      const i = u.seq - 1;
      expect(u.authorName).toBe(`c${i}`);
      expect(u.bytes.byteLength).toBe(i % 8 === 0 ? 100_000 : 2);
      expect(u.bytes.every((b) => b === i)).toBe(true);
    }
    expect(segmentsOf(file)).toEqual([]);
    expect(existsSync(`${file}.log-notanumber`)).toBe(true);
    expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 50, authorRole: 'server', authorName: '', bytes: new Uint8Array([7]) })).toBe(42);
    await store.close();
  }, 60_000);

  it('a journal left behind is replayed by whichever writer mode opens the database next', async () => {
    for (const writer of ['thread', 'inline'] as const) {
      const file = dbFile();
      const setup = new SqliteStore(file);
      await setup.createRoom({ id: 'room0001', title: 'M', createdAt: 1 }, []);
      await setup.close();
      // what a killed journal-mode process leaves: two segments, nothing committed
      writeFileSync(`${file}.log-1`, Buffer.concat([record(row(1, new Uint8Array([1]))), record(row(2, new Uint8Array([2])))]));
      writeFileSync(`${file}.log-2`, record(row(3, new Uint8Array([3]))));
      const store = new SqliteStore(file, undefined, { writer });
      expect((await store.listUpdates('room0001', 'board', 0, 10)).map((u) => [u.seq, ...u.bytes])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(segmentsOf(file)).toEqual([]);
      // and its own appends carry on after them
      expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 4, authorRole: 'server', authorName: '', bytes: new Uint8Array([4]) })).toBe(4);
      await store.close();
    }
  });

  it('a batch that cannot commit stops further appends with a clear error and keeps its rows in the journal', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'F', createdAt: 1 }, []);
    expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'server', authorName: '', bytes: new Uint8Array([1]) })).toBe(1);
    await store.listUpdates('room0001', 'board', 0, 10);
    // Something that ignored the lock wrote seq 2 behind the store's back: the journal's seq 2 cannot commit.
    const intruder = new Database(file);
    intruder.prepare("INSERT INTO updates (room_id, doc, seq, ts, author_role, author_name, bytes) VALUES ('room0001', 'board', 2, 0, 'server', '', x'00')").run();
    intruder.close();
    expect(await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 2, authorRole: 'server', authorName: 'mine', bytes: new Uint8Array([2]) })).toBe(2);
    await expect(store.listUpdates('room0001', 'board', 0, 10)).rejects.toThrow(/update journal stopped: .*UNIQUE/);
    await expect(store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 3, authorRole: 'server', authorName: '', bytes: new Uint8Array([3]) })).rejects.toThrow(
      /update journal stopped/,
    );
    const kept = segmentsOf(file).flatMap((s) => decodeSegment(readFileSync(s)).rows);
    // (the segment also still holds seq 1, committed already: a replay skips what is stored)
    expect(kept.map((r) => [r.seq, r.authorName])).toContainEqual([2, 'mine']);
    await store.close();
  });
});
