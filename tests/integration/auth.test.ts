/**
 * resolveLink (server/auth.ts) is the one function that turns a room token into a link, for
 * REST and for the sync upgrade alike. Here against a real store; http.test.ts and
 * sync.test.ts check that each door maps its refusals to the same 401/410/404 and 4401/4410/4404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveLink } from '../../server/auth.js';
import type { CreateRoomResponse } from '../../shared/api.js';
import { CloseCode, syncProtocols } from '../../shared/protocol.js';
import { closeCodeOf, createRoom, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
let other: CreateRoomResponse;

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'auth');
  other = await createRoom(server.url, 'other');
});
afterAll(async () => {
  await server.close();
});

describe('resolveLink', () => {
  it('resolves a live link to its link and room', async () => {
    const r = await resolveLink(server.store, room.room.id, room.links.candidate.token);
    expect(r.ok && { role: r.link.role, linkId: r.link.id, roomId: r.room.id }).toEqual({ role: 'candidate', linkId: room.links.candidate.id, roomId: room.room.id });
  });

  it('calls malformed, unknown and other-room tokens alike "bad"', async () => {
    for (const token of ['', 'short', 'x'.repeat(43), 'not base64url !'.padEnd(43, '!'), other.links.interviewer.token]) {
      expect(await resolveLink(server.store, room.room.id, token)).toEqual({ ok: false, reason: 'bad' });
    }
  });

  it('says "revoked" for a revoked link, and both doors refuse it the same way', async () => {
    const minted = await fetch(`${server.url}/api/rooms/${room.room.id}/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'observer' }),
    });
    const link = (await minted.json()) as { id: string; token: string };
    await server.store.revokeLink(room.room.id, link.id, Date.now());
    expect(await resolveLink(server.store, room.room.id, link.token)).toEqual({ ok: false, reason: 'revoked' });

    const rest = await fetch(`${server.url}/api/rooms/${room.room.id}`, { headers: { authorization: `Bearer ${link.token}` } });
    expect(rest.status).toBe(410);
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${room.room.id}/board`, syncProtocols(link.token));
    expect((await closeCodeOf(ws)).code).toBe(CloseCode.Revoked);
  });
});
