/**
 * A loaded recording, ready to play: the board and panel timelines (engine.ts), the markers,
 * who took part, every edit with its author and kind (the timeline's lanes and the step
 * targets), and the export file. Pure (no DOM), built in slices so a page can show progress.
 */
import {
  encodeSessionFile,
  HISTORY_FORMAT,
  type AuthorRole,
  type DocHistory,
  type HistoryEvent,
  type HistoryRoom,
  type RecordingInfo,
} from '../../shared/history.js';
import { ROLE_PALETTES } from '../lib/colors.js';
import { DocTimeline, type AppliedUpdate } from './engine.js';
import {
  BoardMarkers,
  boardActivity,
  eventMarkers,
  PanelMarkers,
  panelActivity,
  participantKey,
  personLabel,
  sortMarkers,
  type ActivityKind,
  type Marker,
} from './markers.js';

export interface Recording {
  room: HistoryRoom;
  events: HistoryEvent[];
  recording: RecordingInfo | null;
  board: DocHistory;
  /** null when the viewer may not read the panel, or the file has none */
  panel: DocHistory | null;
}

export interface Participant {
  key: string;
  role: AuthorRole;
  name: string;
  /** "Cam (candidate)", or "A candidate" for someone who never gave a name */
  label: string;
  color: string;
  /** when they were in the room (board connections), ascending; `left` is null while still there at the end */
  stints: Stint[];
}

export interface Stint {
  joined: number;
  left: number | null;
}

export interface Edit {
  t: number;
  /** participant key; 'server' entries (question changes, signals) are attn's own */
  who: string;
  kind: ActivityKind;
}

/** Updates run through the engine per slice before the page may paint its progress again. */
const BUILD_SLICE = 2000;
const SERVER_COLOR = '#64748b';

export class ReplaySession {
  readonly markers: Marker[];
  readonly participants: Participant[];
  /** every edit, ascending time */
  readonly edits: Edit[];
  readonly start: number;
  readonly end: number;

  private constructor(
    readonly recording: Recording,
    readonly board: DocTimeline,
    readonly panel: DocTimeline | null,
    markers: Marker[],
    edits: Edit[],
    participants: Participant[],
  ) {
    this.markers = markers;
    this.edits = edits;
    this.participants = participants;
    const times = [
      ...recording.events.map((e) => e.ts),
      ...[board, panel].flatMap((tl) => (tl && tl.length > 0 ? [tl.firstTs!, tl.lastTs!] : [])),
    ];
    this.start = times.length > 0 ? Math.min(...times) : recording.room.createdAt;
    this.end = times.length > 0 ? Math.max(...times) : this.start;
  }

  /** Runs the whole recording through the engine, yielding between slices. */
  static async build(recording: Recording, onProgress?: (done: number, total: number) => void): Promise<ReplaySession> {
    const total = recording.board.updates.length + (recording.panel?.updates.length ?? 0);
    let done = 0;
    const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

    const { participants, alias } = participantsOf(recording);
    const keyOf = (role: string, name: string) => (role === 'server' ? 'server' : alias(participantKey(role, name)));
    const kind = recording.room.kind ?? 'interview';
    const boardMarkers = new BoardMarkers(kind);
    const boardEdits: Edit[] = [];
    const boardAuthors = recording.board.authors.map((a) => keyOf(a.role, a.name));
    const board = new DocTimeline(recording.board, {
      defer: true,
      prepare: boardMarkers.prepare,
      onApplied: (applied: AppliedUpdate) => {
        boardMarkers.onApplied(applied);
        boardEdits.push({ t: applied.t, who: boardAuthors[applied.update.author] ?? 'server', kind: boardActivity(applied.doc, applied.tr) });
      },
    });
    for (let i = 0; i < recording.board.updates.length; i += BUILD_SLICE) {
      board.append(recording.board.updates.slice(i, i + BUILD_SLICE));
      done += Math.min(BUILD_SLICE, recording.board.updates.length - i);
      onProgress?.(done, total);
      await yieldToPage();
    }

    let panel: DocTimeline | null = null;
    const panelEdits: Edit[] = [];
    const panelMarkers = recording.panel ? new PanelMarkers(recording.panel.authors, kind) : null;
    if (recording.panel && panelMarkers) {
      const panelAuthors = recording.panel.authors.map((a) => keyOf(a.role, a.name));
      panel = new DocTimeline(recording.panel, {
        defer: true,
        prepare: panelMarkers.prepare,
        onApplied: (applied: AppliedUpdate) => {
          panelMarkers.onApplied(applied);
          panelEdits.push({ t: applied.t, who: panelAuthors[applied.update.author] ?? 'server', kind: panelActivity(applied.doc, applied.tr) });
        },
      });
      for (let i = 0; i < recording.panel.updates.length; i += BUILD_SLICE) {
        panel.append(recording.panel.updates.slice(i, i + BUILD_SLICE));
        done += Math.min(BUILD_SLICE, recording.panel.updates.length - i);
        onProgress?.(done, total);
        await yieldToPage();
      }
    }
    const markers = sortMarkers([...eventMarkers(recording.events, kind), ...boardMarkers.markers, ...(panelMarkers?.markers ?? [])]);
    for (const m of markers) if (m.who !== undefined) m.who = alias(m.who);
    return new ReplaySession(recording, board, panel, markers, mergeByTime(boardEdits, panelEdits), participants);
  }

