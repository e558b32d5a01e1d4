/**
 * The WebSocket side: y-websocket's wire protocol at /sync/<roomId>/<doc>, the token in an
 * `attn.token.<token>` subprotocol (our client) or `?token=` (a stock y-websocket client).
 *
 * Authentication happens in the upgrade handler, before any room is loaded. A refused socket is
 * still upgraded and then closed with a typed code (shared/protocol.ts), because browsers hide the
 * HTTP status of a failed upgrade and a client needs to know whether retrying can ever help.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import {
  CloseCode,
  CLOSE_REASONS,
  DOC_NAMES,
  LIMITS,
  ROOM_ID_PATTERN,
  SYNC_ACK,
  SYNC_LIMITS,
  SYNC_PATH_PREFIX,
  SYNC_SUBPROTOCOL,
  SYNC_TOKEN_PROTOCOL_PREFIX,
  docAccess,
  type DocName,
} from '../../shared/protocol.js';
import { resolveLink, type LinkRefusal } from '../auth.js';
import { LocalBus } from '../bus/local.js';
import type { Bus, ControlMessage } from '../bus/port.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/port.js';
import { AckSweep } from './ackSweep.js';
import { ByteBudget } from './budget.js';
import { ConnSocket, type Conn } from './connection.js';
import { FrameSlices } from './frameSlices.js';
import { LiveDoc, MalformedMessageError } from './liveDoc.js';
import { PingWheel } from './pingWheel.js';

/**
 * How often due acknowledgements are looked for: each goes out up to this much after it is due,
 * against a quiet time of SYNC_ACK.IDLE_MS (1 s) before it and a client that shows "unsynced"
 * only after SYNC_ACK.CLIENT_GRACE_MS.
 */
const ACK_TICK_MS = 100;
/** How often a slice of the sockets is pinged (see PingWheel): ~25 of 3,000 sockets per tick at the 30 s default. */
const PING_TICK_MS = 250;
/**
 * Frames are handled in slices of this long (see FrameSlices): a 1000×2 window's stalls over 50 ms
 * went from 14–15 to 4–5 with 5 ms slices. A slice costs one turn of the loop, tens of µs.
 */
const FRAME_SLICE_MS = 5;
/**
 * A backlog this long means the server is behind (the 1000×3 load, whose generator sends in
 * bursts of thousands): it is handled in one go, as before slices. Single runs at 1000×3: in 5 ms
 * slices throughout, p99 2.8, 2.9, 7.2 and 15.7 s; each burst at once, as before slices, 1.6 s;
 * draining backlogs of 4,096 or more, 1.8 and 2.5 s (1,024: 2.1–3.4 s, but at 1000×2 drained
 * backlogs made stalls of up to 256 ms, 158 of them on a CPU). At 1000×2 a backlog this long
 * would take a second-long pause; the longest seen was a few hundred ms.
 */
const FRAME_DRAIN_AT = 4096;
/**
 * Queued frames past which the socket that sent one stops being read, and below which the held
 * ones are read again: ~0.4 s of work at ~100 µs a frame (an edit's cost at 1000×2). Without it a
 * load the server cannot keep up with (1000×3 saturates it) would pile frames up in memory
 * instead of leaving them in the kernel's socket buffers, where TCP pushes back on the senders.
 */
const FRAME_HIGH_WATER = 4096;
const FRAME_LOW_WATER = 1024;

export interface SyncServerOptions {
  store: Store;
  log: Logger;
  /** Other instances serving the same rooms; a private in-process bus when there are none. */
  bus?: Bus;
  /** This instance's name on the bus; random by default. */
  instanceId?: string;
  maxMessageBytes: number;
  snapshotEveryUpdates: number;
  roomIdleMs: number;
  pingIntervalMs: number;
  /** how long frames are handled before the event loop gets a turn; FRAME_SLICE_MS by default */
  frameSliceMs?: number;
  /** Resource limits (issue 12); each missing one takes its SYNC_LIMITS default. */
  limits?: Partial<SyncLimits>;
}

