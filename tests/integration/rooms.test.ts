/**
 * server/http/rooms.ts against the attacks of issue 12: a script creating rooms as fast as it
 * can (329/s measured), creation without the server's secret, a forged Host header that would
 * put an attacker's host in the links, and titles carrying control characters.
 */
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '../../shared/api.js';
import { CREATE_TOKEN_HEADER } from '../../shared/protocol.js';
import { DEFAULT_ROOM_CREATE_PER_MINUTE } from '../../server/config.js';
import { clientKey } from '../../server/http/rateLimit.js';
import { startTestServer, type TestServer } from '../support/server.js';

const servers: TestServer[] = [];
async function server(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(overrides);
  servers.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const create = (s: TestServer, headers: Record<string, string> = {}, body: unknown = {}) =>
  fetch(`${s.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** fetch() won't send a Host of our choosing; an attacker's raw request will. */
function rawCreate(s: TestServer, host: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: s.port, method: 'POST', path: '/api/rooms', headers: { host, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}

describe('room creation rate per address', () => {
  it('answers 429 with Retry-After once one address has created its burst (400 attempts)', async () => {
    const s = await server();
    const statuses: number[] = [];
    let refused: Response | null = null;
    for (let i = 0; i < 400; i++) {
      const res = await create(s);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else await res.body?.cancel();
    }
    const created = statuses.filter((x) => x === 201).length;
    // The burst, plus whatever trickled back while the loop ran (a token per 2 s at the default rate).
    expect(created).toBeGreaterThanOrEqual(DEFAULT_ROOM_CREATE_PER_MINUTE);
    expect(created).toBeLessThan(DEFAULT_ROOM_CREATE_PER_MINUTE + 20);
    expect(statuses.filter((x) => x === 429).length).toBe(400 - created);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused!.json()).toMatchObject({ error: 'too_many_rooms', message: expect.stringMatching(/^Too many new interviews from your address; try again in \d+ s\.$/) });
  });

  it('keeps each address to its own bucket behind a trusted proxy', async () => {
    const s = await server({ roomCreatePerMinute: 3, trustProxy: 1 });
    const from = (ip: string) => create(s, { 'x-forwarded-for': ip }).then((r) => r.status);
    expect([await from('198.51.100.7'), await from('198.51.100.7'), await from('198.51.100.7'), await from('198.51.100.7')]).toEqual([201, 201, 201, 429]);
    expect(await from('203.0.113.9')).toBe(201);
    // One IPv6 client holds a whole /64: rotating addresses inside it gets no fresh bucket.
    const v6 = await Promise.all(['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3', '2001:db8:1:2::4'].map(from));
    expect(v6.sort()).toEqual([201, 201, 201, 429]);
  });

  it('is off with ATTN_ROOM_CREATE_PER_MINUTE=0', async () => {
    const s = await server({ roomCreatePerMinute: 0 });
    const statuses = new Set<number>();
    for (let i = 0; i < DEFAULT_ROOM_CREATE_PER_MINUTE + 5; i++) statuses.add((await create(s)).status);
    expect([...statuses]).toEqual([201]);
  });

  it('keys IPv6 clients by /64 and IPv4-mapped addresses by the IPv4 address', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});

describe('ATTN_CREATE_TOKEN', () => {
  const secret = 'create-secret-0123456789abcdef';

  it('needs the secret when set: 401 without, 403 wrong, 201 right', async () => {
    const s = await server({ createToken: secret });
    const none = await create(s);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: 'create_token_required',
      message: `Creating an interview on this server needs its room-creation secret (${CREATE_TOKEN_HEADER}).`,
    });
    const wrong = await create(s, { [CREATE_TOKEN_HEADER]: 'create-secret-0123456789abcdeX' });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toBe('bad_create_token');
    const right = await create(s, { [CREATE_TOKEN_HEADER]: secret }, { title: 'With the secret' });
    expect(right.status).toBe(201);
    expect(((await right.json()) as CreateRoomResponse).room.title).toBe('With the secret');
    // Never echoed, never logged.
    expect(s.logs.join('\n')).not.toContain(secret);
  });

  it('is refused at start-up when too short to be a secret', async () => {
    const { loadConfig } = await import('../../server/config.js');
    expect(() => loadConfig({ ATTN_CREATE_TOKEN: 'short' })).toThrow(/^ATTN_CREATE_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ ATTN_CREATE_TOKEN: 'short' })).not.toThrow(/short"/);
  });
});

describe('links and the Host header', () => {
  it('refuses to build links for a Host that is not allowed (Host header injection)', async () => {
    const s = await server();
    const evil = await rawCreate(s, 'attacker.example');
    expect(evil.status).toBe(400);
    expect(evil.body).toEqual({
      error: 'bad_host',
      message: 'Links can\'t be made for host "attacker.example": set ATTN_PUBLIC_URL, or add the host to ATTN_ALLOWED_HOSTS.',
    });
    const ok = await rawCreate(s, `127.0.0.1:${s.port}`);
    expect(ok.status).toBe(201);
    expect((ok.body as unknown as CreateRoomResponse).links.interviewer.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/r/`));
  });

  it('uses ATTN_PUBLIC_URL whatever the Host says', async () => {
    const s = await server({ publicUrl: 'https://attn.example.com' });
    const res = await rawCreate(s, 'attacker.example');
    expect(res.status).toBe(201);
    const links = (res.body as unknown as CreateRoomResponse).links;
    for (const link of Object.values(links)) expect(link.url.startsWith('https://attn.example.com/r/')).toBe(true);
  });

  it('accepts the hosts of ATTN_ALLOWED_HOSTS and no other, also when minting a link later', async () => {
    const s = await server({ allowedHosts: ['attn.internal', 'board.example.com:8443'] });
    expect((await rawCreate(s, 'attn.internal:9000')).status).toBe(201);
    expect((await rawCreate(s, 'board.example.com:8443')).status).toBe(201);
    expect((await rawCreate(s, 'board.example.com:9999')).status).toBe(400);
    expect((await rawCreate(s, `127.0.0.1:${s.port}`)).status).toBe(400);
    const room = (await rawCreate(s, 'attn.internal')).body as unknown as CreateRoomResponse;
    const mint = await fetch(`${s.url}/api/rooms/${room.room.id}/links`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'observer' }),
    });
    expect(mint.status).toBe(400);
    expect((await mint.json()).error).toBe('bad_host');
  });
});

describe('titles', () => {
  it('refuses control characters with a 400 sentence', async () => {
    const s = await server();
    for (const title of ['a\u0000b', 'line\nbreak', 'esc\u001b[31mred', 'bidi \u202egnp.exe', 'iso\u2066late', 'c1\u0085']) {
      const res = await create(s, {}, { title });
      expect(res.status, JSON.stringify(title)).toBe(400);
      expect((await res.json()).message).toBe('title: title must not contain control characters (line breaks, tabs, escapes or bidi overrides)');
    }
    const fine = await create(s, {}, { title: 'Staff ML — 注意 👩‍💻' });
    expect(fine.status).toBe(201);
  });
});
