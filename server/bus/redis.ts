/**
 * The Redis bus: Redis pub/sub, one channel per room document plus one control channel.
 *
 * Why pub/sub and not streams: the bus only needs to be fast, because it is not the record.
 * Every update is in the store (with a dense per-document seq) before it is published, so an
 * instance that misses a message — a late subscriber, a dropped connection — sees the gap in the
 * seqs, or is told to resync when its connection comes back, and reads what it lacks from the
 * store. Streams would keep a second, redundant copy of the log in Redis, need trimming, and
 * add a blocking read per instance; pub/sub delivers in one hop, and Redis keeps nothing.
 *
 * Frames are binary (lib0 encoding): version, kind, origin, then the seq and bytes of an update,
 * or the bytes of an awareness update. The room and document come from the channel name.
 */
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { DOC_NAMES, type DocName } from '../../shared/protocol.js';
import type { Logger } from '../log.js';
import type { Bus, ControlHandler, ControlMessage, DocHandler, DocMessage } from './port.js';

const FRAME_VERSION = 1;
const KIND_CODES = { update: 0, awareness: 1, 'awareness-query': 2 } as const;
const CONNECT_TIMEOUT_MS = 5000;
/** Between reconnect attempts; capped so a Redis restart is noticed within a couple of seconds. */
const MAX_RETRY_DELAY_MS = 2000;
/** An unreachable Redis logs once per this many ms, not once per retry. */
const ERROR_LOG_INTERVAL_MS = 10_000;

export class RedisBusError extends Error {
  override name = 'RedisBusError';
}

export interface RedisBusOptions {
  log: Logger;
  /** Channel name prefix, so several deployments (or test runs) can share one Redis. */
  prefix?: string;
}

export function encodeDocFrame(msg: DocMessage): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, FRAME_VERSION);
  encoding.writeVarUint(enc, KIND_CODES[msg.kind]);
  encoding.writeVarString(enc, msg.origin);
  if (msg.kind === 'update') {
    encoding.writeVarUint(enc, msg.seq);
    encoding.writeVarUint8Array(enc, msg.bytes);
  } else if (msg.kind === 'awareness') {
    encoding.writeVarUint8Array(enc, msg.bytes);
  }
  return encoding.toUint8Array(enc);
}

/** Throws on anything that is not a frame this version wrote. */
export function decodeDocFrame(roomId: string, doc: DocName, frame: Uint8Array): DocMessage {
  const dec = decoding.createDecoder(frame);
  const version = decoding.readVarUint(dec);
  if (version !== FRAME_VERSION) throw new Error(`unknown bus frame version ${version}`);
  const kind = decoding.readVarUint(dec);
  const origin = decoding.readVarString(dec);
  switch (kind) {
    case KIND_CODES.update: {
      const seq = decoding.readVarUint(dec);
      return { kind: 'update', roomId, doc, origin, seq, bytes: decoding.readVarUint8Array(dec) };
    }
    case KIND_CODES.awareness:
      return { kind: 'awareness', roomId, doc, origin, bytes: decoding.readVarUint8Array(dec) };
    case KIND_CODES['awareness-query']:
      return { kind: 'awareness-query', roomId, doc, origin };
    default:
      throw new Error(`unknown bus frame kind ${kind}`);
  }
}