export interface SyncLimits {
  maxDocBytes: number;
  maxAwarenessPerConn: number;
  /** 0 = no limit */
  maxSocketsPerIp: number;
  /** 0 = no limit */
  maxSocketsPerRoom: number;
  /** 0 = no limit */
  maxRoomBytesPerSec: number;
}

const DEFAULT_LIMITS: SyncLimits = {
  maxDocBytes: SYNC_LIMITS.MAX_DOC_BYTES,
  maxAwarenessPerConn: SYNC_LIMITS.MAX_AWARENESS_PER_CONN,
  maxSocketsPerIp: SYNC_LIMITS.MAX_SOCKETS_PER_IP,
  maxSocketsPerRoom: SYNC_LIMITS.MAX_SOCKETS_PER_ROOM,
  maxRoomBytesPerSec: SYNC_LIMITS.MAX_ROOM_BYTES_PER_SEC,
};

/**
 * After the server refuses an update it had to apply first (see LiveDoc.refuse), that link may
 * not reconnect for a while, doubling per refusal. Such a refusal costs a reload of the document
 * from the store, so without this one client could make the server reload its (capped, but still
 * large) doc as fast as it can reconnect, starving every other room on the instance. Refusals
 * that need no rollback (bad frames, most hostile updates, the size cap) cost a decode and are
 * not held against the link. Legitimate clients never see it: the close codes that lead here are
 * fatal to them (no automatic retry).
 */
const REFUSAL_COOLDOWN_MS = 1000;
const REFUSAL_COOLDOWN_MAX_MS = 60_000;
/** A link's strikes are forgotten after this long without a refusal. */
const REFUSAL_MEMORY_MS = 10 * 60 * 1000;

/** ws's status for a message over maxPayload; it closes with it before we hear of the message. */
const WS_MESSAGE_TOO_BIG = 1009;

/**
 * ws closes a message over maxPayload with 1009 itself, before any handler sees it. Our clients
 * are promised 4413 (a code they know not to retry), so that one close is translated here. This
 * lets maxPayload equal our limit: ws stops reading an oversize frame at once instead of
 * buffering up to a higher ceiling just so that our own handler can answer it.
 */
class SyncSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    if (code === WS_MESSAGE_TOO_BIG) super.close(CloseCode.TooLarge, CLOSE_REASONS[CloseCode.TooLarge]);
    else super.close(code, data);
  }
}

type Decision =
  | { ok: true; roomId: string; doc: DocName; role: Conn['role']; linkId: string; access: Conn['access']; name: string }
  | { ok: false; code: CloseCode };

const QuerySchema = z.object({
  name: z.string().transform((s) => s.replace(/\p{Cc}/gu, '').trim()).pipe(z.string().max(LIMITS.MAX_NAME_CHARS)).optional(),
});

const REFUSAL_CODES: Record<LinkRefusal, CloseCode> = {
  bad: CloseCode.BadToken,
  revoked: CloseCode.Revoked,
  no_room: CloseCode.NotFound,
};

/**
 * The token a client presented: our client's `attn.token.<token>` subprotocol first (it keeps
 * the token out of URLs, so out of console errors and access logs), else the stock
 * y-websocket client's `?token=`.
 */
export function presentedToken(protocolHeader: string | undefined, url: URL): string {
  for (const p of (protocolHeader ?? '').split(',')) {
    const value = p.trim();
    if (value.startsWith(SYNC_TOKEN_PROTOCOL_PREFIX)) return value.slice(SYNC_TOKEN_PROTOCOL_PREFIX.length);
  }
  return url.searchParams.get('token') ?? '';
}

const docKey = (roomId: string, doc: DocName) => `${roomId}/${doc}`;

