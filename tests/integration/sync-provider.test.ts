/**
 * The client's sync socket (client/room/syncProvider.ts) against a real server: the token rides
 * in a WebSocket subprotocol instead of the URL, and y-websocket's same-origin BroadcastChannel
 * is off, so code in our origin can neither listen to the panel nor write into it through the
 * interviewer's socket. Node 20 has a real BroadcastChannel, the same API lib0 uses in a browser.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { openSyncProvider } from '../../client/room/syncProvider.js';
import type { CreateRoomResponse } from '../../shared/api.js';
import { noteKey, panelNotes } from '../../shared/doc.js';
import { CloseCode, SYNC_SUBPROTOCOL, syncProtocols, type DocName } from '../../shared/protocol.js';
import { syncStep1Frame, updateFrame } from '../../server/sync/frames.js';
import { closeCodeOf, connect, createRoom, eventually, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
const cleanup: Array<() => void> = [];

beforeEach(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'provider test');
});
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) done();
  await server.close();
});

const wsBase = () => `${server.url.replace(/^http/, 'ws')}/sync/${room.room.id}`;

function ours(doc: DocName, token: string, params?: Record<string, string>): { ydoc: Y.Doc; provider: WebsocketProvider } {
  const ydoc = new Y.Doc();
  const provider = openSyncProvider(wsBase(), doc, ydoc, {
    token,
    ...(params ? { params } : {}),
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  cleanup.push(() => {
    provider.destroy();
    ydoc.destroy();
  });
  return { ydoc, provider };
}

function stock(doc: DocName, token: string): Client {
  const c = connect(server.url, room.room.id, doc, token);
  cleanup.push(() => c.destroy());
  return c;
}

const synced = (provider: WebsocketProvider) => waitSynced({ provider } as Client);


describe('token transport', () => {
  it('connects with the token in a subprotocol and none in the URL', async () => {
    const { provider } = ours('panel', room.links.interviewer.token, { name: 'Ines' });
    await synced(provider);
    expect(provider.url).not.toContain(room.links.interviewer.token);
    expect(provider.url).not.toContain('token');
    expect(provider.url).toContain('name=Ines');
    expect(provider.ws?.protocol).toBe(SYNC_SUBPROTOCOL);
  });

  it('answers with attn.v1 only: the token protocol is never echoed back', async () => {
    const token = room.links.candidate.token;
    const ws = new WebSocket(`${wsBase()}/board`, syncProtocols(token));
    cleanup.push(() => ws.terminate());
    const answered = await new Promise<string | undefined>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol']));
      ws.once('error', reject);
    });
    expect(answered).toBe(SYNC_SUBPROTOCOL);

    // A client offering only the token protocol gets no protocol back (ws refuses the socket),
    // rather than ws's default of echoing the first offer, which would be the token.
    const bare = new WebSocket(`${wsBase()}/board`, [`attn.token.${token}`]);
    cleanup.push(() => bare.terminate());
    const header = await new Promise<string | undefined>((resolve) => {
      bare.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol']));
      bare.once('error', () => resolve(undefined));
    });
    expect(header).toBeUndefined();
  });

  it('refuses a wrong subprotocol token with 4401, another room’s with 4401 and a revoked one with 4410', async () => {
    const other = await createRoom(server.url, 'other');
    for (const [token, code] of [
      ['A'.repeat(43), CloseCode.BadToken],
      ['short', CloseCode.BadToken],
      [other.links.interviewer.token, CloseCode.BadToken],
    ] as const) {
      const ws = new WebSocket(`${wsBase()}/board`, syncProtocols(token));
      cleanup.push(() => ws.terminate());
      expect((await closeCodeOf(ws)).code).toBe(code);
    }
    const revoked = await fetch(`${server.url}/api/rooms/${room.room.id}/links/${room.links.observer.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.links.interviewer.token}` },
    });
    expect(revoked.status).toBe(200);
    const ws = new WebSocket(`${wsBase()}/board`, syncProtocols(room.links.observer.token));
    cleanup.push(() => ws.terminate());
    expect((await closeCodeOf(ws)).code).toBe(CloseCode.Revoked);
  });

  it('a subprotocol token decides the role, whatever ?token= says', async () => {
    const ws = new WebSocket(`${wsBase()}/panel?token=${room.links.interviewer.token}`, syncProtocols(room.links.candidate.token));
    cleanup.push(() => ws.terminate());
    expect((await closeCodeOf(ws)).code).toBe(CloseCode.Forbidden);
  });

  it('keeps the stock y-websocket client working with ?token=', async () => {
    const a = stock('board', room.links.candidate.token);
    const { ydoc, provider } = ours('board', room.links.interviewer.token);
    await Promise.all([waitSynced(a), synced(provider)]);
    a.doc.getText('code').insert(0, 'hello');
    await eventually(() => expect(ydoc.getText('code').toString()).toBe('hello'));
  });
});

describe('no BroadcastChannel', () => {
  it('a same-origin listener on the panel’s channel hears nothing and cannot write into the panel', async () => {
    const { ydoc, provider } = ours('panel', room.links.interviewer.token, { name: 'Ines' });
    await synced(provider);

    // What a snippet in our origin did: join the channel y-websocket names after the URL...
    const heard: unknown[] = [];
    const snippet = new BroadcastChannel(provider.bcChannel);
    snippet.onmessage = (event: MessageEvent) => heard.push(event.data);
    cleanup.push(() => snippet.close());
    // ...ask for the whole doc the way a second tab would...
    snippet.postMessage(syncStep1Frame(new Y.Doc()));
    // ...and push a forged rater's note for the interviewer's socket to carry to the server.
    const forged = new Y.Doc();
    panelNotes(forged).set(noteKey('fake-rater', 'q1'), 'forged');
    snippet.postMessage(updateFrame(Y.encodeStateAsUpdate(forged)));

    // The interviewer writes a private note; another interviewer sees it through the server.
    panelNotes(ydoc).set(noteKey('ines', 'q1'), 'private: strong on backprop');
    const other = stock('panel', room.links.interviewer.token);
    await eventually(() => expect(panelNotes(other.doc).get(noteKey('ines', 'q1'))).toBe('private: strong on backprop'));

    // Everything the provider could have published is posted by now; a marker sent after it
    // arrives after it, so once the marker is heard the listener has heard all there was.
    const marker = new BroadcastChannel(provider.bcChannel);
    cleanup.push(() => marker.close());
    marker.postMessage('marker');
    await eventually(() => expect(heard).toContain('marker'));
    expect(heard).toEqual(['marker']);

    expect(panelNotes(ydoc).has(noteKey('fake-rater', 'q1'))).toBe(false);
    const fresh = stock('panel', room.links.observer.token);
    await waitSynced(fresh);
    expect(panelNotes(fresh.doc).get(noteKey('ines', 'q1'))).toBe('private: strong on backprop');
    expect(panelNotes(fresh.doc).has(noteKey('fake-rater', 'q1'))).toBe(false);
  });
});
