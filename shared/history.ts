/**
 * The recording of a room, on the wire and on disk: pages of `GET /api/rooms/<id>/history` and
 * exported session files (`.attnreplay`). Shared by the server (which encodes pages) and the
 * replay page (which decodes pages, and encodes and decodes session files), so it uses lib0's
 * encoders and nothing from Node or the DOM.
 *
 * A page:
 *
 *   varString  "attn-history"          magic
 *   varUint    1                       format version
 *   varString  JSON HistoryPageMeta    room, doc, log bounds, snapshot index, events, authors, paging
 *   records                            see below
 *
 * A session file:
 *
 *   varString  "attn-session"
 *   varUint    1
 *   varString  JSON SessionMeta        room, events, recording, exportedAt
 *   varUint    number of documents
 *   per document:
 *     varString  JSON DocHeader        { doc, authors }
 *     records
 *
 * Records (both):
 *
 *   varUint  count
 *   count × [ u8 kind (0 snapshot, 1 update) · varUint seq · varInt ts delta · varUint author · varUint8Array bytes ]
 *
 * Timestamps are deltas from the previous record's (the first from 0): edits come milliseconds
 * apart, so most take one byte. They are signed, because a server clock can step back. The
 * author is an index into the header's author table (a snapshot's is 0 and means nothing).
 * Records are in seq order; a snapshot follows the update with the same seq (it is the state
 * after that update). Encoding is deterministic, so decoding and re-encoding gives the same bytes.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { RoomKind } from './capabilities.js';
import type { DocName, Role } from './protocol.js';
import { DOC_NAMES } from './protocol.js';

export const HISTORY_FORMAT = 1;
export const HISTORY_MIME = 'application/vnd.attn.history';
export const SESSION_FILE_EXTENSION = '.attnreplay';
const PAGE_MAGIC = 'attn-history';
const SESSION_MAGIC = 'attn-session';

/** `?limit=` bounds for GET /history: a page of typical edits is well under a megabyte. */
export const HISTORY_PAGE = { DEFAULT_LIMIT: 5000, MAX_LIMIT: 20_000 } as const;
/** The response header that repeats the page's `nextAfter` (absent on the last page). */
export const NEXT_AFTER_HEADER = 'X-Attn-Next-After';

export const RecordKind = { Snapshot: 0, Update: 1 } as const;

export type AuthorRole = Role | 'server';

export interface HistoryAuthor {
  role: AuthorRole;
  name: string;
}

/** A join or a leave (board connections; see server/sync/syncServer.ts). */
export interface HistoryEvent {
  ts: number;
  kind: 'join' | 'leave';
  role: Role;
  name: string;
}

/**
 * The room's LiveKit (Egress) recording that plays in step with the timeline: the most recent
 * one whose file the server can point a browser at.
 */
export interface RecordingInfo {
  egressId: string;
  /** ms since epoch, server clock, when Egress accepted the request: video time 0 */
  startedAt: number;
  /** ms since epoch, server clock; null when it was never stopped */
  stoppedAt: number | null;
  /** where the browser loads the file from (http or https) */
  url: string;
}

export interface HistoryRoom {
  id: string;
  title: string;
  createdAt: number;
  /** which roles the recording's people held (a pair room's peer); absent in older files: an interview */
  kind?: RoomKind;
}

export interface HistoryUpdate {
  seq: number;
  /** ms since epoch, server clock */
  ts: number;
  /** index into the authors table of the page or document it came with */
  author: number;
  bytes: Uint8Array;
}

/** The full document state after every update with seq <= this.seq. */
export interface HistorySnapshot {
  seq: number;
  ts: number;
  bytes: Uint8Array;
}

export interface HistoryPageMeta {
  format: typeof HISTORY_FORMAT;
  room: HistoryRoom;
  doc: DocName;
  /** the document's whole log when this page was read (not just this page) */
  log: { updates: number; lastSeq: number; firstTs: number | null; lastTs: number | null };
  /** where the server keeps snapshots; their bytes come inline only with `?snapshots=1` */
  snapshots: Array<{ seq: number; ts: number }>;
  /** joins and leaves, on the first page (after = 0) only */
  events: HistoryEvent[];
  authors: HistoryAuthor[];
  /** the page holds updates with seq > after */
  after: number;
  /** pass as `after` for the next page; null when this page reached the end of the log */
  nextAfter: number | null;
  recording: RecordingInfo | null;
}

export interface HistoryPage {
  meta: HistoryPageMeta;
  updates: HistoryUpdate[];
  snapshots: HistorySnapshot[];
}

