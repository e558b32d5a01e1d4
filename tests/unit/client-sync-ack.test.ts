import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as authProtocol from 'y-protocols/auth';
import { docStateVector, readServerStateVector, serverHasAll } from '../../client/room/syncAck.js';
import { boardCode } from '../../shared/doc.js';
import { MessageType } from '../../shared/protocol.js';
import { ackFrame, syncStep1Frame } from '../../server/sync/frames.js';

function docWithClient(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

describe('readServerStateVector', () => {
  it("decodes the state vector of the server's acknowledgement", () => {
    const server = docWithClient(7);
    boardCode(server).insert(0, 'hello');
    expect(readServerStateVector(ackFrame(server))).toEqual(new Map([[7, 5]]));
  });

  it("decodes the state vector of the greeting's sync step 1", () => {
    const server = docWithClient(7);
    boardCode(server).insert(0, 'hi');
    expect(readServerStateVector(syncStep1Frame(server))).toEqual(new Map([[7, 2]]));
  });

  it('ignores sync step 2, updates, awareness, permission denied and garbage', () => {
    const doc = docWithClient(1);
    boardCode(doc).insert(0, 'x');
    const step2 = encoding.createEncoder();
    encoding.writeVarUint(step2, MessageType.Sync);
    syncProtocol.writeSyncStep2(step2, doc);
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, MessageType.Sync);
    syncProtocol.writeUpdate(update, Y.encodeStateAsUpdate(doc));
    const awareness = encoding.createEncoder();
    encoding.writeVarUint(awareness, MessageType.Awareness);
    encoding.writeVarUint8Array(awareness, new Uint8Array([0]));

    expect(readServerStateVector(encoding.toUint8Array(step2))).toBeNull();
    expect(readServerStateVector(encoding.toUint8Array(update))).toBeNull();
    expect(readServerStateVector(encoding.toUint8Array(awareness))).toBeNull();
    const denied = encoding.createEncoder();
    encoding.writeVarUint(denied, MessageType.Auth);
    authProtocol.writePermissionDenied(denied, 'no');
    expect(readServerStateVector(encoding.toUint8Array(denied))).toBeNull();
    expect(readServerStateVector(new Uint8Array([0, 0, 200]))).toBeNull();
    expect(readServerStateVector(new Uint8Array([MessageType.Auth, 1, 200]))).toBeNull();
    expect(readServerStateVector(new Uint8Array())).toBeNull();
  });
});

describe('serverHasAll', () => {
  it('is true when the server is at or past every local clock', () => {
    expect(serverHasAll(new Map(), new Map())).toBe(true);
    expect(serverHasAll(new Map([[1, 3]]), new Map([[1, 3]]))).toBe(true);
    expect(serverHasAll(new Map([[1, 3]]), new Map([[1, 9], [2, 4]]))).toBe(true);
  });

  it('is false when the server lacks a client or is behind on one', () => {
    expect(serverHasAll(new Map([[1, 3]]), new Map())).toBe(false);
    expect(serverHasAll(new Map([[1, 3], [2, 1]]), new Map([[1, 3]]))).toBe(false);
    expect(serverHasAll(new Map([[1, 4]]), new Map([[1, 3]]))).toBe(false);
  });

  it('tracks a real edit from unsynced to acknowledged', () => {
    const local = docWithClient(1);
    const server = docWithClient(99);
    boardCode(server).insert(0, 'seed ');
    Y.applyUpdate(local, Y.encodeStateAsUpdate(server));
    const ackBefore = readServerStateVector(ackFrame(server))!;
    expect(serverHasAll(docStateVector(local), ackBefore)).toBe(true);

    boardCode(local).insert(5, 'edit');
    expect(serverHasAll(docStateVector(local), ackBefore)).toBe(false);

    // The server persists the update, then acknowledges with its new state vector.
    Y.applyUpdate(server, Y.encodeStateAsUpdate(local, Y.encodeStateVector(server)));
    const ackAfter = readServerStateVector(ackFrame(server))!;
    expect(serverHasAll(docStateVector(local), ackAfter)).toBe(true);
    expect(boardCode(server).toString()).toBe('seed edit');
  });
});
