/**
 * The replay engine against the definition of playback: for seeded random interviews (several
 * replicas editing a text and a map concurrently, logged the way the server logs them), the
 * state at t is exactly the doc built from every logged update with a timestamp <= t — with
 * and without checkpoints and server snapshots, by fresh seeks and by a moving cursor. Plus the
 * wire and file formats (byte-identical round trips), skip-idle's time map, the view mirror and
 * the markers.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  boardCode,
  boardElements,
  boardRuns,
  panelRaters,
  panelScores,
  panelSignals,
  scoreKey,
  writeCurrentQuestion,
  writeVerdict,
  type RunRecord,
  type StoredElement,
} from '../../shared/doc.js';
import {
  appendPage,
  AuthorTable,
  decodeHistoryPage,
  decodeSessionFile,
  emptyDocHistory,
  encodeHistoryPage,
  encodeSessionFile,
  HistoryFormatError,
  type DocHistory,
  type HistoryPage,
  type HistoryUpdate,
  type SessionFile,
} from '../../shared/history.js';
import { DocTimeline, TimelineCursor } from '../../client/replay/engine.js';
import { IdleMap } from '../../client/replay/idle.js';
import { BoardMarkers, eventMarkers, PanelMarkers, markerTargets, eventTargets, nextTarget, prevTarget } from '../../client/replay/markers.js';
import { mirrorBoard, patchText, visibleElementIds } from '../../client/replay/mirror.js';
import { participantsOf, ReplaySession, type Recording } from '../../client/replay/session.js';
import { seededRandom } from '../bench/stats.js';

// ---- a seeded random interview ---------------------------------------------------------

interface Recorded {
  history: DocHistory;
}

const AUTHORS = [
  { role: 'interviewer', name: 'Ines' },
  { role: 'candidate', name: 'Cam' },
  { role: 'candidate', name: 'Cam 2' },
] as const;

/**
 * Replicas edit `code` (Y.Text) and `elements` (Y.Map of JSON) and exchange updates through a
 * "server" doc with random delays, so the server sees genuinely concurrent edits. The server
 * logs what each delivery actually integrated (as server/sync/liveDoc.ts does), stamped with a
 * non-decreasing clock that has bursts, pauses and ties.
 */
function randomInterview(seed: number, steps: number): Recorded {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const server = new Y.Doc();
  const clients = AUTHORS.map(() => new Y.Doc());
  const outbox: Uint8Array[][] = clients.map(() => []);
  const inbox: Uint8Array[][] = clients.map(() => []);
  clients.forEach((doc, i) => doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && outbox[i]!.push(u)));
  const updates: HistoryUpdate[] = [];
  let ts = 1_700_000_000_000;
  let seq = 0;

  const deliver = (i: number) => {
    const u = outbox[i]!.shift();
    if (!u) return;
    const captured: Uint8Array[] = [];
    const capture = (x: Uint8Array) => captured.push(x);
    server.on('update', capture);
    Y.applyUpdate(server, u, 'net');
    server.off('update', capture);
    if (captured.length === 0) return;
    const merged = captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
    const r = rand();
    ts += r < 0.3 ? 0 : r < 0.9 ? int(400) : 2000 + int(20_000);
    updates.push({ seq: ++seq, ts, author: i, bytes: merged });
    clients.forEach((_, j) => j !== i && inbox[j]!.push(merged));
  };

  for (let step = 0; step < steps; step++) {
    const i = int(clients.length);
    const doc = clients[i]!;
    const r = rand();
    if (r < 0.45) {
      const text = boardCode(doc);
      if (text.length > 0 && rand() < 0.3) text.delete(int(text.length), 1 + int(Math.min(5, text.length)));
      else text.insert(int(text.length + 1), 'abcdefghij'.slice(0, 1 + int(6)));
    } else if (r < 0.8) {
      const map = boardElements(doc);
      const id = `el${int(12)}`;
      const prev = map.get(id);
      const el: StoredElement = {
        id,
        type: 'rectangle',
        version: (prev?.version ?? 0) + 1,
        versionNonce: int(1e9),
        index: `a${int(100)}`,
        isDeleted: rand() < 0.1,
        x: int(500),
      };
      map.set(id, el);
    } else if (r < 0.85) {
      boardElements(doc).delete(`el${int(12)}`);
    } else if (r < 0.93) {
      deliver(int(clients.length));
    } else {
      const j = int(clients.length);
      for (const u of inbox[j]!.splice(0)) Y.applyUpdate(clients[j]!, u, 'net');
    }
    if (rand() < 0.5) deliver(i);
  }
  clients.forEach((_, i) => {
    while (outbox[i]!.length > 0) deliver(i);
  });
  return { history: { doc: 'board', authors: AUTHORS.map((a) => ({ ...a })), updates, snapshots: [] } };
}

