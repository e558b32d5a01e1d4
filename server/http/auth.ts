/** Bearer-token authentication for REST routes. The token itself is never logged or stored. */
import type { NextFunction, Request, Response } from 'express';
import { rolesWithIn, type Capability } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { ROOM_ID_PATTERN } from '../../shared/protocol.js';
import { resolveLink, type LinkRefusal } from '../auth.js';
import type { LinkRecord, RoomRecord, Store } from '../store/port.js';
import { HttpError } from './errors.js';

export interface Authed {
  room: RoomRecord;
  link: LinkRecord;
}

declare module 'express-serve-static-core' {
  interface Request {
    authed?: Authed;
  }
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1]! : null;
}

const REFUSALS: Record<LinkRefusal, () => HttpError> = {
  bad: () => new HttpError(401, 'unauthorized', 'This link is not valid for this room.'),
  revoked: () => new HttpError(410, 'revoked', 'This link was revoked by the interviewer.'),
  no_room: () => new HttpError(404, 'not_found', 'No such room.'),
};

/**
 * Resolves `:roomId` + bearer token to a link whose role holds `capability` in this room's kind
 * (shared/capabilities.ts), or answers 400/401/403/404/410. The 403 names the roles that may, from
 * the same table; a capability no role holds in this kind (a pair room's panel) says so instead.
 */
export function requireCapability(store: Store, capability: Capability) {
  return requireRole(store, (room) => rolesWithIn(room.kind, capability));
}

const KIND_NOUN: Record<RoomRecord['kind'], string> = { interview: 'an interview', pair: 'a pair room', practice: 'a practice room' };

/**
 * Resolves `:roomId` + bearer token to a link of one of `rolesFor(room)`, or answers 400/401/403/404/410.
 * Private: routes name a capability (requireCapability), so a role's rights live in one table.
 */
function requireRole(store: Store, rolesFor: (room: RoomRecord) => readonly Role[]) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const roomId = String(req.params.roomId ?? '');
    if (!ROOM_ID_PATTERN.test(roomId)) throw new HttpError(400, 'bad_room_id', 'That is not a valid room id.');
    const token = bearerToken(req);
    if (!token) throw new HttpError(401, 'unauthorized', 'Send the link token as "Authorization: Bearer <token>".');
    const resolved = await resolveLink(store, roomId, token);
    if (!resolved.ok) throw REFUSALS[resolved.reason]();
    const { link, room } = resolved;
    const roles = rolesFor(room);
    if (roles.length === 0) throw new HttpError(403, 'forbidden', `That is not available in ${KIND_NOUN[room.kind]}.`);
    if (!roles.includes(link.role)) {
      throw new HttpError(403, 'forbidden', `Only ${roles.join(' or ')} links may do this.`);
    }
    req.authed = { room, link };
    next();
  };
}

