/**
 * The persistence port. SQLite (embedded, default) implements it today; a Postgres adapter
 * (scale-out) will implement the same interface and pass the same contract suite
 * (tests/integration/store-contract.test.ts).
 */
import type { DocName, Role } from '../../shared/protocol.js';

export interface RoomRecord {
  id: string;
  title: string;
  createdAt: number;
}

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

/** The full doc state after applying every update with seq <= this.seq. */
export interface SnapshotRecord {
  roomId: string;
  doc: DocName;
  seq: number;
  ts: number;
  bytes: Uint8Array;
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

export interface LoadedDoc {
  snapshot: SnapshotRecord | null;
  /** updates after the snapshot (all of them when there is none), in seq order */
  tail: UpdateRecord[];
}

export interface Store {
  readonly kind: string;
  createRoom(room: RoomRecord, links: LinkRecord[]): Promise<void>;
  getRoom(roomId: string): Promise<RoomRecord | null>;
  findLinkByTokenHash(tokenHash: string): Promise<LinkRecord | null>;
  listLinks(roomId: string): Promise<LinkRecord[]>;
  addLink(link: LinkRecord): Promise<void>;
  /** Marks the link revoked (idempotent: keeps the first revocation time). Null if no such link in that room. */
  revokeLink(roomId: string, linkId: string, at: number): Promise<LinkRecord | null>;
  /** Durable when the promise resolves. Seqs must continue the doc's sequence; a duplicate seq rejects. */
  appendUpdate(update: UpdateRecord): Promise<void>;
  putSnapshot(snapshot: SnapshotRecord): Promise<void>;
  loadDoc(roomId: string, doc: DocName): Promise<LoadedDoc>;
  /** 'exists' when that id was already stored for the room (files are immutable, content-addressed). */
  putFile(file: FileRecord): Promise<'created' | 'exists'>;
  getFile(roomId: string, fileId: string): Promise<FileRecord | null>;
  close(): Promise<void>;
}