/** The definition: a fresh doc with every logged update whose ts <= t, in log order. */
function reference(history: DocHistory, t: number): Y.Doc {
  const doc = new Y.Doc();
  for (const u of history.updates) if (u.ts <= t) Y.applyUpdate(doc, u.bytes);
  return doc;
}

function contentOf(doc: Y.Doc) {
  return {
    sv: [...Y.encodeStateVector(doc)],
    code: boardCode(doc).toString(),
    elements: boardElements(doc).toJSON(),
  };
}

function snapshotsEvery(history: DocHistory, every: number): DocHistory {
  const doc = new Y.Doc();
  const snapshots = [];
  for (const u of history.updates) {
    Y.applyUpdate(doc, u.bytes);
    if (u.seq % every === 0) snapshots.push({ seq: u.seq, ts: u.ts + 5, bytes: Y.encodeStateAsUpdate(doc) });
  }
  return { ...history, snapshots };
}

function randomInstants(history: DocHistory, rand: () => number, n: number): number[] {
  const first = history.updates[0]!.ts;
  const last = history.updates[history.updates.length - 1]!.ts;
  const out = [first - 1, first, last, last + 1];
  // exact update times matter most: ties must all be in or all out
  for (let i = 0; i < n; i++) {
    out.push(rand() < 0.5 ? history.updates[Math.floor(rand() * history.updates.length)]!.ts : first + Math.floor(rand() * (last - first + 1)));
  }
  return out;
}

