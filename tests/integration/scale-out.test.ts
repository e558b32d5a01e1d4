/**
 * N attn instances on one Postgres and one Redis (both real), clients spread across them, as a
 * load balancer without sticky sessions would spread them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { mulberry32 } from '../../questions/_lib/rng.js';
import { boardCode, boardElements } from '../../shared/doc.js';
import { CloseCode } from '../../shared/protocol.js';
import { countLocalUpdates, expectConverged, pause, randomEdit } from '../support/cluster.js';
import { lazySchema, requirePostgres, type TestSchema } from '../support/postgres.js';
import { REDIS_URL, redisAvailable } from '../support/redis.js';
import { spawnServer } from '../support/process.js';
import { connect, createRoom, eventually, nextClose, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

const ready = (await requirePostgres()) && (await redisAvailable());

const servers: TestServer[] = [];
const clients: Client[] = [];
const schemas: TestSchema[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
  for (const s of schemas.splice(0)) await s.drop().catch(() => undefined);
});

/** `n` instances sharing a fresh schema and the test Redis. */
async function cluster(n: number, snapshotEveryUpdates = 500): Promise<{ schema: TestSchema; instances: TestServer[] }> {
  const schema = lazySchema();
  schemas.push(schema);
  const instances: TestServer[] = [];
  // The first creates the schema and runs the migrations; the rest start together.
  instances.push(await startTestServer({ databaseUrl: schema.url, redisUrl: REDIS_URL, snapshotEveryUpdates }));
  instances.push(
    ...(await Promise.all(
      Array.from({ length: n - 1 }, () => startTestServer({ databaseUrl: schema.url, redisUrl: REDIS_URL, snapshotEveryUpdates })),
    )),
  );
  servers.push(...instances);
  return { schema, instances };
}

function track(c: Client): Client {
  clients.push(c);
  return c;
}

