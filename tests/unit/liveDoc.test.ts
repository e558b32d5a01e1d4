import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { clockRanges } from '../../server/sync/liveDoc.js';

/** Builds updates the way clients do: several clients, maps, text, deletions, merged or not. */
function sampleUpdates(seed: number): Uint8Array[] {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const updates: Uint8Array[] = [];
  for (const doc of docs) doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 40; i++) {
    const doc = docs[Math.floor(rand() * docs.length)]!;
    const text = doc.getText('code');
    if (rand() < 0.3 && text.length > 2) text.delete(Math.floor(rand() * (text.length - 1)), 1);
    else text.insert(Math.floor(rand() * (text.length + 1)), 'abc'.slice(0, 1 + Math.floor(rand() * 3)));
    doc.getMap('elements').set(`k${Math.floor(rand() * 5)}`, { v: i });
    // Exchange now and then, so later updates reference other clients' items.
    if (rand() < 0.4) for (const other of docs) if (other !== doc) Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
  }
  return [...updates, Y.mergeUpdates(updates), Y.mergeUpdates(updates.slice(3, 17))];
}

describe('clockRanges', () => {
  it('gives what Y.parseUpdateMeta gives, from the structs precheck already decoded', () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const update of sampleUpdates(seed)) {
        const { structs } = Y.decodeUpdate(update);
        expect(clockRanges(structs)).toEqual(Y.parseUpdateMeta(update));
      }
    }
  });

  it('is empty for an update with no structs (a bare delete set or an empty step 2)', () => {
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    expect(clockRanges(Y.decodeUpdate(empty).structs)).toEqual({ from: new Map(), to: new Map() });
  });
});
