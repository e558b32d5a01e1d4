/**
 * Seeded fuzz of the canvas binding: three writers and one observer, each a Y.Doc + binding +
 * in-memory Excalidraw (with the real reconcileElements), connected pairwise by links that can
 * go down, buffer, and deliver late and out of order. After a random run and a full exchange,
 * every map and every scene must agree, and each element must be the best version ever written.
 *
 * Reproduce a failure with CANVAS_FUZZ_SEED=<seed> (printed in the failure message); sweep more
 * seeds with CANVAS_FUZZ_SEEDS=<count>.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { convertToExcalidrawElements, reconcileElements } from '@excalidraw/excalidraw';
import type { RemoteExcalidrawElement } from '@excalidraw/excalidraw/data/reconcile';
import { CanvasBinding } from '../../client/canvas/binding.js';
import type { OrderedExcalidrawElement, ReconcileFn } from '../../client/canvas/excalidrawApi.js';
import type { FileStore } from '../../client/canvas/fileStore.js';
import { compareByIndex, shouldReplace } from '../../client/canvas/versioning.js';
import type { VersionStamp } from '../../client/canvas/versioning.js';
import { boardElements } from '../../shared/doc.js';
import { FakeExcalidraw, Rng, indexBetween } from './canvas-fakes.js';

// Excalidraw repairs clashing fractional indices with mutateElement, which draws a fresh
// versionNonce from a module-level PRNG seeded with Date.now(). Route that PRNG through one we
// reseed per fuzz seed, so a printed seed replays the exact same run.
const excalidrawRandom = vi.hoisted(() => ({ next: (): number => 0.5 }));
vi.mock('roughjs/bin/math', () => ({
  Random: class {
    next() {
      return excalidrawRandom.next();
    }
  },
}));

const SEEDS = process.env.CANVAS_FUZZ_SEED
  ? [Number(process.env.CANVAS_FUZZ_SEED)]
  : range(1, 1 + Number(process.env.CANVAS_FUZZ_SEEDS ?? 20));
const STEPS = 150;
const WRITERS = 3;
const REMOTE = 'fuzz-remote';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

const reconcile: ReconcileFn = (local, remote, appState) =>
  reconcileElements(local, remote as readonly RemoteExcalidrawElement[], appState);

const noFiles: FileStore = {
  put: () => Promise.reject(new Error('no files in this test')),
  get: () => Promise.reject(new Error('no files in this test')),
};

const [TEMPLATE] = convertToExcalidrawElements([
  { type: 'rectangle', x: 0, y: 0, width: 80, height: 40 },
]) as unknown as OrderedExcalidrawElement[];

interface Replica {
  name: string;
  doc: Y.Doc;
  api: FakeExcalidraw;
  binding: CanvasBinding;
  readOnly: boolean;
  online: boolean;
  created: number;
}

interface Stamp extends VersionStamp {
  isDeleted: boolean;
  index: string | null;
}

function stampOf(e: Stamp): Stamp {
  return { version: e.version, versionNonce: e.versionNonce, isDeleted: e.isDeleted, index: e.index };
}

class World {
  readonly replicas: Replica[] = [];
  /** links[from][to]: updates sent by `from`, not yet applied at `to` */
  readonly links = new Map<Replica, Map<Replica, Uint8Array[]>>();
  /** the best (by shouldReplace) state ever written for each id, on any replica */
  readonly best = new Map<string, Stamp>();

  constructor(readonly rng: Rng) {
    for (let i = 0; i < WRITERS + 1; i++) this.add(i < WRITERS ? `w${i}` : 'observer', i === WRITERS);
  }

  private add(name: string, readOnly: boolean) {
    const doc = new Y.Doc();
    doc.clientID = this.replicas.length + 1;
    const api = new FakeExcalidraw(() => this.rng.nonce());
    const binding = new CanvasBinding({ doc, api, reconcile, readOnly, fileStore: noFiles });
    api.onChangeListener = (elements, appState, files) => binding.onChange(elements, appState, files);
    const replica: Replica = { name, doc, api, binding, readOnly, online: true, created: 0 };
    for (const other of this.replicas) {
      this.links.get(other)?.set(replica, []);
    }
    this.links.set(replica, new Map(this.replicas.map((other) => [other, []])));
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      for (const queue of this.links.get(replica)?.values() ?? []) queue.push(update);
    });
    boardElements(doc).observe((event) => {
      for (const id of event.keysChanged) {
        const value = boardElements(doc).get(id);
        if (!value) continue;
        const known = this.best.get(id);
        if (shouldReplace(known, value)) this.best.set(id, stampOf(value));
      }
    });
    this.replicas.push(replica);
  }

  get writers() {
    return this.replicas.filter((r) => !r.readOnly);
  }

  /** Delivers up to `count` queued updates on links whose ends are both online, in random order. */
  deliver(count: number) {
    const ready: [Uint8Array[], Replica, Uint8Array][] = [];
    for (const [from, targets] of this.links) {
      if (!from.online) continue;
      for (const [to, queue] of targets) {
        if (!to.online) continue;
        for (const update of queue.splice(0)) ready.push([queue, to, update]);
      }
    }
    this.rng.shuffle(ready);
    // What is not delivered now goes back on its link, to arrive later (still out of order).
    for (const [queue, , update] of ready.slice(count)) queue.push(update);
    for (const [, to, update] of ready.slice(0, count)) Y.applyUpdate(to.doc, update, REMOTE);
  }

  pending(): number {
    let total = 0;
    for (const targets of this.links.values()) for (const queue of targets.values()) total += queue.length;
    return total;
  }

  step() {
    const rng = this.rng;
    const roll = rng.next();
    if (roll < 0.08) {
      const replica = rng.pick(this.replicas);
      replica.online = !replica.online;
      return;
    }
    if (roll < 0.3) {
      this.deliver(1 + rng.int(6));
      return;
    }
    if (roll < 0.36) {
      // Start or stop "editing" an element: reconcileElements then keeps remote versions of it
      // out of this scene until editing ends, and the binding must catch up afterwards.
      const writer = rng.pick(this.writers);
      const live = writer.api.elements.filter((e) => !e.isDeleted);
      const editing = writer.api.appState.editingTextElement || live.length === 0 ? null : rng.pick(live);
      writer.api.setAppState({ editingTextElement: editing } as never);
      return;
    }
    this.localEdit(rng.pick(this.writers));
  }

  private localEdit(replica: Replica) {
    const rng = this.rng;
    const { api } = replica;
    const scene = api.elements;
    const live = scene.filter((e) => !e.isDeleted);
    const dead = scene.filter((e) => e.isDeleted);
    const roll = rng.next();
    if (roll < 0.3 || live.length === 0) {
      const last = scene[scene.length - 1];
      const id = `${replica.name}-${replica.created++}`;
      api.add({
        ...TEMPLATE,
        id,
        index: indexBetween(last?.index ?? null, null),
        x: rng.int(1000),
        y: rng.int(1000),
        version: 1,
        versionNonce: rng.nonce(),
        isDeleted: false,
      } as OrderedExcalidrawElement);
    } else if (roll < 0.6) {
      api.edit(rng.pick(live).id, { x: rng.int(1000), strokeColor: rng.pick(['#1e1e1e', '#e03131', '#2f9e44']) });
    } else if (roll < 0.75) {
      api.edit(rng.pick(live).id, { isDeleted: true });
    } else if (roll < 0.82 && dead.length > 0) {
      api.edit(rng.pick(dead).id, { isDeleted: false }); // undo of a delete: a strictly newer version
    } else {
      // Reorder: move an element to just after another one, as "bring forward" does.
      const moving = rng.pick(live);
      const rest = scene.filter((e) => e.id !== moving.id);
      if (rest.length === 0) return;
      const at = rng.int(rest.length);
      const lo = rest[at]?.index ?? null;
      const hi = rest[at + 1]?.index ?? null;
      if (lo === null || (hi !== null && hi <= lo)) return;
      api.edit(moving.id, { index: indexBetween(lo, hi) });
    }
  }

  /** Everyone online, everything delivered, repeated until nobody writes anything new. */
  quiesce() {
    for (const replica of this.replicas) replica.online = true;
    this.drain();
    // Editing ends only now, when no further remote change will come to nudge the scene: the
    // binding itself must notice what it held back.
    for (const replica of this.replicas) {
      if (replica.api.appState.editingTextElement) replica.api.setAppState({ editingTextElement: null } as never);
    }
    this.drain();
    // Belt and braces: a state-vector exchange must find nothing missing.
    for (const from of this.replicas) {
      for (const to of this.replicas) {
        if (from === to) continue;
        const before = Y.encodeStateVector(to.doc).join();
        Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(to.doc)), REMOTE);
        if (Y.encodeStateVector(to.doc).join() !== before) throw new Error(`${to.name} was missing updates`);
      }
    }
  }

  private drain() {
    for (let round = 0; round < 50; round++) {
      if (this.pending() === 0) return;
      this.deliver(Number.POSITIVE_INFINITY);
    }
    throw new Error('updates still flowing after 50 rounds');
  }

  destroy() {
    for (const replica of this.replicas) replica.binding.destroy();
  }
}

