/**
 * The frames of the y-websocket wire, built in one place: LiveDoc sends them, and tests build
 * with them what a client sends and what a socket should receive.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { AuthMessage, MessageType } from '../../shared/protocol.js';

/** A sync frame: step 1 (a state vector), step 2 or update (an update), with its payload. */
export function syncFrame(syncType: number, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Sync);
  encoding.writeVarUint(enc, syncType);
  encoding.writeVarUint8Array(enc, payload);
  return encoding.toUint8Array(enc);
}

/** `doc`'s state vector as a sync step 1: the server's greeting, which the client answers with what the server lacks. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array<ArrayBuffer> {
  return syncFrame(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(doc));
}

/** A sync step 2: the whole doc, or what the other side lacks of it (`diff`, already encoded). */
export function syncStep2Frame(diff: Uint8Array): Uint8Array<ArrayBuffer> {
  return syncFrame(syncProtocol.messageYjsSyncStep2, diff);
}

export function updateFrame(update: Uint8Array): Uint8Array<ArrayBuffer> {
  return syncFrame(syncProtocol.messageYjsUpdate, update);
}

/** The server's state vector as an acknowledgement (see AuthMessage in shared/protocol.ts): nobody answers it. */
export function ackFrame(doc: Y.Doc): Uint8Array<ArrayBuffer> {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Auth);
  encoding.writeVarUint(enc, AuthMessage.Stored);
  encoding.writeVarUint8Array(enc, Y.encodeStateVector(doc));
  return encoding.toUint8Array(enc);
}

/** An awareness frame carrying `update` (an encoded awareness update, or any bytes a test sends as one). */
export function awarenessFrame(update: Uint8Array): Uint8Array<ArrayBuffer> {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MessageType.Awareness);
  encoding.writeVarUint8Array(enc, update);
  return encoding.toUint8Array(enc);
}

/**
 * `payload` as one server-to-client WebSocket frame, header included (RFC 6455 §5.2: FIN set,
 * binary, unmasked, the length in 7, 16 or 64 bits), ready to be written to a socket as it is.
 * A relayed update goes to every other socket of its doc: built once here, each copy is one
 * write of one buffer, where `ws` builds a header per copy and writes the two as a `writev`.
 */
export function wireFrame(payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x82;
  if (n < 126) {
    out[1] = n;
  } else if (n < 0x10000) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 0x100000000), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  out.set(payload, head);
  return out;
}