describe.skipIf(!ready)('scale-out: instances on Postgres and Redis', () => {
  it('random concurrent edits from clients on three instances converge, each update is stored once, and a late joiner on a fourth instance gets it all', async () => {
    const { schema, instances } = await cluster(3, 29);
    expect(instances.map((s) => [s.store.kind, s.sync.bus.kind])).toEqual([
      ['postgres', 'redis'],
      ['postgres', 'redis'],
      ['postgres', 'redis'],
    ]);
    const room = await createRoom(instances[1]!.url, 'scale-out');
    const tokens = [room.links.interviewer.token, room.links.candidate.token];
    const writers = Array.from({ length: 6 }, (_, i) => track(connect(instances[i % 3]!.url, room.room.id, 'board', tokens[i % 2]!)));
    await Promise.all(writers.map((c) => waitSynced(c)));
    const counters = writers.map(countLocalUpdates);

    const rng = mulberry32(8);
    for (let op = 0; op < 300; op++) {
      randomEdit(writers[Math.floor(rng() * writers.length)]!, rng, `op${op}`);
      if (rng() < 0.25) await pause(rng, 6);
    }
    await eventually(() => expectConverged(writers), 15_000, 50);

    const sent = counters.reduce((n, c) => n + c.count, 0);
    expect(sent).toBe(300);
    const stats = await instances[0]!.store.updateLogStats(room.room.id, 'board');
    expect(stats).toMatchObject({ updates: sent, lastSeq: sent });
    const log = await instances[2]!.store.listUpdates(room.room.id, 'board', 0, 1000);
    expect(log.map((u) => u.seq)).toEqual(Array.from({ length: sent }, (_, i) => i + 1));
    expect(new Set(log.map((u) => Buffer.from(u.bytes).toString('base64'))).size).toBe(sent);

    // A fourth instance, started now, loads the room from the store for its first client.
    const late = await startTestServer({ databaseUrl: schema.url, redisUrl: REDIS_URL });
    servers.push(late);
    const joiner = track(connect(late.url, room.room.id, 'board', room.links.observer.token));
    await waitSynced(joiner);
    await eventually(() => expectConverged([writers[0]!, joiner]));
    expect(boardCode(joiner.doc).length).toBeGreaterThan(0);
    expect(boardElements(joiner.doc).size).toBeGreaterThan(0);

    // ...and is a full peer from then on: its writes reach clients on the first three.
    const lateWriter = track(connect(late.url, room.room.id, 'board', room.links.candidate.token));
    await waitSynced(lateWriter);
    boardCode(lateWriter.doc).insert(0, 'from-the-fourth;');
    await eventually(() => {
      for (const w of writers) expect(boardCode(w.doc).toString().startsWith('from-the-fourth;')).toBe(true);
    });
  }, 60_000);

  it('an instance that loads a room while others write into it catches up without a gap', async () => {
    const { instances } = await cluster(2);
    const room = await createRoom(instances[0]!.url, 'catch-up');
    const writer = track(connect(instances[0]!.url, room.room.id, 'board', room.links.interviewer.token));
    await waitSynced(writer);
    let typing = true;
    const typed = (async () => {
      for (let i = 0; typing; i++) {
        boardCode(writer.doc).insert(boardCode(writer.doc).length, `${i},`);
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    // Readers join instance 1 one after another while the writer types on instance 0: each one
    // triggers (or rides on) a load in the middle of the stream.
    const readers: Client[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 40));
      readers.push(track(connect(instances[1]!.url, room.room.id, 'board', room.links.observer.token)));
    }
    await new Promise((r) => setTimeout(r, 200));
    typing = false;
    await typed;
    await eventually(() => expectConverged([writer, ...readers]), 10_000);
  }, 30_000);

  it('awareness crosses instances: joins, changes and leaves; a newcomer sees everyone at once', async () => {
    const { instances } = await cluster(3);
    const room = await createRoom(instances[0]!.url, 'presence');
    const ines = track(connect(instances[0]!.url, room.room.id, 'board', room.links.interviewer.token));
    const cam = track(connect(instances[1]!.url, room.room.id, 'board', room.links.candidate.token));
    await Promise.all([waitSynced(ines), waitSynced(cam)]);
    ines.provider.awareness.setLocalStateField('user', { name: 'Ines' });
    cam.provider.awareness.setLocalStateField('user', { name: 'Cam', role: 'interviewer' });
    const nameOf = (viewer: Client, id: number) => (viewer.provider.awareness.getStates().get(id)?.user as { name?: string; role?: string } | undefined);
    await eventually(() => {
      expect(nameOf(cam, ines.doc.clientID)?.name).toBe('Ines');
      // the role is stamped by the instance the client is on, from its link, whatever it claims
      expect(nameOf(ines, cam.doc.clientID)).toEqual({ name: 'Cam', role: 'candidate' });
    });
    cam.provider.awareness.setLocalStateField('cursor', { x: 10, y: 20 });
    await eventually(() => expect(ines.provider.awareness.getStates().get(cam.doc.clientID)?.cursor).toEqual({ x: 10, y: 20 }));

    // A newcomer on the third instance (which had not loaded the room) sees both straight away,
    // without waiting for their 15-second renewals.
    const olu = track(connect(instances[2]!.url, room.room.id, 'board', room.links.observer.token));
    await waitSynced(olu);
    await eventually(() => {
      expect(nameOf(olu, ines.doc.clientID)?.name).toBe('Ines');
      expect(nameOf(olu, cam.doc.clientID)?.name).toBe('Cam');
    }, 3000);

    // Cam leaves: everyone on the other instances sees it at once (not after a timeout).
    cam.provider.disconnect();
    await eventually(() => {
      expect(ines.provider.awareness.getStates().has(cam.doc.clientID)).toBe(false);
      expect(olu.provider.awareness.getStates().has(cam.doc.clientID)).toBe(false);
    }, 3000);
  }, 30_000);

  it('a revoked link is cut off on every instance, not just the one that handled the revocation', async () => {
    const { instances } = await cluster(2);
    const room = await createRoom(instances[0]!.url, 'revoke');
    const cam = track(connect(instances[1]!.url, room.room.id, 'board', room.links.candidate.token));
    const ines = track(connect(instances[1]!.url, room.room.id, 'board', room.links.interviewer.token));
    await Promise.all([waitSynced(cam), waitSynced(ines)]);
    const closed = nextClose(cam);
    const res = await fetch(`${instances[0]!.url}/api/rooms/${room.room.id}/links/${room.links.candidate.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.links.interviewer.token}` },
    });
    expect(res.status).toBe(200);
    expect(await closed).toBe(CloseCode.Revoked);
    expect(ines.provider.wsconnected).toBe(true);
  }, 30_000);

  it('server-side changes made on one instance reach clients on another', async () => {
    const { instances } = await cluster(2);
    const room = await createRoom(instances[0]!.url, 'server-change');
    const cam = track(connect(instances[1]!.url, room.room.id, 'board', room.links.candidate.token));
    await waitSynced(cam);
    await instances[0]!.sync.change(room.room.id, 'board', (doc) => boardCode(doc).insert(0, 'seeded by the server;'));
    await eventually(() => expect(boardCode(cam.doc).toString()).toBe('seeded by the server;'));
    const stored = await instances[1]!.store.loadDoc(room.room.id, 'board');
    const rebuilt = new Y.Doc();
    for (const u of stored.tail) Y.applyUpdate(rebuilt, u.bytes);
    expect(boardCode(rebuilt).toString()).toBe('seeded by the server;');
  }, 30_000);

  it('a display name with control characters (NUL) is cleaned before it reaches the Postgres log', async () => {
    const { instances } = await cluster(1);
    const room = await createRoom(instances[0]!.url, 'names');
    const cam = track(connect(instances[0]!.url, room.room.id, 'board', room.links.candidate.token));
    await waitSynced(cam);
    cam.provider.awareness.setLocalStateField('user', { name: 'Ca\u0000m\u0007' });
    await eventually(async () => expect((await instances[0]!.store.listEvents(room.room.id)).map((e) => e.name)).toContain('Cam'));
    boardCode(cam.doc).insert(0, 'typed by Cam');
    await eventually(async () => {
      const [u] = await instances[0]!.store.listUpdates(room.room.id, 'board', 0, 10);
      expect(u?.authorName).toBe('Cam');
    });
    expect(cam.provider.wsconnected).toBe(true);
  }, 30_000);
});

describe('scale-out start-up', () => {
  it('an unreachable Redis stops start-up with exit 2 and one line naming ATTN_REDIS_URL', async () => {
    const started = spawnServer({ ATTN_REDIS_URL: 'redis://:hunter2@127.0.0.1:1', ATTN_LOG_LEVEL: 'warn' });
    const err = await started.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/server exited with 2/);
    const lines = err!.message.split('\n').filter((l) => l.startsWith('attn:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^attn: ATTN_REDIS_URL: could not connect to Redis/);
    expect(err!.message).not.toContain('hunter2');
  }, 30_000);
});
