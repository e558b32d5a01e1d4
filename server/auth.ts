/** Capability tokens: 256 random bits, shown once in a link, stored only as a SHA-256 hash. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../shared/protocol.js';
import type { LinkRecord, RoomRecord, Store } from './store/port.js';

export function newToken(): string {
  return randomBytes(LIMITS.TOKEN_BYTES).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented token with a stored hash (used by tests and lookups by id). */
export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Short human-friendly ids for rooms and links (not secrets: knowing one grants nothing). */
export function newId(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

/** A well-formed token is 43 base64url characters; anything else is refused before hashing. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Why a presented token was refused. `bad` covers malformed, unknown and other-room tokens
 * alike, so a stranger learns nothing about which links exist.
 */
export type LinkRefusal = 'bad' | 'revoked' | 'no_room';
export type ResolvedLink = { ok: true; link: LinkRecord; room: RoomRecord } | { ok: false; reason: LinkRefusal };

/**
 * The one place a room token becomes a link: REST (http/auth.ts) and the WebSocket upgrade
 * (sync/syncServer.ts) both call it and only map the refusal to their own status or close code,
 * so the two doors can never disagree about who is in.
 */
export async function resolveLink(store: Store, roomId: string, token: string): Promise<ResolvedLink> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'bad' };
  const link = await store.findLinkByTokenHash(hashToken(token));
  if (!link || link.roomId !== roomId) return { ok: false, reason: 'bad' };
  if (link.revokedAt !== null) return { ok: false, reason: 'revoked' };
  const room = await store.getRoom(roomId);
  if (!room) return { ok: false, reason: 'no_room' };
  return { ok: true, link, room };
}
