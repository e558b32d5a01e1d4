/**
 * Row shapes both SQL stores read back (the column names are the same in SQLite and Postgres),
 * and their conversion to the port's records.
 */
import type { DocName, Role } from '../../shared/protocol.js';
import type { RoomKind } from '../../shared/capabilities.js';
import type { LinkRecord, PresenceEvent, RecordingRecord, RoomRecord, UpdateRecord } from './port.js';

export interface RoomRow {
  id: string;
  title: string;
  created_at: number;
  kind: RoomKind;
}

export const toRoom = (r: RoomRow): RoomRecord => ({ id: r.id, title: r.title, createdAt: r.created_at, kind: r.kind });

export interface LinkRow {
  id: string;
  room_id: string;
  role: Role;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface UpdateRow {
  room_id: string;
  doc: DocName;
  seq: number;
  ts: number;
  author_role: Role | 'server';
  author_name: string;
  bytes: Buffer;
}

export interface RecordingRow {
  egress_id: string;
  room_id: string;
  started_at: number;
  stopped_at: number | null;
  file: string | null;
}

export interface EventRow {
  room_id: string;
  ts: number;
  kind: PresenceEvent['kind'];
  role: Role;
  name: string;
  doc: DocName;
}

/** A plain Uint8Array view over the driver's Buffer: the contract suite compares with toEqual. */
export const toBytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export const toLink = (r: LinkRow): LinkRecord => ({
  id: r.id,
  roomId: r.room_id,
  role: r.role,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export const toUpdate = (r: UpdateRow): UpdateRecord => ({
  roomId: r.room_id,
  doc: r.doc,
  seq: r.seq,
  ts: r.ts,
  authorRole: r.author_role,
  authorName: r.author_name,
  bytes: toBytes(r.bytes),
});

export const toRecording = (r: RecordingRow): RecordingRecord => ({
  roomId: r.room_id,
  egressId: r.egress_id,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
  file: r.file ?? null,
});

export const toEvent = (r: EventRow): PresenceEvent => ({ roomId: r.room_id, ts: r.ts, kind: r.kind, role: r.role, name: r.name, doc: r.doc });
