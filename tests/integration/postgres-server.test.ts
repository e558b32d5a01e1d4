/**
 * attn on Postgres, in situ: config.databaseUrl (ATTN_DATABASE_URL) points at a schema of the test's
 * own; rooms are made over REST, docs synced by stock y-websocket clients, and everything is read
 * back by a restarted server (in-process, and a real process killed with SIGKILL).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardCode, boardElements } from '../../shared/doc.js';
import { loadConfig } from '../../server/config.js';
import { openStore, StoreUnavailableError } from '../../server/store/open.js';
import { PostgresStore } from '../../server/store/postgres.js';
import { spawnServer, type ServerProcess } from '../support/process.js';
import { lazySchema, requirePostgres, type TestSchema } from '../support/postgres.js';
import { connect, createRoom, eventually, startTestServer, waitSynced, type Client, type TestServer } from '../support/server.js';

const postgresReady = await requirePostgres();

const clients: Client[] = [];
const servers: TestServer[] = [];
const procs: ServerProcess[] = [];
const schemas: TestSchema[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
  for (const p of procs.splice(0)) await p.kill();
  for (const s of schemas.splice(0)) await s.drop();
});

/** A schema no other test uses; attn creates it (and its tables) when it first connects. */
function schema(): TestSchema {
  const s = lazySchema();
  schemas.push(s);
  return s;
}

async function server(databaseUrl: string, overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ databaseUrl, ...overrides });
  servers.push(s);
  return s;
}

