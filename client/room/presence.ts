import { LIMITS, ROLES, type Role } from '../../shared/protocol.js';
import type { AwarenessUser } from '../../shared/doc.js';

export interface PresenceEntry {
  clientId: number;
  user: AwarenessUser;
  isSelf: boolean;
}

/** Awareness is remote input: keep only states that carry a well-formed `user`. */
export function readAwarenessUser(state: unknown): AwarenessUser | null {
  if (typeof state !== 'object' || state === null) return null;
  const user = (state as { user?: unknown }).user;
  if (typeof user !== 'object' || user === null) return null;
  const { name, role, color, colorLight } = user as Record<string, unknown>;
  if (typeof name !== 'string' || !name.trim()) return null;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const safeColor = typeof color === 'string' && /^#[0-9a-f]{3,8}$/i.test(color) ? color : '#64748b';
  return {
    name: name.trim().slice(0, LIMITS.MAX_NAME_CHARS),
    role: role as Role,
    color: safeColor,
    colorLight: typeof colorLight === 'string' && /^#[0-9a-f]{3,8}$/i.test(colorLight) ? colorLight : safeColor,
  };
}

const ROLE_ORDER: Record<Role, number> = { interviewer: 0, candidate: 1, observer: 2 };

/**
 * You first, then by role (interviewers, candidate, observers), then by name, then by id, so
 * the avatars keep their places when someone's state changes.
 */
export function presenceList(states: ReadonlyMap<number, unknown>, selfId: number): PresenceEntry[] {
  const entries: PresenceEntry[] = [];
  for (const [clientId, state] of states) {
    const user = readAwarenessUser(state);
    if (user) entries.push({ clientId, user, isSelf: clientId === selfId });
  }
  return entries.sort(
    (a, b) =>
      Number(b.isSelf) - Number(a.isSelf) ||
      ROLE_ORDER[a.user.role] - ROLE_ORDER[b.user.role] ||
      a.user.name.localeCompare(b.user.name) ||
      a.clientId - b.clientId,
  );
}
