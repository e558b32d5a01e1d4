/**
 * Issue 3 server side: the question bank, plan, current question, signals and scorecard, with
 * every route and document checked for every kind of caller, and the candidate's whole session
 * checked byte for byte for interviewer-only data.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CreateRoomResponse, QuestionsResponse } from '../../shared/api.js';
import {
  askedKey,
  boardCode,
  boardSession,
  noteKey,
  panelAsked,
  panelNotes,
  panelPlan,
  panelRaters,
  panelScores,
  panelSignals,
  readCurrentQuestion,
  readQuestionHistory,
  scoreKey,
} from '../../shared/doc.js';
import { CloseCode } from '../../shared/protocol.js';
import { RUBRIC_SUB_CRITERION_IDS } from '../../shared/rubric.js';
import type { Scorecard } from '../../shared/api.js';
import { closeCodeOf, connect, createRoom, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
let revokedToken: string;
const clients: Client[] = [];
const open = (doc: 'board' | 'panel', token: string, name?: string) => {
  const c = connect(server.url, room.room.id, doc, token, { name });
  clients.push(c);
  return c;
};

type Caller = 'interviewer' | 'candidate' | 'observer' | 'none' | 'revoked';
const tokenOf = (c: Caller) =>
  c === 'none' ? undefined : c === 'revoked' ? revokedToken : room.links[c].token;
const call = (c: Caller, method: string, path: string, body?: unknown, raw?: { type: string; bytes: Uint8Array }) => {
  const headers: Record<string, string> = {};
  const t = tokenOf(c);
  if (t) headers.authorization = `Bearer ${t}`;
  let payload: BodyInit | undefined;
  if (raw) {
    headers['content-type'] = raw.type;
    payload = new Blob([new Uint8Array(raw.bytes)]);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  return fetch(`${server.url}/api/rooms/${room.room.id}${path}`, { method, headers, body: payload });
};

beforeAll(async () => {
  server = await startTestServer();
  room = await createRoom(server.url, 'Matrix');
  const res = await call('interviewer', 'POST', '/links', { role: 'candidate' });
  const extra = await res.json();
  await call('interviewer', 'POST', `/links/${extra.id}/revoke`);
  revokedToken = extra.token;
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('role × route matrix', () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  // [method, path, body, expected status per caller]
  const routes: Array<[string, string, unknown, Record<Caller, number>, { type: string; bytes: Uint8Array }?]> = [
    ['GET', '', undefined, { interviewer: 200, candidate: 200, observer: 200, none: 401, revoked: 410 }],
    ['GET', '/links', undefined, { interviewer: 200, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['POST', '/links', { role: 'observer' }, { interviewer: 201, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['POST', '/links/nosuchlink1/revoke', undefined, { interviewer: 404, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['PUT', '/files/matrixfile01', undefined, { interviewer: 201, candidate: 200, observer: 403, none: 401, revoked: 410 }, { type: 'image/png', bytes: png }],
    ['GET', '/files/matrixfile01', undefined, { interviewer: 200, candidate: 200, observer: 200, none: 401, revoked: 410 }],
    ['GET', '/questions', undefined, { interviewer: 200, candidate: 403, observer: 200, none: 401, revoked: 410 }],
    ['PUT', '/plan', { questionIds: ['q1', 'q2'] }, { interviewer: 200, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['POST', '/session/current', { questionId: 'q1' }, { interviewer: 200, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['GET', '/session', undefined, { interviewer: 200, candidate: 200, observer: 200, none: 401, revoked: 410 }],
    ['POST', '/signals', { kind: 'hidden' }, { interviewer: 403, candidate: 202, observer: 403, none: 401, revoked: 410 }],
    ['GET', '/scorecard.json', undefined, { interviewer: 200, candidate: 403, observer: 403, none: 401, revoked: 410 }],
    ['GET', '/scorecard.md', undefined, { interviewer: 200, candidate: 403, observer: 403, none: 401, revoked: 410 }],
  ];
  const callers: Caller[] = ['interviewer', 'candidate', 'observer', 'none', 'revoked'];
  for (const [method, path, body, expected, raw] of routes) {
    it(`${method} ${path || '/'}`, async () => {
      const got: Record<string, number> = {};
      for (const c of callers) got[c] = (await call(c, method, path, body, raw)).status;
      expect(got).toEqual(expected);
    });
  }

  it('documents: board for every link (observer read-only), panel never for a candidate', async () => {
    const expectations: Array<[Caller, 'board' | 'panel', number | 'open']> = [
      ['interviewer', 'board', 'open'],
      ['candidate', 'board', 'open'],
      ['observer', 'board', 'open'],
      ['interviewer', 'panel', 'open'],
      ['observer', 'panel', 'open'],
      ['candidate', 'panel', CloseCode.Forbidden],
      ['revoked', 'board', CloseCode.Revoked],
      ['revoked', 'panel', CloseCode.Revoked],
    ];
    for (const [caller, doc, want] of expectations) {
      const c = open(doc, tokenOf(caller)!);
      if (want === 'open') await waitSynced(c);
      else expect(await nextClose(c)).toBe(want);
    }
    const anon = new WebSocket(`${server.url.replace('http', 'ws')}/sync/${room.room.id}/panel`);
    expect((await closeCodeOf(anon)).code).toBe(CloseCode.BadToken);
  });
});

describe('question bank and plan', () => {
  it('serves the full bank to interviewers and observers, with guides', async () => {
    const res = await call('observer', 'GET', '/questions');
    const body = (await res.json()) as QuestionsResponse;
    expect(body.questions.map((q) => q.id)).toEqual(Array.from({ length: 17 }, (_, i) => `q${i + 1}`));
    expect(body.questions[0]!.guide.length).toBeGreaterThan(500);
    expect(body.questions[0]).not.toHaveProperty('file');
  });

  it('takes a plan at creation, validated against the bank', async () => {
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'planned', plan: ['q2', 'q7', 'q12'] }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreateRoomResponse;
    const iv = connect(server.url, created.room.id, 'panel', created.links.interviewer.token);
    clients.push(iv);
    await eventually(() => expect(panelPlan(iv.doc).toArray()).toEqual(['q2', 'q7', 'q12']));
    const bad = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan: ['q1', 'q99'] }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/q99/);
  });
});

describe('current question', () => {
  it('puts only the title, prompt and timing into the board; records each change', async () => {
    const cand = open('board', room.links.candidate.token);
    await waitSynced(cand);
    const res = await call('interviewer', 'POST', '/session/current', { questionId: 'q5' });
    const { current } = await res.json();
    expect(Object.keys(current).sort()).toEqual(['challenge', 'diagram', 'id', 'minutes', 'prompt', 'startedAt', 'title']);
    expect(current.challenge).toBe(server.questions.get('q5')!.challenge);
    expect(current.diagram).toBe(server.questions.get('q5')!.diagram);
    await eventually(() => expect(readCurrentQuestion(cand.doc)?.id).toBe('q5'));
    const q5 = server.questions.get('q5')!;
    expect(readCurrentQuestion(cand.doc)!.prompt).toBe(q5.prompt);
    expect(JSON.stringify(boardSession(cand.doc).toJSON())).not.toContain(q5.guide.slice(0, 60));
    await call('interviewer', 'POST', '/session/current', { questionId: null });
    await eventually(() => expect(readCurrentQuestion(cand.doc)).toBeNull());
    expect(readQuestionHistory(cand.doc).slice(-2).map((h) => h.id)).toEqual(['q5', null]);
    expect((await call('interviewer', 'POST', '/session/current', { questionId: 'q404' })).status).toBe(404);
    expect((await call('interviewer', 'POST', '/session/current', { question: 'q1' })).status).toBe(400);
  });

  it('records who changed the question: the link’s role and the name its sockets use', async () => {
    const fresh = await createRoom(server.url, 'who set it');
    const set = (questionId: string | null) =>
      fetch(`${server.url}/api/rooms/${fresh.room.id}/session/current`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fresh.links.interviewer.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ questionId }),
      });
    const cand = connect(server.url, fresh.room.id, 'board', fresh.links.candidate.token, { name: 'Cleo' });
    clients.push(cand);
    await waitSynced(cand);
    // No socket of the interviewer's link is open: only the role is known.
    expect((await set('q1')).status).toBe(200);
    await eventually(() => expect(readQuestionHistory(cand.doc).at(-1)?.by).toEqual({ role: 'interviewer', name: '' }));
    const iv = connect(server.url, fresh.room.id, 'board', fresh.links.interviewer.token, { name: 'Ada' });
    clients.push(iv);
    await waitSynced(iv);
    expect((await set(null)).status).toBe(200);
    await eventually(() => expect(readQuestionHistory(cand.doc).at(-1)).toMatchObject({ id: null, by: { role: 'interviewer', name: 'Ada' } }));
  });

  it('refuses a client that writes the server-only session or signals, and keeps them intact', async () => {
    await call('interviewer', 'POST', '/session/current', { questionId: 'q3' });
    const cand = open('board', room.links.candidate.token);
    const watcher = open('board', room.links.observer.token);
    await Promise.all([waitSynced(cand), waitSynced(watcher)]);
    await eventually(() => expect(readCurrentQuestion(cand.doc)?.id).toBe('q3'));
    const closed = nextClose(cand);
    boardSession(cand.doc).set('current', { id: 'q1', title: 'fake', prompt: 'fake', minutes: 1, startedAt: 0 });
    expect(await closed).toBe(CloseCode.Forbidden);
    boardCode(watcher.doc); // still connected and in sync
    const fresh = open('board', room.links.interviewer.token);
    await waitSynced(fresh);
    await eventually(() => expect(readCurrentQuestion(fresh.doc)?.id).toBe('q3'));
    expect(readCurrentQuestion(watcher.doc)?.id).toBe('q3');

    const iv = open('panel', room.links.interviewer.token);
    await waitSynced(iv);
    const ivClosed = nextClose(iv);
    panelSignals(iv.doc).push([{ kind: 'paste', at: 1, chars: 1, name: 'forged' }]);
    expect(await ivClosed).toBe(CloseCode.Forbidden);
    const check = open('panel', room.links.observer.token);
    await waitSynced(check);
    expect(panelSignals(check.doc).toArray().some((s) => s.name === 'forged')).toBe(false);
  });
});

describe('signals', () => {
  it('appends the candidate’s paste and tab events to the panel, with the server’s clock', async () => {
    const fresh = await createRoom(server.url, 'signals');
    const candBoard = connect(server.url, fresh.room.id, 'board', fresh.links.candidate.token, { name: 'Cleo' });
    const iv = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token);
    clients.push(candBoard, iv);
    await Promise.all([waitSynced(candBoard), waitSynced(iv)]);
    const post = (body: unknown) =>
      fetch(`${server.url}/api/rooms/${fresh.room.id}/signals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fresh.links.candidate.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const before = Date.now();
    expect((await post({ kind: 'paste', chars: 812 })).status).toBe(202);
    expect((await post({ kind: 'hidden' })).status).toBe(202);
    expect((await post({ kind: 'shouting' })).status).toBe(400);
    await eventually(() => {
      const list = panelSignals(iv.doc).toArray();
      expect(list.map((s) => s.kind)).toEqual(['paste', 'hidden']);
      expect(list[0]).toMatchObject({ chars: 812, name: 'Cleo' });
      expect(list[0]!.at).toBeGreaterThanOrEqual(before);
    });
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) statuses.push((await post({ kind: 'visible' })).status);
    expect(statuses).toContain(429);
  });
});

describe('scorecard', () => {
  it('reports both interviewers’ scores, notes, agreement and signals', async () => {
    const fresh = await createRoom(server.url, 'Scored');
    await fetch(`${server.url}/api/rooms/${fresh.room.id}/plan`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${fresh.links.interviewer.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ questionIds: ['q1', 'q2'] }),
    });
    const a = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token);
    const b = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token);
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    a.doc.transact(() => {
      panelRaters(a.doc).set('raterA', { name: 'Ada', joinedAt: 1 });
      for (const sub of RUBRIC_SUB_CRITERION_IDS) panelScores(a.doc).set(scoreKey('raterA', 'q1', sub), 5);
      panelNotes(a.doc).set(noteKey('raterA', 'q1'), 'Derived the sqrt(d_k) scaling unprompted.');
      panelAsked(a.doc).set(askedKey('q1', 'followUp', 0), { raterId: 'raterA', at: 2 });
    });
    b.doc.transact(() => {
      panelRaters(b.doc).set('raterB', { name: 'Bo', joinedAt: 1 });
      for (const sub of RUBRIC_SUB_CRITERION_IDS) panelScores(b.doc).set(scoreKey('raterB', 'q1', sub), 3);
      panelScores(b.doc).set(scoreKey('raterB', 'q1', 'math-understanding'), 4);
    });
    await eventually(() => expect(panelScores(a.doc).size).toBe(32));
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${server.url}/api/rooms/${fresh.room.id}/scorecard.json`, {
      headers: { authorization: `Bearer ${fresh.links.interviewer.token}` },
    });
    expect(res.status).toBe(200);
    const card = (await res.json()) as Scorecard;
    expect(card.raters).toEqual([{ id: 'raterA', name: 'Ada' }, { id: 'raterB', name: 'Bo' }]);
    expect(card.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
    const q1 = card.questions[0]!;
    expect(q1.byRater.raterA!.score).toBe(100);
    expect(q1.byRater.raterA!.note).toMatch(/sqrt/);
    // B: technical depth mean (4+3+3+3)/4 = 3.25 -> 56.25 at 40%; others 3 -> 50; weighted 52.5
    expect(q1.byRater.raterB!.score).toBeCloseTo(52.5, 6);
    expect(q1.mean).toBeCloseTo(76.25, 6);
    expect(q1.asked.followUps[0]).toBe(true);
    expect(card.questions[1]!.mean).toBeNull();
    expect(card.agreement.alpha).not.toBeNull();
    expect(card.agreement.alpha!).toBeLessThan(0);

    const md = await (
      await fetch(`${server.url}/api/rooms/${fresh.room.id}/scorecard.md`, { headers: { authorization: `Bearer ${fresh.links.interviewer.token}` } })
    ).text();
    expect(md).toContain('| Ada | 100.0 |');
    expect(md).toContain('| Bo | 52.5 |');
    expect(md).toContain('Derived the sqrt(d_k) scaling unprompted.');
  });
});

describe('the candidate never receives interviewer-only data', () => {
  it('holds for every REST body and every WebSocket frame of a whole session', async () => {
    const fresh = await createRoom(server.url, 'Leak check');
    const ivToken = fresh.links.interviewer.token;
    const candToken = fresh.links.candidate.token;
    const received: Buffer[] = [];
    const record = async (res: Response) => {
      received.push(Buffer.from(await res.clone().arrayBuffer()));
      return res;
    };
    const candFetch = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/rooms/${fresh.room.id}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${candToken}` },
      }).then(record);
    const ivFetch = (path: string, body: unknown, method = 'POST') =>
      fetch(`${server.url}/api/rooms/${fresh.room.id}${path}`, {
        method,
        headers: { authorization: `Bearer ${ivToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    // The candidate's board socket, recording every frame it receives.
    const cand = connect(server.url, fresh.room.id, 'board', candToken, { name: 'Cand' });
    clients.push(cand);
    await waitSynced(cand);
    cand.provider.ws!.addEventListener('message', (e: MessageEvent) => received.push(Buffer.from(e.data as ArrayBuffer)));
    const reattach = () => cand.provider.ws?.addEventListener('message', (e: MessageEvent) => received.push(Buffer.from(e.data as ArrayBuffer)));
    cand.provider.on('status', reattach);

    // The interviewers run a full interview.
    await ivFetch('/plan', { questionIds: ['q1', 'q6', 'q9'] }, 'PUT');
    const panel = connect(server.url, fresh.room.id, 'panel', ivToken, { name: 'Ivy' });
    clients.push(panel);
    await waitSynced(panel);
    const secretNote = 'PANEL-NOTE-7f3a: weak on the softmax gradient';
    for (const q of ['q1', 'q6', 'q9']) {
      await ivFetch('/session/current', { questionId: q });
      panel.doc.transact(() => {
        panelRaters(panel.doc).set('rater-secret-id', { name: 'Ivy', joinedAt: 1 });
        for (const sub of RUBRIC_SUB_CRITERION_IDS) panelScores(panel.doc).set(scoreKey('rater-secret-id', q, sub), 4);
        panelNotes(panel.doc).set(noteKey('rater-secret-id', q), `${secretNote} (${q})`);
        panelAsked(panel.doc).set(askedKey(q, 'probing', 1), { raterId: 'rater-secret-id', at: 1 });
      });
      boardCode(cand.doc).insert(0, `// answering ${q}\n`);
      await candFetch('/session');
      await candFetch('/signals', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'hidden' }) });
    }
    // The candidate also tries what it must not have.
    for (const path of ['/questions', '/scorecard.json', '/scorecard.md', '/links']) expect((await candFetch(path)).status).toBe(403);
    await candFetch('');
    await eventually(() => expect(readCurrentQuestion(cand.doc)?.id).toBe('q9'));
    await new Promise((r) => setTimeout(r, 300));

    const all = Buffer.concat(received);
    expect(all.length).toBeGreaterThan(1000);
    const forbidden: string[] = ['PANEL-NOTE-7f3a', 'rater-secret-id', 'softmax gradient'];
    for (const q of server.questions.list()) {
      // distinctive slices of every guide and of the follow-up and probing lists
      for (let i = 0; i + 48 <= q.guide.length; i += Math.max(48, Math.floor(q.guide.length / 12))) forbidden.push(q.guide.slice(i, i + 48));
      forbidden.push(...q.followUps, ...q.probing);
    }
    const leaked = forbidden.filter((s) => all.includes(Buffer.from(s, 'utf8')));
    expect(leaked).toEqual([]);
    // and the candidate's own doc holds the prompts it should see
    const view = new Y.Doc();
    Y.applyUpdate(view, Y.encodeStateAsUpdate(cand.doc));
    expect(readCurrentQuestion(view)!.prompt).toBe(server.questions.get('q9')!.prompt);
  });
});
