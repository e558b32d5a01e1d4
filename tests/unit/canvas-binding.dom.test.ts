/**
 * The Excalidraw <-> Y.Doc binding on real Y.Docs, a fake Excalidraw API, and Excalidraw's real
 * reconcileElements (hence jsdom: see dom-setup.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CaptureUpdateAction, convertToExcalidrawElements, reconcileElements } from '@excalidraw/excalidraw';
import type { RemoteExcalidrawElement } from '@excalidraw/excalidraw/data/reconcile';
import { CanvasBinding, elementsFromDoc } from '../../client/canvas/binding.js';
import { CAPTURE_NEVER } from '../../client/canvas/excalidrawApi.js';
import type { BinaryFileData, OrderedExcalidrawElement, ReconcileFn } from '../../client/canvas/excalidrawApi.js';
import { createHttpFileStore } from '../../client/canvas/fileStore.js';
import type { FileStore } from '../../client/canvas/fileStore.js';
import { bytesToDataUrl } from '../../client/canvas/dataUrl.js';
import { compareByIndex } from '../../client/canvas/versioning.js';
import { Origin, boardElements, boardFiles } from '../../shared/doc.js';
import type { StoredElement } from '../../shared/doc.js';
import { LIMITS } from '../../shared/protocol.js';
import { FakeExcalidraw, deferred, fakeFetch } from './canvas-fakes.js';

const reconcile: ReconcileFn = (local, remote, appState) =>
  reconcileElements(local, remote as readonly RemoteExcalidrawElement[], appState);

const REMOTE = 'remote-peer';

const [TEMPLATE] = convertToExcalidrawElements([
  { type: 'rectangle', x: 0, y: 0, width: 100, height: 50 },
]) as unknown as OrderedExcalidrawElement[];

function rect(id: string, index: string, overrides: Partial<Record<string, unknown>> = {}): OrderedExcalidrawElement {
  return { ...TEMPLATE, id, index, version: 1, versionNonce: 1000, isDeleted: false, ...overrides } as OrderedExcalidrawElement;
}

/** A store that never touches the network; tests that care pass their own. */
const unusedFiles: FileStore = {
  put: () => Promise.reject(new Error('unexpected upload')),
  get: () => Promise.reject(new Error('unexpected download')),
};

const bindings: CanvasBinding[] = [];
afterEach(() => {
  for (const binding of bindings.splice(0)) binding.destroy();
});

interface Replica {
  doc: Y.Doc;
  api: FakeExcalidraw;
  binding: CanvasBinding;
  errors: string[];
}

function replica(options: { readOnly?: boolean; fileStore?: FileStore; clientID?: number; doc?: Y.Doc } = {}): Replica {
  const doc = options.doc ?? new Y.Doc();
  if (options.clientID !== undefined) doc.clientID = options.clientID;
  const api = new FakeExcalidraw();
  const errors: string[] = [];
  const binding = new CanvasBinding({
    doc,
    api,
    reconcile,
    readOnly: options.readOnly ?? false,
    fileStore: options.fileStore ?? unusedFiles,
    onError: (message) => errors.push(message),
  });
  api.onChangeListener = (elements, appState, files) => binding.onChange(elements, appState, files);
  bindings.push(binding);
  return { doc, api, binding, errors };
}

/** Exchanges whatever each side lacks until nothing moves (repairs can trigger further writes). */
function settle(...replicas: Replica[]) {
  for (let round = 0; round < 20; round++) {
    let moved = false;
    for (const from of replicas) {
      for (const to of replicas) {
        if (from === to) continue;
        const diff = Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc));
        const before = Y.encodeStateVector(to.doc);
        Y.applyUpdate(to.doc, diff, REMOTE);
        if (!equalBytes(before, Y.encodeStateVector(to.doc))) moved = true;
      }
    }
    if (!moved) return;
  }
  throw new Error('replicas did not settle');
}

