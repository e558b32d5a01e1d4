/**
 * Finding 2 of issue 12: an update whose structs wait on a clock the server lacks is held as
 * "pending" by Yjs. It escaped the server-only check, reached joiners and snapshots, and was
 * applied unchecked on reload. The attack here is the one from the report: a forged write to a
 * server-only key, made to depend on a missing clock, sent raw; then the dependency, sent later.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CreateRoomResponse } from '../../shared/api.js';
import { boardCode, boardElements, boardSession, panelAttachments, panelNotes, readCurrentQuestion, SESSION_KEYS } from '../../shared/doc.js';
import { CloseCode, type DocName } from '../../shared/protocol.js';
import { updateFrame } from '../../server/sync/frames.js';
import {
  closeCodeOf,
  connect,
  createRoom,
  eventually,
  rawSocket,
  startTestServer,
  waitSynced,
  type Client,
  type TestServer,
} from '../support/server.js';

let servers: TestServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

const FORGED = { id: 'forged', title: 'FORGED QUESTION', prompt: 'pwned', minutes: 1, startedAt: 1 };

interface Attack {
  doc: DocName;
  role: 'candidate' | 'interviewer';
  /** the harmless write the forged one is made to depend on */
  dependency: (d: Y.Doc) => void;
  /** whether a doc has the harmless write */
  hasDependency: (d: Y.Doc) => boolean;
  /** the write to a server-only type */
  forge: (d: Y.Doc) => void;
  /** whether a doc shows any trace of the forged write */
  forged: (d: Y.Doc) => boolean;
}

const ATTACKS: Record<string, Attack> = {
  'board session (the on-screen question)': {
    doc: 'board',
    role: 'candidate',
    dependency: (d) => boardElements(d).set('decoy', { id: 'decoy', type: 'rectangle', version: 1, versionNonce: 1, index: 'a0', isDeleted: false }),
    hasDependency: (d) => boardElements(d).has('decoy'),
    forge: (d) => boardSession(d).set(SESSION_KEYS.current, FORGED),
    forged: (d) => readCurrentQuestion(d) !== null || boardSession(d).size > 0,
  },
  'panel attachments (an SVG in the scorecard)': {
    doc: 'panel',
    role: 'interviewer',
    dependency: (d) => panelNotes(d).set('r1/q1', 'decoy'),
    hasDependency: (d) => panelNotes(d).has('r1/q1'),
    forge: (d) =>
      panelAttachments(d).push([{ fileId: 'evil', mimeType: 'image/svg+xml' as 'image/png', caption: '<svg onload=alert(1)>', at: 1, by: 'x' }]),
    forged: (d) => panelAttachments(d).length > 0,
  },
};

/** The attacker's two updates: the dependency (clock 0..) and the forged write that needs it. */
function craft(attack: Attack): { dependency: Uint8Array; forged: Uint8Array } {
  const d = new Y.Doc();
  const updates: Uint8Array[] = [];
  d.on('update', (u: Uint8Array) => updates.push(u));
  attack.dependency(d);
  attack.forge(d);
  expect(updates).toHaveLength(2);
  return { dependency: updates[0]!, forged: updates[1]! };
}

/** What a doc would show if the attacker's dependency were applied on top of `state`. */
function completed(state: Uint8Array | Uint8Array[], dependency: Uint8Array, attack: Attack): { forged: boolean; pending: boolean } {
  const d = new Y.Doc();
  for (const u of Array.isArray(state) ? state : [state]) Y.applyUpdate(d, u);
  const pending = d.store.pendingStructs !== null || d.store.pendingDs !== null;
  Y.applyUpdate(d, dependency);
  return { forged: attack.forged(d), pending };
}

