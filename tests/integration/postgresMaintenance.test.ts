/**
 * The Postgres store's maintenance thread (server/store/postgresMaintenance.ts) when it fails:
 * loads carry on, read on the main thread, and the next request starts a new thread. What it
 * builds and folds is in fold.test.ts, for both stores.
 */
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FOLD_TAIL_ROWS } from '../../server/store/fold.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { freshSchema, postgresUrl, requirePostgres, type TestSchema } from '../support/postgres.js';

const postgresReady = await requirePostgres();
const schemas: TestSchema[] = [];
afterEach(async () => {
  for (const s of schemas.splice(0)) await s.drop();
});

/** The store's current maintenance thread, if one runs (a private field: this test kills it). */
const thread = (store: PostgresStore): Worker | null => (store as unknown as { maintenance: { worker: Worker | null } }).maintenance.worker;

describe.skipIf(!postgresReady)('PostgresMaintenance', () => {
  it('a load whose thread dies mid-way is read on the main thread; the next request starts a new thread', async () => {
    const schema = await freshSchema();
    schemas.push(schema);
    const warnings: string[] = [];
    const store = await PostgresStore.connect(postgresUrl(), { schema: schema.schema, poolSize: 2, log: { warn: (msg) => warnings.push(msg) } });
    try {
      await store.createRoom({ id: 'room0001', title: 'M', createdAt: 1 }, []);
      const doc = new Y.Doc();
      const updates: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => updates.push(u));
      for (let i = 0; i < FOLD_TAIL_ROWS * 4; i++) doc.getText('code').insert(i, 'x');
      for (const u of updates) await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes: u });

      const load = store.loadDoc('room0001', 'board');
      const first = thread(store)!;
      await first.terminate();
      const loaded = await load;
      expect(warnings).toEqual(['postgres: load on the maintenance thread failed; loading here']);
      // Read here: the rows, nothing folded or stored.
      expect(loaded.snapshot).toBeNull();
      expect(loaded.tail).toHaveLength(FOLD_TAIL_ROWS * 4);
      const d = new Y.Doc();
      for (const u of loaded.tail) Y.applyUpdate(d, u.bytes);
      expect(d.getText('code').toString()).toBe(doc.getText('code').toString());

      // A new thread: the build runs there, and the next load folds.
      await store.snapshotFromLog('room0001', 'board', 10, 5);
      expect(thread(store)).not.toBeNull();
      expect(thread(store)).not.toBe(first);
      const again = await store.loadDoc('room0001', 'board');
      expect(again.snapshot?.seq).toBe(FOLD_TAIL_ROWS * 4);
      expect(again.tail).toEqual([]);
      expect(warnings).toHaveLength(1);
    } finally {
      await store.close();
    }
    // close() ends the thread with the store, and refuses what comes after.
    expect(thread(store)).toBeNull();
    await expect(store.loadDoc('room0001', 'board')).rejects.toThrow(/closed/);
  });
});