function equalBytes(a: Uint8Array, b: Uint8Array) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Buffers a doc's outgoing updates, as while offline, to deliver later. */
function outbox(doc: Y.Doc) {
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) updates.push(update);
  });
  return updates;
}

interface Stamped {
  id: string;
  version: number;
  versionNonce: number;
  isDeleted: boolean;
  index: string | null;
}

function stamps(elements: readonly Stamped[]) {
  return Object.fromEntries(
    [...elements]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((e) => [e.id, { version: e.version, versionNonce: e.versionNonce, isDeleted: e.isDeleted, index: e.index }]),
  );
}

function mapStamps(doc: Y.Doc) {
  return stamps([...boardElements(doc).values()]);
}

function countUpdates(doc: Y.Doc) {
  const counter = { local: 0 };
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) counter.local++;
  });
  return counter;
}

describe('CanvasBinding: local writes', () => {
  it('writes each changed element as frozen JSON, in one canvas-local transaction', () => {
    const a = replica();
    const origins: unknown[] = [];
    a.doc.on('afterTransaction', (transaction: Y.Transaction) => origins.push(transaction.origin));
    a.api.elements = [rect('x', 'a0'), rect('y', 'a1')];
    a.api.fireChange();

    const map = boardElements(a.doc);
    expect(origins).toEqual([Origin.canvasLocal]);
    expect(map.size).toBe(2);
    const stored = map.get('x') as StoredElement;
    expect(stored).toEqual(JSON.parse(JSON.stringify(rect('x', 'a0'))));
    expect(Object.isFrozen(stored)).toBe(true);
    expect(Object.isFrozen(stored.groupIds)).toBe(true);
    // Excalidraw mutates its own element objects in place; the map must not share them.
    expect(stored).not.toBe(a.api.get('x'));
  });

  it('writes nothing when nothing changed, and only what changed otherwise', () => {
    const a = replica();
    a.api.elements = [rect('x', 'a0'), rect('y', 'a1')];
    a.api.fireChange();
    const updates = countUpdates(a.doc);
    const changed: string[][] = [];
    boardElements(a.doc).observe((event) => changed.push([...event.keysChanged]));

    a.api.fireChange();
    a.api.setAppState({ scrollX: 50 });
    expect(updates.local).toBe(0);

    a.api.edit('y', { x: 300 });
    expect(updates.local).toBe(1);
    expect(changed).toEqual([['y']]);
    expect(boardElements(a.doc).get('y')?.version).toBe(2);
  });

  it('never lets a lower version overwrite a higher one', () => {
    const a = replica();
    a.api.elements = [rect('x', 'a0', { version: 5, versionNonce: 10, x: 50 })];
    a.api.fireChange();
    a.api.elements = [rect('x', 'a0', { version: 3, versionNonce: 1, x: 999 })];
    a.api.fireChange();
    expect(boardElements(a.doc).get('x')).toMatchObject({ version: 5, x: 50 });
  });
});

