/**
 * THE one place that knows the Y.Doc key names and the shapes stored under them.
 * The server, the client bindings, replay and the tests all go through these accessors,
 * so renaming a key (or adding one) happens here and nowhere else.
 */
import type { CandidateListing } from './listing.js';
import * as Y from 'yjs';
import type { Verdict } from './challenge.js';
import type { Role } from './protocol.js';
import { isScore, type PanelScores, type Score, type SubCriterionId } from './rubric.js';

// ---- board ---------------------------------------------------------------

export const BOARD_KEYS = {
  /** Y.Map: Excalidraw element id -> the element as frozen JSON (never a nested Y type). */
  elements: 'elements',
  /** Y.Map: Excalidraw file id -> FileMeta. The bytes live in the store, not in the doc. */
  files: 'files',
  /** Y.Text: the code pad. */
  code: 'code',
  /** Y.Map, written only by the server (REST): see SessionState. Candidates see it, so it holds only redacted data. */
  session: 'session',
  /** Y.Array: run results (snippet-runner issue). */
  runs: 'runs',
  /** Y.Map, written only by the server (POST /challenges/:id/verify): runId -> Verdict. */
  verdicts: 'verdicts',
} as const;

/**
 * The fields of an Excalidraw element the binding reasons about. Everything else is carried
 * through untouched; the shape is kept open so shared/ does not depend on Excalidraw's types.
 */
export interface StoredElement {
  id: string;
  version: number;
  versionNonce: number;
  /** Excalidraw 0.18 fractional index; scene order is ascending index, ties by id. */
  index: string | null;
  isDeleted: boolean;
  type: string;
  [field: string]: unknown;
}

export interface FileMeta {
  id: string;
  mimeType: string;
  size: number;
  /** ms since epoch, as Excalidraw's BinaryFileData.created */
  created: number;
}

export function boardElements(doc: Y.Doc): Y.Map<StoredElement> {
  return doc.getMap<StoredElement>(BOARD_KEYS.elements);
}
export function boardFiles(doc: Y.Doc): Y.Map<FileMeta> {
  return doc.getMap<FileMeta>(BOARD_KEYS.files);
}
export function boardCode(doc: Y.Doc): Y.Text {
  return doc.getText(BOARD_KEYS.code);
}
export function boardSession(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(BOARD_KEYS.session);
}

/** The question on screen: only what a candidate may see (title, prompt) plus timing. */
export interface CurrentQuestion {
  id: string;
  title: string;
  /** the `## Prompt` section, Markdown */
  prompt: string;
  /** suggested minutes */
  minutes: number;
  /** the coding challenge that goes with it, if any (its id only: the spec comes over REST) */
  challenge?: string;
  /** the diagram template its front matter names (questions/<slug>/<id>.diagram.ts), if any */
  diagram?: string;
  /** spot the bug: the code to review (never its defects: those stay on the server and the panel) */
  listing?: CandidateListing;
  /** server clock, ms since epoch */
  startedAt: number;
}

/** One entry per question change, for playback markers. `id: null` = the interviewer cleared the question. */
export interface QuestionChange {
  id: string | null;
  title: string;
  at: number;
  /**
   * Who changed it: their link's role and the display name its sockets used ('' when none was
   * open). The server writes the change, so the update log's author is attn itself; this is the
   * only record of the person. Absent in rooms recorded before it was kept.
   */
  by?: QuestionSetter;
}

export interface QuestionSetter {
  role: Role;
  name: string;
}

export const SESSION_KEYS = { current: 'current', history: 'history', templatesForAnyone: 'templatesForAnyone', reveals: 'reveals', roleSwaps: 'roleSwaps' } as const;

/**
 * A practice room's "Reveal guide" (issue 14), as the server recorded it. The guide route answers
 * a practiser only once their link has one for the current question. It lives in the board's
 * server-only session map, so it is in the update log and replay shows when it happened.
 */
export interface PracticeReveal {
  questionId: string;
  linkId: string;
  /** ms since epoch, server clock */
  at: number;
  /** 'button' for "Reveal guide", 'time' when the countdown ran out */
  reason: 'button' | 'time';
  /**
   * Who revealed, for the replay timeline's marker: the link's role (the server's word) and the
   * display name the page gave. Absent on reveals recorded before they were kept.
   */
  role?: Role;
  name?: string;
}

