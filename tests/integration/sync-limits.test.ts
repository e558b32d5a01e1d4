/**
 * Issue 12, findings 6 (sync half) and 8: resource limits of the sync server, each attacked the
 * way the report measured it, and two hostile paths (a bad %-escape, a frame far over the limit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardCode } from '../../shared/doc.js';
import { CloseCode, FATAL_CLOSE_CODES, LIMITS, MessageType, SYNC_LIMITS } from '../../shared/protocol.js';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from '../../server/sync/awareness.js';
import type { Config } from '../../server/config.js';
import { awarenessFrame, syncStep1Frame, updateFrame } from '../../server/sync/frames.js';
import {
  closeCodeOf,
  connect,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  waitSynced,
  type Client,
  type TestServer,
} from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

async function start(overrides: Partial<Config>): Promise<void> {
  server = await startTestServer({ logLevel: 'warn', ...overrides });
  room = await createRoom(server.url, 'limits');
}
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const ws of sockets.splice(0)) ws.terminate();
  await server.close();
});

/** A self-contained update (a fresh client typing at the start of the pad) of about `bytes`. */
function padUpdate(bytes: number, fill: string): Uint8Array {
  const d = new Y.Doc();
  boardCode(d).insert(0, fill.repeat(bytes));
  return Y.encodeStateAsUpdate(d);
}

async function open(doc: 'board' | 'panel', token: string, roomId = room.room.id): Promise<WebSocket> {
  const ws = await rawSocket(server.url, roomId, doc, token);
  sockets.push(ws);
  return ws;
}

describe('document size cap (ATTN_MAX_DOC_BYTES)', () => {
  it('cuts a candidate off with 4507 when it grows the board towards 50 MB, and keeps the doc at the cap', async () => {
    const cap = 512 * 1024;
    await start({ maxDocBytes: cap, maxMessageBytes: 128 * 1024 });
    const bystander = connect(server.url, room.room.id, 'board', room.links.interviewer.token);
    clients.push(bystander);
    await waitSynced(bystander);

    const CHUNK = 100 * 1024;
    let sent = 0;
    let code: number | null = null;
    const ws = await open('board', room.links.candidate.token);
    const closed = closeCodeOf(ws, 30_000).then((c) => (code = c.code));
    // Each update is followed by a sync step 1; the server's step 2 answer means it was taken.
    let answered: () => void = () => undefined;
    ws.on('message', (data: Buffer) => {
      const dec = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(dec) === MessageType.Sync && decoding.readVarUint(dec) === syncProtocol.messageYjsSyncStep2) answered();
    });
    // The measured attack wrote ~50 MB; this one would too if nothing stopped it.
    for (let i = 0; code === null && sent < 50 * 1024 * 1024; i++) {
      const update = padUpdate(CHUNK, String.fromCharCode(97 + (i % 26)));
      const taken = new Promise<void>((resolve) => (answered = resolve));
      ws.send(updateFrame(update));
      ws.send(syncStep1Frame(new Y.Doc()));
      sent += update.byteLength;
      await Promise.race([taken, closed]);
    }
    await closed;
    expect(code).toBe(CloseCode.DocTooLarge);
    expect(sent).toBeLessThan(cap + 20 * CHUNK);
    expect(server.logs.some((l) => l.includes('refused an update past the document size cap'))).toBe(true);

    // What the server holds and stored stays under the cap.
    const held = await server.sync.read(room.room.id, 'board', (d) => Y.encodeStateAsUpdate(d).byteLength);
    expect(held).toBeLessThanOrEqual(cap);
    // Another write that would pass the cap is refused at once, from a fresh socket too.
    const again = await open('board', room.links.candidate.token);
    const againClosed = closeCodeOf(again);
    again.send(updateFrame(padUpdate(CHUNK, 'z')));
    expect((await againClosed).code).toBe(CloseCode.DocTooLarge);
    // The bystander was never cut off, and sees the same doc the server holds.
    expect(bystander.provider.wsconnected).toBe(true);
    const heldChars = await server.sync.read(room.room.id, 'board', (d) => boardCode(d).length);
    await eventually(() => expect(boardCode(bystander.doc).length).toBe(heldChars));
  }, 60_000);
});