describe('replay engine: state at t == every update with ts <= t', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: fresh seeks, with own checkpoints, server snapshots and none`, () => {
      const { history } = randomInterview(seed, 600);
      expect(history.updates.length).toBeGreaterThan(150);
      const rand = seededRandom(seed * 7919);
      const variants: Array<[string, DocHistory, number]> = [
        ['no checkpoints', history, 1e9],
        ['checkpoints every 7', history, 7],
        ['default checkpoints', history, 256],
        ['server snapshots every 13', snapshotsEvery(history, 13), 1e9],
        ['snapshots + checkpoints', snapshotsEvery(history, 50), 16],
      ];
      const instants = randomInstants(history, rand, 40);
      const expected = new Map(instants.map((t) => [t, contentOf(reference(history, t))]));
      for (const [name, h, every] of variants) {
        const timeline = new DocTimeline(h, { checkpointEvery: every });
        for (const t of instants) expect(contentOf(timeline.stateAt(t)), `${name} at ${t}`).toEqual(expected.get(t));
        timeline.destroy();
      }
    });
  }

  it('a cursor moved forwards, backwards and in big jumps always matches a fresh seek', () => {
    const { history } = randomInterview(11, 800);
    const timeline = new DocTimeline(history, { checkpointEvery: 20 });
    const cursor = new TimelineCursor(timeline, 0, 20);
    const rand = seededRandom(99);
    for (let i = 0; i < 120; i++) {
      const r = rand();
      const target =
        r < 0.5 ? cursor.count + Math.floor(rand() * 25) : r < 0.7 ? cursor.count - Math.floor(rand() * 25) : Math.floor(rand() * (timeline.length + 1));
      cursor.moveTo(target);
      expect(contentOf(cursor.doc)).toEqual(contentOf(timeline.docAt(cursor.count)));
    }
  });

  it('makes time non-decreasing when the server clock steps back, so "up to t" stays a prefix', () => {
    const doc = new Y.Doc();
    const updates: HistoryUpdate[] = [];
    doc.on('update', (bytes: Uint8Array) => updates.push({ seq: updates.length + 1, ts: [100, 200, 150, 300][updates.length]!, author: 0, bytes }));
    for (const s of ['a', 'b', 'c', 'd']) boardCode(doc).insert(boardCode(doc).length, s);
    const timeline = new DocTimeline({ doc: 'board', authors: [{ role: 'candidate', name: 'C' }], updates, snapshots: [] });
    expect([0, 1, 2, 3].map((i) => timeline.timeOf(i))).toEqual([100, 200, 200, 300]);
    expect(boardCode(timeline.stateAt(160)).toString()).toBe('a');
    expect(boardCode(timeline.stateAt(200)).toString()).toBe('abc');
    expect(timeline.countAt(99)).toBe(0);
    expect(timeline.countAt(1e15)).toBe(4);
  });

  it('starts a compacted log from the snapshot just before its first update', () => {
    const { history } = randomInterview(21, 300);
    const withSnaps = snapshotsEvery(history, 40);
    const cut = withSnaps.updates.findIndex((u) => u.seq === 80) + 1;
    const compacted: DocHistory = { ...withSnaps, updates: withSnaps.updates.slice(cut) };
    const timeline = new DocTimeline(compacted, { checkpointEvery: 9 });
    const last = history.updates[history.updates.length - 1]!.ts;
    expect(contentOf(timeline.stateAt(last))).toEqual(contentOf(reference(history, last)));
  });
});

// ---- formats ------------------------------------------------------------------------------

function pageOf(history: DocHistory, after: number, limit: number): HistoryPage {
  const rows = history.updates.filter((u) => u.seq > after).slice(0, limit);
  const table = new AuthorTable();
  const last = rows.length > 0 ? rows[rows.length - 1]!.seq : after;
  const lastSeq = history.updates[history.updates.length - 1]?.seq ?? 0;
  return {
    meta: {
      format: 1,
      room: { id: 'room0001', title: 'Ünïcode ✓ "quotes"', createdAt: 5 },
      doc: history.doc,
      log: { updates: history.updates.length, lastSeq, firstTs: history.updates[0]?.ts ?? null, lastTs: history.updates.at(-1)?.ts ?? null },
      snapshots: history.snapshots.map(({ seq, ts }) => ({ seq, ts })),
      events: after === 0 ? [{ ts: 1, kind: 'join', role: 'candidate', name: 'Cam' }] : [],
      authors: table.authors,
      after,
      nextAfter: last < lastSeq ? last : null,
      recording: null,
    },
    updates: rows.map((u) => ({ ...u, author: table.indexOf(history.authors[u.author]!.role, history.authors[u.author]!.name) })),
    snapshots: history.snapshots.filter((s) => s.seq > after && s.seq <= last),
  };
}

describe('history wire format and session files', () => {
  it('pages encode and decode to the same records, and re-encode to the same bytes', () => {
    const history = snapshotsEvery(randomInterview(31, 400).history, 25);
    const page = pageOf(history, 0, 1e6);
    const bytes = encodeHistoryPage(page);
    const decoded = decodeHistoryPage(bytes);
    expect(decoded).toEqual(page);
    expect(encodeHistoryPage(decoded)).toEqual(bytes);
    // compact: framing is a few bytes per update on top of the Yjs bytes themselves
    const payload = history.updates.reduce((n, u) => n + u.bytes.byteLength, 0) + history.snapshots.reduce((n, s) => n + s.bytes.byteLength, 0);
    expect(bytes.byteLength - payload).toBeLessThan(600 + (history.updates.length + history.snapshots.length) * 8);
  });

  it('pages appended in order rebuild the whole recording (authors remapped); a repeated page is harmless', () => {
    const history = snapshotsEvery(randomInterview(32, 500).history, 30);
    const rebuilt = emptyDocHistory('board');
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = decodeHistoryPage(encodeHistoryPage(pageOf(history, after, 37)));
      appendPage(rebuilt, page);
      if (pages === 2) appendPage(rebuilt, page);
      pages++;
      if (page.meta.nextAfter === null) break;
      after = page.meta.nextAfter;
    }
    expect(pages).toBe(Math.ceil(history.updates.length / 37));
    expect(rebuilt.updates.map((u) => u.seq)).toEqual(history.updates.map((u) => u.seq));
    const authorOf = (h: DocHistory, u: HistoryUpdate) => h.authors[u.author];
    expect(rebuilt.updates.map((u) => authorOf(rebuilt, u))).toEqual(history.updates.map((u) => authorOf(history, u)));
    expect(rebuilt.snapshots.map((s) => s.seq)).toEqual(history.snapshots.map((s) => s.seq));
  });

  it('export then import is byte-identical, and the import replays the same states', () => {
    const board = randomInterview(41, 500).history;
    const panel: DocHistory = { ...randomInterview(42, 200).history, doc: 'panel' };
    const file: SessionFile = {
      meta: {
        format: 1,
        room: { id: 'room0001', title: 'Sparse attention', createdAt: 1 },
        events: [
          { ts: 10, kind: 'join', role: 'candidate', name: 'Cam' },
          { ts: 99, kind: 'leave', role: 'candidate', name: 'Cam' },
        ],
        recording: null,
        exportedAt: 123,
      },
      docs: [board, panel],
    };
    const bytes = encodeSessionFile(file);
    const back = decodeSessionFile(bytes);
    expect(back).toEqual(file);
    expect(encodeSessionFile(back)).toEqual(bytes);
    const t = board.updates[Math.floor(board.updates.length / 2)]!.ts;
    expect(contentOf(new DocTimeline(back.docs[0]!).stateAt(t))).toEqual(contentOf(new DocTimeline(board).stateAt(t)));
  });

  it('refuses files that are not sessions, truncated or from a newer format, with one typed error', () => {
    const bytes = encodeSessionFile({
      meta: { format: 1, room: { id: 'r', title: '', createdAt: 0 }, events: [], recording: null, exportedAt: 0 },
      docs: [randomInterview(5, 50).history],
    });
    expect(() => decodeSessionFile(bytes.slice(0, bytes.length - 3))).toThrow(HistoryFormatError);
    expect(() => decodeSessionFile(new TextEncoder().encode('{"hello": 1}'))).toThrow(HistoryFormatError);
    expect(() => decodeSessionFile(encodeHistoryPage(pageOf(randomInterview(6, 30).history, 0, 10)))).toThrow(/not an attn session file/);
    const future = bytes.slice();
    future[13] = 9; // the version byte after the 12-character magic and its length
    expect(() => decodeSessionFile(future)).toThrow(/format version 9/);
    expect(() => decodeSessionFile(new Uint8Array([...bytes, 0]))).toThrow(HistoryFormatError);
  });
});

// ---- skip idle -------------------------------------------------------------------------------

describe('skip idle time map', () => {
  it('is strictly increasing and invertible, compresses only gaps over the threshold', () => {
    const rand = seededRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const start = 1_000_000;
      const activity: number[] = [];
      let t = start;
      for (let i = 0; i < 60; i++) activity.push((t += rand() < 0.2 ? 5000 + Math.floor(rand() * 60_000) : Math.floor(rand() * 2000)));
      const end = t + Math.floor(rand() * 10_000);
      const map = new IdleMap(start, end, activity, true, 3000, 1000);
      let prev = -1;
      for (let x = start; x <= end; x += Math.max(1, Math.floor((end - start) / 400))) {
        const p = map.toPlay(x);
        expect(p).toBeGreaterThan(prev);
        prev = p;
        expect(Math.abs(map.toReal(p) - x)).toBeLessThan(1e-6 * Math.max(1, x));
      }
      expect(map.toPlay(start)).toBe(0);
      expect(map.toReal(map.duration)).toBe(end);
      // every gap longer than the threshold lasts exactly keptMs; shorter ones keep their length
      const points = [start, ...activity, end];
      for (let i = 1; i < points.length; i++) {
        const gap = points[i]! - points[i - 1]!;
        const played = map.toPlay(points[i]!) - map.toPlay(points[i - 1]!);
        expect(played).toBeCloseTo(gap > 3000 ? 1000 : gap, 6);
      }
      const off = new IdleMap(start, end, activity, false);
      expect(off.toPlay(start + 12_345)).toBe(12_345);
      expect(off.duration).toBe(end - start);
    }
  });
});

// ---- view mirror -----------------------------------------------------------------------------

describe('view mirror', () => {
  it('shows exactly the state at t in one long-lived doc, forwards and backwards', () => {
    const { history } = randomInterview(51, 700);
    const timeline = new DocTimeline(history, { checkpointEvery: 32 });
    const view = new Y.Doc();
    const rand = seededRandom(3);
    for (let i = 0; i < 80; i++) {
      const source = timeline.docAt(Math.floor(rand() * (timeline.length + 1)));
      mirrorBoard(source, view, { files: true });
      expect(visibleElementIds(view)).toEqual(visibleElementIds(source));
      expect(boardCode(view).toString()).toBe(boardCode(source).toString());
      for (const id of visibleElementIds(source)) expect(boardElements(view).get(id)).toEqual(boardElements(source).get(id));
    }
  });

  it('patches text between the common prefix and suffix', () => {
    const doc = new Y.Doc();
    const text = boardCode(doc);
    text.insert(0, 'const x = 1;');
    const ops: unknown[] = [];
    text.observe((e) => ops.push(e.delta));
    patchText(text, 'const xy = 1;');
    expect(text.toString()).toBe('const xy = 1;');
    expect(ops).toEqual([[{ retain: 7 }, { insert: 'y' }]]);
    patchText(text, '');
    expect(text.toString()).toBe('');
  });
});

// ---- markers ------------------------------------------------------------------------------

describe('markers', () => {
  it('finds question changes, finished runs with pass/fail, signals and score changes at their update times', () => {
    const board = new Y.Doc();
    const panel = new Y.Doc();
    const log = (doc: Y.Doc, out: HistoryUpdate[], author: number) => {
      let ts = 1000;
      doc.on('update', (bytes: Uint8Array) => out.push({ seq: out.length + 1, ts: (ts += 1000), author, bytes }));
    };
    const boardUpdates: HistoryUpdate[] = [];
    const panelUpdates: HistoryUpdate[] = [];
    log(board, boardUpdates, 0);
    log(panel, panelUpdates, 0);
    writeCurrentQuestion(board, { id: 'q1', title: 'Attention', prompt: '', minutes: 10, startedAt: 0 }, 0);
    boardCode(board).insert(0, 'x');
    const run = (id: string, status: RunRecord['status'], kind: RunRecord['kind'] = 'run', pass?: boolean): RunRecord => ({
      id,
      kind,
      status,
      requestedBy: { name: 'Cam', role: 'candidate', clientId: 1 },
      backendRequested: 'auto',
      createdAt: 0,
      timeoutMs: 1000,
      // a check's verdict counts only for its own challenge (shared/runOutcome.ts)
      ...(kind === 'check' ? { challengeId: 'x' } : {}),
      ...(pass === undefined ? {} : { checks: [{ name: 'c', pass, maxAbsError: 0, tolerance: { atol: 0, rtol: 0 } as never, ms: 1 }] }),
    });
    boardRuns(board).push([run('r1', 'running')]);
    board.transact(() => {
      boardRuns(board).delete(0, 1);
      boardRuns(board).insert(0, [run('r1', 'ok')]);
    });
    // A record that claims every case passed, with no server verdict: forged or unverified, never a pass.
    boardRuns(board).push([run('r2', 'ok', 'check', true)]);
    boardRuns(board).push([run('r3', 'error')]);
    writeCurrentQuestion(board, null, 0);
    // The browser said it failed; the server's verdict, a moment later, is what the marker shows.
    boardRuns(board).push([run('r4', 'ok', 'check', false)]);
    const tolerance = { abs: 1e-4, rel: 1e-4 };
    writeVerdict(board, { runId: 'r4', challengeId: 'x', seed: 1, pass: true, cases: [{ name: 'c', example: true, pass: true, maxAbsError: 0, tolerance }], at: 0, by: { role: 'candidate', name: 'Cam' } });

    panelRaters(panel).set('rater1', { name: 'Ines', joinedAt: 0 });
    panelScores(panel).set(scoreKey('rater1', 'q1', 'math-understanding'), 4);
    panelSignals(panel).push([{ kind: 'paste', at: 5, chars: 900, name: 'Cam' }]);

    const boardMarkers = new BoardMarkers();
    new DocTimeline({ doc: 'board', authors: [{ role: 'candidate', name: 'Cam' }], updates: boardUpdates, snapshots: [] }, { onApplied: boardMarkers.onApplied, prepare: boardMarkers.prepare });
    const panelMarkers = new PanelMarkers([{ role: 'interviewer', name: 'Ines' }]);
    new DocTimeline({ doc: 'panel', authors: [{ role: 'interviewer', name: 'Ines' }], updates: panelUpdates, snapshots: [] }, { onApplied: panelMarkers.onApplied, prepare: panelMarkers.prepare });

    expect(boardMarkers.markers.map((m) => [m.kind, m.t, m.pass])).toEqual([
      ['question', 2000, undefined],
      ['run', 5000, true],
      ['run', 6000, false],
      ['run', 7000, false],
      ['question', 8000, undefined],
      ['run', 9000, true],
    ]);
    expect(boardMarkers.markers[0]!.label).toBe('Question: Attention');
    // Each run marker names who ran it first.
    expect(boardMarkers.markers[1]!.label).toBe('Cam ran the pad: ok');
    expect(boardMarkers.markers[2]!.label).toBe('Cam checked the pad: finished (not verified by the server)');
    expect(boardMarkers.markers[5]!.label).toBe('Cam checked the pad: passed (1/1 cases, verified by server)');
    expect(panelMarkers.markers.map((m) => [m.kind, m.t])).toEqual([
      ['score', 3000],
      ['signal', 4000],
    ]);
    expect(panelMarkers.markers[0]!.label).toBe('Ines: Mathematical understanding → 4 (q1)');
    expect(panelMarkers.markers[1]!.label).toBe('Cam pasted 900 characters');

    const events = eventMarkers([{ ts: 500, kind: 'join', role: 'candidate', name: 'Cam' }]);
    expect(events[0]).toMatchObject({ kind: 'join', t: 500, label: 'Cam (candidate) joined' });
    const all = [...events, ...boardMarkers.markers];
    const edits = [{ t: 3000, who: 'x' }, { t: 3500, who: 'x' }, { t: 9000, who: 'x' }];
    // ←/→: every marker; Shift: every single event too (edits included)
    const targets = markerTargets(all, null);
    expect(targets).toEqual(all.map((m) => m.t).sort((a, b) => a - b).filter((t, i, a) => i === 0 || t !== a[i - 1]));
    const singles = eventTargets(all, edits, null);
    expect(singles).toEqual([...new Set([...targets, 3000, 3500, 9000])].sort((a, b) => a - b));
    const between = targets.find((t) => t > 3000)!;
    expect(nextTarget(targets, 3000)).toBe(between);
    expect(nextTarget(singles, 3000)).toBe(3500);
    expect(prevTarget(targets, targets[0]!)).toBeNull();
  });

  it('names a nameless scorer by the role that wrote the score, in the room kind\'s words', () => {
    const panel = new Y.Doc();
    const updates: HistoryUpdate[] = [];
    panel.on('update', (bytes: Uint8Array) => updates.push({ seq: updates.length + 1, ts: 1000 * (updates.length + 1), author: 0, bytes }));
    // A practiser scoring themselves before giving a name: no rater entry, no author name.
    panelScores(panel).set(scoreKey('self', 'q1', 'math-understanding'), 3);
    const practice = new PanelMarkers([{ role: 'candidate', name: '' }], 'practice');
    new DocTimeline({ doc: 'panel', authors: [{ role: 'candidate', name: '' }], updates, snapshots: [] }, { onApplied: practice.onApplied, prepare: practice.prepare });
    expect(practice.markers[0]!.label).toBe('A practiser: Mathematical understanding → 3 (q1)');
    const interview = new PanelMarkers([{ role: 'interviewer', name: '' }]);
    new DocTimeline({ doc: 'panel', authors: [{ role: 'interviewer', name: '' }], updates, snapshots: [] }, { onApplied: interview.onApplied, prepare: interview.prepare });
    expect(interview.markers[0]!.label).toBe('An interviewer: Mathematical understanding → 3 (q1)');
  });
});

describe('session', () => {
  const recordingWith = (authors: DocHistory['authors'], events: Recording['events'] = []): Recording => {
    const doc = new Y.Doc();
    const updates: HistoryUpdate[] = [];
    doc.on('update', (bytes: Uint8Array) => updates.push({ seq: updates.length + 1, ts: 1000 * (updates.length + 1), author: updates.length % authors.length, bytes }));
    for (let i = 0; i < authors.length * 2; i++) boardCode(doc).insert(0, 'x');
    return { room: { id: 'room0001', title: 'T', createdAt: 0 }, events, recording: null, board: { doc: 'board', authors, updates, snapshots: [] }, panel: null };
  };

  it('takes a nameless author to be the one named person of that role, and only then', () => {
    const one = participantsOf(
      recordingWith([
        { role: 'interviewer', name: '' },
        { role: 'interviewer', name: 'Ines' },
        { role: 'candidate', name: 'Cam' },
        { role: 'server', name: 'attn' },
      ]),
    );
    expect(one.participants.map((p) => p.label)).toEqual(['Ines (interviewer)', 'Cam (candidate)']);
    expect(one.alias('interviewer\u0000')).toBe('interviewer\u0000Ines');
    const two = participantsOf(
      recordingWith([
        { role: 'interviewer', name: '' },
        { role: 'interviewer', name: 'Ines' },
        { role: 'interviewer', name: 'Ivo' },
      ]),
    );
    expect(two.participants.map((p) => p.label)).toEqual(['An interviewer', 'Ines (interviewer)', 'Ivo (interviewer)']);
    expect(new Set(two.participants.map((p) => p.color)).size).toBe(3);
  });

  it('gives each participant their stretches in the room: reconnects overlap, a stray leave is dropped, a nameless join is aliased', () => {
    const ev = (ts: number, kind: 'join' | 'leave', role: 'interviewer' | 'candidate', name: string) => ({ ts, kind, role, name });
    const { participants } = participantsOf(
      recordingWith(
        [{ role: 'interviewer', name: 'Ines' }],
        [
          ev(50, 'leave', 'candidate', 'Cam'), // the log began while Cam was connected
          ev(100, 'join', 'interviewer', ''), // before Ines typed her name: she is the one interviewer
          ev(200, 'join', 'candidate', 'Cam'),
          ev(300, 'join', 'candidate', 'Cam'), // a second tab
          ev(400, 'leave', 'candidate', 'Cam'),
          ev(500, 'leave', 'candidate', 'Cam'),
          ev(600, 'join', 'candidate', 'Cam'),
          ev(700, 'leave', 'interviewer', 'Ines'),
        ],
      ),
    );
    expect(participants.map((p) => [p.label, p.stints])).toEqual([
      ['Cam (candidate)', [{ joined: 200, left: 500 }, { joined: 600, left: null }]],
      ['Ines (interviewer)', [{ joined: 100, left: 700 }]],
    ]);
  });

  it('spans events and edits, attributes each edit, and exports a file that replays the same', async () => {
    const rec = recordingWith([{ role: 'candidate', name: 'Cam' }], [
      { ts: 500, kind: 'join', role: 'candidate', name: 'Cam' },
      { ts: 9000, kind: 'leave', role: 'candidate', name: 'Cam' },
    ]);
    const progress: number[] = [];
    const session = await ReplaySession.build(rec, (done) => progress.push(done));
    expect([session.start, session.end]).toEqual([500, 9000]);
    expect(progress.at(-1)).toBe(2);
    expect(session.edits.map((e) => [e.t, e.who, e.kind])).toEqual([
      [1000, 'candidate\u0000Cam', 'type'],
      [2000, 'candidate\u0000Cam', 'type'],
    ]);
    expect(session.lastEditAt(1500)?.t).toBe(1000);
    expect(session.lastEditAt(999)).toBeNull();
    expect(session.markers.map((m) => m.kind)).toEqual(['join', 'leave']);
    const file = decodeSessionFile(session.exportFile(42));
    expect(file.meta).toMatchObject({ exportedAt: 42, events: rec.events, recording: null });
    expect(file.docs.map((d) => d.updates.length)).toEqual([2]);
    session.destroy();
  });
});
