/**
 * Awareness frames are relayed, but not blindly: a connection may only speak for the awareness
 * client ids it introduced, and the role it shows is the role of its link, whatever it claims.
 * Otherwise a candidate could appear as an interviewer or erase someone else's cursor.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { SYNC_LIMITS, type Role } from '../../shared/protocol.js';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** null = the client left */
  state: Record<string, unknown> | null;
}

/**
 * Decodes an awareness update. `wanted`, when given, is asked about each entry before its state
 * is parsed: an entry it turns down is skipped unread (its JSON neither decoded nor checked).
 * Parsing is most of the cost, and a connection past its id cap would otherwise have the server
 * parse 10,000 states to keep none of them (161 ms of main thread per message in the abuse bench).
 */
export function decodeAwarenessUpdate(update: Uint8Array, wanted?: (clientId: number, clock: number) => boolean): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > SYNC_LIMITS.MAX_AWARENESS_ENTRIES_PER_MESSAGE) {
    throw new Error(`awareness update lists ${count} clients (at most ${SYNC_LIMITS.MAX_AWARENESS_ENTRIES_PER_MESSAGE})`);
  }
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    if (wanted && !wanted(clientId, clock)) {
      const length = decoding.readVarUint(decoder);
      if (length > decoder.arr.length - decoder.pos) throw new Error('awareness state runs past the end of the update');
      decoder.pos += length;
      continue;
    }
    const parsed: unknown = JSON.parse(decoding.readVarString(decoder));
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new Error('awareness state must be an object or null');
    }
    entries.push({ clientId, clock, state: parsed as Record<string, unknown> | null });
  }
  return entries;
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Keeps the entries this connection may send and stamps its true role on `user`.
 * `owned` is the set of client ids this connection introduced; `ownedElsewhere` tells whether
 * another connection of the same document already speaks for an id. A connection introduces at
 * most `maxOwned` ids: every id costs the server memory for as long as the document is loaded
 * (awareness keeps a clock per id even after it leaves), and one socket once registered 300,000.
 */
export function sanitizeAwareness(
  entries: AwarenessEntry[],
  role: Role,
  owned: Set<number>,
  ownedElsewhere: (clientId: number) => boolean,
  maxOwned = Number.POSITIVE_INFINITY,
): AwarenessEntry[] {
  const kept: AwarenessEntry[] = [];
  for (const e of entries) {
    if (!owned.has(e.clientId)) {
      // The cap first: it is O(1), and past it a flood of new ids costs nothing more per entry.
      if (owned.size >= maxOwned || ownedElsewhere(e.clientId)) continue;
      owned.add(e.clientId);
    }
    if (e.state && typeof e.state.user === 'object' && e.state.user !== null) {
      e.state = { ...e.state, user: { ...(e.state.user as Record<string, unknown>), role } };
    }
    kept.push(e);
  }
  return kept;
}
