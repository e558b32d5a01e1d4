/**
 * The cross-instance fan-out port. One attn instance needs nothing more than the in-process bus;
 * with ATTN_REDIS_URL, any number of instances serve the same room and the bus carries what one
 * instance must tell the others.
 *
 * The bus is not the record: every update on it was appended to the store (and got its seq)
 * before it was published, so a message that is lost or late costs latency, never data. A
 * receiver notices a gap in the seqs it has seen and reads the missing updates from the store.
 */
import type { DocName } from '../../shared/protocol.js';

interface DocMessageBase {
  roomId: string;
  doc: DocName;
  /** the instance that published it, so it can ignore its own echo */
  origin: string;
}

/** A Yjs update that `origin` has already persisted as `seq`. */
export interface UpdateMessage extends DocMessageBase {
  kind: 'update';
  seq: number;
  bytes: Uint8Array;
}

/** A y-protocols awareness update from clients connected to `origin` (sanitised there). */
export interface AwarenessMessage extends DocMessageBase {
  kind: 'awareness';
  bytes: Uint8Array;
}

/** "I just opened this document": holders answer with the awareness of their own clients. */
export interface AwarenessQueryMessage extends DocMessageBase {
  kind: 'awareness-query';
}

export type DocMessage = UpdateMessage | AwarenessMessage | AwarenessQueryMessage;

/** Messages for every instance, whatever rooms it holds. */
export type ControlMessage = { kind: 'revoke-link'; origin: string; linkId: string };

export type DocHandler = (msg: DocMessage) => void;
export type ControlHandler = (msg: ControlMessage) => void;

export interface Bus {
  readonly kind: string;
  /** Fire and forget: delivery is best effort (see above); failures are logged by the adapter. */
  publish(msg: DocMessage): void;
  /**
   * Resolves once messages published from now on will be delivered, which is what lets a loading
   * instance subscribe first and read the store second without missing an update in between.
   * The promise gives the unsubscribe function. `self`: the subscriber's own instance id; messages
   * it published (origin `self`) are never delivered to this handler. Alone on the in-process bus,
   * an instance then publishes to nobody: no delivery, no microtask per edit.
   */
  subscribe(roomId: string, doc: DocName, handler: DocHandler, self?: string): Promise<() => void>;
  publishControl(msg: ControlMessage): void;
  subscribeControl(handler: ControlHandler): Promise<() => void>;
  /**
   * Called after the bus had lost its connection and got it back: messages may have been missed,
   * so every loaded document should catch up from the store.
   */
  onResync(handler: () => void): () => void;
  close(): Promise<void>;
}