describe('CanvasBinding: remote changes', () => {
  it('builds the scene from the map on start, in index order, outside the undo stack', () => {
    const a = replica();
    a.api.elements = [rect('m', 'a0'), rect('z', 'a1'), rect('b', 'a2')];
    a.api.fireChange();

    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.doc), REMOTE);
    const b = replica({ doc });
    expect(b.api.elements.map((e) => e.id)).toEqual(['m', 'z', 'b']);
    expect(b.api.sceneUpdates.filter((u) => u.elements).every((u) => u.captureUpdate === CAPTURE_NEVER)).toBe(true);
  });

  it("applies remote edits with CaptureUpdateAction.NEVER so they never reach the local undo stack", () => {
    expect(CAPTURE_NEVER).toBe(CaptureUpdateAction.NEVER);
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);
    a.api.edit('x', { x: 77 });
    settle(a, b);
    expect(b.api.get('x')).toMatchObject({ x: 77, version: 2 });
    const elementUpdates = b.api.sceneUpdates.filter((u) => u.elements);
    expect(elementUpdates.length).toBeGreaterThanOrEqual(2);
    expect(b.api.undoableElementUpdates).toEqual([]);
  });

  it('hands Excalidraw copies, never the objects stored in the map', () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);
    const shown = b.api.get('x') as unknown as Record<string, unknown>;
    expect(Object.isFrozen(shown)).toBe(false);
    shown.index = 'zz'; // what Excalidraw's index repair does in place
    expect(boardElements(b.doc).get('x')?.index).toBe('a0');
  });

  it('converges concurrent edits to the higher version on both sides', () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);

    a.api.edit('x', { x: 10 }); // v2
    b.api.edit('x', { x: 20 }); // v2
    b.api.edit('x', { x: 30 }); // v3
    settle(a, b);

    for (const side of [a, b]) {
      expect(side.api.get('x')).toMatchObject({ version: 3, x: 30 });
      expect(boardElements(side.doc).get('x')).toMatchObject({ version: 3, x: 30 });
    }
  });

  for (const [lowerClient, label] of [
    ['a', 'the winner has the lower Yjs client id'],
    ['b', 'the winner has the higher Yjs client id'],
  ] as const) {
    it(`resolves version ties by the lower versionNonce on both sides (${label})`, () => {
      const a = replica({ clientID: lowerClient === 'a' ? 1 : 2 });
      const b = replica({ clientID: lowerClient === 'a' ? 2 : 1 });
      a.api.add(rect('x', 'a0'));
      settle(a, b);

      a.api.edit('x', { x: 111 }, 50); // v2, nonce 50: wins the tie
      b.api.edit('x', { x: 222 }, 900); // v2, nonce 900
      settle(a, b);

      for (const side of [a, b]) {
        expect(side.api.get('x')).toMatchObject({ version: 2, versionNonce: 50, x: 111 });
        expect(boardElements(side.doc).get('x')).toMatchObject({ version: 2, versionNonce: 50, x: 111 });
      }
    });
  }

  it('repairs the map when Yjs keeps the lower version of a concurrent write', () => {
    // Yjs settles concurrent sets of one key by client id; give the stale writer the id that
    // wins there, so only the binding's version rule can restore the newer element.
    for (const staleId of [1, 2]) {
      const a = replica({ clientID: staleId === 1 ? 2 : 1 });
      const stale = replica({ clientID: staleId });
      a.api.add(rect('x', 'a0'));
      settle(a, stale);
      a.api.edit('x', { x: 1 });
      a.api.edit('x', { x: 2 });
      a.api.edit('x', { x: 3 }); // v4
      stale.api.edit('x', { x: -1 }); // v2
      settle(a, stale);
      expect(boardElements(a.doc).get('x')).toMatchObject({ version: 4, x: 3 });
      expect(boardElements(stale.doc).get('x')).toMatchObject({ version: 4, x: 3 });
      expect(stale.api.get('x')).toMatchObject({ version: 4, x: 3 });
    }
  });

  it('keeps tombstones: a concurrent lower-version edit cannot resurrect a deleted element', () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);

    const fromB = outbox(b.doc); // b goes offline
    a.api.edit('x', { x: 5 }); // v2
    a.api.edit('x', { isDeleted: true }); // v3: deleted
    b.api.edit('x', { x: 9 }); // v2, edited while offline
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc), REMOTE);
    for (const update of fromB) Y.applyUpdate(a.doc, update, REMOTE);
    settle(a, b);

    for (const side of [a, b]) {
      expect(side.api.get('x')).toMatchObject({ isDeleted: true, version: 3 });
      expect(boardElements(side.doc).get('x')).toMatchObject({ isDeleted: true, version: 3 });
    }
  });

  it('lets a strictly newer edit (an undo of the delete) bring an element back', () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);
    a.api.edit('x', { isDeleted: true });
    settle(a, b);
    b.api.edit('x', { isDeleted: false });
    settle(a, b);
    expect(a.api.get('x')).toMatchObject({ isDeleted: false, version: 3 });
  });

  it('orders the scene by fractional index after a remote reorder', () => {
    const a = replica();
    const b = replica();
    a.api.elements = [rect('x', 'a0'), rect('y', 'a1'), rect('z', 'a2')];
    a.api.fireChange();
    settle(a, b);
    expect(b.api.elements.map((e) => e.id)).toEqual(['x', 'y', 'z']);

    a.api.edit('x', { index: 'a3' }); // bring to front
    settle(a, b);
    expect(b.api.elements.map((e) => e.id)).toEqual(['y', 'z', 'x']);
    a.api.edit('z', { index: 'a0' }); // send to back
    settle(a, b);
    expect(b.api.elements.map((e) => e.id)).toEqual(['z', 'y', 'x']);
  });

  it('settles concurrent inserts at the same index to one order with distinct indices', () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('base', 'a0'));
    settle(a, b);
    const fromB = outbox(b.doc);
    a.api.add(rect('fromA', 'a1'));
    b.api.add(rect('fromB', 'a1'));
    for (const update of fromB) Y.applyUpdate(a.doc, update, REMOTE);
    settle(a, b);

    expect(stamps(a.api.elements)).toEqual(stamps(b.api.elements));
    expect(mapStamps(a.doc)).toEqual(stamps(a.api.elements));
    expect(mapStamps(b.doc)).toEqual(stamps(b.api.elements));
    const indices = a.api.elements.map((e) => e.index as string);
    expect(new Set(indices).size).toBe(3);
    expect([...a.api.elements].sort(compareByIndex)).toEqual(a.api.elements);
  });

  it("does not clobber the element the local user is editing, and catches up afterwards", () => {
    const a = replica();
    const b = replica();
    a.api.add(rect('x', 'a0'));
    settle(a, b);

    b.api.setAppState({ editingTextElement: b.api.get('x') } as never);
    a.api.edit('x', { x: 1 });
    a.api.edit('x', { x: 2 }); // v3 on a
    settle(a, b);
    expect(b.api.get('x')).toMatchObject({ version: 1 });

    b.api.setAppState({ editingTextElement: null } as never);
    expect(b.api.get('x')).toMatchObject({ version: 3, x: 2 });
  });

  it('keeps an element whose key only looks deleted while an overwrite waits for its predecessors', () => {
    const a = replica();
    const b = replica();
    a.api.elements = [rect('x', 'a0'), rect('y', 'a1')];
    a.api.fireChange();
    settle(a, b);

    b.api.edit('x', { strokeColor: '#e03131' }); // v2: the map item for x is now b's
    settle(a, b);

    const fromA = outbox(a.doc);
    a.api.edit('y', { x: 1 }); // first update
    a.api.edit('x', { x: 2 }); // second: overwrites b's item for x, and depends on the first
    const [first, second] = fromA;
    const seen: boolean[] = [];
    boardElements(b.doc).observe(() => seen.push(boardElements(b.doc).has('x')));

    Y.applyUpdate(b.doc, second as Uint8Array, REMOTE); // the deletion applies, the new item waits
    expect(seen).toEqual([false]);
    expect(b.api.get('x')).toMatchObject({ version: 2, strokeColor: '#e03131' });

    Y.applyUpdate(b.doc, first as Uint8Array, REMOTE);
    settle(a, b);
    expect(boardElements(b.doc).get('x')).toMatchObject({ version: 3, x: 2, strokeColor: '#e03131' });
    expect(b.api.get('x')).toMatchObject({ version: 3, x: 2, strokeColor: '#e03131' });
  });

  it("retries once when Excalidraw's development build throws on invalid indices", () => {
    let calls = 0;
    const flaky: ReconcileFn = (local, remote, appState) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('invalid indices'), { code: 'ELEMENT_HAS_INVALID_INDEX' });
      return reconcile(local, remote, appState);
    };
    const doc = new Y.Doc();
    boardElements(doc).set('x', rect('x', 'a0') as unknown as StoredElement);
    const api = new FakeExcalidraw();
    const binding = new CanvasBinding({ doc, api, reconcile: flaky, readOnly: false, fileStore: unusedFiles });
    bindings.push(binding);
    expect(calls).toBe(2);
    expect(api.elements.map((e) => e.id)).toEqual(['x']);
  });
});

