import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '../../shared/api.js';
import { LIMITS } from '../../shared/protocol.js';
import { createRoom, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
const api = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  return fetch(`${server.url}/api${path}`, { ...init, headers });
};
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Staff ML engineer — onsite');
});
afterAll(() => server.close());

describe('POST /api/rooms', () => {
  it('creates a room with three 256-bit capability links carried in the URL fragment', async () => {
    expect(room.room.title).toBe('Staff ML engineer — onsite');
    for (const role of ['interviewer', 'candidate', 'observer'] as const) {
      const link = room.links[role];
      expect(link.role).toBe(role);
      expect(Buffer.from(link.token, 'base64url')).toHaveLength(32);
      expect(link.url).toBe(`${server.url}/r/${room.room.id}#token=${link.token}`);
    }
    const untitled = await createRoom(server.url);
    expect(untitled.room.title).toBe('Untitled interview');
  });

  it('answers malformed bodies with a 400 and a sentence', async () => {
    const long = await api('/rooms', json({ title: 'x'.repeat(LIMITS.MAX_TITLE_CHARS + 1) }));
    expect(long.status).toBe(400);
    expect((await long.json()).message).toMatch(/title/);
    const extra = await api('/rooms', json({ title: 'ok', admin: true }));
    expect(extra.status).toBe(400);
    const notJson = await api('/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'bad_json', message: 'The request body is not valid JSON.' });
    const wrongType = await api('/rooms', json({ title: 42 }));
    expect(wrongType.status).toBe(400);
  });

  it('stores only SHA-256 hashes of tokens', async () => {
    const links = await server.store.listLinks(room.room.id);
    expect(links).toHaveLength(3);
    for (const l of links) {
      expect(l.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.values(room.links).map((x) => x.token)).not.toContain(l.tokenHash);
    }
  });
});

describe('role × route matrix', () => {
  const roles = ['interviewer', 'candidate', 'observer'] as const;
  it('GET /rooms/:id tells each link its role; no token, bad token, other room are refused', async () => {
    for (const role of roles) {
      const res = await api(`/rooms/${room.room.id}`, { token: room.links[role].token });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ room: room.room, role, linkId: room.links[role].id });
    }
    expect((await api(`/rooms/${room.room.id}`)).status).toBe(401);
    expect((await api(`/rooms/${room.room.id}`, { token: 'x'.repeat(43) })).status).toBe(401);
    const other = await createRoom(server.url);
    expect((await api(`/rooms/${room.room.id}`, { token: other.links.interviewer.token })).status).toBe(401);
    expect((await api(`/rooms/bad!id`, { token: room.links.interviewer.token })).status).toBe(400);
  });

  it('only interviewers list, mint and revoke links', async () => {
    const expected: Record<(typeof roles)[number], number> = { interviewer: 200, candidate: 403, observer: 403 };
    for (const role of roles) {
      const res = await api(`/rooms/${room.room.id}/links`, { token: room.links[role].token });
      expect(res.status).toBe(expected[role]);
      if (role === 'interviewer') {
        const body = await res.json();
        expect(body.links.map((l: { role: string }) => l.role).sort()).toEqual(['candidate', 'interviewer', 'observer']);
        expect(JSON.stringify(body)).not.toMatch(/token/i);
      }
    }
    const minted = await api(`/rooms/${room.room.id}/links`, { ...json({ role: 'observer' }), token: room.links.interviewer.token });
    expect(minted.status).toBe(201);
    const extra = await minted.json();
    expect(extra.role).toBe('observer');
    expect((await api(`/rooms/${room.room.id}`, { token: extra.token })).status).toBe(200);

    const byCandidate = await api(`/rooms/${room.room.id}/links/${extra.id}/revoke`, { method: 'POST', token: room.links.candidate.token });
    expect(byCandidate.status).toBe(403);
    const badRole = await api(`/rooms/${room.room.id}/links`, { ...json({ role: 'admin' }), token: room.links.interviewer.token });
    expect(badRole.status).toBe(400);
    const unknown = await api(`/rooms/${room.room.id}/links/nosuchlink1/revoke`, { method: 'POST', token: room.links.interviewer.token });
    expect(unknown.status).toBe(404);

    const revoked = await api(`/rooms/${room.room.id}/links/${extra.id}/revoke`, { method: 'POST', token: room.links.interviewer.token });
    expect(revoked.status).toBe(200);
    const first = (await revoked.json()).revokedAt;
    expect(first).toBeGreaterThan(0);
    const twice = await api(`/rooms/${room.room.id}/links/${extra.id}/revoke`, { method: 'POST', token: room.links.interviewer.token });
    expect((await twice.json()).revokedAt).toBe(first);
    const after = await api(`/rooms/${room.room.id}`, { token: extra.token });
    expect(after.status).toBe(410);
    expect((await after.json()).error).toBe('revoked');
  });

  it('unknown API routes are JSON 404s', async () => {
    const res = await api('/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBe('not_found');
  });
});

