import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, sanitizeAwareness } from '../../server/sync/awareness.js';

describe('awareness filtering', () => {
  it('decodes what y-protocols encodes, and re-encodes it byte for byte', () => {
    const doc = new Y.Doc();
    const aw = new awarenessProtocol.Awareness(doc);
    aw.setLocalState({ user: { name: 'Ana', role: 'candidate' }, cursor: null });
    const bytes = awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]);
    const entries = decodeAwarenessUpdate(bytes);
    expect(entries).toEqual([{ clientId: doc.clientID, clock: 1, state: { user: { name: 'Ana', role: 'candidate' }, cursor: null } }]);
    expect(encodeAwarenessUpdate(entries)).toEqual(bytes);
    aw.destroy();
  });

  it('forces the link role and refuses to speak for another connection’s client ids', () => {
    const owned = new Set<number>();
    const others = new Set([99]);
    const kept = sanitizeAwareness(
      [
        { clientId: 1, clock: 1, state: { user: { name: 'Eve', role: 'interviewer' } } },
        { clientId: 99, clock: 5, state: null },
      ],
      'candidate',
      owned,
      (id) => others.has(id),
    );
    expect(kept).toHaveLength(1);
    expect(kept[0]!.state).toEqual({ user: { name: 'Eve', role: 'candidate' } });
    expect([...owned]).toEqual([1]);
  });

  it('rejects states that are not objects', () => {
    const bad = encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: null }]);
    bad[bad.length - 4] = '['.charCodeAt(0); // "null" -> "[ull"
    expect(() => decodeAwarenessUpdate(bad)).toThrow();
    const arr = encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: [1] as unknown as Record<string, unknown> }]);
    expect(() => decodeAwarenessUpdate(arr)).toThrow(/object or null/);
  });

  it('skips the states of entries it is told are unwanted without parsing them, and still catches a truncated one', () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({ clientId: i + 1, clock: 1, state: { user: { name: `n${i}` } } }));
    const bytes = encodeAwarenessUpdate(entries);
    // Break the JSON of every entry but the first two: only parsing them could notice.
    const text = new TextDecoder().decode(bytes);
    const broken = new TextEncoder().encode(text.replace(/"n([2-9]|[1-4][0-9])"/g, (m) => m.replace(/"/g, '{')));
    expect(broken.byteLength).toBe(bytes.byteLength);
    expect(() => decodeAwarenessUpdate(broken)).toThrow();
    const asked: number[] = [];
    const kept = decodeAwarenessUpdate(broken, (id) => {
      asked.push(id);
      return id <= 2;
    });
    expect(kept.map((e) => e.clientId)).toEqual([1, 2]);
    expect(kept[1]!.state).toEqual({ user: { name: 'n1' } });
    expect(asked).toHaveLength(50);
    expect(() => decodeAwarenessUpdate(bytes.subarray(0, bytes.byteLength - 3), (id) => id === 1)).toThrow(/past the end/);
  });
});