/** A room keeps its latest reveals only: 12 questions × a few swaps fit with room to spare. */
export const MAX_REVEALS = 200;

export function readReveals(doc: Y.Doc): PracticeReveal[] {
  return (boardSession(doc).get(SESSION_KEYS.reveals) as PracticeReveal[] | undefined) ?? [];
}
export function findReveal(doc: Y.Doc, questionId: string, linkId: string): PracticeReveal | null {
  return readReveals(doc).find((r) => r.questionId === questionId && r.linkId === linkId) ?? null;
}
/** When a practice room's roles were swapped (server clock); pages reload on a new one. */
export function readRoleSwaps(doc: Y.Doc): number[] {
  return (boardSession(doc).get(SESSION_KEYS.roleSwaps) as number[] | undefined) ?? [];
}
/** Server-side only. */
export function writeRoleSwap(doc: Y.Doc, at: number): void {
  doc.transact(() => boardSession(doc).set(SESSION_KEYS.roleSwaps, [...readRoleSwaps(doc), at].slice(-MAX_REVEALS)), Origin.server);
}

/** Server-side only; the first reveal of a question by a link is kept. */
export function writeReveal(doc: Y.Doc, reveal: PracticeReveal): PracticeReveal {
  const existing = findReveal(doc, reveal.questionId, reveal.linkId);
  if (existing) return existing;
  doc.transact(() => boardSession(doc).set(SESSION_KEYS.reveals, [...readReveals(doc), reveal].slice(-MAX_REVEALS)), Origin.server);
  return reveal;
}

/** Whether candidates may insert diagram templates too (the interviewer's toggle; off by default). */
export function readTemplatesForAnyone(doc: Y.Doc): boolean {
  return boardSession(doc).get(SESSION_KEYS.templatesForAnyone) === true;
}
/** Server-side only, like the current question. */
export function writeTemplatesForAnyone(doc: Y.Doc, allowed: boolean): void {
  doc.transact(() => boardSession(doc).set(SESSION_KEYS.templatesForAnyone, allowed), Origin.server);
}

export function readCurrentQuestion(doc: Y.Doc): CurrentQuestion | null {
  return (boardSession(doc).get(SESSION_KEYS.current) as CurrentQuestion | undefined) ?? null;
}
export function readQuestionHistory(doc: Y.Doc): QuestionChange[] {
  return (boardSession(doc).get(SESSION_KEYS.history) as QuestionChange[] | undefined) ?? [];
}
/** Server-side only: sets the current question and appends to the history (with who did it) in one transaction. */
export function writeCurrentQuestion(doc: Y.Doc, current: CurrentQuestion | null, at: number, by?: QuestionSetter): void {
  doc.transact(() => {
    const session = boardSession(doc);
    session.set(SESSION_KEYS.current, current);
    const change: QuestionChange = { id: current?.id ?? null, title: current?.title ?? '', at, ...(by ? { by } : {}) };
    session.set(SESSION_KEYS.history, [...readQuestionHistory(doc), change]);
  }, Origin.server);
}
/** Server-side: replaces the pad's whole text in one transaction (an interviewer put a listing or starter on it). */
export function replacePadText(doc: Y.Doc, text: string): void {
  doc.transact(() => {
    const code = boardCode(doc);
    code.delete(0, code.length);
    code.insert(0, text);
  }, Origin.server);
}
export function boardRuns(doc: Y.Doc): Y.Array<RunRecord> {
  return doc.getArray<RunRecord>(BOARD_KEYS.runs);
}

/** At most this many runs are kept in the board; older ones are dropped by whoever appends. */
export const MAX_RUNS = 50;

export type RunBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type RunStatus = 'requested' | 'running' | 'ok' | 'error' | 'timeout' | 'stopped' | 'declined';

export interface RunConsoleLine {
  level: 'log' | 'info' | 'warn' | 'error';
  text: string;
}

/**
 * One run of the pad's code (or one Check of a challenge), as everyone in the room sees it.
 * A remote run ("run on the candidate's GPU") starts as `requested` by an interviewer, with
 * `target` set to the candidate's awareness client id; that candidate's page runs it and replaces
 * the record with the result. Records are replaced whole (Y.Array delete + insert), never mutated.
 */
