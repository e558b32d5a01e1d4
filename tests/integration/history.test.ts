/**
 * Playback's server side: GET /history for every kind of caller, paging that returns every
 * update exactly once in order (with snapshots inline when asked), the recording rebuilding the
 * live doc, and the joins and leaves the sync server records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardCode, panelNotes } from '../../shared/doc.js';
import {
  appendPage,
  decodeHistoryPage,
  emptyDocHistory,
  HISTORY_MIME,
  NEXT_AFTER_HEADER,
  type DocHistory,
  type HistoryPage,
} from '../../shared/history.js';
import { connect, createRoom, eventually, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

let server: TestServer;
let room: CreateRoomResponse;
let revokedToken: string;
const clients: Client[] = [];
const SNAPSHOT_EVERY = 20;

type Caller = 'interviewer' | 'candidate' | 'observer' | 'none' | 'revoked';
const tokenOf = (c: Caller, r = room) => (c === 'none' ? undefined : c === 'revoked' ? revokedToken : r.links[c].token);

function get(caller: Caller, query: string, r = room): Promise<Response> {
  const t = tokenOf(caller, r);
  return fetch(`${server.url}/api/rooms/${r.room.id}/history${query}`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
}

async function page(query: string, r = room): Promise<HistoryPage> {
  const res = await get('interviewer', query, r);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain(HISTORY_MIME);
  const decoded = decodeHistoryPage(new Uint8Array(await res.arrayBuffer()));
  expect(res.headers.get(NEXT_AFTER_HEADER)).toBe(decoded.meta.nextAfter === null ? null : String(decoded.meta.nextAfter));
  return decoded;
}

async function fetchAll(doc: 'board' | 'panel', limit: number, r = room, extra = ''): Promise<{ history: DocHistory; pages: HistoryPage[] }> {
  const history = emptyDocHistory(doc);
  const pages: HistoryPage[] = [];
  for (let after = 0; ; ) {
    const p = await page(`?doc=${doc}&after=${after}&limit=${limit}${extra}`, r);
    pages.push(p);
    appendPage(history, p);
    if (p.meta.nextAfter === null) break;
    after = p.meta.nextAfter;
  }
  return { history, pages };
}

beforeAll(async () => {
  server = await startTestServer({ snapshotEveryUpdates: SNAPSHOT_EVERY });
  room = await createRoom(server.url, 'History');
  const res = await fetch(`${server.url}/api/rooms/${room.room.id}/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${room.links.interviewer.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'observer' }),
  });
  const extra = await res.json();
  await fetch(`${server.url}/api/rooms/${room.room.id}/links/${extra.id}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${room.links.interviewer.token}` },
  });
  revokedToken = extra.token;
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
});

describe('GET /history: who may read the recording', () => {
  const callers: Caller[] = ['interviewer', 'candidate', 'observer', 'none', 'revoked'];
  for (const doc of ['board', 'panel']) {
    it(`doc=${doc}`, async () => {
      const got: Record<string, number> = {};
      for (const c of callers) got[c] = (await get(c, `?doc=${doc}`)).status;
      expect(got).toEqual({ interviewer: 200, candidate: 403, observer: 200, none: 401, revoked: 410 });
    });
  }

  it('answers 400 with a sentence for a bad doc, after or limit', async () => {
    for (const q of ['', '?doc=notes', '?doc=board&after=-1', '?doc=board&after=x', '?doc=board&limit=0', '?doc=board&limit=999999', '?doc=board&snapshots=2']) {
      const res = await get('interviewer', q);
      expect(res.status, q).toBe(400);
      expect((await res.json()).message).toMatch(/\w+/);
    }
    // the role is checked before the query: a candidate learns nothing about valid parameters
    expect((await get('candidate', '?doc=notes')).status).toBe(403);
  });

  it('never sends a candidate any recorded bytes', async () => {
    const cand = connect(server.url, room.room.id, 'board', room.links.candidate.token, { name: 'Cam' });
    clients.push(cand);
    await waitSynced(cand);
    boardCode(cand.doc).insert(0, 'secret-typing-marker');
    await eventually(async () => expect((await page('?doc=board')).updates.length).toBeGreaterThan(0));
    for (const doc of ['board', 'panel']) {
      const res = await get('candidate', `?doc=${doc}&after=0`);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const text = await res.text();
      expect(text).not.toContain('secret-typing-marker');
      expect(text).not.toContain('attn-history');
    }
  });
});

describe('paging', () => {
  it('returns every update exactly once, in order, and the recording rebuilds the live doc', async () => {
    const fresh = await createRoom(server.url, 'paging');
    const cand = connect(server.url, fresh.room.id, 'board', fresh.links.candidate.token, { name: 'Cam' });
    const iv = connect(server.url, fresh.room.id, 'board', fresh.links.interviewer.token, { name: 'Ines' });
    clients.push(cand, iv);
    await Promise.all([waitSynced(cand), waitSynced(iv)]);
    const N = 137;
    for (let i = 0; i < N; i++) {
      const who = i % 3 === 0 ? iv : cand;
      boardCode(who.doc).insert(boardCode(who.doc).length, String(i % 10));
      // one update per message: let each one reach the server on its own
      await eventually(() => expect(boardCode(i % 3 === 0 ? cand.doc : iv.doc).length).toBe(i + 1));
    }
    // Snapshots are built in the background once their rows have committed (within a journal batch).
    await eventually(async () => {
      const { meta } = await page('?doc=board&after=0&limit=1', fresh);
      expect(meta.snapshots.length).toBe(Math.floor(meta.log.updates / SNAPSHOT_EVERY));
    });
    const { history, pages } = await fetchAll('board', 25, fresh);
    expect(history.updates.map((u) => u.seq)).toEqual(Array.from({ length: history.updates.length }, (_, i) => i + 1));
    expect(history.updates.length).toBeGreaterThanOrEqual(N);
    expect(pages.length).toBe(Math.ceil(history.updates.length / 25));
    expect(pages.every((p, i) => p.meta.after === i * 25)).toBe(true);
    expect(pages[0]!.meta.log).toMatchObject({ updates: history.updates.length, lastSeq: history.updates.length });
    expect(pages[0]!.meta.recording).toBeNull();
    // The room with its kind: replay names people in the kind's words (a pair room's peer).
    expect(pages[0]!.meta.room).toEqual(fresh.room);
    // timestamps are the server's and never go backwards here
    const ts = history.updates.map((u) => u.ts);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    expect(new Set(history.updates.map((u) => `${history.authors[u.author]!.role}:${history.authors[u.author]!.name}`))).toEqual(
      new Set(['candidate:Cam', 'interviewer:Ines']),
    );
    const rebuilt = new Y.Doc();
    for (const u of history.updates) Y.applyUpdate(rebuilt, u.bytes);
    expect(boardCode(rebuilt).toString()).toBe(boardCode(cand.doc).toString());
    expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(cand.doc));

    // the snapshot index, and snapshots inline on request: each is the state after its seq
    expect(pages[0]!.meta.snapshots.length).toBe(Math.floor(history.updates.length / SNAPSHOT_EVERY));
    const withSnaps = await fetchAll('board', 25, fresh, '&snapshots=1');
    expect(withSnaps.history.snapshots.map((s) => s.seq)).toEqual(pages[0]!.meta.snapshots.map((s) => s.seq));
    for (const snap of withSnaps.history.snapshots) {
      const upTo = new Y.Doc();
      for (const u of history.updates) if (u.seq <= snap.seq) Y.applyUpdate(upTo, u.bytes);
      const fromSnap = new Y.Doc();
      Y.applyUpdate(fromSnap, snap.bytes);
      expect(boardCode(fromSnap).toString()).toBe(boardCode(upTo).toString());
    }
    // past the end: an empty last page
    const end = await page(`?doc=board&after=${history.updates.length}`, fresh);
    expect(end.updates).toEqual([]);
    expect(end.meta.nextAfter).toBeNull();
    expect(end.meta.events).toEqual([]);
  });

  it('serves the panel recording to interviewers and observers', async () => {
    const fresh = await createRoom(server.url, 'panel');
    const iv = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token, { name: 'Ines' });
    clients.push(iv);
    await waitSynced(iv);
    panelNotes(iv.doc).set('rater/q1', 'solid on shapes');
    await eventually(async () => expect((await page('?doc=panel', fresh)).updates.length).toBe(1));
    const res = await get('observer', '?doc=panel', fresh);
    const p = decodeHistoryPage(new Uint8Array(await res.arrayBuffer()));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, p.updates[0]!.bytes);
    expect(panelNotes(doc).get('rater/q1')).toBe('solid on shapes');
    expect(p.meta.authors).toEqual([{ role: 'interviewer', name: 'Ines' }]);
  });
});

describe('authors', () => {
  it('names a panel edit after the same link’s board socket when the panel socket opened nameless', async () => {
    const fresh = await createRoom(server.url, 'names');
    const panel = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token);
    const board = connect(server.url, fresh.room.id, 'board', fresh.links.interviewer.token);
    clients.push(panel, board);
    await Promise.all([waitSynced(panel), waitSynced(board)]);
    panelNotes(panel.doc).set('r/q1', 'before the name');
    await eventually(async () => expect((await page('?doc=panel', fresh)).updates.length).toBe(1));
    board.provider.awareness.setLocalStateField('user', { name: 'Ines', role: 'interviewer', color: '#000000', colorLight: '#00000033' });
    await eventually(async () => expect((await server.store.listEvents(fresh.room.id)).map((e) => e.name)).toEqual(['Ines']));
    panelNotes(panel.doc).set('r/q1', 'after the name');
    await eventually(async () => expect((await page('?doc=panel', fresh)).updates.length).toBe(2));
    const p = await page('?doc=panel', fresh);
    expect(p.updates.map((u) => p.meta.authors[u.author]!.name)).toEqual(['', 'Ines']);
  });
});

describe('joins and leaves', () => {
  it('records who joined and left the board, with role, name and time; the panel socket adds nothing', async () => {
    const fresh = await createRoom(server.url, 'presence');
    const t0 = Date.now();
    const cand = connect(server.url, fresh.room.id, 'board', fresh.links.candidate.token, { name: 'Cam' });
    const ivPanel = connect(server.url, fresh.room.id, 'panel', fresh.links.interviewer.token, { name: 'Ines' });
    await Promise.all([waitSynced(cand), waitSynced(ivPanel)]);
    // the room page connects before it knows the name: awareness brings it, and the join gets it
    const obs = connect(server.url, fresh.room.id, 'board', fresh.links.observer.token);
    await waitSynced(obs);
    const obsJoinedBy = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    obs.provider.awareness.setLocalStateField('user', { name: 'Olu', role: 'observer', color: '#000000', colorLight: '#00000033' });
    await eventually(async () => expect((await server.store.listEvents(fresh.room.id)).length).toBe(2));

    obs.provider.awareness.setLocalStateField('user', { name: 'Olu B.', role: 'observer', color: '#000000', colorLight: '#00000033' });
    await new Promise((r) => setTimeout(r, 50));
    const leftAfter = Date.now();
    // One after the other: sockets closed in the same tick may be seen closing in any order.
    obs.destroy();
    await eventually(async () => expect((await server.store.listEvents(fresh.room.id)).length).toBe(3));
    cand.destroy();
    ivPanel.destroy();
    await eventually(async () => expect((await server.store.listEvents(fresh.room.id)).length).toBe(4));
    const t1 = Date.now();

    const events = (await page('?doc=board', fresh)).meta.events;
    expect(events.map((e) => [e.kind, e.role, e.name])).toEqual([
      ['join', 'candidate', 'Cam'],
      ['join', 'observer', 'Olu'],
      ['leave', 'observer', 'Olu B.'],
      ['leave', 'candidate', 'Cam'],
    ]);
    for (const e of events) {
      expect(e.ts).toBeGreaterThanOrEqual(t0);
      expect(e.ts).toBeLessThanOrEqual(t1);
    }
    // the observer's join is stamped when it connected, not when its name arrived
    expect(events[1]!.ts).toBeLessThanOrEqual(obsJoinedBy);
    expect(events[2]!.ts).toBeGreaterThanOrEqual(leftAfter);
    // only the first page carries them
    expect((await page('?doc=board&after=1', fresh)).meta.events).toEqual([]);
  });

  it('keeps a reconnect loop from growing the events without bound, and honours `limit` for them (issue 12)', async () => {
    const bounded = await startTestServer({ maxEventsPerRoom: 4 });
    try {
      const r = await createRoom(bounded.url, 'reconnect loop');
      for (let i = 0; i < 5; i++) {
        const c = connect(bounded.url, r.room.id, 'board', r.links.candidate.token, { name: `Cam${i}` });
        await waitSynced(c);
        c.destroy();
        await eventually(async () => expect((await bounded.store.listEvents(r.room.id)).at(-1)).toMatchObject({ kind: 'leave', name: `Cam${i}` }));
      }
      expect((await bounded.store.listEvents(r.room.id)).map((e) => `${e.kind} ${e.name}`)).toEqual(['join Cam3', 'leave Cam3', 'join Cam4', 'leave Cam4']);
      const res = await fetch(`${bounded.url}/api/rooms/${r.room.id}/history?doc=board&limit=3`, { headers: { authorization: `Bearer ${r.links.interviewer.token}` } });
      expect(res.status).toBe(200);
      const events = decodeHistoryPage(new Uint8Array(await res.arrayBuffer())).meta.events;
      expect(events.map((e) => `${e.kind} ${e.name}`)).toEqual(['leave Cam3', 'join Cam4', 'leave Cam4']);
    } finally {
      await bounded.close();
    }
  });

  it('writes the leaves of everyone still connected when the server shuts down', async () => {
    const other = await startTestServer();
    try {
      const r = await createRoom(other.url, 'shutdown');
      const c = connect(other.url, r.room.id, 'board', r.links.candidate.token, { name: 'Cam' });
      clients.push(c);
      await waitSynced(c);
      await other.close();
      // the store is closed now; reopen the same file to read what was written
      const { SqliteStore } = await import('../../server/store/sqlite.js');
      const store = SqliteStore.open(other.config.dataDir);
      try {
        expect((await store.listEvents(r.room.id)).map((e) => [e.kind, e.name])).toEqual([
          ['join', 'Cam'],
          ['leave', 'Cam'],
        ]);
      } finally {
        await store.close();
      }
    } finally {
      await other.close();
    }
  });
});
