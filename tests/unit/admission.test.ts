import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyClientUpdate, clockRanges, isEmptyUpdate, MalformedMessageError, precheckUpdate } from '../../server/sync/admission.js';
import { boardCode, boardElements, boardSession } from '../../shared/doc.js';

/** Builds updates the way clients do: several clients, maps, text, deletions, merged or not. */
function sampleUpdates(seed: number): Uint8Array[] {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const updates: Uint8Array[] = [];
  for (const doc of docs) doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 40; i++) {
    const doc = docs[Math.floor(rand() * docs.length)]!;
    const text = doc.getText('code');
    if (rand() < 0.3 && text.length > 2) text.delete(Math.floor(rand() * (text.length - 1)), 1);
    else text.insert(Math.floor(rand() * (text.length + 1)), 'abc'.slice(0, 1 + Math.floor(rand() * 3)));
    doc.getMap('elements').set(`k${Math.floor(rand() * 5)}`, { v: i });
    // Exchange now and then, so later updates reference other clients' items.
    if (rand() < 0.4) for (const other of docs) if (other !== doc) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  }
  return [...updates, Y.mergeUpdates(updates), Y.mergeUpdates(updates.slice(3, 17))];
}

describe('clockRanges', () => {
  it('gives what Y.parseUpdateMeta gives, from the structs precheck already decoded', () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const update of sampleUpdates(seed)) {
        const { structs } = Y.decodeUpdate(update);
        expect(clockRanges(structs)).toEqual(Y.parseUpdateMeta(update));
      }
    }
  });

  it('is empty for an update with no structs (a bare delete set or an empty step 2)', () => {
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    expect(clockRanges(Y.decodeUpdate(empty).structs)).toEqual({ from: new Map(), to: new Map() });
  });
});

/** The server's copy of a board and a client that synced from it. */
function serverAndClient(): { server: Y.Doc; client: Y.Doc; take: () => Uint8Array } {
  const server = new Y.Doc();
  boardElements(server).set('seed', { id: 'seed' } as never);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const updates: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => updates.push(u));
  return { server, client, take: () => Y.mergeUpdates(updates.splice(0)) };
}

describe('the update gate', () => {
  const conn = { kind: 'conn' };

  it('admits an ordinary edit and hands back exactly the update it applied', () => {
    const { server, client, take } = serverAndClient();
    boardElements(client).set('a', { id: 'a' } as never);
    boardCode(client).insert(0, 'x = 1');
    const update = take();
    const before = Y.encodeStateAsUpdate(server);
    expect(precheckUpdate(server, 'board', update)).toBeNull();
    const { refusal, captured } = applyClientUpdate(server, 'board', conn, update);
    expect(refusal).toBeNull();
    expect(captured).toHaveLength(1);
    expect(boardCode(server).toString()).toBe('x = 1');
    // What is relayed and stored is the client's edit: a peer that held the server's state before it
    // gets the same doc from it.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, before);
    Y.applyUpdate(peer, captured[0]!);
    expect(boardCode(peer).toString()).toBe('x = 1');
    expect([...boardElements(peer).keys()].sort()).toEqual(['a', 'seed']);
  });

  it('refuses a write under a server-only type before applying it', () => {
    const { server, client, take } = serverAndClient();
    boardSession(client).set('current', { id: 'forged' });
    const update = take();
    expect(precheckUpdate(server, 'board', update)).toBe('protected');
  });

  it('refuses a __proto__ key, in the precheck and again after applying', () => {
    const { server, client, take } = serverAndClient();
    boardElements(client).set('__proto__', { polluted: true } as never);
    const update = take();
    expect(precheckUpdate(server, 'board', update)).toBe('hostile-key');
    expect(applyClientUpdate(server, 'board', conn, update).refusal).toBe('hostile-key');
  });

  it('calls an update that builds on a clock the server lacks pending, and the applied doc says so too', () => {
    const { server, client, take } = serverAndClient();
    boardCode(client).insert(0, 'a');
    take(); // this first edit never reaches the server
    boardCode(client).insert(1, 'b');
    const second = take();
    expect(precheckUpdate(server, 'board', second)).toBe('pending');
    expect(applyClientUpdate(server, 'board', conn, second).refusal).toBe('pending');
  });

  it('throws MalformedMessageError for bytes that are no update', () => {
    const { server } = serverAndClient();
    expect(() => precheckUpdate(server, 'board', new Uint8Array([255, 255, 255, 255, 1]))).toThrow(MalformedMessageError);
  });
});

