/**
 * Issue 16, server side: a spot-the-bug question's listing reaches the candidate (board doc,
 * pad), its defects reach only interviewers (GET /questions), and nothing a candidate receives
 * over HTTP or WebSocket holds a defect, fix or follow-up. Also: a server started on a custom
 * QUESTIONS_DIR serves that bank's questions, challenges and diagrams instead of the built-in ones.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateRoomResponse, QuestionsResponse } from '../../shared/api.js';
import type { ChallengeListResponse } from '../../shared/challengeSpec.js';
import { boardCode, readCurrentQuestion } from '../../shared/doc.js';
import { connect, createRoom, eventually, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

const clients: Client[] = [];
afterAll(() => {
  for (const c of clients.splice(0)) c.destroy();
});

const api = (server: TestServer, room: CreateRoomResponse, token: string, route: string, body?: unknown) =>
  fetch(`${server.url}/api/rooms/${room.room.id}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('spot the bug on the built-in bank', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  beforeAll(async () => {
    server = await startTestServer();
    room = await createRoom(server.url, 'Listing');
  });
  afterAll(() => server.close());

  it('slices a listing: code to the candidate, defects to interviewers only, over HTTP and WS', async () => {
    const iv = room.links.interviewer.token;
    const cand = room.links.candidate.token;
    const listingQuestion = server.questions.get('q16')!;
    const listing = listingQuestion.listing!;

    // The candidate's socket, recording every byte it receives.
    const candidate = connect(server.url, room.room.id, 'board', cand, { name: 'Cass' });
    clients.push(candidate);
    await waitSynced(candidate);
    const received: Buffer[] = [];
    candidate.provider.ws!.addEventListener('message', (e: MessageEvent) => received.push(Buffer.from(e.data as ArrayBuffer)));

    // Interviewers see every defect with its line, severity, fix and follow-up.
    const bank = (await (await api(server, room, iv, '/questions')).json()) as QuestionsResponse;
    const full = bank.questions.find((q) => q.id === 'q16')!;
    expect(full.listing?.defects).toEqual(listing.defects);
    expect(full.screen.listing).toEqual({ target: 'pad', text: listing.code });
    expect((await api(server, room, cand, '/questions')).status).toBe(403);

    // On screen: the candidate's board doc gets the code only.
    expect((await api(server, room, iv, '/session/current', { questionId: 'q16' })).status).toBe(200);
    await eventually(() => expect(readCurrentQuestion(candidate.doc)?.listing).toEqual({ language: 'python', code: listing.code }));
    const session = await (await api(server, room, cand, '/session')).text();
    expect(JSON.parse(session).current.listing.code).toBe(listing.code);

    // Put on the pad: the pad's text is the listing, line for line.
    expect((await api(server, room, cand, '/session/screen', { attachment: 'listing' })).status).toBe(403);
    const put = await api(server, room, iv, '/session/screen', { attachment: 'listing' });
    expect(put.status).toBe(200);
    await eventually(() => expect(boardCode(candidate.doc).toString()).toBe(listing.code));
    const lines = boardCode(candidate.doc).toString().split('\n');
    for (const d of listing.defects) expect(lines[d.line - 1]?.trim(), `line ${d.line}`).not.toBe('');

    // A question without a listing, or a bad body, is refused with a clear message.
    await api(server, room, iv, '/session/current', { questionId: 'q8' });
    const none = await api(server, room, iv, '/session/screen', { attachment: 'listing' });
    expect(none.status).toBe(409);
    expect((await none.json()).message).toMatch(/has no listing/);
    const bad = await api(server, room, iv, '/session/screen', { attachment: 'guide' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/attachment must be challenge or listing/);
    await api(server, room, iv, '/session/current', { questionId: 'q16' });
    await new Promise((r) => setTimeout(r, 200));

    const all = Buffer.concat([...received, Buffer.from(session, 'utf8')]);
    expect(all.includes(Buffer.from(listing.code.split('\n')[8]!, 'utf8'))).toBe(true);
    const secrets = listing.defects.flatMap((d) => [d.defect.slice(0, 60), d.fix, d.followUp.slice(0, 60)]);
    const leaked = secrets.filter((s) => all.includes(Buffer.from(s, 'utf8')));
    expect(leaked).toEqual([]);
    expect(all.includes(Buffer.from('"defects"', 'utf8'))).toBe(false);
    expect(all.includes(Buffer.from('severity', 'utf8'))).toBe(false);
  });
});

describe('a custom QUESTIONS_DIR', () => {
  let server: TestServer;
  let room: CreateRoomResponse;
  beforeAll(async () => {
    server = await startTestServer({ questionsDir: path.join(import.meta.dirname, '..', 'fixtures', 'questions-valid') });
    room = await createRoom(server.url, 'Custom bank');
  });
  afterAll(() => server.close());

  it('replaces the questions, challenges and diagrams, and slices its listing too', async () => {
    const iv = room.links.interviewer.token;
    const bank = (await (await api(server, room, iv, '/questions')).json()) as QuestionsResponse;
    expect(bank.questions.map((q) => q.id)).toEqual(['alpha', 'beta']);
    expect(bank.questions[0]!.screen).toEqual({
      challenge: { target: 'pad', text: expect.stringContaining('export function alphaAdd(') },
      diagram: { target: 'board', templateId: 'alpha-diagram' },
    });
    const challenges = (await (await api(server, room, iv, '/challenges')).json()) as ChallengeListResponse;
    expect(challenges.challenges.map((c) => c.id)).toEqual(['alpha-challenge']);
    const reference = await (await api(server, room, iv, '/challenges/alpha-challenge/reference')).json();
    expect(reference.source).toContain('reference: (_tf, a, b) => a + b');

    await api(server, room, iv, '/session/current', { questionId: 'beta' });
    const session = await (await api(server, room, room.links.candidate.token, '/session')).text();
    expect(JSON.parse(session).current.listing.code).toContain('return total / (len(xs) - 1)');
    expect(session).not.toContain('BETA-DEFECT');
  });
});
