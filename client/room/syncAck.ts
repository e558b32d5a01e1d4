/**
 * Pure half of the "unsynced changes" indicator.
 *
 * After the server has persisted updates from a connection it sends that connection its state
 * vector in an acknowledgement frame (AuthMessage.Stored, which the stock provider ignores). We
 * are in sync when the server has seen at least as much of every client as we have locally. The
 * greeting's sync step 1 carries the server's state vector too, and counts the same way.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { AuthMessage, MessageType } from '../../shared/protocol.js';

/** y-protocols sync sub-type of "sync step 1" (the message carries a state vector). */
const SYNC_STEP_1 = 0;

/**
 * The state vector inside an acknowledgement or a sync step 1, or null for any other frame
 * (updates, awareness, step 2, permission denied) or for bytes that don't decode. Never throws:
 * it reads untrusted input.
 */
export function readServerStateVector(frame: Uint8Array): Map<number, number> | null {
  try {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    const subType = decoding.readVarUint(decoder);
    const carriesStateVector = (type === MessageType.Auth && subType === AuthMessage.Stored) || (type === MessageType.Sync && subType === SYNC_STEP_1);
    if (!carriesStateVector) return null;
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