describe('the update gate after applying (what a synced connection gets, without the precheck)', () => {
  const conn = { kind: 'conn' };

  it('refuses a write into a map the server nested under a server-only one', () => {
    const server = new Y.Doc();
    const nested = new Y.Map<unknown>();
    server.transact(() => boardSession(server).set('notes', nested));
    nested.set('by', 'server');
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    (boardSession(client).get('notes') as Y.Map<unknown>).set('by', 'forged');
    const update = Y.mergeUpdates(updates);
    expect(applyClientUpdate(server, 'board', conn, update).refusal).toBe('protected');
  });

  it('refuses a new nested map under a server-only type, and a deletion there', () => {
    const { server, client, take } = serverAndClient();
    boardSession(client).set('current', new Y.Map());
    expect(applyClientUpdate(server, 'board', conn, take()).refusal).toBe('protected');

    const second = serverAndClient();
    second.server.transact(() => boardSession(second.server).set('current', { id: 'real' }));
    Y.applyUpdate(second.client, Y.encodeStateAsUpdate(second.server));
    second.take();
    boardSession(second.client).delete('current');
    expect(applyClientUpdate(second.server, 'board', conn, second.take()).refusal).toBe('protected');
  });
});

describe('what the gate hands back to store and relay', () => {
  const conn = { kind: 'conn' };

  it('is the client’s own bytes (a copy) when every struct in them was new', () => {
    const { server, client, take } = serverAndClient();
    boardCode(client).insert(0, 'fresh');
    const frame = new Uint8Array([9, 9, ...take(), 9]);
    const update = frame.subarray(2, frame.byteLength - 1);
    const admitted = applyClientUpdate(server, 'board', conn, update);
    expect(admitted.refusal).toBeNull();
    expect(admitted.asSent).toBe(true);
    expect(admitted.captured).toHaveLength(1);
    expect([...admitted.captured[0]!]).toEqual([...update]);
    // its own buffer, not a window onto the socket's
    expect(admitted.captured[0]!.byteOffset).toBe(0);
    expect(admitted.captured[0]!.buffer.byteLength).toBe(update.byteLength);
  });

  it('is the client’s bytes for a deletion alone, and nothing for an update the doc already holds', () => {
    const { server, client, take } = serverAndClient();
    boardCode(client).insert(0, 'abc');
    const insert = take();
    expect(applyClientUpdate(server, 'board', conn, insert).asSent).toBe(true);
    boardCode(client).delete(0, 1);
    const deletion = take();
    const admitted = applyClientUpdate(server, 'board', conn, deletion);
    expect(admitted).toMatchObject({ refusal: null, asSent: true });
    expect([...admitted.captured[0]!]).toEqual([...deletion]);
    expect(boardCode(server).toString()).toBe('bc');
    expect(applyClientUpdate(server, 'board', conn, insert)).toEqual({ refusal: null, captured: [], asSent: false });
  });

  it('is nothing, without a transaction, for the empty step 2 a stock client answers an acknowledgement with', () => {
    const { server, client, take } = serverAndClient();
    boardCode(client).insert(0, 'abc');
    applyClientUpdate(server, 'board', conn, take());
    // What the stock client sends back for the server's state vector when the server lacks nothing.
    const reply = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
    expect(isEmptyUpdate(reply)).toBe(true);
    let transactions = 0;
    server.on('afterTransaction', () => transactions++);
    expect(applyClientUpdate(server, 'board', conn, reply)).toEqual({ refusal: null, captured: [], asSent: false });
    expect(transactions).toBe(0);
    // A reply that carries a deletion is not empty, and goes through the gate as any update.
    boardCode(client).delete(0, 1);
    take();
    const withDeletes = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
    expect(isEmptyUpdate(withDeletes)).toBe(false);
    expect(applyClientUpdate(server, 'board', conn, withDeletes)).toMatchObject({ refusal: null, asSent: true });
    expect(boardCode(server).toString()).toBe('bc');
  });

  it('is Yjs’s re-encoding of what it applied when the update overlaps what the doc holds, so forged copies of known structs go nowhere', () => {
    const { server, client, take } = serverAndClient();
    boardCode(client).insert(0, 'real');
    const real = take();
    applyClientUpdate(server, 'board', conn, real);
    // Another doc under the same client id writes different text at the same clocks, then more:
    // FAKE occupies the clocks of "real"; "!" comes after them, new to the server.
    const liar = new Y.Doc();
    liar.clientID = client.clientID;
    const liarUpdates: Uint8Array[] = [];
    liar.on('update', (u: Uint8Array) => liarUpdates.push(u));
    boardCode(liar).insert(0, 'FAKE');
    boardCode(liar).insert(4, '!');
    const forged = Y.mergeUpdates(liarUpdates);
    expect(Y.parseUpdateMeta(forged).from.get(client.clientID)).toBe(0);
    const admitted = applyClientUpdate(server, 'board', conn, forged);
    expect(admitted.refusal).toBeNull();
    expect(admitted.asSent).toBe(false);
    expect(boardCode(server).toString()).toBe('real!');
    // A peer that has only the seed (still syncing) gets no trace of FAKE from what is relayed.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.mergeUpdates(admitted.captured));
    expect(boardCode(peer).toString()).not.toContain('FAKE');
  });
});
