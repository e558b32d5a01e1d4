/**
 * What happened when: the timeline's markers, derived from the recording in the engine's single
 * loading pass (each update's transaction says which root types it changed), plus the joins and
 * leaves the server recorded. Pure, through shared/doc.ts's accessors only.
 */
import type * as Y from 'yjs';
import {
  boardCode,
  boardElements,
  boardRuns,
  boardSession,
  boardVerdicts,
  panelNotes,
  panelRaters,
  panelScores,
  panelSignals,
  readCurrentQuestion,
  readQuestionHistory,
  readReveals,
  readVerdict,
  type CurrentQuestion,
  type PracticeReveal,
  type QuestionSetter,
  type RunRecord,
  type Signal,
} from '../../shared/doc.js';
import type { RoomKind } from '../../shared/capabilities.js';
import type { Verdict } from '../../shared/challenge.js';
import type { HistoryAuthor, HistoryEvent } from '../../shared/history.js';
import type { AppliedUpdate } from './engine.js';
import { RUBRIC } from '../../shared/rubric.js';
import { runOutcome } from '../../shared/runOutcome.js';
import { roleLabel } from '../lib/roles.js';

export const MARKER_KINDS = ['join', 'leave', 'question', 'reveal', 'run', 'signal', 'score'] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

export const MARKER_LABELS: Record<MarkerKind, string> = {
  join: 'Joined',
  leave: 'Left',
  question: 'Question',
  reveal: 'Guide revealed',
  run: 'Run',
  signal: 'Signal',
  score: 'Score',
};

export interface Marker {
  kind: MarkerKind;
  /** recording clock, ms since epoch */
  t: number;
  /** one line, for the tooltip */
  label: string;
  /** the participant it belongs to (participantKey), when it belongs to one */
  who?: string;
  /** runs and checks */
  pass?: boolean;
}