export interface RunRecord {
  id: string;
  kind: 'run' | 'check';
  status: RunStatus;
  /** who asked for it */
  requestedBy: { name: string; role: 'interviewer' | 'candidate' | 'observer'; clientId: number };
  /** who ran it (the requester, or the candidate for a remote run) */
  ranBy?: { name: string; role: 'interviewer' | 'candidate' | 'observer'; clientId: number };
  /** awareness client id of the browser asked to run it; absent = the requester's own */
  target?: number;
  /** what was asked: 'auto' or a fixed backend */
  backendRequested: 'auto' | RunBackend;
  /** what actually ran, once known */
  backend?: RunBackend;
  /** e.g. "nvidia · ampere" or "swiftshader (software)" */
  adapter?: string;
  /** set when the requested backend could not be used, saying why */
  fallbackReason?: string;
  challengeId?: string;
  createdAt: number;
  startedAt?: number;
  durationMs?: number;
  timeoutMs: number;
  console?: RunConsoleLine[];
  /** the returned value, formatted (tensors with shape, dtype and a preview) */
  value?: string;
  error?: { message: string; line?: number; column?: number };
  /** true when console/value were cut at the size cap */
  truncated?: boolean;
  checks?: import('./challenge.js').CaseResult[];
}

// ---- check verdicts (server-only) ------------------------------------------------

/**
 * At most this many verdicts are kept; the server drops the oldest beyond it. More than MAX_RUNS,
 * so a verdict outlives its run record rather than the other way round.
 */
export const MAX_VERDICTS = 4 * MAX_RUNS;

export function boardVerdicts(doc: Y.Doc): Y.Map<Verdict> {
  return doc.getMap<Verdict>(BOARD_KEYS.verdicts);
}

/**
 * The verdict for a run, or null. The map is server-only (a client write closes its socket), but
 * a stored doc may predate that rule, so the shape is still checked before anyone trusts it.
 */
export function readVerdict(doc: Y.Doc, runId: string): Verdict | null {
  const v: unknown = boardVerdicts(doc).get(runId);
  return isVerdict(v) && v.runId === runId ? v : null;
}

/** Every well-formed verdict, by run id. */
export function readVerdicts(doc: Y.Doc): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  boardVerdicts(doc).forEach((v: unknown, runId) => {
    if (isVerdict(v) && v.runId === runId) out.set(runId, v);
  });
  return out;
}

/** Server-side only: stores a verdict and drops the oldest beyond MAX_VERDICTS, in one transaction. */
export function writeVerdict(doc: Y.Doc, verdict: Verdict): void {
  doc.transact(() => {
    const map = boardVerdicts(doc);
    map.set(verdict.runId, verdict);
    if (map.size <= MAX_VERDICTS) return;
    const byAge = [...map.entries()].sort((a, b) => (a[1]?.at ?? 0) - (b[1]?.at ?? 0));
    for (const [runId] of byAge.slice(0, map.size - MAX_VERDICTS)) map.delete(runId);
  }, Origin.server);
}

function isVerdict(v: unknown): v is Verdict {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const by = r.by as Record<string, unknown> | null | undefined;
  return (
    typeof r.runId === 'string' &&
    typeof r.challengeId === 'string' &&
    typeof r.pass === 'boolean' &&
    typeof r.at === 'number' &&
    typeof by === 'object' &&
    by !== null &&
    typeof by.name === 'string' &&
    typeof by.role === 'string' &&
    Array.isArray(r.cases) &&
    r.cases.every(isCaseVerdict)
  );
}

function isCaseVerdict(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  const tol = c.tolerance as Record<string, unknown> | null | undefined;
  return (
    typeof c.name === 'string' &&
    typeof c.pass === 'boolean' &&
    typeof c.example === 'boolean' &&
    (c.maxAbsError === null || typeof c.maxAbsError === 'number') &&
    typeof tol === 'object' &&
    tol !== null &&
    typeof tol.abs === 'number' &&
    typeof tol.rel === 'number' &&
    (c.message === undefined || typeof c.message === 'string')
  );
}

// ---- panel (interviewers only; never sent to a candidate) -----------------