describe('awareness entries per connection (ATTN_MAX_AWARENESS_PER_CONN)', () => {
  it('one socket registering 300,000 awareness ids keeps at most the cap', async () => {
    await start({ maxAwarenessPerConn: 4, maxMessageBytes: 512 * 1024 });
    const ws = await open('board', room.links.candidate.token);
    const TOTAL = 300_000;
    const PER_MESSAGE = SYNC_LIMITS.MAX_AWARENESS_ENTRIES_PER_MESSAGE;
    for (let first = 1; first <= TOTAL; first += PER_MESSAGE) {
      const entries: AwarenessEntry[] = [];
      for (let id = first; id < first + PER_MESSAGE; id++) entries.push({ clientId: id, clock: 1, state: { user: { name: `bot ${id}` } } });
      ws.send(awarenessFrame(encodeAwarenessUpdate(entries)));
    }
    // Frames are handled in order: the answer to this query is the server's whole awareness.
    const states = new Promise<AwarenessEntry[]>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const dec = decoding.createDecoder(new Uint8Array(data));
        if (decoding.readVarUint(dec) === MessageType.Awareness) resolve(decodeAwarenessUpdate(decoding.readVarUint8Array(dec)));
      });
    });
    ws.send(new Uint8Array([MessageType.QueryAwareness]));
    const held = (await states).filter((e) => e.state !== null);
    expect(held.map((e) => e.clientId)).toEqual([1, 2, 3, 4]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server.logs.filter((l) => l.includes('dropped awareness entries past the per-connection cap'))).toHaveLength(1);
  }, 60_000);

  it('closes a socket with 4400 for one message listing more presence entries than a room can hold', async () => {
    await start({ maxMessageBytes: 512 * 1024 });
    const ws = await open('board', room.links.candidate.token);
    const closed = closeCodeOf(ws);
    const entries: AwarenessEntry[] = [];
    for (let id = 1; id <= SYNC_LIMITS.MAX_AWARENESS_ENTRIES_PER_MESSAGE + 1; id++) entries.push({ clientId: id, clock: 1, state: { user: { name: 'bot' } } });
    ws.send(awarenessFrame(encodeAwarenessUpdate(entries)));
    expect((await closed).code).toBe(CloseCode.Malformed);
    // a client of another room is untouched
    const other = await createRoom(server.url, 'other');
    const fine = connect(server.url, other.room.id, 'board', other.links.candidate.token);
    clients.push(fine);
    await waitSynced(fine);
  });
});

describe('sockets per address and per room (ATTN_MAX_SOCKETS_PER_IP / _PER_ROOM)', () => {
  it('refuses the N+1th socket from one address with 4429, and takes one again when another closes', async () => {
    await start({ maxSocketsPerIp: 3, maxSocketsPerRoom: 0 });
    const other = await createRoom(server.url, 'elsewhere');
    const first = await open('board', room.links.interviewer.token);
    await open('panel', room.links.interviewer.token);
    await open('board', other.links.candidate.token, other.room.id);
    const fourth = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/board?token=${room.links.candidate.token}`);
    sockets.push(fourth);
    expect(await closeCodeOf(fourth)).toEqual({ code: CloseCode.TooManySockets, reason: 'too many connections from this address or to this room' });

    const gone = closeCodeOf(first);
    first.close();
    await gone;
    await eventually(async () => {
      const ws = await open('board', room.links.candidate.token);
      await new Promise((r) => setTimeout(r, 50));
      expect(ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  it('refuses the N+1th socket into one room with 4429; other rooms are unaffected', async () => {
    await start({ maxSocketsPerIp: 0, maxSocketsPerRoom: 2 });
    const other = await createRoom(server.url, 'elsewhere');
    await open('board', room.links.interviewer.token);
    await open('panel', room.links.interviewer.token);
    const third = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/board?token=${room.links.candidate.token}`);
    sockets.push(third);
    expect((await closeCodeOf(third)).code).toBe(CloseCode.TooManySockets);
    const elsewhere = connect(server.url, other.room.id, 'board', other.links.candidate.token);
    clients.push(elsewhere);
    await waitSynced(elsewhere);
  });
});

