/**
 * The frames the server sends on the y-websocket wire, built in one place (LiveDoc sends them;
 * tests build the same bytes to read what a socket received).
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { AuthMessage, MessageType } from '../../shared/protocol.js';

/** Our state vector as a sync step 1: the greeting, which the client answers with what we lack. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Sync);
  syncProtocol.writeSyncStep1(enc, doc);
  return encoding.toUint8Array(enc);
}

/** A sync step 2: the whole doc, or what a client lacks of it (`diff`, already encoded). */
export function syncStep2Frame(diff: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Sync);
  encoding.writeVarUint(enc, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(enc, diff);
  return encoding.toUint8Array(enc);
}

/** Our state vector as an acknowledgement (see AuthMessage in shared/protocol.ts): nobody answers it. */
export function ackFrame(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Auth);
  encoding.writeVarUint(enc, AuthMessage.Stored);
  encoding.writeVarUint8Array(enc, Y.encodeStateVector(doc));
  return encoding.toUint8Array(enc);
}

export function updateFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Sync);
  syncProtocol.writeUpdate(enc, update);
  return encoding.toUint8Array(enc);
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Awareness);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}
