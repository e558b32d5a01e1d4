/**
 * The cross-instance fan-out port. With one instance (the default) the local bus is enough;
 * the Redis adapter (scale-out) will implement the same interface so N instances can serve one room.
 * Messages are y-websocket wire frames (sync updates, awareness) for one room document.
 */
import type { DocName } from '../../shared/protocol.js';

export interface BusMessage {
  roomId: string;
  doc: DocName;
  /** the instance that published it, so it can ignore its own echo */
  origin: string;
  frame: Uint8Array;
}

export type BusHandler = (msg: BusMessage) => void;

export interface Bus {
  readonly kind: string;
  publish(msg: BusMessage): void;
  /** Returns an unsubscribe function. */
  subscribe(roomId: string, doc: DocName, handler: BusHandler): () => void;
  close(): Promise<void>;
}