describe('files', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
  const put = (id: string, token: string, body: Buffer, type = 'image/png') =>
    api(`/rooms/${room.room.id}/files/${id}`, { method: 'PUT', token, headers: { 'content-type': type }, body: new Uint8Array(body) });

  it('stores bytes for writers and serves them to every role, immutably', async () => {
    const res = await put('abcdef0123456789', room.links.candidate.token, png);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'abcdef0123456789', size: png.length, mimeType: 'image/png' });
    for (const role of ['interviewer', 'candidate', 'observer'] as const) {
      const got = await api(`/rooms/${room.room.id}/files/abcdef0123456789`, { token: room.links[role].token });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await got.arrayBuffer())).toEqual(png);
    }
    const same = await put('abcdef0123456789', room.links.interviewer.token, png);
    expect(same.status).toBe(200);
    const different = await put('abcdef0123456789', room.links.interviewer.token, Buffer.concat([png, Buffer.from([1])]));
    expect(different.status).toBe(409);
    const still = await api(`/rooms/${room.room.id}/files/abcdef0123456789`, { token: room.links.observer.token });
    expect(Buffer.from(await still.arrayBuffer())).toEqual(png);
  });

  it('refuses observers, non-images, empty and oversize uploads with clear messages', async () => {
    expect((await put('fedcba9876543210', room.links.observer.token, png)).status).toBe(403);
    const html = await put('fedcba9876543210', room.links.candidate.token, Buffer.from('<script>'), 'text/html');
    expect(html.status).toBe(415);
    expect((await put('fedcba9876543210', room.links.candidate.token, Buffer.alloc(0))).status).toBe(400);
    const big = await put('fedcba9876543210', room.links.candidate.token, Buffer.alloc(LIMITS.MAX_FILE_BYTES + 1));
    expect(big.status).toBe(413);
    const body = await big.json();
    expect(body.error).toBe('file_too_large');
    expect(body.message).toMatch(/4 MiB/);
    expect((await api(`/rooms/${room.room.id}/files/../../etc`, { token: room.links.observer.token })).status).toBeGreaterThanOrEqual(400);
    expect((await api(`/rooms/${room.room.id}/files/missingfile123`, { token: room.links.observer.token })).status).toBe(404);
  });
});

describe('logging', () => {
  it('never writes a token into the log, even at debug level and on refusals', async () => {
    const dbg = await startTestServer({ logLevel: 'debug' });
    try {
      const r = await createRoom(dbg.url);
      const tokens = Object.values(r.links).map((l) => l.token);
      for (const t of tokens) {
        await fetch(`${dbg.url}/api/rooms/${r.room.id}?token=${t}`, { headers: { authorization: `Bearer ${t}` } });
        await fetch(`${dbg.url}/api/rooms/${r.room.id}/links`, { headers: { authorization: `Bearer ${t}` } });
      }
      const { connect, nextClose, waitSynced } = await import('../support/server.js');
      const ok = connect(dbg.url, r.room.id, 'board', r.links.interviewer.token);
      await waitSynced(ok);
      const refused = connect(dbg.url, r.room.id, 'panel', r.links.candidate.token);
      await nextClose(refused);
      ok.destroy();
      refused.destroy();
      expect(dbg.logs.length).toBeGreaterThan(5);
      const all = dbg.logs.join('\n');
      for (const t of tokens) expect(all).not.toContain(t);
    } finally {
      await dbg.close();
    }
  });
});