function mapState(doc: Y.Doc): Record<string, Stamp> {
  const out: Record<string, Stamp> = {};
  const entries = [...boardElements(doc).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [id, value] of entries) out[id] = stampOf(value);
  return out;
}

function sceneState(elements: readonly OrderedExcalidrawElement[]): Record<string, Stamp> {
  const out: Record<string, Stamp> = {};
  for (const e of [...elements].sort((a, b) => (a.id < b.id ? -1 : 1))) out[e.id] = stampOf(e);
  return out;
}

function runSeed(seed: number) {
  const rng = new Rng(seed);
  const excalidrawRng = new Rng(seed ^ 0x5eed);
  excalidrawRandom.next = excalidrawRng.next;
  const world = new World(rng);
  try {
    for (let step = 0; step < STEPS; step++) world.step();
    world.quiesce();

    const reference = world.replicas[0] as Replica;
    const expectedMap = mapState(reference.doc);
    for (const replica of world.replicas) {
      expect(mapState(replica.doc), `${replica.name}'s map`).toEqual(expectedMap);
      expect(sceneState(replica.api.elements), `${replica.name}'s scene`).toEqual(expectedMap);
      const order = replica.api.elements;
      expect([...order].sort(compareByIndex).map((e) => e.id), `${replica.name}'s scene order`).toEqual(
        order.map((e) => e.id),
      );
      const indices = order.map((e) => e.index);
      expect(new Set(indices).size, `${replica.name}'s indices are distinct`).toBe(indices.length);
    }
    // Each element is the best version anyone ever wrote: in particular a tombstone stays
    // deleted unless a strictly newer edit (or a tie it loses on versionNonce) came after it.
    for (const [id, best] of world.best) {
      expect(expectedMap[id], `element ${id}`).toEqual(best);
    }
    const stamps = Object.values(expectedMap);
    return { elements: stamps.length, deleted: stamps.filter((stamp) => stamp.isDeleted).length };
  } finally {
    world.destroy();
  }
}