export class SyncServer {
  private readonly wss: WebSocketServer;
  private readonly docs = new Map<string, LiveDoc>();
  private readonly loading = new Map<string, Promise<LiveDoc>>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  private readonly connsByLink = new Map<string, Set<Conn>>();
  private readonly pingTimer: NodeJS.Timeout;
  /** every open socket, in the slice of the ping interval in which it is pinged */
  private readonly pings: PingWheel<Conn>;
  private closing = false;
  readonly bus: Bus;
  readonly instanceId: string;
  private readonly busOff: Array<() => void> = [];
  private readonly limits: SyncLimits;
  /** open sockets per remote address and per room, for the socket caps (this instance only) */
  private readonly socketsByIp = new Map<string, number>();
  private readonly socketsByRoom = new Map<string, number>();
  /** links whose sockets the server refused recently: until when they are kept out, and how often */
  private readonly penalties = new Map<string, { until: number; strikes: number; at: number }>();
  /** per-room throughput budgets (ATTN_MAX_ROOM_BYTES_PER_SEC), forgotten once idle and full */
  private readonly budgets = new Map<string, ByteBudget>();
  /** frames read but not handled yet, in arrival order; a peer's close waits behind its frames */
  private readonly frames: FrameSlices<QueuedFrame>;
  /** sockets not read while the frame queue is over high water */
  private held: Conn[] = [];
  /** every writer's pending acknowledgement, one timer for all (see ackSweep.ts) */
  private readonly acks = new AckSweep<Conn>({ idleMs: SYNC_ACK.IDLE_MS, maxWaitMs: SYNC_ACK.MAX_WAIT_MS, tickMs: ACK_TICK_MS });

