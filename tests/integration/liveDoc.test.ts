/**
 * LiveDoc on its own, over a real (in-memory SQLite) store and the in-process bus: what one
 * loaded room document holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { AuthMessage, MessageType } from '../../shared/protocol.js';
import type { NewUpdate } from '../../server/store/port.js';
import type { Conn } from '../../server/sync/connection.js';
import { LocalBus } from '../../server/bus/local.js';
import { createLogger } from '../../server/log.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { AckSweep } from '../../server/sync/ackSweep.js';
import { syncFrame } from '../../server/sync/frames.js';
import { LiveDoc, type LiveDocOptions } from '../../server/sync/liveDoc.js';

/** The payload of a server-to-client WebSocket frame (wireFrame): past its 2-, 4- or 10-byte header. */
const unwire = (w: Buffer): Buffer => w.subarray(w[1]! < 126 ? 2 : w[1] === 126 ? 4 : 10);

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
    acks: new AckSweep({ idleMs: 1000, maxWaitMs: 2000, tickMs: 100 }),
  };
}

describe('LiveDoc', () => {
  it('loads the stored log into the doc its awareness was made with: one Y.Doc per room, not two', async () => {
    const live = await LiveDoc.load('room0001', 'board', await options());
    expect(live.doc.getText('code').toString()).toBe('stored');
    expect(live.awareness.doc).toBe(live.doc);
    // named by room and doc (serverDoc), so Yjs drew no random UUID for it: ~0.17 ms a doc on the main thread
    expect(live.doc.guid).toBe('room0001/board');
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

  it('handles the next update while earlier ones are being stored, relays them in order once stored, and shows nobody the doc before that', async () => {
    const opts = await options();
    // appends wait here until the test lets them through (in order)
    const held: Array<{ u: NewUpdate; go: () => void }> = [];
    const real = opts.store;
    opts.store = Object.assign(Object.create(real) as typeof real, {
      appendUpdate: (u: NewUpdate) => new Promise<number>((resolve, reject) => held.push({ u, go: () => real.appendUpdate(u).then(resolve, reject) })),
    });
    const live = await LiveDoc.load('room0001', 'board', opts);
    const conn = (name: string) => {
      const sent: number[][] = [];
      const send = (f: Uint8Array) => sent.push([f[0]!, f[1]!, ...(f[0] !== MessageType.Sync || f[1] === 0 ? [] : Y.decodeUpdate(f.subarray(3)).structs.map((s) => s.id.clock))]) > 0;
      const c = {
        // Relays come framed for the wire (sendWire): what is recorded is the frame's payload.
        socket: { closed: false, send, sendWire: (w: Buffer) => send(unwire(w)) },
        roomId: 'room0001', doc: 'board', role: 'candidate', linkId: name, access: 'write', name, owned: new Set<number>(),
        acknowledged: true, ackPendingSince: null, joinedAt: 1, joinRecorded: true, leaveRecorded: false, synced: true,
      } as unknown as Conn;
      return { c, sent };
    };
    const writer = conn('w');
    const peer = conn('p');
    live.add(writer.c);
    live.add(peer.c);
    const client = new Y.Doc();
    const edit = (text: string) => {
      const before = Y.encodeStateVector(client);
      client.getText('code').insert(0, text);
      return syncFrame(2, Y.encodeStateAsUpdate(client, before));
    };
    void live.enqueue(() => live.handleFrame(writer.c, edit('a')), true);
    void live.enqueue(() => live.handleFrame(writer.c, edit('b')), true);
    // both applied and handed to the store, neither stored yet: nothing relayed
    expect(held.map((h) => h.u.bytes.byteLength > 0)).toEqual([true, true]);
    // (where 'ba' lands against the stored text depends on the two clients' random ids)
    expect(['bastored', 'storedba']).toContain(live.doc.getText('code').toString());
    // a newcomer is greeted and the peer asks for what it lacks: both wait for the store
    const newcomer = conn('n');
    live.add(newcomer.c);
    void live.enqueue(() => live.greet(newcomer.c));
    const answered = live.enqueue(() => live.handleFrame(peer.c, syncFrame(0, Y.encodeStateVector(new Y.Doc()))), true);
    // a frame behind the greeting waits behind it, even an update
    void live.enqueue(() => live.handleFrame(writer.c, edit('c')), true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(peer.sent).toEqual([]);
    expect(newcomer.sent).toEqual([]);
    expect(held).toHaveLength(2);
    held[0]!.go();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // the first is stored and relayed (to everyone in the room but its writer); the answer and the
    // greeting still wait for the second
    expect(peer.sent).toEqual([[0, 2, 0]]);
    expect(newcomer.sent).toEqual([[0, 2, 0]]);
    expect(writer.sent).toEqual([]);
    held[1]!.go();
    await answered;
    // in order: the two updates, then the greeting or the answer (the whole doc)
    expect(peer.sent.map((f) => f.slice(0, 2))).toEqual([[0, 2], [0, 2], [0, 1]]);
    expect(newcomer.sent.map((f) => f.slice(0, 2))).toEqual([[0, 2], [0, 2], [0, 0]]);
    expect(held).toHaveLength(3);
    held[2]!.go();
    await live.idle();
    expect(peer.sent).toHaveLength(4);
    expect(newcomer.sent).toHaveLength(4);
    // an answer right behind an update (no other task between them) waits for it too
    void live.enqueue(() => live.handleFrame(writer.c, edit('d')), true);
    const answeredAgain = live.enqueue(() => live.handleFrame(peer.c, syncFrame(0, Y.encodeStateVector(new Y.Doc()))), true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(peer.sent).toHaveLength(4);
    // and an acknowledgement (it claims everything in the doc is stored) waits until it is
    live.ack(writer.c);
    expect(writer.sent).toEqual([]);
    held[3]!.go();
    await answeredAgain;
    expect(peer.sent.slice(4).map((f) => f.slice(0, 2))).toEqual([[0, 2], [0, 1]]);
    // the acknowledgement frame (AuthMessage.Stored), which nobody answers
    expect(writer.sent).toEqual([[MessageType.Auth, AuthMessage.Stored]]);
    expect((await real.listUpdates('room0001', 'board', 0, 10)).map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
    live.destroy();
  });

  it("answers the first joiner with a tail-less snapshot's own bytes, not an encode; a snapshot that held pending structs is encoded once they are dropped", async () => {
    const opts = await options();
    const store = opts.store as SqliteStore;
    // A snapshot's bytes as a doc that keeps deleted content wrote them: valid, and not what the
    // server's doc (which collects deleted content) would encode, so the two can be told apart.
    const keeper = new Y.Doc({ gc: false });
    keeper.getText('code').insert(0, 'stored');
    keeper.getText('notes').insert(0, 'scratch');
    keeper.getText('notes').delete(0, 7);
    const stored = Y.encodeStateAsUpdate(keeper);
    await store.putSnapshot({ roomId: 'room0001', doc: 'board', seq: 1, ts: 2, bytes: stored });
    const joinerGets = async (live: LiveDoc): Promise<Uint8Array> => {
      const sent: Uint8Array[] = [];
      const c = {
        socket: { closed: false, send: (f: Uint8Array) => sent.push(f) > 0, sendWire: (w: Buffer) => sent.push(unwire(w)) > 0 },
        roomId: 'room0001', doc: 'board', role: 'candidate', linkId: 'j', access: 'write', name: 'j', owned: new Set<number>(),
        ackPendingSince: null, joinedAt: 1, joinRecorded: true, leaveRecorded: false, synced: false,
      } as unknown as Conn;
      live.add(c);
      await live.enqueue(() => live.handleFrame(c, syncFrame(0, Y.encodeStateVector(new Y.Doc()))), true);
      const step2 = sent.find((f) => f[0] === MessageType.Sync && f[1] === 1)!;
      const dec = decoding.createDecoder(step2);
      decoding.readVarUint(dec);
      decoding.readVarUint(dec);
      return decoding.readVarUint8Array(dec);
    };
    const live = await LiveDoc.load('room0001', 'board', opts);
    expect(live.doc.getText('code').toString()).toBe('stored');
    const canonical = Y.encodeStateAsUpdate(live.doc);
    expect(Buffer.from(canonical).equals(Buffer.from(stored))).toBe(false);
    expect(Buffer.from(await joinerGets(live)).equals(Buffer.from(stored))).toBe(true);
    live.destroy();

    // The same snapshot with another client's edits whose first one is missing: pending structs,
    // dropped at load. The joiner must get the doc without them, never the stored bytes.
    const orphan = new Y.Doc();
    const orphanUpdates: Uint8Array[] = [];
    orphan.on('update', (u: Uint8Array) => orphanUpdates.push(u));
    orphan.getText('code').insert(0, 'x');
    orphan.getText('code').insert(1, 'y');
    const forged = Y.mergeUpdates([stored, orphanUpdates[1]!]);
    await store.putSnapshot({ roomId: 'room0001', doc: 'board', seq: 1, ts: 3, bytes: forged });
    const reloaded = await LiveDoc.load('room0001', 'board', opts);
    const answer = await joinerGets(reloaded);
    expect(Buffer.from(answer).equals(Buffer.from(forged))).toBe(false);
    expect(Y.decodeUpdate(answer).structs.some((st) => st.id.client === orphan.clientID)).toBe(false);
    const joined = new Y.Doc();
    Y.applyUpdate(joined, answer);
    expect(joined.getText('code').toString()).toBe('stored');
    reloaded.destroy();
  });
});
