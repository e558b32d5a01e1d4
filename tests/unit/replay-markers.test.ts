import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocTimeline } from '../../client/replay/engine.js';
import { BoardMarkers, MARKER_SLOT_PX, describeMarker, eventMarkers, filterMarkers, layoutMarkers, participantKey, personLabel, questionLabel, type Marker } from '../../client/replay/markers.js';
import { participantsOf, type Recording } from '../../client/replay/session.js';
import { boardCode, writeCurrentQuestion, writeReveal } from '../../shared/doc.js';
import type { HistoryUpdate } from '../../shared/history.js';

const m = (t: number, kind: Marker['kind'] = 'run', label = `at ${t}`): Marker => ({ kind, t, label });

describe('layoutMarkers', () => {
  it('leaves markers that are apart where they happened, one group each', () => {
    const { placed, groups } = layoutMarkers([m(0), m(500), m(1000)], 0, 1000, 1000);
    expect(placed.map((p) => p.x)).toEqual([0, 500, 1000]);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 1]);
  });

  it('groups a burst and lays its markers one slot apart, so each has its own place', () => {
    const burst = [m(100), m(101), m(102), m(103)];
    const { placed, groups } = layoutMarkers([...burst, m(900)], 0, 1000, 1000);
    expect(groups[0]!.count).toBe(4);
    const xs = placed.slice(0, 4).map((p) => p.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(MARKER_SLOT_PX);
    expect(xs[0]).toBe(100);
    // each keeps its own time (it seeks there), in order
    expect(placed.slice(0, 4).map((p) => p.marker.t)).toEqual([100, 101, 102, 103]);
    expect(placed[4]).toMatchObject({ x: 900, group: 1 });
  });

  it('pushes a burst at the very end back inside the track', () => {
    const { placed } = layoutMarkers([m(998), m(999), m(1000)], 0, 1000, 500);
    expect(Math.max(...placed.map((p) => p.x))).toBeLessThanOrEqual(500);
    const xs = placed.map((p) => p.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(MARKER_SLOT_PX);
  });

  it('groups by what would overlap at this width: a wider track splits the same burst', () => {
    const markers = [m(100), m(110)];
    expect(layoutMarkers(markers, 0, 1000, 500).groups.length).toBe(1);
    expect(layoutMarkers(markers, 0, 1000, 5000).groups.length).toBe(2);
  });
});

describe('describeMarker', () => {
  it('names the kind once', () => {
    expect(describeMarker(m(0, 'question', 'Question: Attention'))).toBe('Question: Attention');
    expect(describeMarker(m(0, 'question', 'Question cleared'))).toBe('Question cleared');
    expect(describeMarker(m(0, 'run', 'Cam ran the pad: ok on cpu'))).toBe('Cam ran the pad: ok on cpu');
    expect(describeMarker(m(0, 'join', 'Cam (candidate) joined'))).toBe('Cam (candidate) joined');
    expect(describeMarker(m(0, 'signal', 'Cam pasted 640 characters'))).toBe('Signal: Cam pasted 640 characters');
    expect(describeMarker(m(0, 'score', 'Ines: Math → 4 (q1)'))).toBe('Score: Ines: Math → 4 (q1)');
  });
});

describe('reveal markers (practice rooms)', () => {
  /** A board doc whose every update is logged one second apart, as the server logs them. */
  const recorded = () => {
    const doc = new Y.Doc();
    const updates: HistoryUpdate[] = [];
    let ts = 1000;
    doc.on('update', (bytes: Uint8Array) => updates.push({ seq: updates.length + 1, ts: (ts += 1000), author: 0, bytes }));
    return { doc, updates };
  };
  const markersOf = (updates: HistoryUpdate[]) => {
    const markers = new BoardMarkers();
    new DocTimeline({ doc: 'board', authors: [{ role: 'server', name: '' }], updates, snapshots: [] }, { onApplied: markers.onApplied, prepare: markers.prepare });
    return markers.markers;
  };

  it('marks each recorded reveal once, at its update, with the question, who and why', () => {
    const { doc, updates } = recorded();
    writeCurrentQuestion(doc, { id: 'q1', title: 'Attention', prompt: '', minutes: 10, startedAt: 0 }, 0);
    writeReveal(doc, { questionId: 'q1', linkId: 'L1', at: 5, reason: 'button', role: 'candidate', name: 'Pat' });
    // A repeated reveal of the same question keeps the first: no update, no second marker.
    writeReveal(doc, { questionId: 'q1', linkId: 'L1', at: 6, reason: 'time', role: 'candidate', name: 'Pat' });
    boardCode(doc).insert(0, 'x');
    writeCurrentQuestion(doc, { id: 'q2', title: 'KV cache', prompt: '', minutes: 10, startedAt: 0 }, 0);
    writeReveal(doc, { questionId: 'q2', linkId: 'L1', at: 7, reason: 'time', role: 'candidate' });
    // Recorded before reveals kept who revealed.
    writeReveal(doc, { questionId: 'q1', linkId: 'L2', at: 8, reason: 'button' });

    const reveals = markersOf(updates).filter((m) => m.kind === 'reveal');
    expect(reveals.map((m) => [m.t, m.label])).toEqual([
      [3000, 'Guide revealed: Attention (Pat, early)'],
      [6000, 'Guide revealed: KV cache (A candidate, time up)'],
      // q1 is no longer on screen: its title comes from the question history.
      [7000, 'Guide revealed: Attention (the practiser, early)'],
    ]);
    expect(reveals.map((m) => m.who)).toEqual([participantKey('candidate', 'Pat'), participantKey('candidate', ''), undefined]);
    // Named once, and shown for its revealer (and, with no revealer known, for everyone).
    expect(describeMarker(reveals[0]!)).toBe('Guide revealed: Attention (Pat, early)');
    expect(filterMarkers(reveals, participantKey('candidate', 'Pat')).map((m) => m.t)).toEqual([3000, 7000]);
  });
});

