/**
 * LiveDoc on its own, over a real (in-memory SQLite) store and the in-process bus: what one
 * loaded room document holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalBus } from '../../server/bus/local.js';
import { createLogger } from '../../server/log.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { AckSweep } from '../../server/sync/ackSweep.js';
import { LiveDoc, type LiveDocOptions } from '../../server/sync/liveDoc.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function options(): Promise<LiveDocOptions> {
  const store = new SqliteStore(':memory:');
  stores.push(store);
  await store.createRoom({ id: 'room0001', title: 'L', createdAt: 1 }, []);
  const source = new Y.Doc();
  source.getText('code').insert(0, 'stored');
  await store.appendUpdate({ roomId: 'room0001', doc: 'board', ts: 1, authorRole: 'candidate', authorName: 'C', bytes: Y.encodeStateAsUpdate(source) });
  return {
    store,
    log: createLogger('error', () => undefined),
    bus: new LocalBus(),
    instanceId: 'test',
    snapshotEveryUpdates: 500,
    closeConn: () => undefined,
    maxDocBytes: 1024 * 1024,
    maxAwarenessPerConn: 8,
    acks: new AckSweep({ idleMs: 1000, maxWaitMs: 2000, tickMs: 100, maxBackoff: 4 }),
  };
}

describe('LiveDoc', () => {
  it('loads the stored log into the doc its awareness was made with: one Y.Doc per room, not two', async () => {
    const live = await LiveDoc.load('room0001', 'board', await options());
    expect(live.doc.getText('code').toString()).toBe('stored');
    expect(live.awareness.doc).toBe(live.doc);
    live.destroy();
  });

  it('runs queued tasks one at a time in order, synchronous and waiting ones alike, and again after a queue that never waited', async () => {
    const live = await LiveDoc.load('room0001', 'board', await options());
    const ran: string[] = [];
    // a queue of synchronous tasks only: it is empty again before enqueue returns
    void live.enqueue(() => void ran.push('a'));
    expect(ran).toEqual(['a']);
    await live.idle();
    void live.enqueue(() => void ran.push('b'));
    expect(ran).toEqual(['a', 'b']);
    // a waiting task holds the ones behind it; a task that throws does not stop the queue
    void live.enqueue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      ran.push('c');
    });
    void live.enqueue(() => {
      throw new Error('a failing task');
    });
    const last = live.enqueue(() => void ran.push('d'));
    expect(ran).toEqual(['a', 'b']);
    await last;
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
    void live.enqueue(() => void ran.push('e'));
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    await live.idle();
    live.destroy();
  });
});
