/**
 * Seeded fuzz of the cross-instance sync path with a bus that misbehaves as a network does:
 * messages arrive late and out of order, and during outages they are lost (after which the bus
 * signals a resync, as the Redis bus does when its connection comes back). Three instances share
 * one SQLite database; clients on all of them edit at once. Every client must converge, and the
 * log must hold each update exactly once.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mulberry32 } from '../../questions/_lib/rng.js';
import { startAttn, type AttnServer } from '../../server/app.js';
import { LocalBus } from '../../server/bus/local.js';
import type { Bus, ControlHandler, ControlMessage, DocHandler, DocMessage } from '../../server/bus/port.js';
import { SqliteStore } from '../../server/store/sqlite.js';
import { boardCode } from '../../shared/doc.js';
import type { DocName } from '../../shared/protocol.js';
import { countLocalUpdates, expectConverged, pause, randomEdit, type Rng } from '../support/cluster.js';
import { connect, createRoom, eventually, tempDir, testConfig, waitSynced, type Client } from '../support/server.js';

/** One instance's view of a shared LocalBus that delays, reorders and (in outages) drops. */
class UnreliableBus implements Bus {
  readonly kind = 'unreliable';
  private readonly resync = new Set<() => void>();
  dropped = 0;
  delivered = 0;

  constructor(
    private readonly inner: LocalBus,
    private readonly rng: Rng,
    private readonly maxDelayMs: number,
    /** whether this instance is in an outage: its messages in both directions are lost */
    readonly outage: { on: boolean },
  ) {}

  publish(msg: DocMessage): void {
    if (this.outage.on) {
      this.dropped++;
      return;
    }
    setTimeout(() => this.inner.publish(msg), Math.floor(this.rng() * this.maxDelayMs));
  }

  subscribe(roomId: string, doc: DocName, handler: DocHandler, self?: string): Promise<() => void> {
    return this.inner.subscribe(roomId, doc, (msg) => {
      if (this.outage.on) {
        this.dropped++;
        return;
      }
      this.delivered++;
      handler(msg);
    }, self);
  }

  publishControl(msg: ControlMessage): void {
    this.inner.publishControl(msg);
  }

  subscribeControl(handler: ControlHandler): Promise<() => void> {
    return this.inner.subscribeControl(handler);
  }

  onResync(handler: () => void): () => void {
    this.resync.add(handler);
    return () => this.resync.delete(handler);
  }

  /** The outage ends: like a reconnected Redis client, tell the instance it may have missed messages. */
  reconnect(): void {
    this.outage.on = false;
    for (const h of this.resync) h();
  }

  async close(): Promise<void> {}
}

const servers: AttnServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

describe('cross-instance sync over an unreliable bus (seeded fuzz)', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: three instances, six writers, reordering and outages; all converge, each update stored once`, async () => {
      const rng = mulberry32(seed);
      // Three instances share one SQLite file: the writer mode that lets several stores append to one database.
      const dbFile = path.join(tempDir(), 'attn.sqlite');
      const shared = new LocalBus();
      const buses: UnreliableBus[] = [];
      for (let i = 0; i < 3; i++) {
        const bus = new UnreliableBus(shared, mulberry32(seed * 100 + i), 30, { on: false });
        buses.push(bus);
        servers.push(
          await startAttn(testConfig({ snapshotEveryUpdates: seed === 3 ? 100_000 : 13 }), { store: new SqliteStore(dbFile, undefined, { writer: 'thread' }), bus, instanceId: `inst-${i}` }),
        );
      }
      const room = await createRoom(servers[0]!.url, 'fuzz');
      const tokens = [room.links.interviewer.token, room.links.candidate.token];
      const writers: Client[] = [];
      for (let i = 0; i < 6; i++) {
        const c = connect(servers[i % 3]!.url, room.room.id, 'board', tokens[i % 2]!);
        writers.push(c);
        clients.push(c);
      }
      await Promise.all(writers.map((c) => waitSynced(c)));
      const counters = writers.map(countLocalUpdates);

      // (seed 3 never snapshots, so only the gap timer and the resync close gaps)
      // 240 edits, spread over the writers, with random pauses; instance 1 and then instance 2
      // lose their bus for a while in the middle.
      const OPS = 240;
      for (let op = 0; op < OPS; op++) {
        if (op === 60) buses[1]!.outage.on = true;
        if (op === 110) buses[1]!.reconnect();
        if (op === 150) buses[2]!.outage.on = true;
        if (op === 200) buses[2]!.reconnect();
        const w = Math.floor(rng() * writers.length);
        randomEdit(writers[w]!, rng, `${seed}.${op}`);
        if (rng() < 0.3) await pause(rng, 8);
      }

      await eventually(() => expectConverged(writers), 15_000, 50);
      expect(buses[1]!.dropped + buses[2]!.dropped).toBeGreaterThan(0);

      // Each update persisted exactly once: by the instance its writer was connected to.
      const sent = counters.reduce((n, c) => n + c.count, 0);
      const stats = await servers[0]!.store.updateLogStats(room.room.id, 'board');
      expect(stats.updates).toBe(sent);
      expect(stats.lastSeq).toBe(sent);
      const log = await servers[1]!.store.listUpdates(room.room.id, 'board', 0, sent + 10);
      expect(new Set(log.map((u) => Buffer.from(u.bytes).toString('base64'))).size).toBe(sent);

      // The stored log (snapshot + tail) rebuilds exactly what the clients hold, and so does
      // every snapshot followed by the rest of the log.
      const loaded = await servers[2]!.store.loadDoc(room.room.id, 'board');
      const rebuilt = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(rebuilt, loaded.snapshot.bytes);
      for (const u of loaded.tail) Y.applyUpdate(rebuilt, u.bytes);
      expect(boardCode(rebuilt).toString()).toBe(boardCode(writers[0]!.doc).toString());
      expect(Y.encodeStateVector(rebuilt)).toEqual(Y.encodeStateVector(writers[0]!.doc));
      const snapshots = await servers[0]!.store.listSnapshots(room.room.id, 'board');
      for (const s of snapshots) {
        const snap = await servers[0]!.store.getSnapshot(room.room.id, 'board', s.seq);
        const upTo = new Y.Doc();
        for (const u of await servers[0]!.store.listUpdates(room.room.id, 'board', 0, s.seq)) Y.applyUpdate(upTo, u.bytes);
        // a snapshot is exactly the log up to its seq: nothing missing, nothing from later
        expect(Y.encodeStateVector(docOf(snap!.bytes))).toEqual(Y.encodeStateVector(upTo));
      }
    });
  }
});

function docOf(bytes: Uint8Array): Y.Doc {
  const d = new Y.Doc();
  Y.applyUpdate(d, bytes);
  return d;
}