describe('elementsFromDoc', () => {
  it('gives fresh, mutable copies of the stored elements in scene order', () => {
    const doc = new Y.Doc();
    const a = replica({ doc });
    a.api.elements = [rect('late', 'a2'), rect('early', 'a0'), rect('mid', 'a1')];
    a.api.fireChange();
    const scene = elementsFromDoc(doc);
    expect(scene.map((e) => e.id)).toEqual(['early', 'mid', 'late']);
    expect(scene.some((e) => Object.isFrozen(e))).toBe(false);
    expect(scene[0]).toEqual(boardElements(doc).get('early'));
  });
});

describe('CanvasBinding: read-only', () => {
  it('never writes to the doc or uploads, yet follows the doc', async () => {
    const writer = replica();
    const server = fakeFetch(() => ({ status: 201 }));
    const observer = replica({
      readOnly: true,
      fileStore: createHttpFileStore({ roomId: 'r', token: 't', fetch: server.fetch }),
    });
    const updates = countUpdates(observer.doc);

    observer.api.add(rect('mine', 'a5'));
    observer.api.edit('mine', { x: 3 });
    const image = { id: 'f1', mimeType: 'image/png', dataURL: 'data:image/png;base64,AAAA', created: 1 };
    observer.api.addFiles([image as BinaryFileData]);
    observer.api.fireChange();
    await observer.binding.whenIdle();
    expect(server.requests).toEqual([]);
    expect(updates.local).toBe(0);
    expect(boardElements(observer.doc).size).toBe(0);

    writer.api.add(rect('x', 'a0'));
    settle(writer, observer);
    expect(observer.api.get('x')).toMatchObject({ version: 1 });
    expect(updates.local).toBe(0);
    expect(boardFiles(observer.doc).size).toBe(0);
  });

  it('lets the doc win over anything in its own scene', () => {
    const writer = replica();
    const observer = replica({ readOnly: true });
    writer.api.add(rect('x', 'a0'));
    settle(writer, observer);
    observer.api.elements = [rect('x', 'a0', { version: 9, versionNonce: 1 })];
    writer.api.edit('x', { x: 4 });
    settle(writer, observer);
    expect(observer.api.get('x')).toMatchObject({ version: 2, x: 4 });
  });
});

