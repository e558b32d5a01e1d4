/**
 * GET /api/rooms/:id/diagrams (server/http/diagrams.ts): the loaded bank's diagram templates, the
 * client's one source for the Diagram menu. A custom QUESTIONS_DIR serves its own `.diagram.json`
 * files (and not the built-in ones); access follows `board.write`; nothing of a question but its
 * id is in the answer.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templates as builtIn } from '../../questions/index.js';
import type { CreateRoomResponse, DiagramTemplatesResponse } from '../../shared/api.js';
import { rolesWithIn } from '../../shared/capabilities.js';
import { createRoom, startTestServer, type TestServer } from '../support/server.js';

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'questions-valid');

const get = (server: TestServer, roomId: string, token: string | null) =>
  fetch(`${server.url}/api/rooms/${roomId}/diagrams`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

describe('GET /diagrams on a custom QUESTIONS_DIR', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  beforeAll(async () => {
    server = await startTestServer({ questionsDir: FIXTURE });
    room = await createRoom(server.url, 'Custom diagrams');
  });
  afterAll(() => server.close());

  it("serves the bank's own diagram with its question's id and elements as the file holds them", async () => {
    const res = await get(server, room.room.id, room.links.interviewer.token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as DiagramTemplatesResponse;
    // Only the custom bank's: the built-in templates are not part of it.
    expect(body.templates.map((t) => t.id)).toEqual(['alpha-diagram']);
    const alpha = body.templates[0]!;
    expect(Object.keys(alpha).sort()).toEqual(['elements', 'id', 'question', 'title']);
    expect(alpha.title).toBe('Alpha: one attention block');
    expect(alpha.question).toBe('alpha');
    expect(alpha.elements).toHaveLength(3);
    expect(alpha.elements[1]).toMatchObject({ type: 'rectangle', id: 'alpha-box', label: { text: 'Alpha attention' } });
  });

  it('answers whoever may write the board, and nobody else', async () => {
    expect(rolesWithIn('interview', 'board.write')).toEqual(['interviewer', 'candidate']);
    expect((await get(server, room.room.id, room.links.interviewer.token)).status).toBe(200);
    // A candidate holds the list before the interviewer allows inserts: the toggle can flip at any moment.
    const candidate = await get(server, room.room.id, room.links.candidate.token);
    expect(candidate.status).toBe(200);
    const text = await candidate.text();
    expect(text).toContain('Alpha attention');
    // Board content only: the question's guide, follow-ups, probing and file never ride along.
    const alpha = server.questions.get('alpha')!;
    for (const secret of ['Softmax over keys', ...alpha.followUps, ...alpha.probing, alpha.file]) expect(text).not.toContain(secret);

    const observer = await get(server, room.room.id, room.links.observer.token);
    expect(observer.status).toBe(403);
    expect((await observer.json()).message).toBe('Only interviewer or candidate links may do this.');
  });

  it('refuses bad input with 4xx', async () => {
    expect((await get(server, room.room.id, null)).status).toBe(401);
    expect((await get(server, room.room.id, 'not-a-token')).status).toBe(401);
    expect((await get(server, 'no such room!', room.links.interviewer.token)).status).toBe(400);
    const other = await createRoom(server.url, 'Another room');
    // A link is good for its own room only.
    expect((await get(server, other.room.id, room.links.interviewer.token)).status).toBe(401);
  });
});

describe('GET /diagrams on the built-in bank', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves every built-in template, each with the id of the question that names it', async () => {
    const room = await createRoom(server.url, 'Built-in diagrams');
    const body = (await (await get(server, room.room.id, room.links.candidate.token)).json()) as DiagramTemplatesResponse;
    expect(body.templates.map((t) => t.id)).toEqual(builtIn.map((t) => t.id));
    for (const t of body.templates) {
      const question = server.questions.get(t.question!);
      expect(question?.diagram, t.id).toBe(t.id);
    }
    expect(body.templates[0]!.elements).toEqual(JSON.parse(JSON.stringify(builtIn[0]!.elements)));
  });
});