/** One document's recording, as the replay engine consumes it and a session file stores it. */
export interface DocHistory {
  doc: DocName;
  authors: HistoryAuthor[];
  /** ascending seq */
  updates: HistoryUpdate[];
  /** ascending seq; optional checkpoints (an exported file carries none) */
  snapshots: HistorySnapshot[];
}

export interface SessionMeta {
  format: typeof HISTORY_FORMAT;
  room: HistoryRoom;
  events: HistoryEvent[];
  recording: RecordingInfo | null;
  exportedAt: number;
}

export interface SessionFile {
  meta: SessionMeta;
  /** board always; panel only when the exporter could read it */
  docs: DocHistory[];
}

export class HistoryFormatError extends Error {
  override name = 'HistoryFormatError';
}

// ---- records ---------------------------------------------------------------------------

function writeRecords(enc: encoding.Encoder, updates: readonly HistoryUpdate[], snapshots: readonly HistorySnapshot[]): void {
  encoding.writeVarUint(enc, updates.length + snapshots.length);
  let prevTs = 0;
  const write = (kind: number, seq: number, ts: number, author: number, bytes: Uint8Array) => {
    encoding.writeUint8(enc, kind);
    encoding.writeVarUint(enc, seq);
    encoding.writeVarInt(enc, ts - prevTs);
    encoding.writeVarUint(enc, author);
    encoding.writeVarUint8Array(enc, bytes);
    prevTs = ts;
  };
  // Merge by seq; at equal seq the update comes first (a snapshot is the state after it).
  let s = 0;
  for (const u of updates) {
    while (s < snapshots.length && snapshots[s]!.seq < u.seq) {
      const snap = snapshots[s++]!;
      write(RecordKind.Snapshot, snap.seq, snap.ts, 0, snap.bytes);
    }
    write(RecordKind.Update, u.seq, u.ts, u.author, u.bytes);
  }
  for (; s < snapshots.length; s++) {
    const snap = snapshots[s]!;
    write(RecordKind.Snapshot, snap.seq, snap.ts, 0, snap.bytes);
  }
}

function readRecords(dec: decoding.Decoder, authorCount: number): { updates: HistoryUpdate[]; snapshots: HistorySnapshot[] } {
  const count = decoding.readVarUint(dec);
  const updates: HistoryUpdate[] = [];
  const snapshots: HistorySnapshot[] = [];
  let ts = 0;
  for (let i = 0; i < count; i++) {
    const kind = decoding.readUint8(dec);
    const seq = decoding.readVarUint(dec);
    ts += decoding.readVarInt(dec);
    const author = decoding.readVarUint(dec);
    const bytes = decoding.readVarUint8Array(dec);
    if (kind === RecordKind.Update) {
      if (author >= authorCount) throw new HistoryFormatError(`record ${i}: author ${author} is not in the table of ${authorCount}`);
      updates.push({ seq, ts, author, bytes });
    } else if (kind === RecordKind.Snapshot) {
      snapshots.push({ seq, ts, bytes });
    } else {
      throw new HistoryFormatError(`record ${i}: unknown kind ${kind}`);
    }
  }
  return { updates, snapshots };
}

function readJson<T>(dec: decoding.Decoder, what: string): T {
  try {
    return JSON.parse(decoding.readVarString(dec)) as T;
  } catch (err) {
    throw new HistoryFormatError(`${what}: ${String(err)}`);
  }
}

function readMagic(dec: decoding.Decoder, magic: string): void {
  let got: string;
  let version: number;
  try {
    got = decoding.readVarString(dec);
    version = decoding.readVarUint(dec);
  } catch {
    throw new HistoryFormatError(`not an attn ${magic === SESSION_MAGIC ? 'session file' : 'history page'}`);
  }
  if (got !== magic) throw new HistoryFormatError(`not an attn ${magic === SESSION_MAGIC ? 'session file' : 'history page'}`);
  if (version !== HISTORY_FORMAT) throw new HistoryFormatError(`format version ${version} is not supported (this attn reads ${HISTORY_FORMAT})`);
}

/** Wraps lib0's out-of-bounds errors (a truncated file) in one typed error. */
function decodeWith<T>(bytes: Uint8Array, read: (dec: decoding.Decoder) => T): T {
  const dec = decoding.createDecoder(bytes);
  let out: T;
  try {
    out = read(dec);
  } catch (err) {
    if (err instanceof HistoryFormatError) throw err;
    throw new HistoryFormatError(`truncated or corrupt: ${String(err)}`);
  }
  if (decoding.hasContent(dec)) throw new HistoryFormatError('unexpected bytes after the end');
  return out;
}