describe('pending Yjs updates (issue 12, finding 2)', () => {
  for (const [name, attack] of Object.entries(ATTACKS)) {
    it(`refuses a write to ${name} that waits on a missing clock; nothing of it is stored, relayed, snapshotted or reloaded`, async () => {
      // A snapshot after every update: a pending struct would be in the first one written.
      const server = await startTestServer({ snapshotEveryUpdates: 1, logLevel: 'warn' });
      servers.push(server);
      const room: CreateRoomResponse = await createRoom(server.url, 'pending');
      const token = room.links[attack.role].token;
      const bystander = connect(server.url, room.room.id, attack.doc, room.links.interviewer.token);
      clients.push(bystander);
      await waitSynced(bystander);
      const { dependency, forged } = craft(attack);

      // The forged update waits on its connection (a real client's early edit may too), never
      // in the doc: a joiner gets nothing that the dependency could complete.
      const ws = await rawSocket(server.url, room.room.id, attack.doc, token);
      const closed = closeCodeOf(ws);
      ws.send(updateFrame(forged));
      const joiner = connect(server.url, room.room.id, attack.doc, room.links.interviewer.token);
      clients.push(joiner);
      await waitSynced(joiner);
      expect(completed(Y.encodeStateAsUpdate(joiner.doc), dependency, attack)).toEqual({ forged: false, pending: false });
      expect(await server.sync.read(room.room.id, attack.doc, (d) => d.store.pendingStructs)).toBeNull();

      // Completed on the same socket, it is checked whole, and refused as a server-only write.
      ws.send(updateFrame(dependency));
      expect((await closed).code).toBe(CloseCode.Forbidden);
      expect(server.logs.some((l) => l.includes('refused a client write to a server-only key'))).toBe(true);

      // Now the dependency, harmless on its own, from a fresh socket: accepted, and it completes nothing.
      const ws2 = await rawSocket(server.url, room.room.id, attack.doc, token);
      ws2.send(updateFrame(dependency));
      await eventually(() => expect(attack.hasDependency(bystander.doc)).toBe(true));
      ws2.close();
      // a legitimate write after it, so a snapshot is written on top of everything
      const writer = connect(server.url, room.room.id, attack.doc, room.links.interviewer.token);
      clients.push(writer);
      await waitSynced(writer);
      attack.dependency(writer.doc);
      await eventually(async () => {
        const { snapshot } = await server.store.loadDoc(room.room.id, attack.doc);
        const log = await server.store.listUpdates(room.room.id, attack.doc, 0, 10_000);
        expect(log.length).toBeGreaterThanOrEqual(2);
        expect(snapshot?.seq).toBe(log.at(-1)!.seq);
      });
      expect(attack.forged(bystander.doc)).toBe(false);
      expect(bystander.doc.store.pendingStructs).toBeNull();

      // In the store: no log row and no snapshot holds it, even with the dependency applied.
      const { snapshot, tail } = await server.store.loadDoc(room.room.id, attack.doc);
      const log = await server.store.listUpdates(room.room.id, attack.doc, 0, 10_000);
      expect(completed(snapshot!.bytes, dependency, attack)).toEqual({ forged: false, pending: false });
      expect(completed([snapshot!.bytes, ...tail.map((u) => u.bytes)], dependency, attack)).toEqual({ forged: false, pending: false });
      expect(completed(log.map((u) => u.bytes), dependency, attack)).toEqual({ forged: false, pending: false });

      // After a restart on the same data, nothing of it either.
      for (const c of clients.splice(0)) c.destroy();
      await server.close();
      servers = [];
      const again = await startTestServer({ dataDir: server.config.dataDir });
      servers.push(again);
      const state = await again.sync.read(room.room.id, attack.doc, (d) => ({ forged: attack.forged(d), pending: d.store.pendingStructs !== null }));
      expect(state).toEqual({ forged: false, pending: false });
      if (attack.doc === 'board') {
        const res = await fetch(`${again.url}/api/rooms/${room.room.id}/session`, { headers: { authorization: `Bearer ${room.links.interviewer.token}` } });
        expect(await res.json()).toEqual({ current: null });
      }
    });
  }
});

describe('pending delete sets (issue 12, finding 2)', () => {
  it('refuses a deletion of structs the server has not seen, so it cannot wait for them and erase them on arrival', async () => {
    const server = await startTestServer({ logLevel: 'warn' });
    servers.push(server);
    const room = await createRoom(server.url, 'pending deletes');
    // Someone's text, and an attacker's deletion of it, crafted before the text reaches the server.
    const author = new Y.Doc();
    const insert: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => insert.push(u));
    boardCode(author).insert(0, 'the candidate wrote this');
    const attacker = new Y.Doc();
    Y.applyUpdate(attacker, insert[0]!);
    const before = Y.encodeStateVector(attacker);
    boardCode(attacker).delete(0, boardCode(attacker).length);
    const deletion = Y.encodeStateAsUpdate(attacker, before);
    expect(Y.parseUpdateMeta(deletion).from.size).toBe(0); // a delete set and no structs

    const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    ws.send(updateFrame(deletion));
    expect(await server.sync.read(room.room.id, 'board', (d) => d.store.pendingDs)).toBeNull();

    const writer = await rawSocket(server.url, room.room.id, 'board', room.links.interviewer.token);
    writer.send(updateFrame(insert[0]!));
    const reader = connect(server.url, room.room.id, 'board', room.links.interviewer.token);
    clients.push(reader);
    await eventually(() => expect(boardCode(reader.doc).toString()).toBe('the candidate wrote this'));
    writer.close();
    expect(await server.sync.read(room.room.id, 'board', (d) => boardCode(d).toString())).toBe('the candidate wrote this');
    ws.close();
  });

  it('closes a connection with 4400 once it has more updates waiting than a handshake race explains', async () => {
    const server = await startTestServer({ logLevel: 'warn' });
    servers.push(server);
    const room = await createRoom(server.url, 'too many waiting');
    const ws = await rawSocket(server.url, room.room.id, 'board', room.links.candidate.token);
    const closed = closeCodeOf(ws);
    const d = new Y.Doc();
    boardCode(d).insert(0, 'never sent');
    for (let i = 0; i < 40; i++) {
      const sv = Y.encodeStateVector(d);
      boardCode(d).insert(0, `${i}`);
      ws.send(updateFrame(Y.encodeStateAsUpdate(d, sv)));
    }
    expect((await closed).code).toBe(CloseCode.Malformed);
    expect(server.logs.some((l) => l.includes('depends on structs the server does not have'))).toBe(true);
    expect(await server.sync.read(room.room.id, 'board', (doc) => boardCode(doc).toString())).toBe('');
  });
});