describe.skipIf(!postgresReady)('attn on Postgres', () => {
  it('stores rooms, links and doc updates in Postgres and serves them again after a restart', async () => {
    const { url } = schema();
    const first = await server(url, { snapshotEveryUpdates: 5, healthToken: 'operator-health-0123456789' });
    expect(first.store.kind).toBe('postgres');
    const health = await fetch(`${first.url}/healthz`, { headers: { authorization: 'Bearer operator-health-0123456789' } });
    expect(await health.json()).toMatchObject({ ok: true, store: 'postgres' });
    const room = await createRoom(first.url, 'on postgres');
    const writer = connect(first.url, room.room.id, 'board', room.links.interviewer.token);
    clients.push(writer);
    await waitSynced(writer);
    for (let i = 0; i < 12; i++) boardCode(writer.doc).insert(boardCode(writer.doc).length, `line ${i}\n`);
    boardElements(writer.doc).set('el-1', { id: 'el-1', type: 'rectangle', version: 1, versionNonce: 1, index: 'a0', isDeleted: false });
    const text = boardCode(writer.doc).toString();
    // snapshots every 5 updates: the reload below is snapshot + tail
    await eventually(async () => expect((await first.store.listSnapshots(room.room.id, 'board')).length).toBeGreaterThan(0));
    await eventually(async () => {
      const { snapshot, tail } = await first.store.loadDoc(room.room.id, 'board');
      const doc = new Y.Doc();
      if (snapshot) Y.applyUpdate(doc, snapshot.bytes);
      for (const u of tail) Y.applyUpdate(doc, u.bytes);
      expect(boardCode(doc).toString()).toBe(text);
    });
    writer.destroy();
    clients.splice(clients.indexOf(writer), 1);
    await first.close();
    servers.splice(servers.indexOf(first), 1);

    const second = await server(url);
    // the room and its links came back from Postgres: a link token still admits its holder
    expect((await second.store.getRoom(room.room.id))?.title).toBe('on postgres');
    const reader = connect(second.url, room.room.id, 'board', room.links.observer.token);
    clients.push(reader);
    await waitSynced(reader);
    await eventually(() => expect(boardCode(reader.doc).toString()).toBe(text));
    expect([...boardElements(reader.doc).keys()]).toEqual(['el-1']);
    const stats = await second.store.updateLogStats(room.room.id, 'board');
    expect(stats.updates).toBe(stats.lastSeq);
  });

  it('writes the leaves of everyone still connected before the pool closes on shutdown', async () => {
    const { url } = schema();
    const s = await server(url);
    const room = await createRoom(s.url);
    const cam = connect(s.url, room.room.id, 'board', room.links.candidate.token, { name: 'Cam' });
    clients.push(cam);
    await waitSynced(cam);
    await eventually(async () => expect((await s.store.listEvents(room.room.id)).length).toBe(1));
    await s.close();
    const store = await PostgresStore.connect(url);
    try {
      expect((await store.listEvents(room.room.id)).map((e) => [e.kind, e.name])).toEqual([
        ['join', 'Cam'],
        ['leave', 'Cam'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('two instances starting at once on an empty schema both come up and see the same rooms', async () => {
    const { url } = schema();
    const [a, b] = await Promise.all([server(url), server(url)]);
    const room = await createRoom(a!.url, 'shared');
    expect((await b!.store.getRoom(room.room.id))?.title).toBe('shared');
    expect((await b!.store.findLinkByTokenHash((await a!.store.listLinks(room.room.id))[0]!.tokenHash))?.roomId).toBe(room.room.id);
  });

  it('keeps what a peer had received when the process is killed, and a restarted process serves it', async () => {
    const { url } = schema();
    const first = await spawnServer({ ATTN_DATABASE_URL: url, ATTN_SNAPSHOT_EVERY_UPDATES: '7' });
    procs.push(first);
    const room = await createRoom(first.url, 'restart');
    const writer = connect(first.url, room.room.id, 'board', room.links.interviewer.token);
    const peer = connect(first.url, room.room.id, 'board', room.links.candidate.token);
    clients.push(writer, peer);
    await Promise.all([waitSynced(writer), waitSynced(peer)]);
    for (let i = 0; i < 20; i++) {
      boardCode(writer.doc).insert(boardCode(writer.doc).length, `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 2));
    }
    await eventually(() => expect(boardCode(peer.doc).toString()).toBe(boardCode(writer.doc).toString()));
    const expected = boardCode(peer.doc).toString();
    writer.provider.disconnect();
    peer.provider.disconnect();
    await first.kill('SIGKILL');

    const second = await spawnServer({ ATTN_DATABASE_URL: url });
    procs.push(second);
    const reader = connect(second.url, room.room.id, 'board', room.links.observer.token);
    clients.push(reader);
    await waitSynced(reader);
    await eventually(() => expect(boardCode(reader.doc).toString()).toBe(expected));
    for (const p of [first, second]) {
      expect(p.output()).toContain('"store":"postgres"');
      for (const l of Object.values(room.links)) expect(p.output()).not.toContain(l.token);
    }
  });
});

describe('an unusable database at start-up', () => {
  // Port 1 on loopback: nothing listens, so the connection is refused at once (no Postgres needed).
  const UNREACHABLE = 'postgres://someone:hunter2@127.0.0.1:1/attn';

  it('rejects with one line naming ATTN_DATABASE_URL, the host and the reason, never the password', async () => {
    const config = { ...loadConfig({ ATTN_DATABASE_URL: UNREACHABLE }), dataDir: '/nonexistent' };
    const err = await openStore(config).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreUnavailableError);
    const message = (err as Error).message;
    expect(message).toMatch(/^ATTN_DATABASE_URL: cannot use the Postgres database at 127\.0\.0\.1:1\/attn: .*ECONNREFUSED/);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('someone');
  });

  it('stops the process with exit code 2 and that one line', async () => {
    const err = await spawnServer({ ATTN_DATABASE_URL: UNREACHABLE }).then(
      (p) => {
        procs.push(p);
        return null;
      },
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^server exited with 2:\nattn: ATTN_DATABASE_URL: cannot use the Postgres database at 127\.0\.0\.1:1\/attn: .*ECONNREFUSED.*\n$/);
    expect(err?.message).not.toContain('hunter2');
  });
});
