/**
 * One-shot board events carried in awareness (shared/doc.ts `inserted`, `summon`): a peer bumps
 * a counter, everyone else reacts once. Pure: no Excalidraw, no DOM.
 *
 * A counter seen for the first time (a peer who was already in the room when we joined, or the
 * first state we get from them) is only recorded: a late joiner is not toasted about, or pulled
 * to, something that happened before they came.
 */
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import type { AwarenessState, ViewportBounds } from '../../shared/doc.js';
import { ROLES, type Role } from '../../shared/protocol.js';

export type PeerEvent =
  | { kind: 'inserted'; clientId: number; name: string; what: 'template' | 'diagram'; bounds: ViewportBounds }
  | { kind: 'summon'; clientId: number; name: string; viewport: ViewportBounds };

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

export function validBounds(value: unknown): ViewportBounds | null {
  const b = value as Partial<ViewportBounds> | null | undefined;
  if (!b || !finite(b.minX) || !finite(b.minY) || !finite(b.maxX) || !finite(b.maxY)) return null;
  if (b.maxX < b.minX || b.maxY < b.minY) return null;
  return { minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY };
}

function seqOf(value: unknown): number | null {
  const seq = (value as { seq?: unknown } | null | undefined)?.seq;
  return finite(seq) ? seq : null;
}

interface Seen {
  inserted: number | null;
  summon: number | null;
}

export class PeerSignals {
  private readonly seen = new Map<number, Seen>();

  /** `kind`: the room's kind, whose column says who may summon (every peer in a pair room). */
  constructor(private readonly kind: RoomKind = 'interview') {}

  /** The events in `states` since the last call, for everyone but `localClientId`. */
  read(states: ReadonlyMap<number, AwarenessState>, localClientId: number): PeerEvent[] {
    const events: PeerEvent[] = [];
    for (const clientId of [...this.seen.keys()]) if (!states.has(clientId)) this.seen.delete(clientId);
    for (const [clientId, state] of states) {
      if (clientId === localClientId) continue;
      const name = typeof state.user?.name === 'string' ? state.user.name : 'Someone';
      const role = state.user?.role;
      const inserted = seqOf(state.inserted);
      const summon = seqOf(state.summon);
      const before = this.seen.get(clientId);
      this.seen.set(clientId, { inserted, summon });
      if (!before) continue;
      if (inserted !== null && inserted !== before.inserted) {
        const bounds = validBounds(state.inserted?.bounds);
        const what = state.inserted?.what === 'diagram' ? 'diagram' : 'template';
        if (bounds) events.push({ kind: 'inserted', clientId, name, what, bounds });
      }
      if (summon !== null && summon !== before.summon) {
        // Awareness is relayed unchecked: only a role holding board.summon in this kind of room may move other people.
        const allowed = typeof role === 'string' && (ROLES as readonly string[]).includes(role) && canIn(this.kind, role as Role, 'board.summon');
        const viewport = validBounds(state.viewport);
        if (allowed && viewport) events.push({ kind: 'summon', clientId, name, viewport });
      }
    }
    return events;
  }
}

/** The next counter for a signal this client sends (a fresh start per page is fine: peers compare for change). */
export function nextSeq(current: unknown): number {
  const seq = seqOf(current);
  return seq === null ? 1 : seq + 1;
}
