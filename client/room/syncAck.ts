/**
 * Pure half of the "unsynced changes" indicator.
 *
 * After the server has persisted updates from a connection it sends that connection a
 * y-protocols sync step 1 (its state vector). We are in sync when the server has seen at least
 * as much of every client as we have locally.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MessageType } from '../../shared/protocol.js';

/** y-protocols sync sub-type of "sync step 1" (the message carries a state vector). */
const SYNC_STEP_1 = 0;

/**
 * The state vector inside a sync-step-1 frame, or null for any other frame (updates,
 * awareness, step 2) or for bytes that don't decode. Never throws: it reads untrusted input.
 */
export function readServerStateVector(frame: Uint8Array): Map<number, number> | null {
  try {
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MessageType.Sync) return null;
    if (decoding.readVarUint(decoder) !== SYNC_STEP_1) return null;
    return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
  } catch {
    return null;
  }
}

/** True when, for every client we know about, the server's clock is at least ours. */
export function serverHasAll(local: ReadonlyMap<number, number>, server: ReadonlyMap<number, number>): boolean {
  for (const [clientId, clock] of local) {
    if ((server.get(clientId) ?? 0) < clock) return false;
  }
  return true;
}

export function docStateVector(doc: Y.Doc): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}