export const PANEL_KEYS = {
  /** Y.Array<string>: the interview plan, question ids in order (interviewers edit it live). */
  plan: 'plan',
  /** Y.Map: raterId -> RaterInfo. A rater is one interviewer's browser (a random id kept in localStorage). */
  raters: 'raters',
  /** Y.Map: scoreKey(raterId, questionId, subCriterionId) -> 1..5. A flat map, so two raters never conflict. */
  scores: 'scores',
  /** Y.Map: noteKey(raterId, questionId) -> Markdown text. */
  notes: 'notes',
  /** Y.Map: askedKey(questionId, kind, index) -> AskedMark; follow-ups and probing questions ticked off. */
  asked: 'asked',
  /** Y.Array<Signal>: server-appended candidate signals (large paste, tab hidden/visible). */
  signals: 'signals',
  /** Y.Array<Attachment>: board images attached to the scorecard; server-appended (POST /attachments). */
  attachments: 'attachments',
} as const;

export interface RaterInfo {
  name: string;
  joinedAt: number;
}

export interface AskedMark {
  raterId: string;
  at: number;
}

export const SIGNAL_KINDS = ['paste', 'hidden', 'visible'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export interface Signal {
  kind: SignalKind;
  /** server clock */
  at: number;
  /** pasted characters, for `paste` */
  chars?: number;
  /** the candidate's display name */
  name: string;
}

/** A PNG of the board (or part of it) that an interviewer attached to the scorecard. */
export interface Attachment {
  /** a file in this room's file store (always image/png) */
  fileId: string;
  mimeType: 'image/png';
  caption: string;
  /** server clock */
  at: number;
  /** the interviewer's display name */
  by: string;
}

const KEY_SEP = '/';

/**
 * Map keys that would reach Object.prototype (or a constructor) if someone ever indexed a plain
 * object with them, whole or as one `/`-separated part of a composite key such as a score key.
 * The server refuses a client update that writes one into any Y.Map (issue 12: one such score
 * key polluted Object.prototype server-wide); readers also build their maps without prototypes.
 */
const HOSTILE_KEY_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export function isHostileKey(key: string): boolean {
  // Every hostile segment holds 'proto' or 'constructor'; most keys hold neither, and the server
  // asks this of each key of every update (the split below cost ~1 µs an edit under the sync bench).
  if (!key.includes('proto') && !key.includes('constructor')) return false;
  return HOSTILE_KEY_SEGMENTS.has(key) || key.split(KEY_SEP).some((segment) => HOSTILE_KEY_SEGMENTS.has(segment));
}
export const scoreKey = (raterId: string, questionId: string, sub: SubCriterionId) => [raterId, questionId, sub].join(KEY_SEP);
export const noteKey = (raterId: string, questionId: string) => [raterId, questionId].join(KEY_SEP);
export const askedKey = (questionId: string, kind: 'followUp' | 'probing', index: number) =>
  [questionId, kind, String(index)].join(KEY_SEP);

export function panelPlan(doc: Y.Doc): Y.Array<string> {
  return doc.getArray<string>(PANEL_KEYS.plan);
}
export function panelRaters(doc: Y.Doc): Y.Map<RaterInfo> {
  return doc.getMap<RaterInfo>(PANEL_KEYS.raters);
}
export function panelAsked(doc: Y.Doc): Y.Map<AskedMark> {
  return doc.getMap<AskedMark>(PANEL_KEYS.asked);
}

export function panelScores(doc: Y.Doc): Y.Map<Score> {
  return doc.getMap<Score>(PANEL_KEYS.scores);
}
export function panelNotes(doc: Y.Doc): Y.Map<string> {
  return doc.getMap<string>(PANEL_KEYS.notes);
}
export function panelSignals(doc: Y.Doc): Y.Array<Signal> {
  return doc.getArray<Signal>(PANEL_KEYS.signals);
}
export function panelAttachments(doc: Y.Doc): Y.Array<Attachment> {
  return doc.getArray<Attachment>(PANEL_KEYS.attachments);
}

/** Reads the flat scores map into the nested shape shared/rubric.ts works on; ignores anything malformed. */
export function readPanelScores(doc: Y.Doc): PanelScores {
  // Prototype-less at every level: the keys come from the doc, and `out['__proto__'] ??= {}` on a
  // plain object would hand back Object.prototype itself for the next assignment to pollute.
  const out: PanelScores = Object.create(null) as PanelScores;
  panelScores(doc).forEach((value, key) => {
    const [raterId, questionId, sub, extra] = key.split(KEY_SEP);
    if (!raterId || !questionId || !sub || extra !== undefined || !isScore(value) || isHostileKey(key)) return;
    const sheet = (out[raterId] ??= Object.create(null) as PanelScores[string]);
    (sheet[questionId] ??= Object.create(null) as PanelScores[string][string])[sub as SubCriterionId] = value;
  });
  return out;
}

/**
 * The root types only the server may change (the current question; check verdicts, which the
 * server computes from its own expected outputs; candidate signals; scorecard attachments, so
 * the server checks each file exists and is a PNG); a client
 * update touching them is refused. Calling this also instantiates them, which the server relies on
 * so a transaction's `changed` set can name them.
 */
export function serverOnlyTypes(docName: 'board' | 'panel', doc: Y.Doc): Y.AbstractType<any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return docName === 'board' ? [boardSession(doc), boardVerdicts(doc)] : [panelSignals(doc), panelAttachments(doc)];
}

