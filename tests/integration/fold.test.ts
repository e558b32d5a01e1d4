/**
 * What both stores' maintenance threads do with whole documents (server/store/fold.ts, run by
 * sqliteWriter.ts for SQLite and postgresMaintenance.ts for Postgres): build a snapshot as of a
 * seq from the store alone, and fold a long log tail into one stored snapshot at load. Real
 * SQLite and real Postgres (a schema of its own per test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FOLD_TAIL_ROWS } from '../../server/store/fold.js';
import type { Store } from '../../server/store/port.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { freshSchema, postgresUrl, requirePostgres, type TestSchema } from '../support/postgres.js';

const postgresReady = await requirePostgres();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ADAPTERS: Array<{ name: string; skip: boolean; open: () => Promise<Store> }> = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-fold-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const store = new SqliteStore(path.join(dir, 'attn.sqlite'));
      cleanups.push(() => store.close());
      return store;
    },
  },
  {
    name: 'postgres',
    skip: !postgresReady,
    async open() {
      const schema: TestSchema = await freshSchema();
      cleanups.push(() => schema.drop());
      const store = await PostgresStore.connect(postgresUrl(), { schema: schema.schema, poolSize: 4 });
      cleanups.push(() => store.close());
      return store;
    },
  },
];

/** The pad text of a doc given as one update. */
const asText = (bytes: Uint8Array) => {
  const d = new Y.Doc();
  Y.applyUpdate(d, bytes);
  return d.getText('code').toString();
};

/** Polls until `read` gives what `done` accepts (Postgres stores a load's fold after answering). */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await read();
    if (done(v) || i === 100) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const adapter of ADAPTERS) {
  describe.skipIf(adapter.skip)(`maintenance thread: ${adapter.name}`, () => {
    it('builds a snapshot as of a seq from the latest snapshot plus the log, and refuses past the log', async () => {
      const store = await adapter.open();
      await store.createRoom({ id: 'room0003', title: 'S', createdAt: 1 }, []);
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      const text = doc.getText('code');
      const append = (bytes: Uint8Array) => store.appendUpdate({ roomId: 'room0003', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes });
      for (const piece of ['one ', 'two ', 'three ']) text.insert(text.length, piece);
      for (const u of updates.splice(0)) await append(u);
      const built = async (seq: number) => {
        await store.snapshotFromLog!('room0003', 'board', seq, 2);
        return (await store.getSnapshot('room0003', 'board', seq))!.bytes;
      };
      expect(store.snapshotFromLog).toBeDefined();
      expect(asText(await built(2))).toBe('one two ');
      expect(asText(await built(3))).toBe('one two three ');
      // From the stored snapshot at 3 on: a deletion and an insert after it.
      text.delete(0, 4);
      text.insert(text.length, 'four');
      for (const u of updates.splice(0)) await append(u);
      const at5 = await built(5);
      expect(asText(at5)).toBe('two three four');
      expect(Buffer.from(at5).equals(Buffer.from(Y.encodeStateAsUpdate(doc)))).toBe(true);
      expect((await store.listSnapshots('room0003', 'board')).map((x) => x.seq)).toEqual([2, 3, 5]);
      await expect(store.snapshotFromLog!('room0003', 'board', 9, 3)).rejects.toThrow(/gap/);
      // A log whose structs stay pending (another client's edits without their first) is refused.
      const other = new Y.Doc();
      const otherUpdates: Uint8Array[] = [];
      other.on('update', (u: Uint8Array) => otherUpdates.push(u));
      for (let i = 0; i < 3; i++) other.getText('notes').insert(i, 'x');
      for (const u of otherUpdates.slice(1)) await append(u);
      await expect(store.snapshotFromLog!('room0003', 'board', 7, 4)).rejects.toThrow(/pending/);
      expect((await store.listSnapshots('room0003', 'board')).map((x) => x.seq)).toEqual([2, 3, 5]);
    });

    it('folds a long tail into one stored snapshot at load; a short tail, or one that leaves structs pending, comes back as rows', async () => {
      const store = await adapter.open();
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
      const snapshotSeqs = async () => (await store.listSnapshots('room0004', 'board')).map((x) => x.seq);

      // One short of the threshold: rows, as before, and nothing stored.
      typeChars(FOLD_TAIL_ROWS - 1);
      for (const [i, u] of updates.splice(0).entries()) await append(u, 100 + i);
      const short = await store.loadDoc('room0004', 'board');
      expect(short.snapshot).toBeNull();
      expect(short.tail).toHaveLength(FOLD_TAIL_ROWS - 1);
      expect(short.tail.map((u) => u.ts)).toEqual(Array.from({ length: FOLD_TAIL_ROWS - 1 }, (_, i) => 100 + i));
      expect(await snapshotSeqs()).toEqual([]);

      // Past it: one update at the last seq, equal to the doc, and stored as a snapshot there.
      typeChars(FOLD_TAIL_ROWS * 2);
      for (const [i, u] of updates.splice(0).entries()) await append(u, 1000 + i);
      const last = FOLD_TAIL_ROWS * 3 - 1;
      const long = await store.loadDoc('room0004', 'board');
      expect(long.tail).toEqual([]);
      expect(long.snapshot?.seq).toBe(last);
      expect(long.snapshot?.ts).toBe(1000 + FOLD_TAIL_ROWS * 2 - 1);
      expect(asText(long.snapshot!.bytes)).toBe(text.toString());
      expect(await eventually(snapshotSeqs, (s) => s.length > 0)).toEqual([last]);
      expect(asText((await store.getSnapshot('room0004', 'board', last))!.bytes)).toBe(text.toString());
      // The next load starts from that snapshot: a short tail after it comes back as rows.
      typeChars(3);
      for (const u of updates.splice(0)) await append(u);
      const next = await store.loadDoc('room0004', 'board');
      expect(next.snapshot?.seq).toBe(last);
      expect(asText(next.snapshot!.bytes)).toBe(asText(long.snapshot!.bytes));
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
      expect(await snapshotSeqs()).toEqual([last]);
    });
  });
}