// ---- pages -----------------------------------------------------------------------------

export function encodeHistoryPage(page: HistoryPage): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, PAGE_MAGIC);
  encoding.writeVarUint(enc, HISTORY_FORMAT);
  encoding.writeVarString(enc, JSON.stringify(page.meta));
  writeRecords(enc, page.updates, page.snapshots);
  return encoding.toUint8Array(enc);
}

export function decodeHistoryPage(bytes: Uint8Array): HistoryPage {
  return decodeWith(bytes, (dec) => {
    readMagic(dec, PAGE_MAGIC);
    const meta = readJson<HistoryPageMeta>(dec, 'page header');
    if (!isDocName(meta.doc) || !Array.isArray(meta.authors)) throw new HistoryFormatError('page header: missing doc or authors');
    return { meta, ...readRecords(dec, meta.authors.length) };
  });
}

/** Builds a page's author table: distinct (role, name) pairs in order of first appearance. */
export class AuthorTable {
  readonly authors: HistoryAuthor[] = [];
  private readonly index = new Map<string, number>();

  indexOf(role: AuthorRole, name: string): number {
    const key = `${role}\u0000${name}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.authors.length;
      this.authors.push({ role, name });
      this.index.set(key, i);
    }
    return i;
  }
}

/** An empty recording of one document, to append pages to. */
export function emptyDocHistory(doc: DocName): DocHistory {
  return { doc, authors: [], updates: [], snapshots: [] };
}

/**
 * Appends a page to a document's recording, remapping its author indices into the
 * recording's table. Records at or below what the recording already holds are skipped, so
 * re-fetching a page is harmless.
 */
export function appendPage(history: DocHistory, page: HistoryPage): void {
  if (page.meta.doc !== history.doc) throw new Error(`page of ${page.meta.doc} appended to ${history.doc}`);
  const table = new AuthorTable();
  for (const a of history.authors) table.indexOf(a.role, a.name);
  const remap = page.meta.authors.map((a) => table.indexOf(a.role, a.name));
  history.authors = table.authors;
  const lastSeq = history.updates.length > 0 ? history.updates[history.updates.length - 1]!.seq : 0;
  for (const u of page.updates) {
    if (u.seq > lastSeq) history.updates.push({ ...u, author: remap[u.author]! });
  }
  const lastSnap = history.snapshots.length > 0 ? history.snapshots[history.snapshots.length - 1]!.seq : -1;
  for (const s of page.snapshots) if (s.seq > lastSnap) history.snapshots.push(s);
}

// ---- session files ---------------------------------------------------------------------

interface DocHeader {
  doc: DocName;
  authors: HistoryAuthor[];
}

export function encodeSessionFile(file: SessionFile): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarString(enc, SESSION_MAGIC);
  encoding.writeVarUint(enc, HISTORY_FORMAT);
  encoding.writeVarString(enc, JSON.stringify(file.meta));
  encoding.writeVarUint(enc, file.docs.length);
  for (const doc of file.docs) {
    const header: DocHeader = { doc: doc.doc, authors: doc.authors };
    encoding.writeVarString(enc, JSON.stringify(header));
    writeRecords(enc, doc.updates, doc.snapshots);
  }
  return encoding.toUint8Array(enc);
}

export function decodeSessionFile(bytes: Uint8Array): SessionFile {
  return decodeWith(bytes, (dec) => {
    readMagic(dec, SESSION_MAGIC);
    const meta = readJson<SessionMeta>(dec, 'session header');
    if (!meta || typeof meta.room?.id !== 'string' || !Array.isArray(meta.events)) {
      throw new HistoryFormatError('session header: missing room or events');
    }
    const count = decoding.readVarUint(dec);
    if (count > DOC_NAMES.length) throw new HistoryFormatError(`session holds ${count} documents`);
    const docs: DocHistory[] = [];
    for (let i = 0; i < count; i++) {
      const header = readJson<DocHeader>(dec, 'document header');
      if (!isDocName(header.doc) || !Array.isArray(header.authors)) throw new HistoryFormatError('document header: missing doc or authors');
      if (docs.some((d) => d.doc === header.doc)) throw new HistoryFormatError(`document ${header.doc} appears twice`);
      docs.push({ doc: header.doc, authors: header.authors, ...readRecords(dec, header.authors.length) });
    }
    return { meta, docs };
  });
}

function isDocName(value: unknown): value is DocName {
  return typeof value === 'string' && (DOC_NAMES as readonly string[]).includes(value);
}