export class RedisBus implements Bus {
  readonly kind = 'redis';
  /** per channel: each handler and the instance it belongs to (see Bus.subscribe's `self`) */
  private readonly docHandlers = new Map<string, Map<DocHandler, string | undefined>>();
  private readonly controlHandlers = new Set<ControlHandler>();
  private readonly resyncHandlers = new Set<() => void>();
  private readonly docPrefix: string;
  private readonly controlChannel: string;
  private controlSubscribed = false;
  private lastErrorLogAt = 0;
  private closed = false;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly opts: RedisBusOptions,
  ) {
    const prefix = opts.prefix ?? 'attn:';
    this.docPrefix = `${prefix}doc:`;
    this.controlChannel = `${prefix}control`;
    for (const client of [pub, sub]) client.on('error', (err: Error) => this.logError(err));
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onMessage(channel.toString(), message));
    // ioredis re-subscribes by itself after a reconnect, but whatever was published while we were
    // away is gone: tell the documents to catch up from the store.
    // (connect() has already seen the first 'ready', so every one from now on is a reconnect.)
    sub.on('ready', () => {
      if (this.closed) return;
      this.opts.log.info('bus reconnected; catching up from the store');
      for (const h of [...this.resyncHandlers]) h();
    });
  }

  /** Connects both clients (publishing and subscribing); rejects with a sentence when Redis is unreachable. */
  static async connect(url: string, opts: RedisBusOptions): Promise<RedisBus> {
    const make = () =>
      new Redis(url, {
        lazyConnect: true,
        // Publishing while disconnected queues (and is sent on reconnect) rather than failing.
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(times * 100, MAX_RETRY_DELAY_MS),
        connectTimeout: CONNECT_TIMEOUT_MS,
      });
    const pub = make();
    const sub = make();
    let lastError: Error | null = null;
    // Until the bus exists, errors are the connect attempt's to report (ioredis must not print them).
    for (const client of [pub, sub]) client.on('error', (err: Error) => (lastError = err));
    const connectOnce = async (client: Redis) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          client.connect(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      await Promise.all([connectOnce(pub), connectOnce(sub)]);
    } catch (err) {
      pub.disconnect();
      sub.disconnect();
      throw new RedisBusError(`could not connect to Redis: ${(lastError ?? (err as Error)).message}`);
    }
    return new RedisBus(pub, sub, opts);
  }

  private channelOf(roomId: string, doc: DocName): string {
    return `${this.docPrefix}${roomId}:${doc}`;
  }

  publish(msg: DocMessage): void {
    if (this.closed) return;
    this.pub.publish(this.channelOf(msg.roomId, msg.doc), Buffer.from(encodeDocFrame(msg))).catch((err: Error) => this.logError(err));
  }

  async subscribe(roomId: string, doc: DocName, handler: DocHandler, self?: string): Promise<() => void> {
    const channel = this.channelOf(roomId, doc);
    let handlers = this.docHandlers.get(channel);
    if (!handlers) this.docHandlers.set(channel, (handlers = new Map()));
    handlers.set(handler, self);
    // SUBSCRIBE is idempotent, and commands on one connection run in order, so subscribing again
    // for a second handler (or right after an unsubscribe) leaves the channel subscribed.
    await this.sub.subscribe(channel);
    return () => {
      handlers.delete(handler);
      if (handlers.size > 0 || this.docHandlers.get(channel) !== handlers) return;
      this.docHandlers.delete(channel);
      if (!this.closed) this.sub.unsubscribe(channel).catch((err: Error) => this.logError(err));
    };
  }

  publishControl(msg: ControlMessage): void {
    if (this.closed) return;
    this.pub.publish(this.controlChannel, JSON.stringify(msg)).catch((err: Error) => this.logError(err));
  }

  async subscribeControl(handler: ControlHandler): Promise<() => void> {
    this.controlHandlers.add(handler);
    if (!this.controlSubscribed) {
      this.controlSubscribed = true;
      await this.sub.subscribe(this.controlChannel);
    }
    return () => this.controlHandlers.delete(handler);
  }

  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  private onMessage(channel: string, message: Buffer): void {
    if (channel === this.controlChannel) {
      let msg: ControlMessage;
      try {
        msg = parseControl(message.toString('utf8'));
      } catch (err) {
        this.opts.log.warn('ignored a malformed bus control message', { err: String(err) });
        return;
      }
      for (const h of [...this.controlHandlers]) h(msg);
      return;
    }
    const handlers = this.docHandlers.get(channel);
    if (!handlers || !channel.startsWith(this.docPrefix)) return;
    const rest = channel.slice(this.docPrefix.length);
    const sep = rest.lastIndexOf(':');
    const roomId = rest.slice(0, sep);
    const doc = rest.slice(sep + 1) as DocName;
    if (sep <= 0 || !(DOC_NAMES as readonly string[]).includes(doc)) return;
    let msg: DocMessage;
    try {
      msg = decodeDocFrame(roomId, doc, new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    } catch (err) {
      this.opts.log.warn('ignored a malformed bus message', { room: roomId, doc, err: String(err) });
      return;
    }
    for (const [h, self] of [...handlers]) if (self !== msg.origin) h(msg);
  }

  private logError(err: Error): void {
    if (this.closed) return;
    const now = Date.now();
    if (now - this.lastErrorLogAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogAt = now;
    this.opts.log.warn('redis bus error (retrying)', { err: err.message });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.docHandlers.clear();
    this.controlHandlers.clear();
    this.resyncHandlers.clear();
    await Promise.all([this.pub.quit().catch(() => this.pub.disconnect()), this.sub.quit().catch(() => this.sub.disconnect())]);
  }
}

function parseControl(text: string): ControlMessage {
  const value = JSON.parse(text) as Partial<ControlMessage>;
  if (value.kind === 'revoke-link' && typeof value.origin === 'string' && typeof value.linkId === 'string') {
    return { kind: 'revoke-link', origin: value.origin, linkId: value.linkId };
  }
  throw new Error('unknown control message');
}
