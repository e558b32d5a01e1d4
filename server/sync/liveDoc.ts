/**
 * One loaded room document: its in-memory Y.Doc, awareness, and the connections reading it.
 *
 * Invariant: every frame from every connection is handled one at a time, in arrival order, through
 * `enqueue`. An update is applied, appended to the store and only then relayed (relays go out in
 * the order of the appends). Updates are pipelined: the next frame is handled while earlier
 * updates are being stored, but nothing else is: a task that shows the doc to someone (a
 * newcomer's initial sync, an answer to a sync step 1, an acknowledgement, a read) or reads the
 * store runs only once every update applied so far is stored and relayed (`settled`). So nobody
 * is ever shown an update that is not yet durable.
 *
 * Why pipelined: when each update held its doc's queue until its write, a doc took at most one
 * update per event-loop turn (the journal writes once per turn). At 1000×3 @ 5/s, with turns of
 * 50–300 ms under that load, every room's three writers out-typed that, frames piled up in the
 * queues, and latency grew to seconds (p50 1.7–3.3 s against the bare relay's 0.3 s).
 *
 * Other instances may hold the same document (scale-out). Each appends what its own clients send
 * and publishes it, with the seq the store gave it, on the bus; the others apply and relay it
 * (it is already durable). A SeqWatermark tracks which seqs are in memory. A gap that does not close by itself on the bus is filled
 * from the store, which has every update (they are published only after they are stored).
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { CloseCode, MessageType, type DocName, type Role } from '../../shared/protocol.js';
import type { Bus, DocMessage } from '../bus/port.js';
import type { Logger } from '../log.js';
import type { UpdateLogStore } from '../store/port.js';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, sanitizeAwareness } from './awareness.js';
import type { AckSweep } from './ackSweep.js';
import type { Conn } from './connection.js';
import { ackFrame, awarenessFrame, syncStep1Frame, syncStep2Frame, updateFrame, wireFrame } from './frames.js';
import { SeqWatermark } from './seqWatermark.js';
import { applyClientUpdate, dropPending, hasPending, MalformedMessageError, precheckUpdate, REFUSAL_LOG, refusalCode, type Admitted, type Refusal } from './admission.js';

export { MalformedMessageError } from './admission.js';

/**
 * How long a gap in the seqs from the bus may stay open before the store is asked. Updates are
 * published after their append returns, so one instance's later seq can overtake another's
 * earlier one on the bus by about an append's latency; a gap that outlives this was a lost message.
 */
const GAP_FILL_DELAY_MS = 250;
/** Page size when catching up from the store. */
const CATCH_UP_PAGE = 500;
/**
 * Updates one connection may have waiting for what they build on (see handleSync): a client sends
 * a few edits in the round trip before its sync step 2; more than this is not that race.
 */
const MAX_PARKED_UPDATES = 32;
const MAX_PARKED_BYTES = 4 * 1024 * 1024;
/** A relayed frame at least this big yields to the event loop between recipients. */
const RELAY_YIELD_BYTES = 64 * 1024;
/** Transaction origin of everything that arrived from another instance. */
export const BUS_ORIGIN = 'bus';

export interface LiveDocOptions {
  store: UpdateLogStore;
  log: Logger;
  /** Fan-out to other instances holding the same document. */
  bus: Bus;
  /** This instance's id on the bus (the bus never hands it back its own messages). */
  instanceId: string;
  snapshotEveryUpdates: number;
  /**
   * called when a connection must be closed with a code (the server owns socket teardown);
   * `cooldown`: the refusal was expensive (a reload), so keep the link out for a while
   */
  closeConn: (conn: Conn, code: CloseCode, opts?: { cooldown?: boolean }) => void;
  /** called when awareness gives a connection a (new) display name */
  onNamed?: (conn: Conn) => void;
  /**
   * A name for a connection that has none of its own: a panel socket carries no awareness and
   * may have opened before the person typed their name, while their board socket knows it.
   */
  nameFallback?: (conn: Conn) => string | null;
  /** a client update that would grow the doc's encoded state past this is refused (DocTooLarge) */
  maxDocBytes: number;
  /** awareness client ids one connection may speak for; entries for more are dropped */
  maxAwarenessPerConn: number;
  /**
   * when each writer is owed an acknowledgement: the server's one sweep (see ackSweep.ts, and
   * SYNC_ACK in shared/protocol.ts for why acknowledgements are debounced)
   */
  acks: AckSweep<Conn>;
  /**
   * charges the bytes a connection makes the server send to its room's budget: what it relays to
   * every peer (one update in, one copy out per socket in the room) and a sync step 2 (the whole
   * document for an empty state vector: 40 bytes in, up to the doc cap out)
   */
  charge?: (conn: Conn, bytes: number) => void;
}