// ---- transaction origins ---------------------------------------------------

/**
 * Origins tag who made a transaction so observers can ignore their own echoes.
 * Compared by identity: always pass these exact objects.
 */
export const Origin = {
  /** The local canvas binding writing Excalidraw's changes into the doc. */
  canvasLocal: { kind: 'canvas-local' },
  /** The server appending data (signals, session changes) on its own behalf. */
  server: { kind: 'server' },
} as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

// ---- awareness -------------------------------------------------------------

/** What each client publishes in awareness. The server forces `user.role` to the link's role. */
export interface AwarenessUser {
  name: string;
  role: 'interviewer' | 'candidate' | 'observer';
  color: string;
  /** lighter variant for selections */
  colorLight: string;
}

export interface CanvasPointer {
  x: number;
  y: number;
  tool: 'pointer' | 'laser';
  button: 'up' | 'down';
}

/** Scene-coordinate bounds of what a user is looking at, for Excalidraw's follow mode. */
export interface ViewportBounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface AwarenessState {
  user?: AwarenessUser;
  pointer?: CanvasPointer | null;
  selectedElementIds?: Record<string, true>;
  viewport?: ViewportBounds;
  /** awareness clientID of the user being followed, if any */
  following?: number | null;
  /** candidates: whether an interviewer may run the pad's code in this browser */
  allowRemoteRuns?: boolean;
  /** the snippet runner's backend and adapter in this browser, once probed */
  runner?: { backend: RunBackend; adapter: string } | null;
  /** the pad's caret (client/pad/remoteCarets.ts), as Yjs relative positions */
  cursor?: unknown;
  /**
   * The last diagram this user inserted on the board: peers toast "<name> inserted a template
   * — Show". `seq` grows with each insert; a peer acts only on a seq it saw change.
   */
  inserted?: BoardSignal & { what: 'template' | 'diagram'; bounds: ViewportBounds };
  /** "Bring everyone to my view" (capability board.summon): peers jump to `viewport`. */
  summon?: BoardSignal;
}

/** A one-shot event carried in awareness state: a counter peers compare with the last they saw. */
export interface BoardSignal {
  seq: number;
}

// ---- what a person's unsynced edits are called (the reconnect banner) -----

/**
 * The words for the part of the room a top-level key holds, as the reconnect banner lists what
 * is not yet saved ("board, pad, panel notes"). Keys of either doc; an unknown key is its own name.
 */
const EDIT_AREAS: Record<string, string> = {
  [BOARD_KEYS.elements]: 'board',
  [BOARD_KEYS.files]: 'board',
  [BOARD_KEYS.code]: 'pad',
  [BOARD_KEYS.runs]: 'runs',
  [PANEL_KEYS.plan]: 'panel plan',
  [PANEL_KEYS.scores]: 'panel scores',
  [PANEL_KEYS.notes]: 'panel notes',
  [PANEL_KEYS.asked]: 'panel follow-ups',
  [PANEL_KEYS.raters]: 'panel',
};

export function editAreaOfKey(key: string): string {
  return EDIT_AREAS[key] ?? key;
}

/** The top-level key holding a (possibly nested) shared type of `doc`, or null if it is not one of the doc's. */
export function topLevelKeyOf(doc: Y.Doc, type: Y.AbstractType<any>): string | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  let root = type;
  while (root._item?.parent instanceof Y.AbstractType) root = root._item.parent;
  for (const [key, value] of doc.share) if (value === root) return key;
  return null;
}