  /** The last edit at or before t (null before the first). */
  lastEditAt(t: number): Edit | null {
    let lo = 0;
    let hi = this.edits.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.edits[mid]!.t <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.edits[lo - 1]! : null;
  }

  participant(key: string): Participant | undefined {
    return this.participants.find((p) => p.key === key);
  }

  /** The whole session as one `.attnreplay` file (format in shared/history.ts). */
  exportFile(exportedAt = Date.now()): Uint8Array {
    const { room, events, recording, board, panel } = this.recording;
    return encodeSessionFile({
      meta: { format: HISTORY_FORMAT, room, events, recording, exportedAt },
      // Checkpoints are rebuilt on import in well under a second; leaving them out keeps the file small.
      docs: [board, ...(panel ? [panel] : [])].map((d) => ({ ...d, snapshots: [] })),
    });
  }

  destroy(): void {
    this.board.destroy();
    this.panel?.destroy();
  }
}

function mergeByTime(a: Edit[], b: Edit[]): Edit[] {
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.t <= b[j]!.t)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * Everyone who edited or came and went, in order of first appearance, each with a colour of
 * their role. The log stores role and display name, not the link: a socket that wrote before
 * its person typed a name (the panel's, typically) is logged nameless. Such a nameless author
 * is taken to be the one named person of that role when there is exactly one; otherwise they
 * stay "an interviewer" and so on.
 */
export function participantsOf(recording: Recording): { participants: Participant[]; alias: (key: string) => string } {
  const seen = new Map<string, { role: AuthorRole; name: string; first: number }>();
  const note = (role: AuthorRole, name: string, at: number) => {
    if (role === 'server') return;
    const key = participantKey(role, name);
    const known = seen.get(key);
    if (!known || at < known.first) seen.set(key, { role, name, first: at });
  };
  for (const e of recording.events) note(e.role, e.name, e.ts);
  for (const history of [recording.board, recording.panel]) {
    if (!history) continue;
    const firstBy = new Map<number, number>();
    for (const u of history.updates) if (!firstBy.has(u.author)) firstBy.set(u.author, u.ts);
    for (const [author, at] of firstBy) {
      const a = history.authors[author];
      if (a) note(a.role, a.name, at);
    }
  }
  const aliases = new Map<string, string>();
  for (const [key, p] of [...seen]) {
    if (p.name) continue;
    const named = [...seen.entries()].filter(([, q]) => q.role === p.role && q.name);
    if (named.length !== 1) continue;
    const [namedKey, q] = named[0]!;
    aliases.set(key, namedKey);
    q.first = Math.min(q.first, p.first);
    seen.delete(key);
  }
  const perRole = new Map<string, number>();
  const participants = [...seen.entries()]
    .sort((x, y) => x[1].first - y[1].first)
    .map(([key, { role, name }]) => {
      const k = perRole.get(role) ?? 0;
      perRole.set(role, k + 1);
      const palette = role === 'server' ? [SERVER_COLOR] : ROLE_PALETTES[role];
      return { key, role, name, label: personLabel(recording.room.kind ?? 'interview', role, name), color: palette[k % palette.length]!, stints: [] as Stint[] };
    });
  const alias = (key: string) => aliases.get(key) ?? key;
  const stints = stintsOf(recording.events, alias);
  for (const p of participants) p.stints = stints.get(p.key) ?? [];
  return { participants, alias };
}

/**
 * Joins and leaves as stretches of presence, per participant. One person may hold several
 * connections (two tabs, a reconnect that joins before the old socket's leave): they are in the
 * room from the first join until the last of their connections has left. A leave with nothing
 * open (the log began mid-connection) has no stretch to close and is dropped.
 */
export function stintsOf(events: readonly HistoryEvent[], alias: (key: string) => string = (key) => key): Map<string, Stint[]> {
  const out = new Map<string, Stint[]>();
  const open = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    const key = alias(participantKey(e.role, e.name));
    const list = out.get(key) ?? [];
    out.set(key, list);
    const count = open.get(key) ?? 0;
    if (e.kind === 'join') {
      if (count === 0) list.push({ joined: e.ts, left: null });
      open.set(key, count + 1);
    } else if (count > 0) {
      open.set(key, count - 1);
      if (count === 1) list.at(-1)!.left = e.ts;
    }
  }
  return out;
}
