/**
 * THE one place that knows the Y.Doc key names and the shapes stored under them.
 * The server, the client bindings, replay and the tests all go through these accessors,
 * so renaming a key (or adding one) happens here and nowhere else.
 */
import * as Y from 'yjs';

// ---- board ---------------------------------------------------------------

export const BOARD_KEYS = {
  /** Y.Map: Excalidraw element id -> the element as frozen JSON (never a nested Y type). */
  elements: 'elements',
  /** Y.Map: Excalidraw file id -> FileMeta. The bytes live in the store, not in the doc. */
  files: 'files',
  /** Y.Text: the code pad. */
  code: 'code',
  /** Y.Map: current question, timers (question-bank issue). */
  session: 'session',
  /** Y.Array: run results (snippet-runner issue). */
  runs: 'runs',
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
export function boardRuns(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(BOARD_KEYS.runs);
}

// ---- panel (interviewers only; never sent to a candidate) -----------------

export const PANEL_KEYS = {
  /** Y.Map: `${interviewerId}` -> scores per question per criterion (scoring issue). */
  scores: 'scores',
  /** Y.Map: `${interviewerId}` -> notes per question (scoring issue). */
  notes: 'notes',
  /** Y.Array: server-appended candidate signals (large paste, tab hidden). */
  signals: 'signals',
} as const;

export function panelScores(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(PANEL_KEYS.scores);
}
export function panelNotes(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(PANEL_KEYS.notes);
}
export function panelSignals(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray<unknown>(PANEL_KEYS.signals);
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
  /** y-codemirror.next writes `cursor` itself */
  cursor?: unknown;
}
