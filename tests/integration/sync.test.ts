import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { boardCode, boardElements, boardSession, panelNotes, readCurrentQuestion, SESSION_KEYS } from '../../shared/doc.js';
import { AuthMessage, CloseCode, MessageType, SYNC_ACK } from '../../shared/protocol.js';
import type { CreateRoomResponse } from '../../shared/api.js';
import { readServerStateVector } from '../../client/room/syncAck.js';
import { startAttn } from '../../server/app.js';
import { openStore } from '../../server/store/open.js';
import type { Store } from '../../server/store/port.js';
import { awarenessFrame, updateFrame } from '../../server/sync/frames.js';
import {
  closeCodeOf,
  connect,
  createRoom,
  eventually,
  nextClose,
  rawSocket,
  startTestServer,
  testConfig,
  waitSynced,
  type Client,
  type TestServer,
} from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
const clients: Client[] = [];
const open = (doc: 'board' | 'panel', token: string, name?: string, attn = false) => {
  const c = connect(server.url, room.room.id, doc, token, { name, attn });
  clients.push(c);
  return c;
};

beforeEach(async () => {
  server = await startTestServer({ maxMessageBytes: 64 * 1024 });
  room = await createRoom(server.url, 'sync test');
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('y-websocket compatibility', () => {
  it('two stock WebsocketProvider clients converge on text and elements', async () => {
    const a = open('board', room.links.interviewer.token, 'Ines');
    const b = open('board', room.links.candidate.token, 'Carl');
    await Promise.all([waitSynced(a), waitSynced(b)]);

    boardCode(a.doc).insert(0, 'const x = tf.ones([2, 2]);\n');
    boardElements(b.doc).set('rect-1', { id: 'rect-1', type: 'rectangle', version: 1, versionNonce: 7, index: 'a0', isDeleted: false });

    await eventually(() => {
      expect(boardCode(b.doc).toString()).toBe('const x = tf.ones([2, 2]);\n');
      expect(boardElements(a.doc).get('rect-1')?.type).toBe('rectangle');
    });
    // concurrent edits at both ends
    boardCode(a.doc).insert(0, 'A');
    boardCode(b.doc).insert(0, 'B');
    await eventually(() => {
      expect(boardCode(a.doc).toString()).toBe(boardCode(b.doc).toString());
      expect(boardCode(a.doc).toString()).toMatch(/^(AB|BA)const/);
    });
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  it('relays awareness and stamps the link role over whatever the client claims', async () => {
    const a = open('board', room.links.interviewer.token);
    const b = open('board', room.links.candidate.token);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    b.provider.awareness.setLocalStateField('user', { name: 'Mallory', role: 'interviewer', color: '#f00', colorLight: '#f003' });
    await eventually(() => {
      const seen = a.provider.awareness.getStates().get(b.doc.clientID) as { user?: { name: string; role: string } } | undefined;
      expect(seen?.user?.name).toBe('Mallory');
      expect(seen?.user?.role).toBe('candidate');
    });
    b.destroy();
    await eventually(() => expect(a.provider.awareness.getStates().has(b.doc.clientID)).toBe(false));
  });

  it('acknowledges a writer with the server state vector once its update is stored, in a frame it does not answer', async () => {
    const a = open('board', room.links.interviewer.token, undefined, true);
    await waitSynced(a);
    const seen: Uint8Array[] = [];
    const ws = a.provider.ws!;
    ws.addEventListener('message', (e: MessageEvent) => seen.push(new Uint8Array(e.data as ArrayBuffer)));
    // every frame the client sends from here on
    const sent: Uint8Array[] = [];
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      sent.push(new Uint8Array(data as ArrayBuffer));
      send(data);
    };
    boardCode(a.doc).insert(0, 'hello');
    await eventually(() => {
      const ack = seen.find(isAck);
      expect(ack).toBeDefined();
      // read as our client reads it (client/room/syncAck.ts)
      const sv = readServerStateVector(ack!)!;
      expect(sv.get(a.doc.clientID)).toBe(Y.decodeStateVector(Y.encodeStateVector(a.doc)).get(a.doc.clientID));
    });
    // The client sent its edit and nothing since: a sync step 1 acknowledgement would have been
    // answered with a step 2 (a round trip per acknowledgement, decoded again on the server).
    await new Promise((r) => setTimeout(r, 300));
    expect(sent.map((f) => [f[0], f[1]])).toEqual([[MessageType.Sync, 2]]);
    expect(seen.filter((m) => m[0] === MessageType.Sync && m[1] === 0)).toEqual([]);
  });
});

describe('acknowledgements while typing', () => {
  it('come at most every MAX_WAIT_MS to a writer who keeps typing, and IDLE_MS after the last edit, never one per edit', async () => {
    const a = open('board', room.links.interviewer.token, undefined, true);
    await waitSynced(a);
    const acks: number[] = [];
    a.provider.ws!.addEventListener('message', (e: MessageEvent) => {
      if (isAck(new Uint8Array(e.data as ArrayBuffer))) acks.push(Date.now());
    });
    const start = Date.now();
    // an edit every 200 ms for 3.2 s: the idle timer alone would never fire
    for (let i = 0; i < 16; i++) {
      boardCode(a.doc).insert(0, 'x');
      await new Promise((r) => setTimeout(r, 200));
    }
    const stopped = Date.now();
    await eventually(() => expect(acks.filter((t) => t > stopped).length).toBeGreaterThan(0), 5000);
    const during = acks.filter((t) => t <= stopped);
    // the first while typing: no sooner than the idle wait, no later than the max wait (plus slack)
    expect(during.length).toBeGreaterThanOrEqual(1);
    expect(during.length).toBeLessThanOrEqual(2);
    expect(during[0]! - start).toBeGreaterThanOrEqual(SYNC_ACK.IDLE_MS - 50);
    expect(during[0]! - start).toBeLessThan(SYNC_ACK.MAX_WAIT_MS + 1000);
    // and one after the last edit, about the idle wait later
    const after = acks.find((t) => t > stopped)!;
    expect(after - stopped).toBeLessThan(SYNC_ACK.IDLE_MS + 1500);
  }, 20_000);
});

describe('acknowledgements go to our client only', () => {
  it("a stock client (token in the URL, no attn subprotocol) gets none: it would drop them unread; our client's socket beside it gets its own", async () => {
    const stock = open('board', room.links.candidate.token);
    const ours = open('board', room.links.interviewer.token, undefined, true);
    await Promise.all([waitSynced(stock), waitSynced(ours)]);
    expect(stock.provider.ws!.protocol).toBe('');
    const acks = { stock: 0, ours: 0 };
    stock.provider.ws!.addEventListener('message', (e: MessageEvent) => void (isAck(new Uint8Array(e.data as ArrayBuffer)) && acks.stock++));
    ours.provider.ws!.addEventListener('message', (e: MessageEvent) => void (isAck(new Uint8Array(e.data as ArrayBuffer)) && acks.ours++));
    boardCode(stock.doc).insert(0, 'stock ');
    boardCode(ours.doc).insert(0, 'ours ');
    await eventually(() => expect(acks.ours).toBeGreaterThan(0), 5000);
    // the stock writer's edit was stored and relayed, and due its acknowledgement as early as ours
    await eventually(() => expect(boardCode(ours.doc).toString()).toContain('stock'));
    await new Promise((r) => setTimeout(r, SYNC_ACK.IDLE_MS + 300));
    expect(acks.stock).toBe(0);
  }, 10_000);
});

/** An acknowledgement frame: [Auth, Stored, state vector]. */
function isAck(frame: Uint8Array): boolean {
  return frame[0] === MessageType.Auth && frame[1] === AuthMessage.Stored;
}

describe('roles', () => {
  it('drops every write an observer sends, and keeps serving it reads', async () => {
    const writer = open('board', room.links.interviewer.token);
    const observer = open('board', room.links.observer.token);
    await Promise.all([waitSynced(writer), waitSynced(observer)]);

    boardCode(observer.doc).insert(0, 'observer was here');
    boardElements(observer.doc).set('evil', { id: 'evil', type: 'rectangle', version: 99, versionNonce: 1, index: 'a0', isDeleted: false });
    boardCode(writer.doc).insert(0, 'interviewer text');

    await eventually(() => expect(boardCode(observer.doc).toString()).toContain('interviewer text'));
    // A fresh client sees only what the server accepted.
    const fresh = open('board', room.links.candidate.token);
    await waitSynced(fresh);
    await eventually(() => expect(boardCode(fresh.doc).toString()).toBe('interviewer text'));
    expect(boardElements(fresh.doc).has('evil')).toBe(false);
    expect(boardCode(writer.doc).toString()).toBe('interviewer text');
    const stored = await server.store.loadDoc(room.room.id, 'board');
    expect(stored.tail.every((u) => u.authorRole !== 'observer')).toBe(true);
  });

  it('refuses a candidate on the panel with 4403, and lets interviewers and observers in', async () => {
    const cand = open('panel', room.links.candidate.token);
    expect(await nextClose(cand)).toBe(CloseCode.Forbidden);
    const iv = open('panel', room.links.interviewer.token);
    const obs = open('panel', room.links.observer.token);
    await Promise.all([waitSynced(iv), waitSynced(obs)]);
    panelNotes(iv.doc).set('q1', 'strong on complexity');
    await eventually(() => expect(panelNotes(obs.doc).get('q1')).toBe('strong on complexity'));
    // and the candidate did not reconnect (terminal code)
    expect(cand.provider.shouldConnect).toBe(false);
  });

  it('refuses a bad token with 4401 and a token from another room too', async () => {
    const other = await createRoom(server.url, 'other');
    const bad = open('board', 'A'.repeat(43));
    expect(await nextClose(bad)).toBe(CloseCode.BadToken);
    const malformed = open('board', 'short');
    expect(await nextClose(malformed)).toBe(CloseCode.BadToken);
    const wrongRoom = open('board', other.links.interviewer.token);
    expect(await nextClose(wrongRoom)).toBe(CloseCode.BadToken);
  });

  it('revoking a link closes its sockets with 4410 and it cannot rejoin', async () => {
    const cand = open('board', room.links.candidate.token);
    const iv = open('board', room.links.interviewer.token);
    await Promise.all([waitSynced(cand), waitSynced(iv)]);
    const closed = nextClose(cand);
    const res = await fetch(`${server.url}/api/rooms/${room.room.id}/links/${room.links.candidate.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.links.interviewer.token}` },
    });
    expect(res.status).toBe(200);
    expect(await closed).toBe(CloseCode.Revoked);
    const again = open('board', room.links.candidate.token);
    expect(await nextClose(again)).toBe(CloseCode.Revoked);
    // the interviewer's socket is untouched
    boardCode(iv.doc).insert(0, 'still here');
    expect(iv.provider.wsconnected).toBe(true);
  });
});

describe('hostile frames', () => {
  it('closes an oversize message with 4413 and only that socket', async () => {
    const bystander = open('board', room.links.interviewer.token);
    await waitSynced(bystander);
    const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    const closed = closeCodeOf(ws);
    ws.send(new Uint8Array(server.config.maxMessageBytes + 1));
    expect((await closed).code).toBe(CloseCode.TooLarge);
    boardCode(bystander.doc).insert(0, 'fine');
    const fresh = open('board', room.links.observer.token);
    await eventually(() => expect(boardCode(fresh.doc).toString()).toBe('fine'));
  });

  it('closes a garbage frame with 4400 and keeps serving every other room', async () => {
    const other = await createRoom(server.url, 'other');
    const elsewhere = connect(server.url, other.room.id, 'board', other.links.interviewer.token);
    clients.push(elsewhere);
    const bystander = open('board', room.links.interviewer.token);
    await Promise.all([waitSynced(elsewhere), waitSynced(bystander)]);

    for (const garbage of [
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      new Uint8Array([MessageType.Sync, 2, 10, 1, 2, 3]), // update with truncated body
      new Uint8Array([9]), // unknown message type
      awarenessFrame(new TextEncoder().encode('not an awareness update')),
    ]) {
      const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
      const closed = closeCodeOf(ws);
      ws.send(garbage);
      expect((await closed).code).toBe(CloseCode.Malformed);
    }
    const text = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    const textClosed = closeCodeOf(text);
    text.send('hello');
    expect((await textClosed).code).toBe(CloseCode.Malformed);

    boardCode(elsewhere.doc).insert(0, 'other room fine');
    boardCode(bystander.doc).insert(0, 'this room fine');
    expect(bystander.provider.wsconnected).toBe(true);
    expect(elsewhere.provider.wsconnected).toBe(true);
    const check = connect(server.url, other.room.id, 'board', other.links.observer.token);
    clients.push(check);
    await eventually(() => expect(boardCode(check.doc).toString()).toBe('other room fine'));
  });

  it('refuses unknown documents and paths with a typed code', async () => {
    const ws = new (await import('ws')).default(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/secrets?token=${room.links.interviewer.token}`);
    expect((await closeCodeOf(ws)).code).toBe(CloseCode.NotFound);
  });
});

/** Sends each update of `doc` over a raw socket as a sync update frame, as it happens; returns how many went. */
function sendEachUpdate(doc: Y.Doc, ws: { send(data: Uint8Array): void }): () => number {
  let sent = 0;
  doc.on('update', (update: Uint8Array) => {
    ws.send(updateFrame(update));
    sent++;
  });
  return () => sent;
}

describe('a synced connection (its updates skip the precheck)', () => {
  /** A stock client that has synced, a bystander, and the log as it was before the attack. */
  async function setup() {
    const bystander = open('board', room.links.interviewer.token);
    const attacker = open('board', room.links.candidate.token, 'Cam');
    await Promise.all([waitSynced(bystander), waitSynced(attacker)]);
    boardCode(attacker.doc).insert(0, 'honest');
    await eventually(() => expect(boardCode(bystander.doc).toString()).toBe('honest'));
    const logBefore = await server.store.listUpdates(room.room.id, 'board', 0, 1000);
    return { bystander, attacker, logBefore };
  }

  async function expectRolledBack(bystander: Client, logBefore: unknown[]) {
    expect(await server.sync.read(room.room.id, 'board', (d) => ({ current: readCurrentQuestion(d), code: boardCode(d).toString(), keys: [...boardElements(d).keys()] }))).toEqual({
      current: null,
      code: 'honest',
      keys: [],
    });
    expect(await server.store.listUpdates(room.room.id, 'board', 0, 1000)).toHaveLength(logBefore.length);
    expect(readCurrentQuestion(bystander.doc)).toBeNull();
    const joiner = open('board', room.links.observer.token);
    await waitSynced(joiner);
    expect(readCurrentQuestion(joiner.doc)).toBeNull();
    expect(boardCode(joiner.doc).toString()).toBe('honest');
  }

  it('is refused after applying a server-only write: closed 4403, the doc rolled back, nothing relayed or stored, the link cooled down', async () => {
    const { bystander, attacker, logBefore } = await setup();
    const closed = nextClose(attacker);
    boardSession(attacker.doc).set(SESSION_KEYS.current, { id: 'forged', title: 'FORGED', prompt: '', minutes: 1, startedAt: 1 });
    expect(await closed).toBe(CloseCode.Forbidden);
    await expectRolledBack(bystander, logBefore);
    // The refusal cost a reload, so the link waits before it may come back.
    const retry = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    expect((await closeCodeOf(retry)).code).toBe(CloseCode.TooManySockets);
  });

  it('is refused after applying a __proto__ key, and after an update that waits on a clock the server lacks', async () => {
    const { bystander, attacker, logBefore } = await setup();
    const closed = nextClose(attacker);
    boardElements(attacker.doc).set('__proto__', { polluted: true } as never);
    expect(await closed).toBe(CloseCode.Malformed);
    await expectRolledBack(bystander, logBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // A second link of the same room, synced, then a raw frame that builds on a missing clock.
    const other = open('board', room.links.interviewer.token, 'Ida');
    await waitSynced(other);
    const ghost = new Y.Doc();
    Y.applyUpdate(ghost, Y.encodeStateAsUpdate(other.doc));
    const parts: Uint8Array[] = [];
    ghost.on('update', (u: Uint8Array) => parts.push(u));
    boardElements(ghost).set('dep', { id: 'dep' } as never);
    boardElements(ghost).set('needs-dep', { id: 'x' } as never);
    boardCode(ghost).insert(0, '>');
    const otherClosed = nextClose(other);
    other.provider.ws!.send(updateFrame(Y.mergeUpdates(parts.slice(1))));
    expect(await otherClosed).toBe(CloseCode.Malformed);
    expect(await server.sync.read(room.room.id, 'board', (d) => d.store.pendingStructs)).toBeNull();
    await expectRolledBack(bystander, logBefore);
  });
});

describe('joining', () => {
  it('a joiner after an edit gets the edit, though the joiner before it was answered from the cached whole doc', async () => {
    const writer = open('board', room.links.interviewer.token);
    await waitSynced(writer);
    boardCode(writer.doc).insert(0, 'first');
    await eventually(async () => expect(boardCode((await settle(open('board', room.links.candidate.token))).doc).toString()).toBe('first'));
    // Two more joiners of the unchanged doc, then an edit (text and a deletion: a delete alone
    // leaves the state vector as it was), then a joiner who must see all of it.
    const [b, c] = await Promise.all([settle(open('board', room.links.observer.token)), settle(open('board', room.links.observer.token))]);
    expect(boardCode(b.doc).toString()).toBe('first');
    expect(Y.encodeStateAsUpdate(b.doc)).toEqual(Y.encodeStateAsUpdate(c.doc));
    boardCode(writer.doc).delete(0, 2);
    await eventually(() => expect(boardCode(b.doc).toString()).toBe('rst'));
    const late = await settle(open('board', room.links.observer.token));
    expect(boardCode(late.doc).toString()).toBe('rst');
  });
});

async function settle(c: Client): Promise<Client> {
  await waitSynced(c);
  return c;
}

describe('relaying a stored update', () => {
  it('negotiates no per-message compression, though the client offers it, and the peer reads the relayed update off the plain frame', async () => {
    // Relays are framed once and written straight to each socket (ConnSocket.sendWire), which
    // holds only while ws compresses nothing.
    const [a, b] = await Promise.all(
      [room.links.interviewer.token, room.links.candidate.token].map((t) => rawSocket(server.url, room.room.id, 'board', t, { perMessageDeflate: true })),
    );
    try {
      expect([a!.extensions, b!.extensions]).toEqual(['', '']);
      const source = new Y.Doc();
      boardCode(source).insert(0, 'framed once');
      const relayed = new Promise<Uint8Array>((resolve) =>
        b!.on('message', (data: Buffer) => {
          const dec = decoding.createDecoder(new Uint8Array(data));
          if (decoding.readVarUint(dec) !== MessageType.Sync || decoding.readVarUint(dec) !== syncProtocol.messageYjsUpdate) return;
          resolve(decoding.readVarUint8Array(dec));
        }),
      );
      a!.send(updateFrame(Y.encodeStateAsUpdate(source)));
      const reader = new Y.Doc();
      Y.applyUpdate(reader, await relayed);
      expect(boardCode(reader).toString()).toBe('framed once');
    } finally {
      a!.close();
      b!.close();
    }
  });

  it('relays an update too big to copy to every socket in one go (it goes out one peer at a time) to every peer', async () => {
    const big = await startTestServer({ maxMessageBytes: 1024 * 1024 });
    try {
      const r = await createRoom(big.url, 'big update');
      const join = (token: string) => {
        const c = connect(big.url, r.room.id, 'board', token);
        clients.push(c);
        return c;
      };
      const [a, b, c] = [join(r.links.interviewer.token), join(r.links.candidate.token), join(r.links.interviewer.token)];
      await Promise.all([a, b, c].map((p) => waitSynced(p)));
      const text = 'x'.repeat(200 * 1024); // one frame of ~200 kB: past the 64 kB at which relaying yields
      boardCode(a.doc).insert(0, text);
      boardCode(a.doc).insert(0, 'after:');
      await eventually(() => {
        for (const peer of [b, c]) expect(boardCode(peer.doc).toString()).toBe(`after:${text}`);
      });
    } finally {
      await big.close();
    }
  });

  it('closes every socket of a document whose update could not be stored (PersistFailed): memory is ahead of the store', async () => {
    const a = open('board', room.links.interviewer.token);
    const b = open('board', room.links.candidate.token);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    const closes = Promise.all([nextClose(a), nextClose(b)]);
    // The real store, closed underneath the server: every append from now on fails.
    await server.store.close();
    boardCode(a.doc).insert(0, 'never stored');
    expect(await closes).toEqual([CloseCode.PersistFailed, CloseCode.PersistFailed]);
    expect(boardCode(b.doc).toString()).toBe('');
  });
});

describe('frames handled in slices', () => {
  it('stores every update a client sent before it closed, though the close came while they still waited for their slice', async () => {
    // Slices of one frame each (the budget is spent by the first): the close is read while most wait.
    await server.close();
    server = await startTestServer({ maxMessageBytes: 64 * 1024, frameSliceMs: 1e-6 });
    room = await createRoom(server.url, 'sync test');
    const stored = async () => (await server.store.listUpdates(room.room.id, 'board', 0, 10_000)).length;
    const before = await stored();
    const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    // its greeting (sync step 1) comes once the document is loaded: frames from now on are queued
    await new Promise((resolve) => ws.once('message', resolve));
    const writer = new Y.Doc();
    const sent = sendEachUpdate(writer, ws);
    const code = boardCode(writer);
    for (let i = 0; i < 1500; i++) code.insert(code.length, String(i % 10));
    ws.close();
    await closeCodeOf(ws);
    const expected = code.toString();
    await eventually(async () => expect(await server.sync.read(room.room.id, 'board', (d) => boardCode(d).toString())).toBe(expected), 15_000);
    await eventually(async () => expect(await stored()).toBe(before + sent()), 15_000);
  });

  it('stores the updates a client sent while its document was loading, though it closed before the load finished', async () => {
    const config = testConfig({ maxMessageBytes: 64 * 1024 });
    const store = await openStore(config);
    // The real store, with its document loads held at a gate the test opens.
    let open: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    const gated = new Proxy(store, {
      get(target, key) {
        if (key === 'loadDoc') return async (...args: Parameters<Store['loadDoc']>) => (await gate, target.loadDoc(...args));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const slow = await startAttn(config, { store: gated });
    try {
      const r = await createRoom(slow.url, 'slow load');
      gate = new Promise((resolve) => (open = resolve));
      const ws = await rawSocket(slow.url, r.room.id, 'board', r.links.candidate.token);
      const writer = new Y.Doc();
      const sent = sendEachUpdate(writer, ws);
      for (let i = 0; i < 20; i++) boardCode(writer).insert(i, String(i % 10));
      ws.close();
      await closeCodeOf(ws);
      const before = (await store.listUpdates(r.room.id, 'board', 0, 1000)).length;
      open();
      await eventually(async () => expect(await slow.sync.read(r.room.id, 'board', (d) => boardCode(d).toString())).toBe(boardCode(writer).toString()));
      await eventually(async () => expect(await store.listUpdates(r.room.id, 'board', 0, 1000)).toHaveLength(before + sent()));
    } finally {
      open();
      await slow.close();
      await store.close();
    }
  });

  it('stops reading a socket while the frame queue is over high water, and reads the rest once it drains', async () => {
    await server.close();
    server = await startTestServer({ maxMessageBytes: 64 * 1024, frameSliceMs: 1e-6, maxRoomBytesPerSec: 0 });
    room = await createRoom(server.url, 'sync test');
    const stored = async () => (await server.store.listUpdates(room.room.id, 'board', 0, 100_000)).length;
    const before = await stored();
    const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    await new Promise((resolve) => ws.once('message', resolve)); // loaded: frames are queued, not held back
    const writer = new Y.Doc();
    const sent = sendEachUpdate(writer, ws);
    // ~6,000 frames of ~230 bytes, read 64 kB at a time while one frame is handled per turn: the
    // queue passes its high water (4,096) with over a hundred kB still unread.
    const code = boardCode(writer);
    for (let i = 0; i < 6000; i++) code.insert(code.length, String(i % 10).repeat(200));
    const expected = code.toString();
    await eventually(async () => expect(await stored()).toBe(before + sent()), 30_000);
    expect(await server.sync.read(room.room.id, 'board', (d) => boardCode(d).toString())).toBe(expected);
    ws.close();
  }, 40_000);
});

describe('liveness', () => {
  it('ends a socket that stops answering pings, and keeps one that answers', async () => {
    // 400 ms cut into two ticks of 200 ms: each socket is pinged once per 400 ms, in its slice.
    const quick = await startTestServer({ pingIntervalMs: 400 });
    try {
      const r = await createRoom(quick.url, 'liveness');
      const token = r.links.candidate.token;
      const [silent, answering] = await Promise.all([
        rawSocket(quick.url, r.room.id, 'board', token, { autoPong: false }),
        rawSocket(quick.url, r.room.id, 'board', token),
      ]);
      let pingsToSilent = 0;
      silent.on('ping', () => pingsToSilent++);
      const { code } = await closeCodeOf(silent, 5000);
      // terminated, not closed with a handshake: the close event carries no code from the server
      expect(code).toBe(1006);
      expect(pingsToSilent).toBeGreaterThanOrEqual(1);
      // the answering socket lived through the same ticks, and more
      await new Promise((resolve) => setTimeout(resolve, 900));
      expect(answering.readyState).toBe(answering.OPEN);
      answering.close();
    } finally {
      await quick.close();
    }
  });
});
