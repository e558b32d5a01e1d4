/**
 * Scorecard attachments (issue 7): an interviewer names an uploaded PNG; the server checks it and
 * appends it to the panel doc. Every caller is tried; a candidate gets 403 and never receives a
 * byte of the list, and nobody can write the list over the socket.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse, Scorecard } from '../../shared/api.js';
import { MAX_CAPTION_CHARS } from '../../shared/api.js';
import { panelAttachments, type Attachment } from '../../shared/doc.js';
import { CloseCode } from '../../shared/protocol.js';
import { connect, createRoom, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

const PNG = new Uint8Array(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/gradient-64.png')));
const CAPTION = 'ATTACH-CAPTION-91c2: the fusion block';

let server: TestServer;
let room: CreateRoomResponse;
const clients: Client[] = [];
const open = (doc: 'board' | 'panel', token: string, name?: string) => {
  const c = connect(server.url, room.room.id, doc, token, { name });
  clients.push(c);
  return c;
};

type Caller = 'interviewer' | 'candidate' | 'observer' | 'none';
const tokenOf = (c: Caller) => (c === 'none' ? undefined : room.links[c].token);
function call(c: Caller, method: string, route: string, body?: unknown, raw?: { type: string; bytes: Uint8Array }): Promise<Response> {
  const headers: Record<string, string> = {};
  const t = tokenOf(c);
  if (t) headers.authorization = `Bearer ${t}`;
  let payload: BodyInit | undefined;
  if (raw) {
    headers['content-type'] = raw.type;
    payload = new Blob([new Uint8Array(raw.bytes)]);
  } else if (typeof body === 'string') {
    headers['content-type'] = 'application/json';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`${server.url}/api/rooms/${room.room.id}${route}`, { method, headers, body: payload });
}
const upload = async (id: string, type: string, bytes: Uint8Array) => {
  const res = await call('interviewer', 'PUT', `/files/${id}`, undefined, { type, bytes });
  expect(res.status).toBeLessThan(300);
};

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Attachments');
  await upload('boardpng00001', 'image/png', PNG);
  await upload('boardjpeg0001', 'image/jpeg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
  // Claims to be a PNG, is not one: the files route refuses such an upload now, so this stands
  // for a file stored before it did, straight in the store. The attachment route checks the bytes too.
  const fake = new Uint8Array([0x3c, 0x73, 0x76, 0x67, 0x3e, 1, 2, 3, 4, 5]);
  await server.store.putFile({ roomId: room.room.id, id: 'fakepng000001', mimeType: 'image/png', size: fake.length, sha256: 'legacy', createdAt: Date.now(), bytes: fake });
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('POST /attachments', () => {
  it('lets only interviewers attach', async () => {
    const got: Record<string, number> = {};
    for (const c of ['candidate', 'observer', 'none'] as const) {
      got[c] = (await call(c, 'POST', '/attachments', { fileId: 'boardpng00001', caption: 'x' })).status;
    }
    expect(got).toEqual({ candidate: 403, observer: 403, none: 401 });
    const res = await call('candidate', 'POST', '/attachments', { fileId: 'boardpng00001' });
    expect((await res.json()).message).toMatch(/interviewer/);
  });

  it('appends to the panel doc and the scorecard', async () => {
    const panel = open('panel', room.links.interviewer.token, 'Ivy');
    await waitSynced(panel);
    const before = Date.now();
    const res = await call('interviewer', 'POST', '/attachments', { fileId: 'boardpng00001', caption: `  ${CAPTION}  ` });
    expect(res.status).toBe(201);
    const { attachment } = (await res.json()) as { attachment: Attachment };
    expect(attachment).toMatchObject({ fileId: 'boardpng00001', mimeType: 'image/png', caption: CAPTION });
    expect(attachment.at).toBeGreaterThanOrEqual(before);
    // The REST caller has a panel socket open under the name Ivy, so the entry says who.
    expect(attachment.by).toBe('Ivy');
    await eventually(() => expect(panelAttachments(panel.doc).toArray()).toEqual([attachment]));

    const card = (await (await call('interviewer', 'GET', '/scorecard.json')).json()) as Scorecard;
    expect(card.attachments).toEqual([attachment]);
    const md = await (await call('interviewer', 'GET', '/scorecard.md')).text();
    expect(md).toContain('## Attachments');
    expect(md).toContain(CAPTION);
    expect(md).toContain('boardpng00001');
  });

  it('answers 404 for a file that is not in this room, 422 for anything but a real PNG', async () => {
    const unknown = await call('interviewer', 'POST', '/attachments', { fileId: 'nosuchfile01' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toMatch(/No such file/);

    // A file uploaded to another room does not count either.
    const other = await createRoom(server.url, 'Other');
    await fetch(`${server.url}/api/rooms/${other.room.id}/files/otherroompng1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${other.links.interviewer.token}`, 'content-type': 'image/png' },
      body: new Blob([PNG]),
    });
    expect((await call('interviewer', 'POST', '/attachments', { fileId: 'otherroompng1' })).status).toBe(404);

    for (const fileId of ['boardjpeg0001', 'fakepng000001']) {
      const res = await call('interviewer', 'POST', '/attachments', { fileId });
      expect(res.status).toBe(422);
      expect((await res.json()).message).toMatch(/Only PNG/);
    }
  });

  it('answers 400 with a sentence for a bad body', async () => {
    const bodies: unknown[] = [
      {},
      { fileId: 'a/b/../../c' },
      { fileId: 'boardpng00001', caption: 'x'.repeat(MAX_CAPTION_CHARS + 1) },
      { fileId: 'boardpng00001', caption: 7 },
      { fileId: 'boardpng00001', extra: true },
      '{"fileId": ',
    ];
    for (const body of bodies) {
      const res = await call('interviewer', 'POST', '/attachments', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = (await res.json()) as { message: string };
      expect(json.message.length).toBeGreaterThan(5);
    }
  });
});

describe('what a candidate gets', () => {
  it('never the panel doc, never the attachment list, never the caption', async () => {
    const received: Buffer[] = [];
    const cand = open('board', room.links.candidate.token, 'Cand');
    await waitSynced(cand);
    cand.provider.ws!.addEventListener('message', (e: MessageEvent) => received.push(Buffer.from(e.data as ArrayBuffer)));

    expect(await nextClose(open('panel', room.links.candidate.token))).toBe(CloseCode.Forbidden);
    const res = await call('candidate', 'POST', '/attachments', { fileId: 'boardpng00001', caption: 'candidate try' });
    expect(res.status).toBe(403);
    expect((await call('candidate', 'DELETE', '/attachments/boardpng00001')).status).toBe(403);
    expect((await call('candidate', 'GET', '/scorecard.json')).status).toBe(403);

    // The interviewer attaches again while the candidate is connected.
    expect((await call('interviewer', 'POST', '/attachments', { fileId: 'boardpng00001', caption: `${CAPTION} (again)` })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));
    const all = Buffer.concat(received);
    expect(all.includes(Buffer.from('ATTACH-CAPTION-91c2'))).toBe(false);
    expect(all.includes(Buffer.from('attachments'))).toBe(false);
  });
});

describe('the list is the server’s', () => {
  it('closes an interviewer socket that writes attachments directly and keeps the write out', async () => {
    const rogue = open('panel', room.links.interviewer.token, 'Rogue');
    await waitSynced(rogue);
    const closed = nextClose(rogue);
    panelAttachments(rogue.doc).push([{ fileId: 'nosuchfile01', mimeType: 'image/png', caption: 'forged', at: 1, by: 'Rogue' }]);
    expect(await closed).toBe(CloseCode.Forbidden);
    const card = (await (await call('interviewer', 'GET', '/scorecard.json')).json()) as Scorecard;
    expect(card.attachments.map((a) => a.caption)).not.toContain('forged');
  });

  it('DELETE removes every entry for a file (interviewers only)', async () => {
    expect((await call('observer', 'DELETE', '/attachments/boardpng00001')).status).toBe(403);
    const res = await call('interviewer', 'DELETE', '/attachments/boardpng00001');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ removed: 2 });
    const card = (await (await call('interviewer', 'GET', '/scorecard.json')).json()) as Scorecard;
    expect(card.attachments).toEqual([]);
    expect((await call('interviewer', 'DELETE', '/attachments/boardpng00001')).status).toBe(404);
  });
});
