/**
 * The SQLite writer's threads (server/store/sqliteWriter.ts): appends commit on the writer thread,
 * the maintenance thread keeps the WAL from growing without bound, with no checkpoint on the
 * writer's path, builds snapshots from the store, and folds a long log tail into one snapshot
 * on load.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite.js';
import { FOLD_TAIL_ROWS } from '../../server/store/sqliteWriter.js';
import * as Y from 'yjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SqliteWriter', () => {
  it('checkpoints off the writer: 24 MB of appends leave a WAL a fraction of that, and every row reads back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-writer-'));
    dirs.push(dir);
    const file = path.join(dir, 'attn.sqlite');
    const store = new SqliteStore(file);
    await store.createRoom({ id: 'room0001', title: 'W', createdAt: 1 }, []);
    const bytes = new Uint8Array(256 * 1024).fill(7);
    // 12 rounds of 8 × 256 kB, with pauses longer than the checkpointer's period between them: the
    // writer never checkpoints (wal_autocheckpoint = 0), so without the third thread the WAL
    // would hold all 24 MB.
    const seqs: number[] = [];
    for (let round = 0; round < 12; round++) {
      const burst = Array.from({ length: 8 }, () => store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: round, authorRole: 'candidate', authorName: 'C', bytes }));
      seqs.push(...(await Promise.all(burst)));
      await sleep(350);
    }
    expect(seqs).toEqual(Array.from({ length: 96 }, (_, i) => i + 1));
    const walBytes = statSync(`${file}-wal`).size;
    expect(walBytes).toBeLessThan(8 * 1024 * 1024);
    const { tail } = await store.loadDoc('room0001', 'board');
    expect(tail.map((u) => u.seq)).toEqual(seqs);
    await store.close();
  });

  it('moves big byte arrays to the thread as copies: the caller keeps its own, and what is stored is whole', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-writer-'));
    dirs.push(dir);
    const store = new SqliteStore(path.join(dir, 'attn.sqlite'));
    await store.createRoom({ id: 'room0002', title: 'T', createdAt: 1 }, []);
    const big = new Uint8Array(300 * 1024).map((_, i) => i % 251);
    const small = new Uint8Array([1, 2, 3]);
    const seq = await store.appendUpdate({ roomId: 'room0002', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes: big });
    await store.appendUpdate({ roomId: 'room0002', doc: 'board', ts: 2, authorRole: 'candidate', authorName: 'C', bytes: small });
    const snapshot = new Uint8Array(200 * 1024).fill(9);
    await store.putSnapshot({ roomId: 'room0002', doc: 'board', seq, ts: 3, bytes: snapshot });
    // not detached: the relay and the joiners' cache still read these after the write
    expect(big.byteLength).toBe(300 * 1024);
    expect(big[1000]).toBe(1000 % 251);
    expect(snapshot.byteLength).toBe(200 * 1024);
    const rows = await store.listUpdates('room0002', 'board', 0, 10);
    expect(rows.map((r) => r.bytes.byteLength)).toEqual([300 * 1024, 3]);
    expect(Buffer.from(rows[0]!.bytes).equals(Buffer.from(big))).toBe(true);
    const { snapshot: stored } = await store.loadDoc('room0002', 'board');
    expect(stored?.bytes.byteLength).toBe(200 * 1024);

    // A Buffer that views part of a larger buffer (as a socket frame does): its `slice()` is
    // another view, so moving that would detach the whole buffer under its neighbours.
    const frame = Buffer.alloc(400 * 1024, 5);
    const update = frame.subarray(100 * 1024, 200 * 1024);
    const neighbour = frame.subarray(300 * 1024);
    const seq2 = await store.appendUpdate({ roomId: 'room0002', doc: 'board', ts: 4, authorRole: 'candidate', authorName: 'C', bytes: update });
    expect(frame.byteLength).toBe(400 * 1024);
    expect(neighbour[0]).toBe(5);
    const [row] = await store.listUpdates('room0002', 'board', seq2 - 1, 1);
    expect(row!.bytes.byteLength).toBe(100 * 1024);
    await store.close();
  });

  it('builds a snapshot as of a seq on its maintenance thread, from the latest snapshot plus the log, and refuses past the log', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-writer-'));
    dirs.push(dir);
    const store = new SqliteStore(path.join(dir, 'attn.sqlite'));
    await store.createRoom({ id: 'room0003', title: 'S', createdAt: 1 }, []);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('code');
    const append = (bytes: Uint8Array) => store.appendUpdate({ roomId: 'room0003', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes });
    for (const piece of ['one ', 'two ', 'three ']) text.insert(text.length, piece);
    for (const u of updates.splice(0)) await append(u);
    const asOf = (bytes: Uint8Array) => {
      const d = new Y.Doc();
      Y.applyUpdate(d, bytes);
      return d.getText('code').toString();
    };
    const built = async (seq: number) => {
      await store.snapshotFromLog!('room0003', 'board', seq, 2);
      return (await store.getSnapshot('room0003', 'board', seq))!.bytes;
    };
    expect(store.snapshotFromLog).toBeDefined();
    expect(asOf(await built(2))).toBe('one two ');
    expect(asOf(await built(3))).toBe('one two three ');
    // From the stored snapshot at 3 on: a deletion and an insert after it.
    text.delete(0, 4);
    text.insert(text.length, 'four');
    for (const u of updates.splice(0)) await append(u);
    const at5 = await built(5);
    expect(asOf(at5)).toBe('two three four');
    expect(Buffer.from(at5).equals(Buffer.from(Y.encodeStateAsUpdate(doc)))).toBe(true);
    expect((await store.listSnapshots('room0003', 'board')).map((x) => x.seq)).toEqual([2, 3, 5]);
    await expect(store.snapshotFromLog!('room0003', 'board', 9, 3)).rejects.toThrow(/gap/);
    await store.close();
  });

  it('folds a long tail into one stored snapshot at load; a short tail, or one that leaves structs pending, comes back as rows', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-writer-'));
    dirs.push(dir);
    const store = new SqliteStore(path.join(dir, 'attn.sqlite'));
    await store.createRoom({ id: 'room0004', title: 'F', createdAt: 1 }, []);
    const append = (bytes: Uint8Array, ts = 1) => store.appendUpdate({ roomId: 'room0004', doc: 'board', ts, authorRole: 'candidate', authorName: 'C', bytes });
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    const text = doc.getText('code');
    const typeChars = (n: number) => {
      for (let i = 0; i < n; i++) {
        if (i % 10 === 9) text.delete(text.length - 1, 1);
        else text.insert(text.length, String.fromCharCode(97 + (i % 26)));
      }
    };
    const asText = (bytes: Uint8Array) => {
      const d = new Y.Doc();
      Y.applyUpdate(d, bytes);
      return d.getText('code').toString();
    };

    // One short of the threshold: rows, as before, and nothing stored.
    typeChars(FOLD_TAIL_ROWS - 1);
    for (const [i, u] of updates.splice(0).entries()) await append(u, 100 + i);
    const short = await store.loadDoc('room0004', 'board');
    expect(short.snapshot).toBeNull();
    expect(short.tail).toHaveLength(FOLD_TAIL_ROWS - 1);
    expect(await store.listSnapshots('room0004', 'board')).toEqual([]);

    // Past it: one update at the last seq, equal to the doc, and stored as a snapshot there.
    typeChars(FOLD_TAIL_ROWS * 2);
    for (const [i, u] of updates.splice(0).entries()) await append(u, 1000 + i);
    const last = FOLD_TAIL_ROWS * 3 - 1;
    const long = await store.loadDoc('room0004', 'board');
    expect(long.tail).toEqual([]);
    expect(long.snapshot?.seq).toBe(last);
    expect(long.snapshot?.ts).toBe(1000 + FOLD_TAIL_ROWS * 2 - 1);
    expect(asText(long.snapshot!.bytes)).toBe(text.toString());
    expect((await store.listSnapshots('room0004', 'board')).map((x) => x.seq)).toEqual([last]);
    expect(asText((await store.getSnapshot('room0004', 'board', last))!.bytes)).toBe(text.toString());
    // The next load starts from that snapshot: a short tail after it comes back as rows.
    typeChars(3);
    for (const u of updates.splice(0)) await append(u);
    const next = await store.loadDoc('room0004', 'board');
    expect(next.snapshot?.seq).toBe(last);
    expect(next.tail.map((u) => u.seq)).toEqual([last + 1, last + 2, last + 3]);

    // A long tail that leaves structs pending (another client's edits without their first one)
    // is not folded: a snapshot must never hold pending structs, and the rows let the server
    // drop them as it loads (liveDoc's readFromStore).
    const other = new Y.Doc();
    const otherUpdates: Uint8Array[] = [];
    other.on('update', (u: Uint8Array) => otherUpdates.push(u));
    for (let i = 0; i < FOLD_TAIL_ROWS + 1; i++) other.getText('notes').insert(i, 'x');
    for (const u of otherUpdates.slice(1)) await append(u);
    const pending = await store.loadDoc('room0004', 'board');
    expect(pending.snapshot?.seq).toBe(last);
    expect(pending.tail).toHaveLength(3 + FOLD_TAIL_ROWS);
    expect((await store.listSnapshots('room0004', 'board')).map((x) => x.seq)).toEqual([last]);
    await store.close();
  });
});
