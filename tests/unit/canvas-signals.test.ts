import { describe, expect, it } from 'vitest';
import type { AwarenessState } from '../../shared/doc.js';
import { PeerSignals, nextSeq, validBounds } from '../../client/canvas/signals.js';
import { KIND_ROLES, ROOM_KINDS, canIn } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';

const viewport = { minX: 0, minY: 0, maxX: 800, maxY: 600 };
const bounds = { minX: 900, minY: 0, maxX: 1400, maxY: 300 };
const ines = (extra: Partial<AwarenessState> = {}): AwarenessState => ({
  user: { name: 'Ines', role: 'interviewer', color: '#123456', colorLight: '#123456' },
  viewport,
  ...extra,
});
const cam = (extra: Partial<AwarenessState> = {}): AwarenessState => ({
  user: { name: 'Cam', role: 'candidate', color: '#654321', colorLight: '#654321' },
  viewport,
  ...extra,
});

describe('PeerSignals', () => {
  it('records a peer\'s first state silently, then reports each new insert once', () => {
    const signals = new PeerSignals();
    expect(signals.read(new Map([[1, ines({ inserted: { seq: 3, what: 'template', bounds } })]]), 9)).toEqual([]);
    expect(signals.read(new Map([[1, ines({ inserted: { seq: 3, what: 'template', bounds } })]]), 9)).toEqual([]);
    expect(signals.read(new Map([[1, ines({ inserted: { seq: 4, what: 'diagram', bounds } })]]), 9)).toEqual([
      { kind: 'inserted', clientId: 1, name: 'Ines', what: 'diagram', bounds },
    ]);
  });

  it('ignores its own state', () => {
    const signals = new PeerSignals();
    signals.read(new Map([[9, ines()]]), 9);
    expect(signals.read(new Map([[9, ines({ summon: { seq: 1 } })]]), 9)).toEqual([]);
  });

  it('honours a summon only from a role with board.summon, and only with a valid viewport', () => {
    const signals = new PeerSignals();
    signals.read(new Map([[1, ines()], [2, cam()]]), 9);
    const events = signals.read(new Map([[1, ines({ summon: { seq: 1 } })], [2, cam({ summon: { seq: 1 } })]]), 9);
    expect(events).toEqual([{ kind: 'summon', clientId: 1, name: 'Ines', viewport }]);
    const broken = signals.read(new Map([[1, { ...ines({ summon: { seq: 2 } }), viewport: { minX: Number.NaN } as never }]]), 9);
    expect(broken).toEqual([]);
  });

  it('honours a summon by the room kind\'s column: every peer in a pair room, only the asker in practice', () => {
    const summoner = (role: Role, extra: Partial<AwarenessState> = {}): AwarenessState => ({
      user: { name: role, role, color: '#123456', colorLight: '#123456' },
      viewport,
      ...extra,
    });
    const honoured = (kind: (typeof ROOM_KINDS)[number], role: Role) => {
      const signals = new PeerSignals(kind);
      signals.read(new Map([[1, summoner(role)]]), 9);
      return signals.read(new Map([[1, summoner(role, { summon: { seq: 1 } })]]), 9).length === 1;
    };
    for (const kind of ROOM_KINDS) {
      for (const role of KIND_ROLES[kind]) expect(honoured(kind, role), `${kind} ${role}`).toBe(canIn(kind, role, 'board.summon'));
    }
    // In the kinds' own words: a pair room's peers move each other, its read-only link nobody.
    expect(honoured('pair', 'interviewer')).toBe(true);
    expect(honoured('pair', 'observer')).toBe(false);
    expect(honoured('practice', 'interviewer')).toBe(true);
    expect(honoured('practice', 'candidate')).toBe(false);
  });

  it('forgets a peer who left, so a rejoin starts silent again', () => {
    const signals = new PeerSignals();
    signals.read(new Map([[1, cam()]]), 9);
    signals.read(new Map(), 9);
    expect(signals.read(new Map([[1, cam({ inserted: { seq: 1, what: 'template', bounds } })]]), 9)).toEqual([]);
  });

  it('drops inserts with malformed bounds', () => {
    const signals = new PeerSignals();
    signals.read(new Map([[1, cam()]]), 9);
    expect(signals.read(new Map([[1, cam({ inserted: { seq: 1, what: 'template', bounds: { minX: 5, minY: 0, maxX: 1, maxY: 1 } } })]]), 9)).toEqual([]);
  });
});

describe('nextSeq / validBounds', () => {
  it('counts up from whatever was there', () => {
    expect(nextSeq(undefined)).toBe(1);
    expect(nextSeq({ seq: 41 })).toBe(42);
    expect(nextSeq({ seq: 'x' })).toBe(1);
  });
  it('accepts only finite, ordered bounds', () => {
    expect(validBounds(bounds)).toEqual(bounds);
    expect(validBounds({ minX: 0, minY: 0, maxX: Infinity, maxY: 1 })).toBeNull();
    expect(validBounds(null)).toBeNull();
  });
});