describe('CanvasBinding: images', () => {
  const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
  const file = (id: string, bytes: Uint8Array = png): BinaryFileData =>
    ({ id, mimeType: 'image/png', dataURL: bytesToDataUrl(bytes, 'image/png'), created: 1234 }) as BinaryFileData;

  it('uploads the bytes, then (and only then) records the metadata', async () => {
    const answer = deferred<{ status: number }>();
    const server = fakeFetch(() => answer.promise);
    const a = replica({ fileStore: createHttpFileStore({ roomId: 'room_123', token: 'tok', fetch: server.fetch }) });

    a.api.addFiles([file('f1')]);
    a.api.fireChange();
    a.api.fireChange(); // a second change while the upload is in flight must not upload twice
    await Promise.resolve();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'PUT',
      url: '/api/rooms/room_123/files/f1',
      headers: { authorization: 'Bearer tok', 'content-type': 'image/png' },
    });
    expect(server.requests[0]?.body).toEqual(png);
    expect(boardFiles(a.doc).has('f1')).toBe(false);

    answer.resolve({ status: 201 });
    await a.binding.whenIdle();
    expect(boardFiles(a.doc).get('f1')).toEqual({ id: 'f1', mimeType: 'image/png', size: png.length, created: 1234 });
    expect(a.errors).toEqual([]);
  });

  it('refuses an oversize image before uploading, with a message', async () => {
    const server = fakeFetch(() => ({ status: 201 }));
    const a = replica({ fileStore: createHttpFileStore({ roomId: 'room_123', token: 'tok', fetch: server.fetch }) });
    a.api.addFiles([file('big', new Uint8Array(LIMITS.MAX_FILE_BYTES + 1))]);
    a.api.fireChange();
    await a.binding.whenIdle();
    a.api.fireChange();
    await a.binding.whenIdle();
    expect(server.requests).toHaveLength(0);
    expect(boardFiles(a.doc).has('big')).toBe(false);
    expect(a.errors).toHaveLength(1);
    expect(a.errors[0]).toMatch(/too large.*4 MB/);
  });

  it("reports the server's refusal and records no metadata", async () => {
    const server = fakeFetch(() => ({
      status: 413,
      body: JSON.stringify({ error: 'file_too_large', message: 'That image is over the 4 MB limit.' }),
    }));
    const a = replica({ fileStore: createHttpFileStore({ roomId: 'room_123', token: 'tok', fetch: server.fetch }) });
    a.api.addFiles([file('f1')]);
    a.api.fireChange();
    await a.binding.whenIdle();
    a.api.fireChange();
    await a.binding.whenIdle();
    expect(server.requests).toHaveLength(1);
    expect(boardFiles(a.doc).has('f1')).toBe(false);
    expect(a.errors).toEqual(['That image is over the 4 MB limit.']);
  });

  it('fetches a file another user added and hands it to Excalidraw', async () => {
    const stored = new Map<string, Uint8Array>();
    const server = fakeFetch((request) => {
      const id = request.url.split('/').pop() as string;
      if (request.method === 'PUT') {
        stored.set(id, request.body as Uint8Array);
        return { status: 201 };
      }
      const bytes = stored.get(id);
      return bytes ? { status: 200, body: new Uint8Array(bytes), headers: { 'Content-Type': 'image/png' } } : { status: 404 };
    });
    const store = createHttpFileStore({ roomId: 'room_123', token: 'tok', fetch: server.fetch });
    const a = replica({ fileStore: store });
    const b = replica({ readOnly: true, fileStore: store });

    a.api.addFiles([file('f1')]);
    a.api.fireChange();
    await a.binding.whenIdle();
    settle(a, b);
    await b.binding.whenIdle();

    const get = server.requests.find((r) => r.method === 'GET');
    expect(get).toMatchObject({ url: '/api/rooms/room_123/files/f1', headers: { authorization: 'Bearer tok' } });
    expect(b.api.files.f1).toMatchObject({ id: 'f1', mimeType: 'image/png', created: 1234 });
    expect(b.api.files.f1?.dataURL).toBe(bytesToDataUrl(png, 'image/png'));
    expect(b.errors).toEqual([]);
  });

  it('loads files already in the map when it starts, and reports one that cannot be fetched', async () => {
    const doc = new Y.Doc();
    boardFiles(doc).set('gone', { id: 'gone', mimeType: 'image/png', size: 3, created: 1 });
    const server = fakeFetch(() => ({ status: 404, body: JSON.stringify({ error: 'not_found', message: 'No such file.' }) }));
    const b = replica({ doc, readOnly: true, fileStore: createHttpFileStore({ roomId: 'r', token: 't', fetch: server.fetch }) });
    await b.binding.whenIdle();
    expect(server.requests.map((r) => r.url)).toEqual(['/api/rooms/r/files/gone']);
    expect(b.errors).toEqual(['Could not load an image: No such file.']);
    expect(b.api.files.gone).toBeUndefined();
  });
});
