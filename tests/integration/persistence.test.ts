import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardCode, boardElements } from '../../shared/doc.js';
import { connect, createRoom, eventually, startTestServer, tempDir, waitSynced, type Client, type TestServer } from '../support/server.js';
import { spawnServer, type ServerProcess } from '../support/process.js';

const clients: Client[] = [];
const procs: ServerProcess[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of procs.splice(0)) await p.kill();
  for (const s of servers.splice(0)) await s.close();
});

describe('kill and restart', () => {
  it('keeps every update a peer had received after SIGKILL, and the restarted server serves it', async () => {
    const dataDir = tempDir();
    const first = await spawnServer({ ATTN_DATA_DIR: dataDir, ATTN_SNAPSHOT_EVERY_UPDATES: '7' });
    procs.push(first);
    const room = await createRoom(first.url, 'restart');
    const writer = connect(first.url, room.room.id, 'board', room.links.interviewer.token);
    const peer = connect(first.url, room.room.id, 'board', room.links.candidate.token);
    clients.push(writer, peer);
    await Promise.all([waitSynced(writer), waitSynced(peer)]);

    // 40 edits across text and elements; snapshots happen every 7 updates, so the reload is
    // snapshot + tail.
    for (let i = 0; i < 40; i++) {
      boardCode(writer.doc).insert(boardCode(writer.doc).length, `line ${i}\n`);
      if (i % 5 === 0) {
        boardElements(writer.doc).set(`el-${i}`, { id: `el-${i}`, type: 'rectangle', version: 1, versionNonce: i, index: `a${i}`, isDeleted: false });
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await eventually(() => expect(boardCode(peer.doc).toString()).toBe(boardCode(writer.doc).toString()));
    // Whatever the peer had received is what must survive.
    const peerSaw = Y.encodeStateAsUpdate(peer.doc);
    const expectedText = boardCode(peer.doc).toString();
    const expectedIds = [...boardElements(peer.doc).keys()].sort();

    writer.provider.disconnect();
    peer.provider.disconnect();
    await first.kill('SIGKILL');

    const second = await spawnServer({ ATTN_DATA_DIR: dataDir });
    procs.push(second);
    const reader = connect(second.url, room.room.id, 'board', room.links.observer.token);
    clients.push(reader);
    await waitSynced(reader);
    await eventually(() => expect(boardCode(reader.doc).toString()).toBe(expectedText));
    expect([...boardElements(reader.doc).keys()].sort()).toEqual(expectedIds);
    const peerDoc = new Y.Doc();
    Y.applyUpdate(peerDoc, peerSaw);
    // nothing the peer had is missing on the restarted server
    expect(Y.encodeStateAsUpdate(reader.doc, Y.encodeStateVector(peerDoc)).byteLength).toBeLessThanOrEqual(2);
    expect(Y.encodeStateAsUpdate(peerDoc, Y.encodeStateVector(reader.doc)).byteLength).toBeLessThanOrEqual(2);
    // no token ever reached the logs of either process
    for (const p of [first, second]) {
      for (const l of Object.values(room.links)) expect(p.output()).not.toContain(l.token);
    }
  });
});

describe('offline edits', () => {
  it('merges what a client typed while disconnected once it reconnects', async () => {
    const server = await startTestServer();
    servers.push(server);
    const room = await createRoom(server.url);
    const a = connect(server.url, room.room.id, 'board', room.links.interviewer.token);
    const b = connect(server.url, room.room.id, 'board', room.links.candidate.token);
    clients.push(a, b);
    await Promise.all([waitSynced(a), waitSynced(b)]);
    boardCode(a.doc).insert(0, 'base\n');
    await eventually(() => expect(boardCode(b.doc).toString()).toBe('base\n'));

    b.provider.disconnect();
    boardCode(b.doc).insert(boardCode(b.doc).length, 'offline by b\n');
    boardElements(b.doc).set('offline-el', { id: 'offline-el', type: 'ellipse', version: 3, versionNonce: 1, index: 'a5', isDeleted: false });
    boardCode(a.doc).insert(0, 'online by a\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(boardCode(a.doc).toString()).not.toContain('offline by b');

    b.provider.connect();
    await eventually(() => {
      expect(boardCode(a.doc).toString()).toBe(boardCode(b.doc).toString());
      expect(boardCode(a.doc).toString()).toContain('offline by b');
      expect(boardCode(a.doc).toString()).toContain('online by a');
      expect(boardElements(a.doc).get('offline-el')?.type).toBe('ellipse');
    });
  });
});

describe('store layout', () => {
  it('logs each update with seq, time and author, snapshots every N, and reloads from snapshot + tail', async () => {
    const server = await startTestServer({ snapshotEveryUpdates: 5, roomIdleMs: 50 });
    servers.push(server);
    const room = await createRoom(server.url);
    const a = connect(server.url, room.room.id, 'board', room.links.candidate.token, { name: 'Cora' });
    clients.push(a);
    await waitSynced(a);
    for (let i = 0; i < 12; i++) {
      boardCode(a.doc).insert(0, String(i % 10));
      // one update per edit: wait until it is durable before the next, so seqs map 1:1 to edits
      await eventually(async () => {
        const { snapshot, tail } = await server.store.loadDoc(room.room.id, 'board');
        expect((snapshot?.seq ?? 0) + tail.length).toBe(i + 1);
      });
    }
    const expected = boardCode(a.doc).toString();
    await eventually(async () => {
      const { snapshot, tail } = await server.store.loadDoc(room.room.id, 'board');
      expect(snapshot).not.toBeNull();
      expect(snapshot!.seq % 5).toBe(0);
      expect(snapshot!.seq + tail.length).toBe(12);
      for (const u of tail) {
        expect(u.authorRole).toBe('candidate');
        expect(u.authorName).toBe('Cora');
        expect(u.ts).toBeGreaterThan(0);
      }
    });
    // leave; after the idle timeout the document is flushed (final snapshot) and unloaded
    a.destroy();
    clients.splice(clients.indexOf(a), 1);
    await eventually(() => expect(server.sync.stats().docs).toBe(0));
    await eventually(async () => {
      const { snapshot, tail } = await server.store.loadDoc(room.room.id, 'board');
      expect(snapshot!.seq).toBe(12);
      expect(tail).toHaveLength(0);
    });
    const again = connect(server.url, room.room.id, 'board', room.links.observer.token);
    clients.push(again);
    await eventually(() => expect(boardCode(again.doc).toString()).toBe(expected));
  });
});
