/**
 * Issue 7: whether candidates may insert diagram templates is the interviewer's call, stored in
 * the board doc's server-only session map through REST, and read by everyone from the doc. The
 * current question carries its template id so "Insert template" is one click away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardSession, readCurrentQuestion, readTemplatesForAnyone, SESSION_KEYS } from '../../shared/doc.js';
import { CloseCode } from '../../shared/protocol.js';
import { connect, createRoom, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
const clients: Client[] = [];
const open = (token: string) => {
  const c = connect(server.url, room.room.id, 'board', token);
  clients.push(c);
  return c;
};

type Caller = 'interviewer' | 'candidate' | 'observer' | 'none';
const put = (caller: Caller, body: unknown, raw?: string) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller !== 'none') headers.authorization = `Bearer ${room.links[caller].token}`;
  return fetch(`${server.url}/api/rooms/${room.room.id}/session/templates`, {
    method: 'PUT',
    headers,
    body: raw ?? JSON.stringify(body),
  });
};

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Diagrams');
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('PUT /session/templates', () => {
  it('only an interviewer may set it', async () => {
    const got: Record<Caller, number> = { interviewer: 0, candidate: 0, observer: 0, none: 0 };
    for (const caller of Object.keys(got) as Caller[]) got[caller] = (await put(caller, { allowed: false })).status;
    expect(got).toEqual({ interviewer: 200, candidate: 403, observer: 403, none: 401 });
  });

  it('answers 400 with a sentence for a bad body', async () => {
    for (const [body, raw] of [
      [{}, undefined],
      [{ allowed: 'yes' }, undefined],
      [{ allowed: true, extra: 1 }, undefined],
      [undefined, '{not json'],
    ] as const) {
      const res = await put('interviewer', body, raw);
      expect(res.status, JSON.stringify(body ?? raw)).toBe(400);
      const payload = (await res.json()) as { error: string; message: string };
      expect(payload.message.length, JSON.stringify(payload)).toBeGreaterThan(10);
    }
    const res = await put('interviewer', { allowed: 1 });
    expect(((await res.json()) as { message: string }).message).toMatch(/allowed must be true or false/);
  });

  it('reaches the candidate’s and the observer’s board docs, both ways, and is off by default', async () => {
    const fresh = await createRoom(server.url, 'Fresh');
    const probe = connect(server.url, fresh.room.id, 'board', fresh.links.candidate.token);
    clients.push(probe);
    await waitSynced(probe);
    expect(readTemplatesForAnyone(probe.doc)).toBe(false);

    const cand = open(room.links.candidate.token);
    const obs = open(room.links.observer.token);
    await Promise.all([waitSynced(cand), waitSynced(obs)]);
    expect((await put('interviewer', { allowed: true })).status).toBe(200);
    await eventually(() => expect(readTemplatesForAnyone(cand.doc)).toBe(true));
    await eventually(() => expect(readTemplatesForAnyone(obs.doc)).toBe(true));
    const res = await put('interviewer', { allowed: false });
    expect(await res.json()).toEqual({ allowed: false });
    await eventually(() => expect(readTemplatesForAnyone(cand.doc)).toBe(false));
  });

  it('a candidate cannot grant itself the permission through the socket', async () => {
    const cand = open(room.links.candidate.token);
    await waitSynced(cand);
    const closed = nextClose(cand);
    boardSession(cand.doc).set(SESSION_KEYS.templatesForAnyone, true);
    expect(await closed).toBe(CloseCode.Forbidden);
    const check = open(room.links.interviewer.token);
    await waitSynced(check);
    expect(readTemplatesForAnyone(check.doc)).toBe(false);
  });
});

describe('the current question names its template', () => {
  it('a question with `diagram:` puts the template id in the board doc; one without leaves it out', async () => {
    // A room of its own: the candidate link of the shared one is cooling down after the refused write above.
    const own = await createRoom(server.url, 'Templates by question');
    const cand = connect(server.url, own.room.id, 'board', own.links.candidate.token);
    clients.push(cand);
    await waitSynced(cand);
    const set = (questionId: string) =>
      fetch(`${server.url}/api/rooms/${own.room.id}/session/current`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${own.links.interviewer.token}` },
        body: JSON.stringify({ questionId }),
      });
    expect((await set('q2')).status).toBe(200);
    await eventually(() => expect(readCurrentQuestion(cand.doc)?.diagram).toBe('long-sequence-transformer'));
    expect((await set('q1')).status).toBe(200);
    await eventually(() => expect(readCurrentQuestion(cand.doc)?.id).toBe('q1'));
    expect(readCurrentQuestion(cand.doc)).not.toHaveProperty('diagram');
  });
});