  constructor(private readonly opts: SyncServerOptions) {
    this.bus = opts.bus ?? new LocalBus();
    this.instanceId = opts.instanceId ?? randomBytes(6).toString('hex');
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxMessageBytes,
      WebSocket: SyncSocket,
      // No per-message compression (ws's default, stated because ConnSocket.sendWire relies on
      // it: with compression ws queues frames while it deflates, and a frame written straight to
      // the socket could overtake them).
      perMessageDeflate: false,
      // Never ws's default of echoing the first offered protocol: that could be the token.
      handleProtocols: (offered) => (offered.has(SYNC_SUBPROTOCOL) ? SYNC_SUBPROTOCOL : false),
    });
    this.frames = new FrameSlices<QueuedFrame>((f) => this.handleQueued(f), () => this.readHeld(), {
      budgetMs: opts.frameSliceMs ?? FRAME_SLICE_MS,
      drainAt: FRAME_DRAIN_AT,
      highWater: FRAME_HIGH_WATER,
      lowWater: FRAME_LOW_WATER,
    });
    const slots = PingWheel.slotsFor(opts.pingIntervalMs, PING_TICK_MS);
    this.pings = new PingWheel(slots);
    this.pingTimer = setInterval(() => this.pingSome(), opts.pingIntervalMs / slots);
    this.pingTimer.unref();
  }

  /** Joins the bus's control channel (revocations from other instances) and its resync signal. */
  async start(): Promise<void> {
    this.busOff.push(await this.bus.subscribeControl((msg) => this.onControl(msg)));
    this.busOff.push(
      this.bus.onResync(() => {
        for (const live of this.docs.values()) void live.catchUp();
      }),
    );
  }

  private onControl(msg: ControlMessage): void {
    if (msg.origin === this.instanceId) return;
    if (msg.kind === 'revoke-link') {
      const closed = this.closeLinkSockets(msg.linkId);
      if (closed > 0) this.opts.log.info('closed sockets of a link revoked on another instance', { sockets: closed });
    }
  }

  attach(http: HttpServer): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.onUpgrade(req, socket, head).catch((err) => {
        this.opts.log.error('upgrade failed', { err: String(err) });
        socket.destroy();
      });
    });
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SYNC_PATH_PREFIX) || this.closing) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const ip = req.socket.remoteAddress ?? '';
    const { maxSocketsPerIp } = this.limits;
    if (maxSocketsPerIp > 0 && (this.socketsByIp.get(ip) ?? 0) >= maxSocketsPerIp) {
      // An address already at its cap is refused before any token work, and quietly: a burst of
      // upgrades from one address then costs a handshake each, not a hash, a store lookup and a
      // log line (the abuse bench's socket flood stalled other rooms by tens of ms without this).
      this.opts.log.debug('sync refused: too many sockets from this address', { open: this.socketsByIp.get(ip) });
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.TooManySockets, CLOSE_REASONS[CloseCode.TooManySockets]));
      return;
    }
    const decision = await this.authorize(url, presentedToken(req.headers['sec-websocket-protocol'], url));
    if (socket.destroyed) return;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!decision.ok) {
        this.opts.log.info('sync refused', { path: url.pathname, code: decision.code });
        ws.close(decision.code, CLOSE_REASONS[decision.code]);
        return;
      }
      if (this.coolingDown(ws, decision.linkId, decision.roomId)) return;
      if (this.overBudget(ws, decision.roomId)) return;
      if (!this.claimSocket(ws, ip, decision.roomId)) return;
      this.accept(ws, socket, decision).catch((err) => {
        this.opts.log.error('could not open document', { room: decision.roomId, doc: decision.doc, err: String(err) });
        ws.close(CloseCode.PersistFailed, CLOSE_REASONS[CloseCode.PersistFailed]);
      });
    });
  }

  /**
   * Counts an accepted socket against its address and room until it closes, or refuses it with
   * 4429 when either is full. Synchronous between the check and the count, so a burst of
   * upgrades cannot all slip under the cap.
   */
  private claimSocket(ws: WebSocket, ip: string, roomId: string): boolean {
    const { maxSocketsPerIp, maxSocketsPerRoom } = this.limits;
    const byIp = this.socketsByIp.get(ip) ?? 0;
    const byRoom = this.socketsByRoom.get(roomId) ?? 0;
    const full = maxSocketsPerIp > 0 && byIp >= maxSocketsPerIp ? 'address' : maxSocketsPerRoom > 0 && byRoom >= maxSocketsPerRoom ? 'room' : null;
    if (full) {
      this.opts.log.warn('sync refused: too many sockets', { room: roomId, per: full, open: full === 'address' ? byIp : byRoom });
      ws.close(CloseCode.TooManySockets, CLOSE_REASONS[CloseCode.TooManySockets]);
      return false;
    }
    this.socketsByIp.set(ip, byIp + 1);
    this.socketsByRoom.set(roomId, byRoom + 1);
    ws.once('close', () => {
      decrement(this.socketsByIp, ip);
      decrement(this.socketsByRoom, roomId);
    });
    return true;
  }

  private coolingDown(ws: WebSocket, linkId: string, roomId: string): boolean {
    const p = this.penalties.get(linkId);
    if (!p || p.until <= Date.now()) return false;
    this.opts.log.info('sync refused: link cooling down after a refused update', { room: roomId, retryInMs: p.until - Date.now() });
    ws.close(CloseCode.TooManySockets, CLOSE_REASONS[CloseCode.TooManySockets]);
    return true;
  }

  /**
   * A room in debt on its byte budget takes no new socket until the debt is repaid: each joiner is
   * sent the whole document, which the budget charges but cannot stop once the socket is in. The
   * abuse bench's socket flood had a 12-40 MB board sent to ~60 joiners a second that way. The
   * close is not fatal, so a real joiner's client simply retries (with backoff) a moment later.
   */
  private overBudget(ws: WebSocket, roomId: string): boolean {
    if (!this.budgets.get(roomId)?.inDebt) return false;
    // debug, not warn: under a flood this would be a line per attempt
    this.opts.log.debug('sync refused: room over its byte budget', { room: roomId });
    ws.close(CloseCode.RoomBusy, CLOSE_REASONS[CloseCode.RoomBusy]);
    return true;
  }

  private penalize(linkId: string): void {
    const now = Date.now();
    const prev = this.penalties.get(linkId);
    const strikes = prev && now - prev.at < REFUSAL_MEMORY_MS ? prev.strikes + 1 : 1;
    const until = now + Math.min(REFUSAL_COOLDOWN_MAX_MS, REFUSAL_COOLDOWN_MS * 2 ** (strikes - 1));
    this.penalties.set(linkId, { until, strikes, at: now });
  }

  private async authorize(url: URL, token: string): Promise<Decision> {
    const parts = url.pathname.slice(SYNC_PATH_PREFIX.length).split('/');
    const [roomId, doc] = [decodeSegment(parts[0] ?? ''), parts[1] ?? ''];
    if (parts.length !== 2 || roomId === null || !ROOM_ID_PATTERN.test(roomId) || !(DOC_NAMES as readonly string[]).includes(doc)) {
      return { ok: false, code: CloseCode.NotFound };
    }
    // The name is the only query field checked here (the token travels as a subprotocol, or is
    // looked up below), so a failure means it is too long once control characters are gone.
    const query = QuerySchema.safeParse({ name: url.searchParams.get('name') ?? undefined });
    if (!query.success) return { ok: false, code: CloseCode.NameTooLong };
    const resolved = await resolveLink(this.opts.store, roomId, token);
    if (!resolved.ok) return { ok: false, code: REFUSAL_CODES[resolved.reason] };
    const { link, room } = resolved;
    // The room's kind picks the table: a pair room has no panel doc, for any link (issue 14).
    const access = docAccess(doc as DocName, link.role, room.kind);
    if (access === 'none') return { ok: false, code: CloseCode.Forbidden };
    return { ok: true, roomId, doc: doc as DocName, role: link.role, linkId: link.id, access, name: query.data.name ?? '' };
  }

  private async accept(ws: WebSocket, wire: Duplex, d: Extract<Decision, { ok: true }>): Promise<void> {
    const conn: Conn = {
      socket: new ConnSocket(ws, wire),
      roomId: d.roomId,
      doc: d.doc,
      role: d.role,
      linkId: d.linkId,
      access: d.access,
      name: d.name,
      owned: new Set(),
      acknowledged: ws.protocol === SYNC_SUBPROTOCOL,
      ackPendingSince: null,
      joinedAt: 0,
      joinRecorded: false,
      leaveRecorded: false,
      // Every field from the start, those set later included: a connection that gained them one by
      // one went through several hidden classes, and the hot functions that take one (send, relay,
      // the ack sweep, the throttle) were deoptimized for a "wrong map" inside the sync bench's
      // measured window, then recompiled for several shapes.
      ackDue: undefined,
      ackSentAt: undefined,
      awarenessCapped: false,
      synced: false,
      parked: undefined,
    };
    ws.binaryType = 'nodebuffer';
    // Frames that arrive while the document loads wait in order behind the greeting.
    const early: Uint8Array[] = [];
    let live: LiveDoc | null = null;
    /** the peer closed while its document was loading (see below) */
    let closedWhileLoading = false;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (bytes.byteLength > this.opts.maxMessageBytes) {
        this.opts.log.warn('message too large; closing socket', { room: conn.roomId, doc: conn.doc, bytes: bytes.byteLength });
        this.closeConn(conn, CloseCode.TooLarge);
        return;
      }
      if (!isBinary) {
        this.closeConn(conn, CloseCode.Malformed);
        return;
      }
      this.throttle(conn, bytes.byteLength);
      if (live) this.dispatch(live, conn, bytes);
      else early.push(bytes);
    });
    ws.on('pong', () => (conn.socket.alive = true));
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws already closed it with 4413 (see SyncSocket); the message itself never reached us.
        conn.socket.closed = true;
        this.opts.log.warn('message too large; closing socket', { room: conn.roomId, doc: conn.doc });
        return;
      }
      this.opts.log.warn('socket error', { room: conn.roomId, err: String(err) });
    });
    ws.on('close', () => {
      this.pings.remove(conn);
      // Frames it sent before closing are handled first (a client that types and closes its tab
      // loses nothing), then it leaves: behind its frames in the queue, or, while its document
      // still loads, once those that waited for it are queued (below).
      if (live) this.queueLeave(conn, live);
      else {
        closedWhileLoading = true;
        this.forget(conn, null);
      }
    });
    this.pings.add(conn);

    let links = this.connsByLink.get(conn.linkId);
    if (!links) this.connsByLink.set(conn.linkId, (links = new Set()));
    links.add(conn);

    live = await this.getLiveDoc(d.roomId, d.doc);
    if (conn.socket.closed || (closedWhileLoading && early.length === 0)) {
      this.forget(conn, live);
      return;
    }
    this.clearIdle(docKey(d.roomId, d.doc));
    live.add(conn);
    conn.joinedAt = Date.now();
    if (conn.name) this.recordJoin(conn);
    const doc = live;
    void doc.enqueue(() => doc.greet(conn));
    for (const bytes of early.splice(0)) this.dispatch(doc, conn, bytes);
    this.opts.log.info('joined', { room: d.roomId, doc: d.doc, role: d.role });
    if (closedWhileLoading) this.queueLeave(conn, doc);
  }

  /**
   * Charges a room's budget and pauses the socket that overspent it until the debt is paid.
   * Paused, ws reads nothing more from it, so TCP pushes back on the sender; what it already sent
   * is still handled in order.
   */
  private throttle(conn: Conn, bytes: number): void {
    const rate = this.limits.maxRoomBytesPerSec;
    if (rate === 0) return;
    let budget = this.budgets.get(conn.roomId);
    if (!budget) this.budgets.set(conn.roomId, (budget = new ByteBudget(rate, Math.max(rate, 2 * this.opts.maxMessageBytes))));
    const waitMs = budget.spend(bytes);
    if (waitMs > 0) conn.socket.pauseFor(waitMs);
  }

  /** A frame waits for its slice (see FrameSlices). */
  private dispatch(live: LiveDoc, conn: Conn, bytes: Uint8Array): void {
    this.queueFrame({ live, conn, bytes, leave: null });
  }

  /** Queues a frame or a close; a socket that sends one past high water is not read until the queue drains. */
  private queueFrame(f: QueuedFrame): void {
    if (this.frames.push(f) || f.leave) return;
    if (f.conn.socket.hold()) this.held.push(f.conn);
  }

  /** The queue is back under low water: read the held sockets again. */
  private readHeld(): void {
    const held = this.held;
    this.held = [];
    for (const c of held) c.socket.release();
  }

  private handleQueued(f: QueuedFrame): void {
    try {
      if (f.leave) f.leave();
      else this.handleNow(f.live!, f.conn, f.bytes!);
    } catch (err) {
      this.opts.log.error('queued frame failed', { room: f.conn.roomId, doc: f.conn.doc, err: String(err) });
    }
  }

  /**
   * The peer closed its socket: its session ends after its frames, first behind them in the slice
   * queue, then in its document's queue (a frame may wait there behind one that waits for the
   * store, and a closed socket's frames are dropped).
   */
  private queueLeave(conn: Conn, live: LiveDoc): void {
    const end = () => {
      conn.socket.closed = true;
      this.forget(conn, live);
    };
    this.queueFrame({ live: null, conn, bytes: null, leave: () => void live.enqueue(end, true) });
  }

  /**
   * Queues a frame on its document, as a frame task: it may run while earlier updates are still
   * being stored (LiveDoc pipelines them). handleFrame is synchronous unless the frame waits (see there).
   */
  private handleNow(live: LiveDoc, conn: Conn, bytes: Uint8Array): void {
    void live.enqueue(() => {
      let handled: Promise<void> | void;
      try {
        handled = live.handleFrame(conn, bytes);
      } catch (err) {
        return this.frameFailed(conn, err);
      }
      return handled?.catch((err: unknown) => this.frameFailed(conn, err));
    }, true);
  }

  /** A frame that cannot be decoded closes its socket (only that one); anything else is the queue's to log. */
  private frameFailed(conn: Conn, err: unknown): void {
    if (!(err instanceof MalformedMessageError)) throw err;
    this.opts.log.warn('malformed message; closing socket', { room: conn.roomId, doc: conn.doc, err: err.message });
    this.closeConn(conn, CloseCode.Malformed);
  }

  closeConn = (conn: Conn, code: CloseCode, opts: { cooldown?: boolean } = {}): void => {
    if (!conn.socket.close(code, CLOSE_REASONS[code])) return;
    if (opts.cooldown) this.penalize(conn.linkId);
  };

  private forget(conn: Conn, live: LiveDoc | null): void {
    const links = this.connsByLink.get(conn.linkId);
    links?.delete(conn);
    if (links && links.size === 0) this.connsByLink.delete(conn.linkId);
    if (!live) return;
    const wasMember = live.conns.has(conn);
    live.remove(conn);
    if (wasMember) {
      this.recordLeave(conn);
      this.opts.log.info('left', { room: conn.roomId, doc: conn.doc, role: conn.role });
    }
    if (live.conns.size === 0) this.scheduleUnload(live);
  }

  // ---- joins and leaves, for playback ---------------------------------------------------
  //
  // Awareness is never persisted, so the store keeps its own record of who was in the room.
  // One person is one board connection (every role opens the board; the panel is a second
  // socket of the same person). Each row is one synchronous insert and nothing waits for it,
  // so the relay path is not slowed down. The room page learns its display name through
  // awareness after connecting, so a nameless join is written when the name first arrives
  // (stamped with the time of the join), or with the leave at the latest.

  private recordJoin(conn: Conn): void {
    if (conn.doc !== 'board' || conn.joinRecorded || conn.joinedAt === 0) return;
    conn.joinRecorded = true;
    this.recordEvent(conn, 'join', conn.joinedAt);
  }

  private recordLeave(conn: Conn): void {
    if (conn.doc !== 'board' || conn.leaveRecorded || conn.joinedAt === 0) return;
    this.recordJoin(conn);
    conn.leaveRecorded = true;
    this.recordEvent(conn, 'leave', Date.now());
  }

  private recordEvent(conn: Conn, kind: 'join' | 'leave', ts: number): void {
    this.opts.store
      .appendEvent({ roomId: conn.roomId, ts, kind, role: conn.role, name: conn.name, doc: conn.doc })
      .catch((err: unknown) => this.opts.log.warn('could not record a presence event', { room: conn.roomId, kind, err: String(err) }));
  }

  private async getLiveDoc(roomId: string, doc: DocName): Promise<LiveDoc> {
    const key = docKey(roomId, doc);
    const existing = this.docs.get(key);
    if (existing && !existing.poisoned) return existing;
    if (existing?.poisoned) {
      this.docs.delete(key);
      existing.destroy();
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        // An unload of the same document may still be writing its final snapshot / last append.
        await this.unloading.get(key);
        const live = await LiveDoc.load(roomId, doc, {
          store: this.opts.store,
          log: this.opts.log,
          bus: this.bus,
          instanceId: this.instanceId,
          snapshotEveryUpdates: this.opts.snapshotEveryUpdates,
          closeConn: this.closeConn,
          onNamed: (conn) => this.recordJoin(conn),
          nameFallback: (conn) => this.nameForLink(conn.linkId),
          maxDocBytes: this.limits.maxDocBytes,
          maxAwarenessPerConn: this.limits.maxAwarenessPerConn,
          charge: (conn, bytes) => this.throttle(conn, bytes),
          acks: this.acks,
        });
        this.docs.set(key, live);
        return live;
      })().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  private scheduleUnload(live: LiveDoc): void {
    const key = docKey(live.roomId, live.name);
    if (this.closing || this.idleTimers.has(key)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(key);
      if (live.conns.size > 0 || this.docs.get(key) !== live) return;
      this.docs.delete(key);
      const done = (async () => {
        await live.idle();
        await live.snapshot();
        live.destroy();
        this.opts.log.debug('unloaded idle document', { room: live.roomId, doc: live.name });
      })()
        .catch((err) => this.opts.log.error('unload failed', { room: live.roomId, err: String(err) }))
        .finally(() => this.unloading.delete(key));
      this.unloading.set(key, done);
    }, this.opts.roomIdleMs);
    timer.unref();
    this.idleTimers.set(key, timer);
  }

  private clearIdle(key: string): void {
    const t = this.idleTimers.get(key);
    if (t) clearTimeout(t);
    this.idleTimers.delete(key);
  }

  /**
   * Closes every socket opened with this link, here and (through the bus) on every other
   * instance; later attempts fail at the upgrade with 4410. Returns how many were open here.
   */
  revokeLink(linkId: string): number {
    this.bus.publishControl({ kind: 'revoke-link', origin: this.instanceId, linkId });
    return this.closeLinkSockets(linkId);
  }

  private closeLinkSockets(linkId: string): number {
    const conns = [...(this.connsByLink.get(linkId) ?? [])];
    for (const c of conns) this.closeConn(c, CloseCode.Revoked);
    return conns.length;
  }

  /**
   * Applies a server-side change (REST routes: current question, signals, plan) with the same
   * persist-then-relay guarantee as a client update. Loads the document if nobody has it open.
   */
  async change(roomId: string, doc: DocName, fn: (ydoc: import('yjs').Doc) => void, authorName = 'attn'): Promise<void> {
    const live = await this.getLiveDoc(roomId, doc);
    try {
      await live.applyServerChange(fn, authorName);
    } finally {
      if (live.conns.size === 0) this.scheduleUnload(live);
    }
  }

  /** Reads a consistent view of a document (after every queued frame), loading it if needed. */
  async read<T>(roomId: string, doc: DocName, fn: (ydoc: import('yjs').Doc) => T): Promise<T> {
    const live = await this.getLiveDoc(roomId, doc);
    try {
      let out!: T;
      await live.enqueue(() => {
        out = fn(live.doc);
      });
      return out;
    } finally {
      if (live.conns.size === 0) this.scheduleUnload(live);
    }
  }

  /** The display name a link's open sockets use (for server-written entries such as signals). */
  nameForLink(linkId: string): string | null {
    for (const c of this.connsByLink.get(linkId) ?? []) if (c.name) return c.name;
    return null;
  }

  stats(): { docs: number; connections: number } {
    let connections = 0;
    for (const d of this.docs.values()) connections += d.conns.size;
    return { docs: this.docs.size, connections };
  }

  /**
   * Pings this tick's slice of the sockets (each is pinged once per ping interval), ending those
   * that did not answer the last ping; once per interval, forgets stale penalties and idle budgets.
   */
  private pingSome(): void {
    const { due, round } = this.pings.tick();
    if (round) {
      const now = Date.now();
      for (const [linkId, p] of this.penalties) if (now - p.at > REFUSAL_MEMORY_MS) this.penalties.delete(linkId);
      for (const [roomId, b] of this.budgets) if (!this.socketsByRoom.has(roomId) && b.full) this.budgets.delete(roomId);
    }
    for (const c of due) {
      if (!c.socket.alive) {
        c.socket.ws.terminate();
        continue;
      }
      c.socket.alive = false;
      c.socket.ws.ping();
    }
  }

  /** Closes sockets, waits for in-flight appends, snapshots every loaded document. */
  async close(): Promise<void> {
    this.closing = true;
    // What was read is handled (and so stored) before the sockets close.
    this.frames.flush();
    clearInterval(this.pingTimer);
    this.acks.close();
    for (const off of this.busOff.splice(0)) off();
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    const docs = [...this.docs.values()];
    // Leaves are written now: the sockets' close events may come after the store is closed.
    for (const live of docs) for (const c of live.conns) this.recordLeave(c);
    for (const live of docs) for (const c of [...live.conns]) this.closeConn(c, CloseCode.ServerShutdown);
    await Promise.all([...this.loading.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.unloading.values()]);
    for (const live of [...this.docs.values()]) {
      await live.idle();
      await live.snapshot().catch((err) => this.opts.log.error('final snapshot failed', { err: String(err) }));
      live.destroy();
    }
    this.docs.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}

/**
 * A frame waiting for its slice, or a peer's close waiting behind its frames (`leave`, which hands
 * the session's end on to its document's queue; see queueLeave). One shape for both, so the
 * queue's reads stay monomorphic.
 */
interface QueuedFrame {
  live: LiveDoc | null;
  conn: Conn;
  bytes: Uint8Array | null;
  leave: (() => void) | null;
}

function toBytes(data: RawData): Uint8Array {
  if (Buffer.isBuffer(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data);
}

/** A bad %-escape (`%E0%A4%A`) names no room: 4404, not a URIError thrown out of the upgrade. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
