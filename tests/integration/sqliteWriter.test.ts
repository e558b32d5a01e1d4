/**
 * The SQLite writer's threads (server/store/sqliteWriter.ts): appends commit on the writer thread,
 * the maintenance thread keeps the WAL from growing without bound, with no checkpoint on the
 * writer's path, and big byte arrays move to the writer without detaching the caller's. Snapshot builds and
 * folds at load, which both stores' maintenance threads do, are in fold.test.ts.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite.js';

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
    // 12 rounds of 8 × 256 kB, each committed as one 2 MB transaction, with pauses longer than
    // the checkpointer's period between them: the writer never checkpoints (wal_autocheckpoint =
    // 0), so without the third thread the WAL would hold all 24 MB.
    const seqs: number[] = [];
    for (let round = 0; round < 12; round++) {
      const burst = Array.from({ length: 8 }, () => store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: round, authorRole: 'candidate', authorName: 'C', bytes }));
      seqs.push(...(await Promise.all(burst)));
      // A read of the log commits the journal's batch now. Left to the journal's 1 s batches,
      // two or three bursts shared a commit, and on a loaded CI machine the WAL reached 9.1 MB.
      await store.updateLogStats('room0001', 'board');
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
});