/** "An interviewer", "A candidate": a person who never gave a name. */
export function someone(role: string): string {
  return `${/^[aeiou]/.test(role) ? 'An' : 'A'} ${role}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A role as the timeline names it, in the room kind's words: "peer" in a pair room. */
export function roleWord(kind: RoomKind, role: HistoryAuthor['role']): string {
  return role === 'server' ? 'server' : roleLabel(kind, role).toLowerCase();
}

/** Who did something, as a marker's subject: their name, or "A peer" for someone who gave none. */
function subject(kind: RoomKind, role: HistoryAuthor['role'], name: string | undefined): string {
  return name || someone(roleWord(kind, role));
}

/** One person as the timeline tells them apart: role and display name. */
export function participantKey(role: string, name: string): string {
  return `${role}\u0000${name}`;
}

// Yjs types its `changed` map by AbstractType<YEvent<any>>; a concrete YMap/YText does not
// narrow to that, so the lookups go through these two helpers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;
const touched = (tr: Y.Transaction, type: unknown): boolean => tr.changed.has(type as AnyType);
const changedKeys = (tr: Y.Transaction, type: unknown): Set<string | null> | undefined => tr.changed.get(type as AnyType);

const RUN_DONE = new Set<RunRecord['status']>(['ok', 'error', 'timeout', 'stopped', 'declined']);

const SUB_LABELS = new Map<string, string>(RUBRIC.flatMap((c) => c.subCriteria.map((s) => [s.id, s.label] as const)));

/**
 * A check passed only on the server's word (its verdict in the board's server-only `verdicts`
 * map); the run record's own `checks` were written by the browser that ran it and can be forged.
 * The same rule as every other view's badge (shared/runOutcome.ts).
 */
export function runPassed(run: RunRecord, verdict: Verdict | null = null): boolean {
  return runOutcome(run, verdict).tone === 'pass';
}

/** "Cam ran the pad: ok on cpu", "Cam checked the pad: failed (0/6 cases, …)": who comes first, as in every other marker. */
function runLabel(run: RunRecord, verdict: Verdict | null, kind: RoomKind): string {
  const who = run.ranBy ?? run.requestedBy;
  const what = run.kind === 'check' ? 'checked the pad' : 'ran the pad';
  const o = runOutcome(run, verdict);
  const outcome = o.detail ? `${o.word} (${o.passed}/${o.total} cases, verified by server)` : o.word === 'unverified' ? 'finished (not verified by the server)' : o.word;
  const backend = run.backend ? ` on ${run.backend}` : '';
  return `${subject(kind, who.role, who.name)} ${what}: ${outcome}${backend}`;
}

/**
 * "Ada set the question: Attention", "An interviewer cleared the question": who comes first, as
 * in every other marker, from the history entry the server wrote with the change. Rooms recorded
 * before the server kept who did it say "Question: …" / "Question cleared" and name nobody.
 */
export function questionLabel(current: Pick<CurrentQuestion, 'title'> | null, by: QuestionSetter | undefined, kind: RoomKind = 'interview'): string {
  if (!by) return current ? `Question: ${current.title}` : 'Question cleared';
  const who = subject(kind, by.role, by.name);
  return current ? `${who} set the question: ${current.title}` : `${who} cleared the question`;
}

function signalText(s: Signal): string {
  switch (s.kind) {
    case 'paste':
      return `pasted ${s.chars ?? 'a large block of'} characters`;
    case 'hidden':
      return 'left the interview tab';
    case 'visible':
      return 'came back to the tab';
  }
}

/**
 * "Guide revealed: Attention (Pat, early)": a practice room's reveal, as the server recorded it.
 * The title comes from the question on screen or, if it changed in the same update, the room's
 * question history; a reveal recorded before reveals kept their author reads "the practiser".
 */
function revealMarker(doc: Y.Doc, t: number, reveal: PracticeReveal, kind: RoomKind): Marker {
  const current = readCurrentQuestion(doc);
  const title =
    current?.id === reveal.questionId ? current.title : (readQuestionHistory(doc).findLast((c) => c.id === reveal.questionId)?.title ?? reveal.questionId);
  const who = reveal.role ? subject(kind, reveal.role, reveal.name) : reveal.name || 'the practiser';
  const when = reveal.reason === 'time' ? 'time up' : 'early';
  return {
    kind: 'reveal',
    t,
    label: `Guide revealed: ${title} (${who}, ${when})`,
    ...(reveal.role ? { who: participantKey(reveal.role, reveal.name ?? '') } : {}),
  };
}

/** Derives markers from the board doc's updates, one update at a time, in order. */
export class BoardMarkers {
  readonly markers: Marker[] = [];
  private questionId: string | null = null;
  /** reveals already marked, by question, link and time (the session map keeps its latest 200) */
  private readonly revealsSeen = new Set<string>();
  private readonly runsDone = new Set<string>();
  /** check markers still waiting for the server's verdict, by run id */
  private readonly awaitingVerdict = new Map<string, { marker: Marker; run: RunRecord }>();

  constructor(private readonly kind: RoomKind = 'interview') {}

  prepare = (doc: Y.Doc): void => {
    boardSession(doc);
    boardRuns(doc);
    boardVerdicts(doc);
    boardCode(doc);
    boardElements(doc);
  };

  onApplied = ({ t, doc, tr }: AppliedUpdate): void => {
    if (touched(tr, boardSession(doc))) {
      const current = readCurrentQuestion(doc);
      const id = current?.id ?? null;
      if (id !== this.questionId) {
        this.questionId = id;
        // Room-wide (no `who`): the participant filter keeps question changes for everyone.
        this.markers.push({ kind: 'question', t, label: questionLabel(current, readQuestionHistory(doc).at(-1)?.by, this.kind) });
      }
      for (const reveal of readReveals(doc)) {
        const key = `${reveal.questionId}\u0000${reveal.linkId}\u0000${reveal.at}`;
        if (this.revealsSeen.has(key)) continue;
        this.revealsSeen.add(key);
        this.markers.push(revealMarker(doc, t, reveal, this.kind));
      }
    }
    if (touched(tr, boardRuns(doc))) {
      for (const run of boardRuns(doc).toArray()) {
        if (!run || this.runsDone.has(run.id) || !RUN_DONE.has(run.status)) continue;
        this.runsDone.add(run.id);
        const verdict = readVerdict(doc, run.id);
        const pass = runPassed(run, verdict);
        const who = run.ranBy ?? run.requestedBy;
        const marker: Marker = { kind: 'run', t, label: runLabel(run, verdict, this.kind), pass, who: participantKey(who.role, who.name) };
        this.markers.push(marker);
        // The verdict lands just after the record; the marker keeps the run's time and takes its outcome.
        if (run.kind === 'check' && run.status === 'ok' && !verdict) this.awaitingVerdict.set(run.id, { marker, run });
      }
    }
    if (this.awaitingVerdict.size > 0 && touched(tr, boardVerdicts(doc))) {
      for (const [runId, { marker, run }] of this.awaitingVerdict) {
        const verdict = readVerdict(doc, runId);
        if (!verdict) continue;
        this.awaitingVerdict.delete(runId);
        marker.pass = runPassed(run, verdict);
        marker.label = runLabel(run, verdict, this.kind);
      }
    }
  };
}

/** Derives markers from the panel doc's updates: new candidate signals and score changes. */
export class PanelMarkers {
  readonly markers: Marker[] = [];
  private readonly signalsSeen = new Set<string>();

  constructor(
    private readonly authors: readonly HistoryAuthor[],
    private readonly kind: RoomKind = 'interview',
  ) {}

  prepare = (doc: Y.Doc): void => {
    panelSignals(doc);
    panelScores(doc);
    panelNotes(doc);
    panelRaters(doc);
  };

  onApplied = ({ update, t, doc, tr }: AppliedUpdate): void => {
    if (touched(tr, panelSignals(doc))) {
      for (const s of panelSignals(doc).toArray()) {
        const key = `${s.at}\u0000${s.kind}\u0000${s.name}\u0000${s.chars ?? ''}`;
        if (this.signalsSeen.has(key)) continue;
        this.signalsSeen.add(key);
        this.markers.push({ kind: 'signal', t, label: `${s.name || 'Candidate'} ${signalText(s)}`, who: participantKey('candidate', s.name) });
      }
    }
    const scores = panelScores(doc);
    const keys = changedKeys(tr, scores);
    if (keys && keys.size > 0) {
      const author = this.authors[update.author];
      const parts: string[] = [];
      let rater = '';
      for (const key of keys) {
        if (key === null) continue;
        const [raterId = '', questionId = '', sub = ''] = key.split('/');
        // A nameless rater is named by the role that wrote the score, in the room kind's words
        // (a practiser scoring themselves is not "an interviewer").
        rater ||= panelRaters(doc).get(raterId)?.name || author?.name || capitalize(subject(this.kind, author && author.role !== 'server' ? author.role : 'interviewer', ''));
        const value = scores.get(key);
        parts.push(`${SUB_LABELS.get(sub) ?? sub} ${value === undefined ? 'cleared' : `→ ${value}`} (${questionId})`);
      }
      if (parts.length > 0) {
        this.markers.push({
          kind: 'score',
          t,
          label: `${rater}: ${parts.join(', ')}`,
          ...(author && author.role !== 'server' ? { who: participantKey(author.role, author.name) } : {}),
        });
      }
    }
  };
}

/** "Cam (candidate)", "Ada (peer)", or "A peer" for someone who never gave a name. */
export function personLabel(kind: RoomKind, role: HistoryAuthor['role'], name: string): string {
  return name ? `${name} (${roleWord(kind, role)})` : subject(kind, role, name);
}

export function eventMarkers(events: readonly HistoryEvent[], kind: RoomKind = 'interview'): Marker[] {
  return events.map((e) => ({
    kind: e.kind,
    t: e.ts,
    label: `${personLabel(kind, e.role, e.name)} ${e.kind === 'join' ? 'joined' : 'left'}`,
    who: participantKey(e.role, e.name),
  }));
}

/** What kind of edit an update was, for the activity strip. */
export type ActivityKind = 'draw' | 'type' | 'question' | 'run' | 'panel' | 'other';

export function boardActivity(doc: Y.Doc, tr: Y.Transaction): ActivityKind {
  if (touched(tr, boardCode(doc))) return 'type';
  if (touched(tr, boardElements(doc))) return 'draw';
  if (touched(tr, boardRuns(doc))) return 'run';
  if (touched(tr, boardSession(doc))) return 'question';
  return 'other';
}

export function panelActivity(doc: Y.Doc, tr: Y.Transaction): ActivityKind {
  if (touched(tr, panelNotes(doc)) || touched(tr, panelScores(doc))) return 'panel';
  return 'other';
}

/** All markers in time order (stable: same-time markers keep their kind's natural order). */
export function sortMarkers(markers: Marker[]): Marker[] {
  return markers.sort((a, b) => a.t - b.t);
}

/** The markers the participant filter lets through: that person's, plus room-wide ones (question changes). */
export function filterMarkers(markers: readonly Marker[], who: string | null): Marker[] {
  return who === null ? [...markers] : markers.filter((m) => m.who === undefined || m.who === who);
}

/**
 * The marker's sentence, naming its kind once: question labels already read "Ada set the
 * question: …" (or "Question: …") and join/leave/run labels say who did what, so only signals
 * and scores get a kind prefix.
 */
export function describeMarker(m: Pick<Marker, 'kind' | 'label'>): string {
  const kind = MARKER_LABELS[m.kind];
  if (m.label.toLowerCase().startsWith(kind.toLowerCase())) return m.label;
  return m.kind === 'signal' || m.kind === 'score' ? `${kind}: ${m.label}` : m.label;
}

/** Width of one marker's slot on the track, in CSS pixels: closer markers would cover each other. */
export const MARKER_SLOT_PX = 12;

export interface PlacedMarker {
  marker: Marker;
  /** left edge offset of the marker's centre on the track, px */
  x: number;
  /** index into the groups */
  group: number;
}

export interface MarkerGroup {
  /** px span of the group's slots (centre of the first to centre of the last) */
  from: number;
  to: number;
  count: number;
}

/**
 * Lays the markers out on a track `widthPx` wide so that none covers another: a burst (markers
 * closer than one slot) becomes a group whose markers sit side by side, one slot apart, starting
 * where the first one happened; each stays its own button (reachable by pointer and Tab) and
 * still seeks to its own time. Groups are pushed back from the right edge if they would overflow.
 */
export function layoutMarkers(markers: readonly Marker[], start: number, span: number, widthPx: number, slot = MARKER_SLOT_PX): { placed: PlacedMarker[]; groups: MarkerGroup[] } {
  const sorted = [...markers].sort((a, b) => a.t - b.t);
  const placed: PlacedMarker[] = [];
  const groups: MarkerGroup[] = [];
  const safeSpan = Math.max(1, span);
  for (const marker of sorted) {
    const natural = ((marker.t - start) / safeSpan) * widthPx;
    const last = placed.at(-1);
    if (last && natural < last.x + slot) {
      const x = last.x + slot;
      const group = groups[last.group]!;
      group.to = x;
      group.count++;
      placed.push({ marker, x, group: last.group });
    } else {
      groups.push({ from: natural, to: natural, count: 1 });
      placed.push({ marker, x: natural, group: groups.length - 1 });
    }
  }
  // Back from the right edge: the overflow moves left, pushing earlier markers only as needed.
  let limit = widthPx;
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i]!;
    if (p.x > limit) p.x = limit;
    limit = p.x - slot;
  }
  for (const g of groups) g.from = g.to = Number.NaN;
  for (const p of placed) {
    const g = groups[p.group]!;
    g.from = Number.isNaN(g.from) ? p.x : Math.min(g.from, p.x);
    g.to = Number.isNaN(g.to) ? p.x : Math.max(g.to, p.x);
  }
  return { placed, groups };
}

/** Every distinct time of a marker the filter lets through, ascending: where ←/→ step. */
export function markerTargets(markers: readonly Marker[], who: string | null): number[] {
  const out = filterMarkers(markers, who).map((m) => m.t);
  out.sort((a, b) => a - b);
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

/** Every single event (each edit and each marker), ascending and distinct: where Shift+←/→ step. */
export function eventTargets(markers: readonly Marker[], edits: readonly { t: number; who: string }[], who: string | null): number[] {
  const out = filterMarkers(markers, who).map((m) => m.t);
  for (const e of edits) if (who === null || e.who === who) out.push(e.t);
  out.sort((a, b) => a - b);
  return out.filter((t, i) => i === 0 || t !== out[i - 1]);
}

/** The nearest target strictly after / before t (null at the ends). */
export function nextTarget(targets: readonly number[], t: number): number | null {
  for (const x of targets) if (x > t) return x;
  return null;
}
export function prevTarget(targets: readonly number[], t: number): number | null {
  for (let i = targets.length - 1; i >= 0; i--) if (targets[i]! < t) return targets[i]!;
  return null;
}