describe('canvas binding fuzz', () => {
  const title = `converges for ${SEEDS.length} seeds x ${STEPS} steps with ${WRITERS} writers and an observer`;
  it(title, { timeout: Math.max(60_000, SEEDS.length * 1_000) }, () => {
    let elements = 0;
    let deleted = 0;
    for (const seed of SEEDS) {
      try {
        const result = runSeed(seed);
        elements += result.elements;
        deleted += result.deleted;
      } catch (error) {
        throw new Error(`canvas fuzz failed for seed ${seed} (rerun with CANVAS_FUZZ_SEED=${seed}): ${String(error)}`, {
          cause: error,
        });
      }
    }
    // Guard against a fuzz that silently stopped exercising anything.
    expect(elements).toBeGreaterThan(SEEDS.length * 10);
    expect(deleted).toBeGreaterThan(0);
  });

  it('is deterministic for a seed, including the nonces Excalidraw draws', () => {
    const snapshot = (seed: number) => {
      const rng = new Rng(seed);
      excalidrawRandom.next = new Rng(seed ^ 0x5eed).next;
      const world = new World(rng);
      try {
        for (let step = 0; step < STEPS; step++) world.step();
        world.quiesce();
        return mapState((world.replicas[0] as Replica).doc);
      } finally {
        world.destroy();
      }
    };
    expect(snapshot(7)).toEqual(snapshot(7));
  });
});