export class LiveDoc {
  /** Replaced wholesale by `rollback`, so always read it through `this.doc`. */
  doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly conns = new Set<Conn>();
  /** which store seqs are in memory (see SeqWatermark) */
  private readonly applied = new SeqWatermark();
  /** the watermark: every update with a seq up to this one is in memory */
  get seq(): number {
    return this.applied.seq;
  }
  private gapTimer: NodeJS.Timeout | null = null;
  /** updates this instance appended since the last snapshot (each instance snapshots its own writes) */
  private sinceSnapshot = 0;
  /** the snapshot write in flight, if any */
  private snapshotting: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private destroyed = false;
  /** whether readFromStore has filled `doc` once (later reads replace it) */
  private loaded = false;
  private queue: Array<() => Promise<void> | void> = [];
  /** per queued task: whether it is a client's frame (which may run while updates are being stored) */
  private queueFrames: boolean[] = [];
  /** updates appended whose relay has not finished yet (see `settled`) */
  private inFlight = 0;
  private settledWaiters: Array<() => void> = [];
  /** the last drain of the queue (settled once it is empty) */
  private draining: Promise<void> | null = null;
  /** whether a drain is running now */
  private running = false;
  /** set when a persist failed: the in-memory doc may be ahead of the store and must not serve anyone */
  poisoned = false;
  /**
   * The doc's encoded size: exact once `wouldOutgrow` measured it, otherwise an upper-ish estimate (what was
   * loaded plus every update since). Encoding the whole doc for every update would cost O(doc)
   * per keystroke, so it is measured only when the estimate nears the cap.
   */
  private docBytes = 0;
  private docBytesExact = false;
  /**
   * The whole doc encoded, kept until the next transaction on it. Every joiner with an empty state
   * vector is answered with exactly this, as is the snapshot and the size check near the cap: a
   * flood of new sockets into a large board (the abuse bench opens hundreds) costs one encode per
   * change of the doc, not one per socket.
   */
  private fullState: { doc: Y.Doc; bytes: Uint8Array } | null = null;
  private readonly forgetFullState = (): void => {
    this.fullState = null;
  };

