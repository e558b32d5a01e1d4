/**
 * Issue 14: room kinds against a real server, on both stores. For each kind (interview, pair,
 * practice) and each link it hands out, every guarded route answers as the kind's column of
 * shared/capabilities.ts says, and each document socket opens or closes with 4403. Then the
 * kind-only flows: a pair room has no panel doc for anyone and converts to an interview keeping
 * its board; a practice room's guide reaches the practiser only after their recorded reveal, and
 * "Swap roles" moves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvertRoomResponse, CreateAnyRoomResponse, NewLink, PracticeBankResponse, PracticeGuideResponse, SwapRolesResponse } from '../../shared/api.js';
import { KIND_ROLES, type RoomKind } from '../../shared/capabilities.js';
import { boardCode, readReveals, readRoleSwaps } from '../../shared/doc.js';
import { CloseCode, ROLES, type Role } from '../../shared/protocol.js';
import { lazySchema, requirePostgres, type TestSchema } from '../support/postgres.js';
import { connect, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

const postgresReady = await requirePostgres();

type Caller = Role | 'none';
/** [method, path, body, expected status per kind and caller]; a caller a kind has no link for is left out. */
type Row = [string, string, unknown, Record<RoomKind, Partial<Record<Caller, number>>>];

const ROUTES: Row[] = [
  ['GET', '', undefined, {
    interview: { interviewer: 200, candidate: 200, observer: 200, none: 401 },
    pair: { interviewer: 200, observer: 200, none: 401 },
    practice: { interviewer: 200, candidate: 200, observer: 200, none: 401 },
  }],
  ['GET', '/links', undefined, {
    interview: { interviewer: 200, candidate: 403, observer: 403 },
    pair: { interviewer: 200, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  ['GET', '/questions', undefined, {
    interview: { interviewer: 200, candidate: 403, observer: 200 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 200, candidate: 403, observer: 403 },
  }],
  ['GET', '/practice/bank', undefined, {
    interview: { interviewer: 200, candidate: 403, observer: 200 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 200 },
  }],
  ['PUT', '/plan', { questionIds: [] }, {
    interview: { interviewer: 200, candidate: 403, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  ['POST', '/session/current', { questionId: null }, {
    interview: { interviewer: 200, candidate: 403, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  ['GET', '/session', undefined, {
    interview: { interviewer: 200, candidate: 200, observer: 200 },
    pair: { interviewer: 200, observer: 200 },
    practice: { interviewer: 200, candidate: 200, observer: 200 },
  }],
  ['PUT', '/session/templates', { allowed: false }, {
    interview: { interviewer: 200, candidate: 403, observer: 403 },
    pair: { interviewer: 200, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  // Diagram templates: whoever may write the board may insert one (board.write).
  ['GET', '/diagrams', undefined, {
    interview: { interviewer: 200, candidate: 200, observer: 403, none: 401 },
    pair: { interviewer: 200, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  ['POST', '/signals', { kind: 'hidden' }, {
    interview: { interviewer: 403, candidate: 202, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 403, candidate: 403, observer: 403 },
  }],
  ['GET', '/scorecard.json', undefined, {
    interview: { interviewer: 200, candidate: 403, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 200, candidate: 200, observer: 403 },
  }],
  ['GET', '/history?doc=board', undefined, {
    interview: { interviewer: 200, candidate: 403, observer: 200 },
    pair: { interviewer: 200, observer: 200 },
    practice: { interviewer: 200, candidate: 200, observer: 200 },
  }],
  ['GET', '/challenges', undefined, {
    interview: { interviewer: 200, candidate: 200, observer: 200 },
    pair: { interviewer: 200, observer: 200 },
    practice: { interviewer: 200, candidate: 200, observer: 200 },
  }],
  // Kind-only actions, refused where the kind has them for nobody (their success is tested below).
  ['POST', '/convert', undefined, {
    interview: { interviewer: 403, candidate: 403, observer: 403 },
    practice: { interviewer: 403, candidate: 403, observer: 403 },
    pair: { observer: 403 },
  }],
  ['POST', '/practice/reveal', { reason: 'button' }, {
    interview: { interviewer: 403, candidate: 403, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { interviewer: 403, observer: 403 },
  }],
  ['POST', '/practice/swap', undefined, {
    interview: { interviewer: 403, candidate: 403, observer: 403 },
    pair: { interviewer: 403, observer: 403 },
    practice: { observer: 403 },
  }],
];

/** 'open', or the close code. */
const SOCKETS: Record<RoomKind, Partial<Record<Role, Record<'board' | 'panel', 'open' | number>>>> = {
  interview: {
    interviewer: { board: 'open', panel: 'open' },
    candidate: { board: 'open', panel: CloseCode.Forbidden },
    observer: { board: 'open', panel: 'open' },
  },
  pair: {
    interviewer: { board: 'open', panel: CloseCode.Forbidden },
    observer: { board: 'open', panel: CloseCode.Forbidden },
  },
  practice: {
    interviewer: { board: 'open', panel: 'open' },
    candidate: { board: 'open', panel: 'open' },
    observer: { board: 'open', panel: 'open' },
  },
};

function suite(store: 'sqlite' | 'postgres') {
  let server: TestServer;
  let schema: TestSchema | null = null;
  const clients: Client[] = [];

  beforeAll(async () => {
    if (store === 'postgres') schema = lazySchema();
    server = await startTestServer({ databaseUrl: schema ? schema.url : undefined });
    expect(server.store.kind).toBe(store);
  });
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
    await schema?.drop();
  });

  const api = (roomId: string, token: string | undefined, method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/api/rooms/${roomId}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  /** A room of `kind` with a link for every role the kind allows (observer links minted after). */
  async function roomOf(kind: RoomKind): Promise<{ id: string; links: Partial<Record<Role, NewLink>> }> {
    const res = await fetch(`${server.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, title: `${kind} room` }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreateAnyRoomResponse;
    expect(created.room.kind).toBe(kind);
    const links = { ...created.links };
    if (!links.observer) {
      const manager = links.interviewer ?? links.candidate!;
      const minted = await api(created.room.id, manager.token, 'POST', '/links', { role: 'observer' });
      expect(minted.status).toBe(201);
      links.observer = (await minted.json()) as NewLink;
    }
    return { id: created.room.id, links };
  }

  const open = (roomId: string, doc: 'board' | 'panel', token: string) => {
    const c = connect(server.url, roomId, doc, token);
    clients.push(c);
    return c;
  };

  it('mints each kind its own links', async () => {
    const roles = async (kind: RoomKind) => {
      const res = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind }) });
      return Object.keys(((await res.json()) as CreateAnyRoomResponse).links).sort();
    };
    expect(await roles('interview')).toEqual(['candidate', 'interviewer', 'observer']);
    expect(await roles('pair')).toEqual(['interviewer', 'observer']);
    expect(await roles('practice')).toEqual(['candidate', 'interviewer']);
    const bad = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'party' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/kind must be one of interview, pair, practice/);
  });

  for (const kind of ['interview', 'pair', 'practice'] as const) {
    describe(`${kind} room`, () => {
      let room: Awaited<ReturnType<typeof roomOf>>;
      beforeAll(async () => {
        room = await roomOf(kind);
      });

      for (const [method, path, body, expected] of ROUTES) {
        it(`${method} ${path || '/'}`, async () => {
          const want = expected[kind];
          const got: Partial<Record<Caller, number>> = {};
          for (const caller of Object.keys(want) as Caller[]) {
            const token = caller === 'none' ? undefined : room.links[caller]!.token;
            got[caller] = (await api(room.id, token, method, path, body)).status;
          }
          expect(got).toEqual(want);
        });
      }

      it('mints a new link only for a role the kind has (the Links dialog offers those), and stores none for the others', async () => {
        const manager = room.links.interviewer ?? room.links.candidate!;
        const before = (await (await api(room.id, manager.token, 'GET', '/links')).json()) as { links: unknown[] };
        let minted = 0;
        for (const role of ROLES) {
          const res = await api(room.id, manager.token, 'POST', '/links', { role });
          if (KIND_ROLES[kind].includes(role)) {
            expect(res.status, role).toBe(201);
            minted++;
          } else {
            expect(res.status, role).toBe(400);
            const body = (await res.json()) as { error: string; message: string };
            expect(body.error).toBe('bad_role');
            expect(body.message).toContain(`A ${kind} room has no ${role} links`);
          }
        }
        const after = (await (await api(room.id, manager.token, 'GET', '/links')).json()) as { links: unknown[] };
        expect(after.links.length).toBe(before.links.length + minted);
      });

      it('opens or refuses each document socket by kind and role', async () => {
        for (const [role, docs] of Object.entries(SOCKETS[kind]) as [Role, Record<'board' | 'panel', 'open' | number>][]) {
          for (const doc of ['board', 'panel'] as const) {
            const c = open(room.id, doc, room.links[role]!.token);
            if (docs[doc] === 'open') await waitSynced(c);
            else expect(await nextClose(c), `${role} ${doc}`).toBe(docs[doc]);
          }
        }
      });
    });
  }

  it('pair: peers write the board, the observer link reads it; a pair room cannot get a candidate link or a plan', async () => {
    const room = await roomOf('pair');
    const a = open(room.id, 'board', room.links.interviewer!.token);
    const b = open(room.id, 'board', room.links.interviewer!.token);
    const watcher = open(room.id, 'board', room.links.observer!.token);
    await Promise.all([waitSynced(a), waitSynced(b), waitSynced(watcher)]);
    boardCode(a.doc).insert(0, 'from a;');
    await eventually(() => expect(boardCode(b.doc).toString()).toBe('from a;'));
    boardCode(b.doc).insert(7, 'from b;');
    await eventually(() => expect(boardCode(watcher.doc).toString()).toBe('from a;from b;'));
    const candidate = await api(room.id, room.links.interviewer!.token, 'POST', '/links', { role: 'candidate' });
    expect(candidate.status).toBe(400);
    const planned = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'pair', plan: ['x'] }) });
    expect(planned.status).toBe(400);
  });

  it('pair → interview keeps the board, opens the panel to the peer link and mints a candidate link, once', async () => {
    const room = await roomOf('pair');
    const peer = room.links.interviewer!.token;
    const writer = open(room.id, 'board', peer);
    await waitSynced(writer);
    boardCode(writer.doc).insert(0, 'architecture sketch');
    await eventually(async () => expect((await server.store.updateLogStats(room.id, 'board')).updates).toBeGreaterThan(0));
    expect(await nextClose(open(room.id, 'panel', peer))).toBe(CloseCode.Forbidden);

    const res = await api(room.id, peer, 'POST', '/convert');
    expect(res.status).toBe(201);
    const converted = (await res.json()) as ConvertRoomResponse;
    expect(converted.room.kind).toBe('interview');
    expect(converted.candidate.role).toBe('candidate');
    expect((await api(room.id, peer, 'POST', '/convert')).status).toBe(403);

    await waitSynced(open(room.id, 'panel', peer));
    const candidate = open(room.id, 'board', converted.candidate.token);
    await waitSynced(candidate);
    expect(boardCode(candidate.doc).toString()).toBe('architecture sketch');
    expect(await nextClose(open(room.id, 'panel', converted.candidate.token))).toBe(CloseCode.Forbidden);
  });

  it('practice: the guide reaches the practiser only after their recorded reveal; the asker always; swap moves it', async () => {
    const room = await roomOf('practice');
    const practiser = room.links.candidate!.token;
    const asker = room.links.interviewer!.token;
    const bank = (await (await api(room.id, practiser, 'GET', '/practice/bank')).json()) as PracticeBankResponse;
    expect(bank.questions.length).toBeGreaterThan(1);
    // The list a practiser may see carries no guide text.
    expect(Object.keys(bank.questions[0]!).sort()).toEqual(['id', 'minutes', 'title', 'topic']);

    expect((await api(room.id, practiser, 'GET', '/practice/guide')).status).toBe(409);
    expect((await api(room.id, practiser, 'POST', '/session/current', { questionId: bank.questions[0]!.id })).status).toBe(200);
    const early = await api(room.id, practiser, 'GET', '/practice/guide');
    expect(early.status).toBe(403);
    expect(((await early.json()) as { error: string }).error).toBe('not_revealed');
    const tooSoon = await api(room.id, practiser, 'POST', '/practice/reveal', { reason: 'time' });
    expect(tooSoon.status).toBe(409);
    expect((await api(room.id, asker, 'GET', '/practice/guide')).status).toBe(200);

    const before = Date.now();
    const revealed = await api(room.id, practiser, 'POST', '/practice/reveal', { reason: 'button', name: ' Pat\u0007 ' });
    expect(revealed.status).toBe(201);
    const guide = await api(room.id, practiser, 'GET', '/practice/guide');
    expect(guide.status).toBe(200);
    const body = (await guide.json()) as PracticeGuideResponse;
    expect(body.question.id).toBe(bank.questions[0]!.id);
    expect(body.question.guide.length).toBeGreaterThan(0);
    // Who revealed, for the replay marker: the link's role from the server, the name as cleaned.
    expect(body.reveal).toMatchObject({ questionId: bank.questions[0]!.id, linkId: room.links.candidate!.id, reason: 'button', role: 'candidate', name: 'Pat' });
    expect(body.reveal!.at).toBeGreaterThanOrEqual(before);

    // The reveal is in the board's update log (replay), written by the server.
    const watcher = open(room.id, 'board', room.links.observer!.token);
    await waitSynced(watcher);
    expect(readReveals(watcher.doc)).toEqual([body.reveal]);

    // Next question: the practiser has not revealed it.
    expect((await api(room.id, practiser, 'POST', '/session/current', { questionId: bank.questions[1]!.id })).status).toBe(200);
    expect((await api(room.id, practiser, 'GET', '/practice/guide')).status).toBe(403);

    const swapped = await api(room.id, practiser, 'POST', '/practice/swap');
    expect(swapped.status).toBe(200);
    const { links } = (await swapped.json()) as SwapRolesResponse;
    expect(Object.fromEntries(links.map((l) => [l.id, l.role]))).toEqual({ [room.links.candidate!.id]: 'interviewer', [room.links.interviewer!.id]: 'candidate' });
    await eventually(() => expect(readRoleSwaps(watcher.doc)).toHaveLength(1));
    // The old practiser asks now (guide without reveal); the old asker must reveal first.
    expect((await api(room.id, practiser, 'GET', '/practice/guide')).status).toBe(200);
    expect((await api(room.id, asker, 'GET', '/practice/guide')).status).toBe(403);
    expect((await api(room.id, asker, 'GET', '/questions')).status).toBe(403);
    const who = (await (await api(room.id, asker, 'GET', '')).json()) as { role: Role; room: { kind: RoomKind } };
    expect(who).toMatchObject({ role: 'candidate', room: { kind: 'practice' } });
  });
}

describe('room kinds on SQLite', () => suite('sqlite'));
describe.skipIf(!postgresReady)('room kinds on Postgres', () => suite('postgres'));