describe('room byte budget (ATTN_MAX_ROOM_BYTES_PER_SEC)', () => {
  it('closes a new socket into a room in debt with 4430 (not fatal), and takes it once the debt is repaid; other rooms are unaffected', async () => {
    // 64 kB/s and a 64 kB burst: 80 kB of edits in, and relayed to one peer, put the room a second in debt.
    await start({ maxRoomBytesPerSec: 64 * 1024, maxMessageBytes: 16 * 1024 });
    const writer = connect(server.url, room.room.id, 'board', room.links.interviewer.token);
    const peer = connect(server.url, room.room.id, 'board', room.links.candidate.token);
    clients.push(writer, peer);
    await Promise.all([waitSynced(writer), waitSynced(peer)]);
    for (let i = 0; i < 8; i++) boardCode(writer.doc).insert(0, 'x'.repeat(10 * 1024));
    await eventually(() => expect(boardCode(peer.doc).length).toBe(80 * 1024));
    const refused = await rawSocket(server.url, room.room.id, 'board', room.links.observer.token);
    sockets.push(refused);
    expect((await closeCodeOf(refused)).code).toBe(CloseCode.RoomBusy);
    expect(FATAL_CLOSE_CODES.has(CloseCode.RoomBusy)).toBe(false);
    // Another room is not in debt.
    const other = await createRoom(server.url, 'other');
    const elsewhere = connect(server.url, other.room.id, 'board', other.links.observer.token);
    clients.push(elsewhere);
    await waitSynced(elsewhere);
    // Once repaid (the debt is at most one burst: a second here), the same link gets in.
    await eventually(async () => {
      const late = connect(server.url, room.room.id, 'board', room.links.observer.token);
      clients.push(late);
      await waitSynced(late, 1000);
      expect(boardCode(late.doc).length).toBe(80 * 1024);
    }, 5000, 200);
  });
});

describe('hostile paths and frames (issue 12, finding 8)', () => {
  it('answers a bad %-escape in the room id with 4404, not an error in the log', async () => {
    await start({});
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/%E0%A4%A/board?token=${room.links.interviewer.token}`);
    sockets.push(ws);
    expect((await closeCodeOf(ws)).code).toBe(CloseCode.NotFound);
    expect(server.logs.filter((l) => / error /.test(l))).toEqual([]);
  });

  it('answers a display name over the limit with 4422 "name too long", not "invalid token"', async () => {
    await start({});
    const long = 'N'.repeat(LIMITS.MAX_NAME_CHARS + 1);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/panel?token=${room.links.interviewer.token}&name=${long}`);
    sockets.push(ws);
    expect(await closeCodeOf(ws)).toEqual({ code: CloseCode.NameTooLong, reason: 'name too long' });
    // At the limit it is a name like any other.
    const ok = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/panel?token=${room.links.interviewer.token}&name=${long.slice(1)}`);
    sockets.push(ok);
    await new Promise<void>((resolve, reject) => {
      ok.once('message', () => resolve());
      ok.once('close', (code) => reject(new Error(`closed with ${code}`)));
    });
  });

  it('closes a frame of 5x the message limit with 4413, not ws 1009, and only that socket', async () => {
    await start({ maxMessageBytes: 64 * 1024 });
    const bystander = connect(server.url, room.room.id, 'board', room.links.interviewer.token);
    clients.push(bystander);
    await waitSynced(bystander);
    const ws = await open('board', room.links.candidate.token);
    const closed = closeCodeOf(ws);
    ws.send(new Uint8Array(5 * 64 * 1024));
    expect(await closed).toEqual({ code: CloseCode.TooLarge, reason: 'message too large' });
    expect(server.logs.some((l) => l.includes('message too large; closing socket'))).toBe(true);
    boardCode(bystander.doc).insert(0, 'still fine');
    expect(bystander.provider.wsconnected).toBe(true);
  });
});
