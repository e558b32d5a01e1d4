/**
 * One sync connection, in two parts with two owners:
 * - its socket (ConnSocket): the transport, its liveness and flow control — SyncServer's;
 * - its session (Session): who is connected to which document with what rights, and what the
 *   sync protocol keeps per connection (awareness ids, acks, parked updates) — LiveDoc's.
 * A Conn is a session holding its socket; LiveDoc only sends through it and asks whether it closed.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { DocAccess, DocName, Role } from '../../shared/protocol.js';

/** A peer that never answers the close handshake must not hold its socket open longer than this. */
const CLOSE_TERMINATE_MS = 5000;

export class ConnSocket {
  /** answered the last ping */
  alive = true;
  /** closing or closed: nothing more is sent or handled */
  closed = false;
  /** reading is paused: its room spent its byte budget (see SyncServer.throttle) */
  paused = false;
  /** reading is paused: the server's frame queue is over high water (see FrameSlices) */
  held = false;

  /** `wire` is the upgraded socket under `ws`, for frames built whole (sendWire). */
  constructor(
    readonly ws: WebSocket,
    private readonly wire: Duplex,
  ) {}

  /**
   * Sends a frame unless the socket is closing; says whether it did. A write that fails ends the
   * socket (`afterWrite`: one function per socket, not a closure per frame; a stream also batches
   * the after-write work of consecutive writes that share their callback).
   */
  send(frame: Uint8Array): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(frame, this.afterWrite);
    return true;
  }

  /**
   * Sends a frame built whole for the wire (frames.ts `wireFrame`) unless the socket is closing,
   * straight to the socket under `ws`. Safe beside `ws`'s own writes: with no per-message
   * compression (SyncServer turns it off) `ws` queues nothing and writes each frame whole in one
   * synchronous call, so frames never interleave. A failed write ends the socket through
   * `ws`'s own error handler.
   */
  sendWire(frame: Buffer): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    this.wire.write(frame);
    return true;
  }

  private readonly afterWrite = (err?: Error | null): void => {
    if (err) this.ws.terminate();
  };

  /** Starts the close handshake with a typed code; false when it was closing already. */
  close(code: number, reason: string): boolean {
    if (this.closed) return false;
    this.closed = true;
    this.ws.close(code, reason);
    setTimeout(() => this.ws.terminate(), CLOSE_TERMINATE_MS).unref();
    return true;
  }

  /** Reads nothing from the socket for `ms` (TCP pushes back on the sender meanwhile). */
  pauseFor(ms: number): void {
    if (this.paused || this.closed) return;
    this.paused = true;
    this.ws.pause();
    setTimeout(() => {
      this.paused = false;
      if (!this.closed && !this.held) this.ws.resume();
    }, ms).unref();
  }

  /** Stops reading until `release`; false if it was held or closed already. */
  hold(): boolean {
    if (this.held || this.closed) return false;
    this.held = true;
    this.ws.pause();
    return true;
  }

  /** Reads again, unless its room's budget still pauses it. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    if (!this.closed && !this.paused) this.ws.resume();
  }
}

export interface Session {
  roomId: string;
  doc: DocName;
  role: Role;
  linkId: string;
  access: Exclude<DocAccess, 'none'>;
  name: string;
  /** awareness client ids introduced by this connection */
  owned: Set<number>;
  /**
   * whether it is sent acknowledgements (AuthMessage.Stored): only when it opened with our
   * subprotocol (SYNC_SUBPROTOCOL), as our client does, since only our client reads them; a stock
   * y-websocket client drops them unread
   */
  acknowledged: boolean;
  /** when the oldest unacknowledged durable update of this connection was stored (see AckSweep) */
  ackPendingSince: number | null;
  /** when its acknowledgement is due */
  ackDue?: number;
  /** when its last acknowledgement went out */
  ackSentAt?: number;
  /** when the connection was accepted into its document (ms, server clock) */
  joinedAt: number;
  /** playback's presence record: whether this connection's join / leave is in the store yet */
  joinRecorded: boolean;
  leaveRecorded: boolean;
  /** set once this connection's awareness went past its cap (so the log says it once) */
  awarenessCapped?: boolean;
  /**
   * an accepted sync step 2 came from it: it has sent the server its whole state, so its updates
   * build on what the server holds and skip the precheck (see LiveDoc.handleSync)
   */
  synced?: boolean;
  /** this connection's updates that wait on structs the server does not have yet, merged */
  parked?: Uint8Array[];
}

export interface Conn extends Session {
  readonly socket: ConnSocket;
}