  constructor(
    readonly roomId: string,
    readonly name: DocName,
    private readonly opts: LiveDocOptions,
  ) {
    this.doc = serverDoc(roomId, name);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.doc.on('afterTransaction', this.forgetFullState);
    // The server is a relay, not a participant: it has no awareness state of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /**
   * Subscribes to the bus first and reads the store second, so every update is either in what
   * the store returns or in a message that arrives after the subscription: no gap between them.
   */
  static async load(roomId: string, name: DocName, opts: LiveDocOptions): Promise<LiveDoc> {
    const live = new LiveDoc(roomId, name, opts);
    const early: DocMessage[] = [];
    let loaded = false;
    live.unsubscribe = await opts.bus.subscribe(
      roomId,
      name,
      (msg) => {
        if (live.destroyed) return;
        if (loaded) live.onBusMessage(msg);
        else early.push(msg);
      },
      opts.instanceId,
    );
    try {
      await live.readFromStore();
    } catch (err) {
      live.destroy();
      throw err;
    }
    loaded = true;
    for (const msg of early) live.onBusMessage(msg);
    // Clients of other instances renew their presence only every 15 s; ask for it now.
    opts.bus.publish({ kind: 'awareness-query', roomId, doc: name, origin: opts.instanceId });
    return live;
  }

  /**
   * (Re)builds the in-memory doc from the latest snapshot plus the log tail. The first load fills
   * the doc the awareness was made with; a reload (rollback) builds a new one. A new doc for the
   * first load too left every room holding two (2,000 Y.Docs at the 1000-room bench).
   */
  private async readFromStore(): Promise<void> {
    // What is being stored now would be in the store but not yet relayed or marked applied.
    await this.settled();
    const { snapshot, tail } = await this.opts.store.loadDoc(this.roomId, this.name);
    const doc = this.loaded ? serverDoc(this.roomId, this.name) : this.doc;
    this.loaded = true;
    Y.transact(doc, () => {
      if (snapshot) Y.applyUpdate(doc, snapshot.bytes, 'load');
      for (const u of tail) Y.applyUpdate(doc, u.bytes, 'load');
    });
    const droppedPending = hasPending(doc);
    if (droppedPending) {
      // Written before pending updates were refused (issue 12): structs that wait on a clock
      // nobody has can only be forged, and integrating them later would bypass every check.
      this.opts.log.warn('dropped pending structs found in the store', { room: this.roomId, doc: this.name });
      dropPending(doc);
    }
    this.doc = doc;
    doc.on('afterTransaction', this.forgetFullState);
    // A snapshot with no tail after it is the whole doc as Y.encodeStateAsUpdate wrote it (the
    // server, or SQLite's maintenance thread folding a long tail): the first joiner gets those
    // bytes instead of an encode here, on the thread every room shares. Unless pending structs
    // were just dropped, which a stored snapshot never holds.
    const whole = snapshot && tail.length === 0 && !droppedPending ? snapshot.bytes : null;
    this.fullState = whole && { doc, bytes: whole };
    this.docBytes = (snapshot?.bytes.byteLength ?? 0) + tail.reduce((n, u) => n + u.bytes.byteLength, 0);
    this.docBytesExact = whole !== null;
    this.applied.reset(tail.length > 0 ? tail[tail.length - 1]!.seq : (snapshot?.seq ?? 0));
    this.sinceSnapshot = tail.length;
  }

  // ---- other instances ---------------------------------------------------------------------

  private onBusMessage(msg: DocMessage): void {
    switch (msg.kind) {
      case 'update':
        void this.enqueue(() => this.applyRemote(msg.seq, msg.bytes));
        return;
      case 'awareness':
        this.applyRemoteAwareness(msg.bytes);
        return;
      case 'awareness-query': {
        const ids = this.locallyOwnedAwareness();
        if (ids.length > 0) this.publishAwareness(ids);
        return;
      }
    }
  }

  /** An update another instance stored as `seq`: apply it and relay it to our clients. */
  private applyRemote(seq: number, bytes: Uint8Array): void {
    if (this.poisoned || this.destroyed || this.applied.has(seq)) return;
    try {
      Y.applyUpdate(this.doc, bytes, BUS_ORIGIN);
    } catch (err) {
      // A peer stored it, so the store has a copy; the catch-up reads that one instead.
      this.opts.log.warn('could not apply an update from the bus', { room: this.roomId, doc: this.name, seq, err: String(err) });
      this.scheduleGapFill();
      return;
    }
    this.grew(bytes.byteLength);
    this.markApplied(seq);
    this.fanOut(updateFrame(bytes), null);
  }

  private markApplied(seq: number): void {
    this.applied.mark(seq);
    if (this.applied.hasGap) this.scheduleGapFill();
    else if (this.gapTimer) {
      clearTimeout(this.gapTimer);
      this.gapTimer = null;
    }
  }

  private scheduleGapFill(): void {
    if (this.gapTimer || this.destroyed) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = null;
      void this.enqueue(() => this.catchUpNow());
    }, GAP_FILL_DELAY_MS);
    this.gapTimer.unref();
  }

  /** Reads whatever the store has past the watermark (after a gap, or when the bus reconnects). */
  catchUp(): Promise<void> {
    return this.enqueue(() => this.catchUpNow());
  }

  private async catchUpNow(): Promise<void> {
    await this.readMissing();
    if (this.sinceSnapshot >= this.opts.snapshotEveryUpdates) await this.snapshot();
  }

  private async readMissing(): Promise<void> {
    await this.settled();
    if (this.poisoned || this.destroyed) return;
    for (;;) {
      const rows = await this.opts.store.listUpdates(this.roomId, this.name, this.applied.seq, CATCH_UP_PAGE);
      for (const u of rows) {
        // One seen above the gap is in memory already: it only moves the watermark.
        if (this.applied.has(u.seq)) this.markApplied(u.seq);
        else this.applyRemote(u.seq, u.bytes);
      }
      if (rows.length < CATCH_UP_PAGE) break;
    }
  }

  /**
   * Presence from clients of other instances. An id one of our own connections speaks for keeps
   * our connection's state here: a client that moved to us (its old instance died) must not be
   * overwritten by its stale copy, and nobody elsewhere can overwrite our clients' presence for
   * our clients. The other way round, a client that arrives here claiming an id another instance
   * holds takes it over (see handleAwareness) — after a failover that is the same client.
   */
  private applyRemoteAwareness(bytes: Uint8Array): void {
    let entries;
    try {
      entries = decodeAwarenessUpdate(bytes);
    } catch (err) {
      this.opts.log.warn('ignored a malformed awareness message from the bus', { room: this.roomId, err: String(err) });
      return;
    }
    const kept = entries.filter((e) => ![...this.conns].some((c) => c.owned.has(e.clientId)));
    if (kept.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, kept.length === entries.length ? bytes : encodeAwarenessUpdate(kept), BUS_ORIGIN);
  }

  private locallyOwnedAwareness(): number[] {
    const states = this.awareness.getStates();
    const ids: number[] = [];
    for (const c of this.conns) for (const id of c.owned) if (states.has(id)) ids.push(id);
    return ids;
  }

  private publishAwareness(ids: number[]): void {
    this.opts.bus.publish({
      kind: 'awareness',
      roomId: this.roomId,
      doc: this.name,
      origin: this.opts.instanceId,
      bytes: awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids),
    });
  }

  /**
   * Runs tasks strictly one after another; resolves when the queue is empty. A task runs only
   * once every update applied before it is stored and relayed; `frame` tasks (a client's frames,
   * see SyncServer.dispatch) need not wait for that and see to it themselves where they must.
   */
  enqueue(task: () => Promise<void> | void, frame = false): Promise<void> {
    this.queue.push(task);
    this.queueFrames.push(frame);
    if (!this.running) this.draining = this.drain();
    return this.draining ?? Promise.resolve();
  }

  /** Resolves once every update applied so far is stored and relayed (null: that is the case now). */
  settled(): Promise<void> | null {
    if (this.inFlight === 0) return null;
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** One appended update's relay (or failure) is done. */
  private readonly landed = (): void => {
    if (--this.inFlight > 0 || this.settledWaiters.length === 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const w of waiters) w();
  };

  /**
   * Runs the queue until it is empty. Most frames are handled synchronously (see handleFrame), and
   * only a task's promise is awaited, so a queue of synchronous tasks is empty when this returns.
   * That is why `running` is a flag set and cleared here, not `draining` compared with null: a
   * drain that never waited has finished before `enqueue` could store its promise.
   */
  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift()!;
        const frame = this.queueFrames.shift()!;
        try {
          if (!frame && this.inFlight > 0) await this.settled();
          const pending = next();
          if (pending) await pending;
        } catch (err) {
          this.opts.log.error('sync task failed', { room: this.roomId, doc: this.name, err: String(err) });
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Resolves once the queue is empty and every update in it is stored and relayed. */
  async idle(): Promise<void> {
    await this.draining;
    await this.settled();
  }

  /** Greets a new connection: our state vector (so it sends what we lack) and everyone's awareness. */
  greet(conn: Conn): void {
    send(conn, syncStep1Frame(this.doc));
    const states = this.awareness.getStates();
    if (states.size > 0) {
      send(conn, awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
  }

  /**
   * Decodes and handles one frame. Throws MalformedMessageError on anything undecodable (or rejects
   * with it, once the frame had to wait for the store).
   *
   * Neither this nor the functions it calls on an edit's way to persistAndRelay is `async`: an
   * async function allocates a promise and a suspended frame on every call, and an edit went
   * through five of them (with them gone, a 10 s window of the 200×3 sync bench allocates 227 MB
   * instead of 251, by the sampling heap profiler); only what really waits (the store, a
   * catch-up, a reload) returns a promise.
   */
  handleFrame(conn: Conn, data: Uint8Array): Promise<void> | void {
    if (conn.socket.closed || this.poisoned) return;
    let decoder: decoding.Decoder;
    let type: number;
    try {
      decoder = decoding.createDecoder(data);
      type = decoding.readVarUint(decoder);
    } catch (err) {
      throw new MalformedMessageError(String(err));
    }
    switch (type) {
      case MessageType.Sync:
        return this.handleSync(conn, decoder);
      case MessageType.Awareness:
        return this.handleAwareness(conn, decoder);
      case MessageType.QueryAwareness: {
        const ids = [...this.awareness.getStates().keys()];
        send(conn, awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
        return;
      }
      case MessageType.Auth:
        // y-websocket clients never send auth frames; permissions are decided at the upgrade.
        return;
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  }

  private handleSync(conn: Conn, decoder: decoding.Decoder): Promise<void> | void {
    let syncType: number;
    let payload: Uint8Array;
    try {
      syncType = decoding.readVarUint(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch (err) {
      throw new MalformedMessageError(String(err));
    }
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      // The answer shows the doc: only once what is in it is stored.
      const settled = this.settled();
      if (settled) return settled.then(() => this.answerStep1(conn, payload));
      return this.answerStep1(conn, payload);
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new MalformedMessageError(`unknown sync message type ${syncType}`);
    }
    return this.handleWrite(conn, decoder, payload, syncType);
  }

  /** A sync step 2 answering ours: the whole doc, or what the client lacks of it. */
  private answerStep1(conn: Conn, payload: Uint8Array): void {
    if (conn.socket.closed) return;
    let diff: Uint8Array;
    try {
      diff = isEmptyStateVector(payload) ? this.encodeWhole() : Y.encodeStateAsUpdate(this.doc, payload);
    } catch (err) {
      throw new MalformedMessageError(`bad state vector: ${String(err)}`);
    }
    send(conn, syncStep2Frame(diff));
    this.opts.charge?.(conn, diff.byteLength);
  }

  private handleWrite(conn: Conn, decoder: decoding.Decoder, payload: Uint8Array, syncType: number): Promise<void> | void {
    if (conn.access !== 'write') {
      // Read-only links: the UI never writes, and anything a modified client sends is dropped here.
      this.opts.log.debug('dropped write from read-only connection', { room: this.roomId, doc: this.name, role: conn.role });
      return;
    }
    // An update frame holding nothing after its update can be relayed as it came, when what it
    // holds is what was applied (see applyClientUpdate).
    const frame = syncType === syncProtocol.messageYjsUpdate && !conn.parked && decoder.pos === decoder.arr.byteLength ? decoder.arr : undefined;
    // The usual case: a synced connection with nothing parked, on a doc with nothing pending.
    if (conn.synced && !conn.parked && !hasPending(this.doc)) return this.admit(conn, payload, syncType, frame);
    return this.handleBeforeSynced(conn, payload, syncType, frame);
  }

  /**
   * An update from a connection that has not synced yet, or that has updates parked, or into a
   * doc with structs pending: what it builds on may still be on its way.
   */
  private async handleBeforeSynced(conn: Conn, payload: Uint8Array, syncType: number, frame: Uint8Array | undefined): Promise<void> {
    // Updates this connection sent that wait on something we lack go first, merged with this one.
    const parked = conn.parked ?? [];
    const incoming = payload;
    if (parked.length > 0) {
      try {
        payload = Y.mergeUpdates([...parked, payload]);
      } catch (err) {
        throw new MalformedMessageError(`bad update: ${String(err)}`);
      }
    }
    // The precheck decodes the update a second time (Yjs decodes it again to apply it: 6% of the
    // main thread under the 200×3 sync bench), so it runs only until the connection has synced.
    // Up to its first accepted sync step 2 a client's edits may build on state it has not sent yet
    // (they park, below), and a socket that opens only to send something hostile is refused for
    // the price of a decode. After it, the client holds nothing the server lacks, so an honest
    // update never waits and never needs refusing; a dishonest one is caught by the checks after
    // applying, which cost a reload and put the link on a cooldown that doubles with each strike.
    let early = conn.synced ? null : precheckUpdate(this.doc, this.name, payload);
    if (early === 'pending') {
      // Possibly only our bus feed lagging behind the writer's other instance: catch up once.
      await this.readMissing();
      early = precheckUpdate(this.doc, this.name, payload);
    }
    if (early === 'pending') {
      // The stock client sends edits as soon as its socket opens, before its sync step 2 has
      // brought what they build on: those wait here, on the connection, and never in the doc,
      // where they would slip past every check into joiners and snapshots (issue 12). Whatever
      // this connection sends next is tried together with them.
      const bytes = parked.reduce((n, u) => n + u.byteLength, 0) + incoming.byteLength;
      if (parked.length + 1 > MAX_PARKED_UPDATES || bytes > MAX_PARKED_BYTES) {
        this.opts.log.warn(REFUSAL_LOG.pending, { room: this.roomId, doc: this.name, role: conn.role, waiting: parked.length + 1 });
        this.opts.closeConn(conn, CloseCode.Malformed);
        return;
      }
      conn.parked = [...parked, incoming];
      this.opts.log.debug('holding a client update until what it builds on arrives', { room: this.roomId, doc: this.name, role: conn.role });
      return;
    }
    conn.parked = undefined;
    if (early !== null) {
      // Refused before it is applied: nothing to roll back, so a flood of these costs a decode each.
      this.opts.log.warn(REFUSAL_LOG[early], { room: this.roomId, doc: this.name, role: conn.role });
      this.opts.closeConn(conn, refusalCode(early));
      return;
    }
    if (hasPending(this.doc)) {
      // Only a bus gap leaves structs waiting (they are refused from clients): fill it from the
      // store first, so that whatever is pending after the client's update is the client's own.
      await this.readMissing();
      if (hasPending(this.doc)) {
        this.opts.log.warn('dropped pending structs the store cannot complete', { room: this.roomId, doc: this.name });
        dropPending(this.doc);
      }
    }
    return this.admit(conn, payload, syncType, frame);
  }

  /** The gate: size cap, then apply and check (see applyClientUpdate); an admitted update is persisted and relayed. */
  private admit(conn: Conn, payload: Uint8Array, syncType: number, frame: Uint8Array | undefined): Promise<void> | void {
    if (this.wouldOutgrow(payload)) {
      // Refused before it is applied: the doc stays as it is and nothing needs rolling back.
      this.opts.log.warn('refused an update past the document size cap', {
        room: this.roomId,
        doc: this.name,
        role: conn.role,
        docBytes: this.docBytes,
        updateBytes: payload.byteLength,
      });
      this.opts.closeConn(conn, CloseCode.DocTooLarge);
      return;
    }
    const applied = applyClientUpdate(this.doc, this.name, conn, payload);
    if (applied.refusal === 'pending') return this.admitAfterReload(conn, payload, syncType, frame);
    if (applied.refusal !== null) return this.refuse(conn, applied.refusal);
    return this.accepted(conn, applied, syncType, frame);
  }

  /**
   * A writer on another instance may be ahead of our bus feed: reload (the store has every stored
   * update) and try once more before calling the update forged. (A bus can be shared in-process
   * too, so its kind does not tell whether we are alone.)
   */
  private async admitAfterReload(conn: Conn, payload: Uint8Array, syncType: number, frame: Uint8Array | undefined): Promise<void> {
    await this.readFromStore();
    const retried = applyClientUpdate(this.doc, this.name, conn, payload);
    if (retried.refusal === null) return this.accepted(conn, retried, syncType, frame);
    return this.refuse(conn, retried.refusal);
  }

  /**
   * The update reached memory but neither the store nor any peer: rebuild memory from the store
   * and close the offending socket (only that one).
   */
  private async refuse(conn: Conn, refusal: Refusal): Promise<void> {
    this.opts.log.warn(REFUSAL_LOG[refusal], { room: this.roomId, doc: this.name, role: conn.role });
    await this.readFromStore();
    this.opts.closeConn(conn, refusalCode(refusal), { cooldown: true });
  }

  private accepted(conn: Conn, { captured, asSent }: Admitted, syncType: number, frame: Uint8Array | undefined): void {
    if (syncType === syncProtocol.messageYjsSyncStep2) conn.synced = true;
    if (captured.length === 0) return; // nothing new (a duplicate, or an empty step 2)
    const update = captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
    this.persistAndRelay(update, conn.role, conn.name || this.opts.nameFallback?.(conn) || '', conn, asSent ? frame : undefined);
  }

  /**
   * Whether applying `update` could take the doc past the cap. The estimate errs high, so only a
   * doc near the cap is encoded to measure it, and a full doc is measured once until it changes.
   */
  private wouldOutgrow(update: Uint8Array): boolean {
    if (this.docBytes + update.byteLength <= this.opts.maxDocBytes) return false;
    if (!this.docBytesExact) {
      this.docBytes = this.encodeWhole().byteLength;
      this.docBytesExact = true;
    }
    return this.docBytes + update.byteLength > this.opts.maxDocBytes;
  }

  /** Y.encodeStateAsUpdate(this.doc), from the cache while the doc is unchanged. */
  private encodeWhole(): Uint8Array {
    if (this.fullState?.doc !== this.doc) this.fullState = { doc: this.doc, bytes: Y.encodeStateAsUpdate(this.doc) };
    return this.fullState.bytes;
  }

  private grew(bytes: number): void {
    this.docBytes += bytes;
    this.docBytesExact = false;
  }

  /**
   * Persists an update already applied to this.doc, then relays it to everyone but its sender.
   * Returns at once: the queue moves on to the next frame meanwhile (see the invariant above), and
   * `settled` says when this and every earlier update are relayed.
   */
  private persistAndRelay(update: Uint8Array, authorRole: Role | 'server', authorName: string, from: Conn | null, frame: Uint8Array = updateFrame(update)): void {
    this.grew(update.byteLength);
    this.inFlight++;
    let stored: Promise<number>;
    try {
      stored = this.opts.store.appendUpdate({ roomId: this.roomId, doc: this.name, ts: Date.now(), authorRole, authorName, bytes: update });
    } catch (err) {
      // a store that throws instead of rejecting fails the same way
      stored = Promise.reject(err);
    }
    stored.then(
      (seq) => {
        let relaying: Promise<void> | void = undefined;
        try {
          relaying = this.relay(seq, update, from, frame);
        } catch (err) {
          this.relayFailed(err);
        }
        if (!relaying) return this.landed();
        relaying.then(this.landed, (err: unknown) => {
          this.relayFailed(err);
          this.landed();
        });
      },
      (err: unknown) => {
        this.persistFailed(err);
        this.landed();
      },
    );
  }

  /** A bug, not a bad frame: the update is stored, so peers catch up when they next sync. */
  private relayFailed(err: unknown): void {
    this.opts.log.error('could not relay a stored update', { room: this.roomId, doc: this.name, err: String(err) });
  }

  /**
   * The doc in memory is now ahead of the store. Drop every connection so each client reconnects
   * to a freshly loaded doc and re-sends what the store is missing.
   */
  private persistFailed(err: unknown): void {
    // Updates handled after the failed one fail too (the store stopped): say it once.
    if (this.poisoned) return;
    this.poisoned = true;
    this.opts.log.error('could not persist update; closing the document', { room: this.roomId, doc: this.name, err: String(err) });
    for (const c of this.conns) this.opts.closeConn(c, CloseCode.PersistFailed);
  }

  /** The update is stored as `seq`: the other instances hear of it, then every socket here but its sender. */
  private relay(seq: number, update: Uint8Array, from: Conn | null, frame: Uint8Array): Promise<void> | void {
    // Other instances first: they are a network hop further from their clients than we are.
    this.opts.bus.publish({ kind: 'update', roomId: this.roomId, doc: this.name, origin: this.opts.instanceId, seq, bytes: update });
    this.markApplied(seq);
    if (frame.byteLength >= RELAY_YIELD_BYTES) return this.relayInSteps(frame, from);
    return this.relayed(from, frame, this.fanOut(frame, from));
  }

  /**
   * `frame` to every socket of the doc but `except`'s, framed for the wire once (`wireFrame`) and
   * written whole to each; how many took it. Every broadcast goes this way: relays, updates from
   * the other instances, awareness.
   */
  private fanOut(frame: Uint8Array, except: Conn | null): number {
    let copies = 0;
    let wire: Buffer | undefined;
    for (const c of this.conns) {
      if (c === except) continue;
      wire ??= wireFrame(frame);
      if (c.socket.sendWire(wire)) copies++;
    }
    return copies;
  }

  /**
   * A big update to a full room is tens of megabytes of copying in one go (the abuse bench: 1 MiB
   * to 63 sockets stalled every other room for ~100 ms). Between copies, other rooms' frames come
   * in; this room's own queue still waits, so its order is unchanged.
   */
  private async relayInSteps(frame: Uint8Array, from: Conn | null): Promise<void> {
    let copies = 0;
    let wire: Buffer | undefined;
    for (const c of [...this.conns]) {
      if (c === from) continue;
      wire ??= wireFrame(frame);
      if (!c.socket.sendWire(wire)) continue;
      copies++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.relayed(from, frame, copies);
  }

  /** Charges the sender for the copies, owes it an acknowledgement, and snapshots when it is time. */
  private relayed(from: Conn | null, frame: Uint8Array, copies: number): void {
    if (from) {
      this.opts.charge?.(from, frame.byteLength * copies);
      if (from.acknowledged && !from.socket.closed) this.opts.acks.stored(from, this);
    }
    if (++this.sinceSnapshot >= this.opts.snapshotEveryUpdates) {
      // Relayed already; the snapshot's write must not hold this room's next frame (the writer
      // thread commits it). Only an open gap needs the store first, which is rare: that one is a
      // task of its own, since a relay that waited for it would wait for itself (`settled`).
      if (this.applied.hasGap) void this.enqueue(() => this.snapshot());
      else this.startSnapshot();
    }
  }

  /**
   * Applies a change made by the server itself (e.g. a candidate signal appended to the panel),
   * with the same persist-then-relay guarantee as a client's update.
   */
  applyServerChange(change: (doc: Y.Doc) => void, authorName = 'attn'): Promise<void> {
    return this.enqueue(async () => {
      const captured: Uint8Array[] = [];
      const capture = (u: Uint8Array) => captured.push(u);
      this.doc.on('update', capture);
      try {
        this.doc.transact(() => change(this.doc), 'server');
      } finally {
        this.doc.off('update', capture);
      }
      if (captured.length > 0) {
        this.persistAndRelay(Y.mergeUpdates(captured), 'server', authorName, null);
        await this.settled();
      }
    });
  }

  /**
   * Writers learn what the server holds (its state vector, in an acknowledgement frame) shortly
   * after their updates are durable: the server's ack sweep calls this once a writer's stored
   * updates have gone quiet for a moment. Only our client is owed these (Conn.acknowledged).
   */
  ack(conn: Conn): void {
    // Its state vector claims every update in the doc is stored: only true once they are.
    const settled = this.settled();
    if (settled) void settled.then(() => this.ack(conn));
    else if (!conn.socket.closed && this.conns.has(conn)) send(conn, ackFrame(this.doc));
  }

  /**
   * Stores the doc as of the watermark. With a gap open, memory holds updates past the watermark,
   * and a snapshot must be exactly "everything up to seq" (playback seeks by it): so the gap is
   * filled from the store first, and the snapshot waits if that did not close it.
   */
  async snapshot(): Promise<void> {
    await this.snapshotting;
    if (this.sinceSnapshot === 0 || this.poisoned) return;
    if (this.applied.hasGap) await this.readMissing();
    if (this.applied.hasGap) return;
    this.startSnapshot();
    await this.snapshotting;
  }

  /**
   * Snapshots the doc as of the watermark now (no gap may be open) in the background;
   * `snapshotting` settles when the write did. A failed snapshot is logged: the update log still
   * holds everything, so the next snapshot simply covers more.
   *
   * A store that can build the snapshot itself, off this thread, does (both stores' maintenance
   * threads rebuild the doc from its snapshot and log; SQLite's only with its writer thread):
   * encoding a big doc here held every room's frames, 39 ms for a 12 MB board in the abuse bench.
   * Otherwise the in-memory doc is encoded.
   */
  private startSnapshot(): void {
    // Pending structs must never be stored: they would be integrated on reload, unchecked.
    if (this.poisoned || this.applied.hasGap || hasPending(this.doc)) return;
    const { roomId, name: doc } = this;
    const seq = this.applied.seq;
    const ts = Date.now();
    const store = this.opts.store;
    const bytes = store.snapshotFromLog ? null : this.encodeWhole();
    this.sinceSnapshot = 0;
    const previous = this.snapshotting;
    const put: Promise<void> = (async () => {
      await previous;
      if (bytes) await store.putSnapshot({ roomId, doc, seq, ts, bytes });
      else await store.snapshotFromLog!(roomId, doc, seq, ts);
    })()
      .catch((err: unknown) => this.opts.log.error('snapshot failed', { room: roomId, doc, err: String(err) }))
      .finally(() => {
        if (this.snapshotting === put) this.snapshotting = null;
      });
    this.snapshotting = put;
  }

  private handleAwareness(conn: Conn, decoder: decoding.Decoder): void {
    // y-websocket clients echo every awareness change they hear, others' included. An entry for an
    // id this connection does not speak for is taken as its own only when it is newer than what we
    // hold: an echo never is (it is a copy of what we sent), while a client that moved here from a
    // dead instance is, from its next change on — so its presence carries on at once, and its
    // stale copy from the old instance cannot hold it hostage until the awareness timeout.
    // An id past the connection's cap is skipped before its state is parsed (see
    // decodeAwarenessUpdate); sanitizeAwareness below makes the final call on the rest.
    const held = this.awareness.meta;
    const max = this.opts.maxAwarenessPerConn;
    // The ids other connections speak for, gathered once per message (at most a few per socket):
    // asking every connection about each of 10,000 entries cost 35 ms.
    let elsewhere: Set<number> | null = null;
    const ownedElsewhere = (id: number) => {
      if (!elsewhere) {
        elsewhere = new Set();
        for (const c of this.conns) if (c !== conn) for (const owned of c.owned) elsewhere.add(owned);
      }
      return elsewhere.has(id);
    };
    let newIds = 0;
    let overCap = false;
    const wanted = (id: number, clock: number): boolean => {
      if (conn.owned.has(id)) return true;
      if ((held.get(id)?.clock ?? -1) >= clock) return false;
      if (conn.owned.size + newIds >= max) {
        overCap = true;
        return false;
      }
      if (ownedElsewhere(id)) return false;
      newIds++;
      return true;
    };
    let fresh;
    try {
      fresh = decodeAwarenessUpdate(decoding.readVarUint8Array(decoder), wanted);
    } catch (err) {
      throw new MalformedMessageError(`bad awareness update: ${String(err)}`);
    }
    const kept = sanitizeAwareness(fresh, conn.role, conn.owned, ownedElsewhere, max);
    if ((overCap || kept.length < fresh.length) && conn.owned.size >= max && !conn.awarenessCapped) {
      conn.awarenessCapped = true;
      this.opts.log.warn('dropped awareness entries past the per-connection cap', { room: this.roomId, doc: this.name, role: conn.role });
    }
    const before = conn.name;
    for (const e of kept) {
      const user = e.state?.user as { name?: unknown } | undefined;
      // Control characters (NUL above all: Postgres text cannot hold it) never reach the log of authors.
      const name = user && typeof user.name === 'string' ? user.name.replace(/\p{Cc}/gu, '').trim() : '';
      if (name) conn.name = name.slice(0, 60);
    }
    if (conn.name !== before) this.opts.onNamed?.(conn);
    if (kept.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(kept), conn);
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const bytes = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const frame = awarenessFrame(bytes);
    const copies = this.fanOut(frame, null);
    if (this.conns.has(origin as Conn)) this.opts.charge?.(origin as Conn, frame.byteLength * copies);
    // Our clients' changes and leaves go to the other instances; what came from the bus is theirs
    // already, and every instance times out silent states on its own ('timeout').
    if (origin !== BUS_ORIGIN && origin !== 'timeout') {
      this.opts.bus.publish({ kind: 'awareness', roomId: this.roomId, doc: this.name, origin: this.opts.instanceId, bytes });
    }
  };

  add(conn: Conn): void {
    this.conns.add(conn);
  }

  /** Forgets a connection and the awareness states it spoke for (so its cursor disappears at once). */
  remove(conn: Conn): void {
    if (!this.conns.delete(conn)) return;
    this.opts.acks.forget(conn);
    const ids = [...conn.owned].filter((id) => this.awareness.getStates().has(id));
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, conn);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** A state vector naming no client (a new joiner's): one varuint 0. */
function isEmptyStateVector(sv: Uint8Array): boolean {
  return sv.byteLength === 1 && sv[0] === 0;
}

/**
 * A doc held by the server, named by its room and doc. Yjs names a doc it is not given a guid for
 * with a random UUID drawn one hex digit at a time through WebCrypto: 166–173 µs a doc against
 * 7–8 µs with a guid (5,000 docs, Node 20, the 2-core bench machine), paid on the main thread for
 * every doc a room loads (2,000 at the 1000-room bench: ~0.3 s) and on every reload. The guid is
 * never sent: the sync protocol carries updates and state vectors, not the doc's name.
 */
export function serverDoc(roomId: string, name: string): Y.Doc {
  return new Y.Doc({ guid: `${roomId}/${name}` });
}

function send(conn: Conn, frame: Uint8Array): boolean {
  return conn.socket.send(frame);
}

export type { Conn } from './connection.js';

