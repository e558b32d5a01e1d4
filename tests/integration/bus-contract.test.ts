/**
 * The bus contract: every adapter of server/bus/port.ts must pass this suite — the in-process
 * bus, and the Redis bus against a real Redis (two RedisBus objects stand for two instances).
 */
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../server/bus/local.js';
import type { Bus, ControlMessage, DocMessage } from '../../server/bus/port.js';
import { RedisBus, decodeDocFrame, encodeDocFrame } from '../../server/bus/redis.js';
import { createLogger } from '../../server/log.js';
import { eventually } from '../support/server.js';
import { REDIS_URL, redisAvailable, redisClient } from '../support/redis.js';

const redisOk = await redisAvailable();
const log = createLogger('silent');

interface Adapter {
  name: string;
  skip: boolean;
  /** Two handles on one bus, as two instances would have. */
  pair: () => Promise<[Bus, Bus]>;
}

const adapters: Adapter[] = [
  {
    name: 'local',
    skip: false,
    pair: async () => {
      const bus = new LocalBus();
      return [bus, bus];
    },
  },
  {
    name: 'redis',
    skip: !redisOk,
    pair: async () => {
      const prefix = `attn-test-${crypto.randomBytes(4).toString('hex')}:`;
      return [await RedisBus.connect(REDIS_URL, { log, prefix }), await RedisBus.connect(REDIS_URL, { log, prefix })];
    },
  },
];

const opened: Bus[] = [];
afterEach(async () => {
  for (const b of opened.splice(0)) await b.close();
});

const update = (roomId: string, seq: number, origin = 'a'): DocMessage => ({
  kind: 'update',
  roomId,
  doc: 'board',
  origin,
  seq,
  bytes: new Uint8Array([seq, 1, 2, 3]),
});

for (const adapter of adapters) {
  describe.skipIf(adapter.skip)(`bus contract: ${adapter.name}`, () => {
    const pair = async () => {
      const buses = await adapter.pair();
      for (const b of new Set(buses)) opened.push(b);
      return buses;
    };

    it('delivers a room document’s messages, in publish order, to its subscribers only', async () => {
      const [a, b] = await pair();
      const got: DocMessage[] = [];
      const other: DocMessage[] = [];
      await b.subscribe('room0001', 'board', (m) => got.push(m));
      await b.subscribe('room0001', 'panel', (m) => other.push(m));
      for (let seq = 1; seq <= 20; seq++) a.publish(update('room0001', seq));
      a.publish({ kind: 'awareness', roomId: 'room0001', doc: 'board', origin: 'a', bytes: new Uint8Array([7]) });
      a.publish({ kind: 'awareness-query', roomId: 'room0001', doc: 'board', origin: 'a' });
      a.publish(update('room0002', 1));
      await eventually(() => expect(got).toHaveLength(22));
      expect(got.slice(0, 20).map((m) => (m.kind === 'update' ? m.seq : -1))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(got[0]).toEqual(update('room0001', 1));
      expect(got[20]).toEqual({ kind: 'awareness', roomId: 'room0001', doc: 'board', origin: 'a', bytes: new Uint8Array([7]) });
      expect(got[21]).toEqual({ kind: 'awareness-query', roomId: 'room0001', doc: 'board', origin: 'a' });
      expect(other).toEqual([]);
    });

    it('stops delivering after unsubscribe, and keeps other handlers of the same document', async () => {
      const [a, b] = await pair();
      const first: number[] = [];
      const second: number[] = [];
      const off = await b.subscribe('room0003', 'board', (m) => m.kind === 'update' && first.push(m.seq));
      await b.subscribe('room0003', 'board', (m) => m.kind === 'update' && second.push(m.seq));
      a.publish(update('room0003', 1));
      await eventually(() => expect(second).toEqual([1]));
      off();
      a.publish(update('room0003', 2));
      await eventually(() => expect(second).toEqual([1, 2]));
      expect(first).toEqual([1]);
    });

    it('never hands a subscriber what its own instance published, and hands it everyone else’s', async () => {
      const [a, b] = await pair();
      const mine: DocMessage[] = [];
      const anyone: DocMessage[] = [];
      await b.subscribe('room0004', 'board', (m) => mine.push(m), 'b');
      await b.subscribe('room0004', 'board', (m) => anyone.push(m));
      b.publish(update('room0004', 1, 'b'));
      a.publish(update('room0004', 2, 'a'));
      b.publish({ kind: 'awareness', roomId: 'room0004', doc: 'board', origin: 'b', bytes: new Uint8Array([5]) });
      a.publish(update('room0004', 3, 'a'));
      await eventually(() => expect(anyone).toHaveLength(4));
      await eventually(() => expect(mine.map((m) => (m.kind === 'update' ? m.seq : -1))).toEqual([2, 3]));
      expect(mine.every((m) => m.origin === 'a')).toBe(true);
    });

    it('carries control messages to every instance', async () => {
      const [a, b] = await pair();
      const got: ControlMessage[] = [];
      await b.subscribeControl((m) => got.push(m));
      a.publishControl({ kind: 'revoke-link', origin: 'a', linkId: 'link0001' });
      await eventually(() => expect(got).toEqual([{ kind: 'revoke-link', origin: 'a', linkId: 'link0001' }]));
    });
  });
}

describe('redis bus frames', () => {
  it('round-trip every kind, and refuse what this version did not write', () => {
    const msgs: DocMessage[] = [
      update('room0001', 123456),
      { kind: 'awareness', roomId: 'room0001', doc: 'panel', origin: 'x', bytes: new Uint8Array(300).fill(9) },
      { kind: 'awareness-query', roomId: 'room0001', doc: 'board', origin: 'instance-with-a-long-name' },
    ];
    for (const m of msgs) expect(decodeDocFrame(m.roomId, m.doc, encodeDocFrame(m))).toEqual(m);
    expect(() => decodeDocFrame('room0001', 'board', new Uint8Array([2, 0]))).toThrow(/version/);
    expect(() => decodeDocFrame('room0001', 'board', new Uint8Array([1, 9, 0]))).toThrow(/kind/);
    expect(() => decodeDocFrame('room0001', 'board', new Uint8Array([1]))).toThrow();
  });
});

describe.skipIf(!redisOk)('redis bus resilience', () => {
  it('asks for a resync after its connection comes back, and delivers again', async () => {
    const prefix = `attn-test-${crypto.randomBytes(4).toString('hex')}:`;
    const a = await RedisBus.connect(REDIS_URL, { log, prefix });
    const b = await RedisBus.connect(REDIS_URL, { log, prefix });
    opened.push(a, b);
    let resyncs = 0;
    b.onResync(() => resyncs++);
    const got: number[] = [];
    await b.subscribe('room0009', 'board', (m) => m.kind === 'update' && got.push(m.seq));
    a.publish(update('room0009', 1));
    await eventually(() => expect(got).toEqual([1]));
    // Drop every pub/sub connection on the server: b's subscriber reconnects by itself.
    const admin = redisClient();
    try {
      await admin.client('KILL', 'TYPE', 'pubsub');
    } finally {
      admin.disconnect();
    }
    await eventually(() => expect(resyncs).toBe(1), 10_000);
    // re-subscribed: later messages arrive again
    await eventually(async () => {
      a.publish(update('room0009', 2));
      await new Promise((r) => setTimeout(r, 50));
      expect(got).toContain(2);
    }, 10_000);
  });

  it('refuses to start with a sentence when Redis is unreachable', async () => {
    await expect(RedisBus.connect('redis://127.0.0.1:1', { log })).rejects.toThrow(/could not connect to Redis/);
  });
});
