/**
 * The persistence port. SQLite (embedded, default) and Postgres (scale-out) implement it, and
 * both pass one contract suite (tests/integration/store-contract.test.ts).
 */
import type { RoomKind } from '../../shared/capabilities.js';
import type { DocName, Role } from '../../shared/protocol.js';

export interface RoomRecord {
  id: string;
  title: string;
  createdAt: number;
  /** interview | pair | practice (issue 14); rooms stored before kinds existed read as 'interview' */
  kind: RoomKind;
}

/** A room as handed to createRoom: without a kind it is an interview. */
export type NewRoom = Omit<RoomRecord, 'kind'> & { kind?: RoomKind };

export interface LinkRecord {
  id: string;
  roomId: string;
  role: Role;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface UpdateRecord {
  roomId: string;
  doc: DocName;
  /** 1-based, dense and increasing per (roomId, doc) */
  seq: number;
  /** ms since epoch, server clock */
  ts: number;
  authorRole: Role | 'server';
  authorName: string;
  bytes: Uint8Array;
}

/** An update as handed to the store, before it has a seq. */
export type NewUpdate = Omit<UpdateRecord, 'seq'>;

/** The full doc state after applying every update with seq <= this.seq. */
export interface SnapshotRecord {
  roomId: string;
  doc: DocName;
  seq: number;
  ts: number;
  bytes: Uint8Array;
}

/** Metadata of a stored snapshot (its bytes come from getSnapshot). */
export interface SnapshotInfo {
  seq: number;
  ts: number;
}

/**
 * A person arriving in or leaving a room, as the sync server saw it. Awareness is never
 * persisted, so these rows are the only record of who was there when (for playback markers).
 */
export interface PresenceEvent {
  roomId: string;
  /** ms since epoch, server clock */
  ts: number;
  kind: 'join' | 'leave';
  role: Role;
  /** the display name at that moment ('' when the person had not given one yet) */
  name: string;
  /** the document whose connection it was (the sync server records the board only) */
  doc: DocName;
}

/** Counts and bounds of one document's whole update log. */
export interface UpdateLogStats {
  updates: number;
  /** 0 when the log is empty */
  lastSeq: number;
  firstTs: number | null;
  lastTs: number | null;
}

export interface FileRecord {
  roomId: string;
  id: string;
  mimeType: string;
  size: number;
  sha256: string;
  createdAt: number;
  bytes: Uint8Array;
}

/**
 * One LiveKit Egress recording of a room's call. `startedAt` is the server clock when Egress
 * accepted the request, so playback can line the recording up with the board's update log.
 */
export interface RecordingRecord {
  roomId: string;
  egressId: string;
  /** ms since epoch, server clock */
  startedAt: number;
  /** ms since epoch, server clock; null while it is still recording */
  stoppedAt: number | null;
  /**
   * The output file as Egress reported it on stop: its location when that is a URL, else its
   * file name (relative to ATTN_RECORDINGS_URL). Null while recording, or when Egress named none.
   */
  file: string | null;
}

export interface LoadedDoc {
  snapshot: SnapshotRecord | null;
  /** updates after the snapshot (all of them when there is none), in seq order */
  tail: UpdateRecord[];
}

export type PutFileResult = 'created' | 'exists' | 'over_budget';

/** Bounds every store enforces on what one room may accumulate. */
export interface StoreLimits {
  /** Presence events kept per room (ATTN_MAX_EVENTS_PER_ROOM); reconnect loops can't grow the table. */
  maxEventsPerRoom: number;
}

/**
 * 1000 joins and leaves cover a day of interviews with flaky networks (a reconnect is two
 * events) while keeping one room's rows, and the history page that carries them, small.
 */
export const DEFAULT_STORE_LIMITS: StoreLimits = { maxEventsPerRoom: 1000 };

/**
 * The store's five groups, one per kind of caller, so each caller names only what it uses (the
 * sync server needs the update log and presence, the file routes only files). `Store` is all
 * five; both stores implement it whole.
 */
export interface RoomLinkStore {
  createRoom(room: NewRoom, links: LinkRecord[]): Promise<void>;
  /**
   * Changes a room's kind only if it is still `from` (pair → interview on conversion), so two
   * conversions at once cannot both mint links. The room after the change, or null when it is
   * not (or no longer) of kind `from`.
   */
  setRoomKind(roomId: string, from: RoomKind, to: RoomKind): Promise<RoomRecord | null>;
  /**
   * Swaps roles `a` and `b` on the room's unrevoked links in one statement (practice rooms' "Swap
   * roles"), and returns the links it changed.
   */
  swapLinkRoles(roomId: string, a: Role, b: Role): Promise<LinkRecord[]>;
  getRoom(roomId: string): Promise<RoomRecord | null>;
  findLinkByTokenHash(tokenHash: string): Promise<LinkRecord | null>;
  listLinks(roomId: string): Promise<LinkRecord[]>;
  addLink(link: LinkRecord): Promise<void>;
  /** Marks the link revoked (idempotent: keeps the first revocation time). Null if no such link in that room. */
  revokeLink(roomId: string, linkId: string, at: number): Promise<LinkRecord | null>;
}

export interface UpdateLogStore {
  /**
   * Appends an update and returns the seq the store gave it: the doc's next one, dense and
   * increasing. The store allocates it (not the caller) because with several attn instances
   * sharing one database, instances that hold the same room each append what their own clients
   * sent; allocation must be atomic across every process using the store. Durable when the
   * promise resolves.
   */
  appendUpdate(update: NewUpdate): Promise<number>;
  putSnapshot(snapshot: SnapshotRecord): Promise<void>;
  /**
   * Optional: stores the snapshot of the doc as of `seq`, built from what the store holds (its
   * latest snapshot at or before `seq` plus the log up to it) off the caller's thread. Rejects
   * when the store cannot (a gap in the log below `seq`). A store without it leaves LiveDoc to
   * encode its in-memory doc on the main thread and `putSnapshot` that.
   */
  snapshotFromLog?(roomId: string, doc: DocName, seq: number, ts: number): Promise<void>;
  loadDoc(roomId: string, doc: DocName): Promise<LoadedDoc>;
  /** Up to `limit` updates with seq > afterSeq, in seq order (playback pages through the log with these). */
  listUpdates(roomId: string, doc: DocName, afterSeq: number, limit: number): Promise<UpdateRecord[]>;
  updateLogStats(roomId: string, doc: DocName): Promise<UpdateLogStats>;
  /** Every stored snapshot's position, in seq order. */
  listSnapshots(roomId: string, doc: DocName): Promise<SnapshotInfo[]>;
  getSnapshot(roomId: string, doc: DocName, seq: number): Promise<SnapshotRecord | null>;
}

export interface PresenceStore {
  /**
   * Durable when the promise resolves. A room keeps its latest StoreLimits.maxEventsPerRoom
   * events: the oldest are dropped as new ones arrive.
   */
  appendEvent(event: PresenceEvent): Promise<void>;
  /**
   * A room's joins and leaves in time order (ties in the order they were recorded); with `limit`,
   * only the latest `limit` of them (still in time order).
   */
  listEvents(roomId: string, limit?: number): Promise<PresenceEvent[]>;
}

export interface FileStore {
  /**
   * 'exists' when that id was already stored for the room (files are immutable: the first upload
   * wins; compare sha256 to tell a repeat from a different file). With `maxRoomBytes`, a new file
   * that would take the room's stored bytes past it is not stored: 'over_budget'. The check and
   * the insert are atomic, so parallel uploads cannot overshoot the budget together.
   */
  putFile(file: FileRecord, limits?: { maxRoomBytes?: number }): Promise<PutFileResult>;
  getFile(roomId: string, fileId: string): Promise<FileRecord | null>;
}

export interface RecordingStore {
  /** Stores a started recording; a duplicate egress id rejects. */
  addRecording(recording: RecordingRecord): Promise<void>;
  /**
   * Marks it stopped (idempotent: keeps the first stop time, and the first file named). Null if
   * no such recording in that room.
   */
  stopRecording(roomId: string, egressId: string, at: number, file?: string | null): Promise<RecordingRecord | null>;
  /** A room's recordings, oldest first. */
  listRecordings(roomId: string): Promise<RecordingRecord[]>;
}

export interface Store extends RoomLinkStore, UpdateLogStore, PresenceStore, FileStore, RecordingStore {
  readonly kind: string;
  close(): Promise<void>;
}