describe('people in the room kind\'s words', () => {
  const recording = (kind: Recording['room']['kind']): Recording => ({
    room: { id: 'r', title: '', createdAt: 0, ...(kind ? { kind } : {}) },
    events: [
      { ts: 1, kind: 'join', role: 'interviewer', name: 'Ada' },
      { ts: 2, kind: 'join', role: 'observer', name: '' },
    ],
    recording: null,
    board: { doc: 'board', authors: [], updates: [], snapshots: [] },
    panel: null,
  });

  it('a pair room\'s interviewer link is a peer on the timeline, in the legend and in run labels', () => {
    const rec = recording('pair');
    expect(eventMarkers(rec.events, 'pair').map((m) => m.label)).toEqual(['Ada (peer) joined', 'A read-only joined']);
    expect(participantsOf(rec).participants.map((p) => p.label)).toEqual(['Ada (peer)', 'A read-only']);
    expect(personLabel('practice', 'candidate', 'Pat')).toBe('Pat (practiser)');
    for (const text of [...eventMarkers(rec.events, 'pair').map((m) => m.label), ...participantsOf(rec).participants.map((p) => p.label)]) {
      expect(text).not.toMatch(/interviewer/i);
    }
  });

  it('an interview, or a file from before rooms had kinds, keeps the role names', () => {
    expect(participantsOf(recording(undefined)).participants.map((p) => p.label)).toEqual(['Ada (interviewer)', 'An observer']);
    expect(eventMarkers(recording('interview').events).map((m) => m.label)).toEqual(['Ada (interviewer) joined', 'An observer joined']);
  });
});

describe('question markers', () => {
  const attention = { id: 'q1', title: 'Attention', prompt: '', minutes: 10, startedAt: 0 };
  const diffusion = { id: 'q2', title: 'Diffusion', prompt: '', minutes: 10, startedAt: 0 };

  it('name who set or cleared the question, by display name or else by role', () => {
    expect(questionLabel(attention, { role: 'interviewer', name: 'Ada' })).toBe('Ada set the question: Attention');
    expect(questionLabel(null, { role: 'interviewer', name: 'Ada' })).toBe('Ada cleared the question');
    // The interviewer's link had no socket open (a REST call alone): the role is all that is known.
    expect(questionLabel(attention, { role: 'interviewer', name: '' })).toBe('An interviewer set the question: Attention');
    // A practice room's practiser (a candidate link) picks their own questions, named in that kind's words.
    expect(questionLabel(null, { role: 'candidate', name: '' }, 'practice')).toBe('A practiser cleared the question');
    expect(questionLabel(attention, { role: 'interviewer', name: '' }, 'pair')).toBe('A peer set the question: Attention');
    // A recording from before the server kept who: nobody is named.
    expect(questionLabel(attention, undefined)).toBe('Question: Attention');
    expect(questionLabel(null, undefined)).toBe('Question cleared');
  });

  it('take the person from the history entry the server wrote with each change, and say "question" once', () => {
    const board = new Y.Doc();
    const updates: HistoryUpdate[] = [];
    board.on('update', (bytes: Uint8Array) => updates.push({ seq: updates.length + 1, ts: 1000 * (updates.length + 1), author: 0, bytes }));
    writeCurrentQuestion(board, attention, 0, { role: 'interviewer', name: 'Ada' });
    writeCurrentQuestion(board, diffusion, 0, { role: 'interviewer', name: 'Ines' });
    writeCurrentQuestion(board, null, 0, { role: 'interviewer', name: '' });
    writeCurrentQuestion(board, attention, 0);
    const markers = new BoardMarkers();
    // The log's author for these updates is attn itself, as the server records its own changes.
    new DocTimeline({ doc: 'board', authors: [{ role: 'server', name: 'attn' }], updates, snapshots: [] }, { onApplied: markers.onApplied, prepare: markers.prepare });
    const labels = markers.markers.map((m) => describeMarker(m));
    expect(labels).toEqual(['Ada set the question: Attention', 'Ines set the question: Diffusion', 'An interviewer cleared the question', 'Question: Attention']);
    for (const label of labels) expect(label.match(/question/gi)?.length, label).toBe(1);
    // Question changes stay room-wide: the participant filter never hides them.
    expect(markers.markers.every((m) => m.who === undefined)).toBe(true);
  });
});
