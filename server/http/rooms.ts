/** Rooms and their capability links. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import { CreateLinkBody, CreateRoomBody, type ConvertRoomResponse, type CreateAnyRoomResponse, type LinkInfo, type NewLink, type RoomInfo } from '../../shared/api.js';
import { KIND_LINKS, KIND_ROLES, type RoomKind } from '../../shared/capabilities.js';
import { CREATE_TOKEN_HEADER, CreateRoomError, LINK_ID_PATTERN, type Role } from '../../shared/protocol.js';
import { hashToken, newId, newToken } from '../auth.js';
import type { LinkRecord, RoomRecord, Store } from '../store/port.js';
import type { SyncServer } from '../sync/syncServer.js';
import type { AvParticipantsPort } from '../av/livekit.js';
import type { Logger } from '../log.js';
import type { QuestionBank } from '../questions/load.js';
import { requireCapability } from './auth.js';
import { checkPlan, replacePlan } from './interview.js';
import { HttpError, zodMessage } from './errors.js';
import { clientKey, RateLimiter } from './rateLimit.js';

export interface RoomsDeps {
  store: Store;
  sync: SyncServer;
  questions: QuestionBank;
  publicUrl: string | undefined;
  /** Host headers links may be built from when publicUrl is unset (lower case, `name` or `name:port`). */
  allowedHosts: readonly string[];
  /** ATTN_CREATE_TOKEN: the secret POST /api/rooms needs, if any. */
  createToken?: string | undefined;
  /** ATTN_ROOM_CREATE_PER_MINUTE per client address; 0 = unlimited. */
  roomCreatePerMinute: number;
  /** LiveKit's participants, to drop a revoked link from the call; null when LiveKit is off. */
  avParticipants?: AvParticipantsPort | null;
  log?: Logger;
}

const DEFAULT_TITLE: Record<RoomKind, string> = { interview: 'Untitled interview', pair: 'Whiteboard', practice: 'Practice' };

const roomInfo = (r: RoomRecord): RoomInfo => ({ id: r.id, title: r.title, createdAt: r.createdAt, kind: r.kind });

export const linkInfo = (l: LinkRecord): LinkInfo => ({ id: l.id, role: l.role, createdAt: l.createdAt, revokedAt: l.revokedAt });

/**
 * Where the links we hand out point. The Host header is the client's to choose: a link built from
 * any Host would let a crafted request (or a poisoned proxy cache) hand an interviewer links to an
 * attacker's server, with the tokens in them. So only ATTN_PUBLIC_URL, or a Host on the list.
 */
function baseUrl(req: Request, publicUrl: string | undefined, allowedHosts: readonly string[]): string {
  if (publicUrl) return publicUrl;
  const host = (req.get('host') ?? '').toLowerCase();
  const name = host.replace(/:\d+$/, '');
  if (!host || !(allowedHosts.includes(host) || allowedHosts.includes(name))) {
    const shown = JSON.stringify(host.slice(0, 100));
    throw new HttpError(400, 'bad_host', `Links can't be made for host ${shown}: set ATTN_PUBLIC_URL, or add the host to ATTN_ALLOWED_HOSTS.`);
  }
  return `${req.protocol}://${host}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so neither the secret's length nor its prefix leaks through timing. */
function checkCreateToken(req: Request, secret: string | undefined): void {
  if (!secret) return;
  const sent = req.get(CREATE_TOKEN_HEADER);
  if (!sent) {
    throw new HttpError(401, CreateRoomError.TokenRequired, `Creating an interview on this server needs its room-creation secret (${CREATE_TOKEN_HEADER}).`);
  }
  if (!timingSafeEqual(sha256(sent), sha256(secret))) {
    throw new HttpError(403, CreateRoomError.BadToken, 'That room-creation secret is not right.');
  }
}

function mintLink(roomId: string, role: Role, now: number): { record: LinkRecord; token: string } {
  const token = newToken();
  return { token, record: { id: newId(10), roomId, role, tokenHash: hashToken(token), createdAt: now, revokedAt: null } };
}

function newLink(base: string, record: LinkRecord, token: string): NewLink {
  // The token rides in the fragment: browsers never send it to a server or put it in a Referer.
  return { ...linkInfo(record), token, url: `${base}/r/${record.roomId}#token=${token}` };
}

export function roomsRouter({ store, sync, questions, publicUrl, allowedHosts, createToken, roomCreatePerMinute, avParticipants = null, log }: RoomsDeps): Router {
  const r = Router();
  const creations = new RateLimiter(roomCreatePerMinute);

  r.post('/', async (req, res) => {
    // The rate comes first, so guessing the creation secret is rate-limited too.
    const taken = creations.take(clientKey(req.ip));
    if (!taken.ok) {
      res.set('Retry-After', String(taken.retryAfterS));
      throw new HttpError(429, 'too_many_rooms', `Too many new interviews from your address; try again in ${taken.retryAfterS} s.`);
    }
    checkCreateToken(req, createToken);
    const body = CreateRoomBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const kind = body.data.kind ?? 'interview';
    if (body.data.plan) {
      // A pair room has no panel doc, so nowhere to keep a plan.
      if (kind === 'pair') throw new HttpError(400, 'bad_request', 'plan: a pair room has no plan (it has no panel).');
      checkPlan(questions, body.data.plan);
    }
    // Before anything is stored: a room whose links can't be handed out would be lost.
    const base = baseUrl(req, publicUrl, allowedHosts);
    const now = Date.now();
    const room: RoomRecord = { id: newId(12), title: body.data.title || DEFAULT_TITLE[kind], createdAt: now, kind };
    const minted = KIND_LINKS[kind].map((role) => mintLink(room.id, role, now));
    await store.createRoom(room, minted.map((m) => m.record));
    const plan = body.data.plan;
    if (plan && plan.length > 0) await sync.change(room.id, 'panel', (doc) => replacePlan(doc, plan));
    const links: CreateAnyRoomResponse['links'] = {};
    for (const m of minted) links[m.record.role] = newLink(base, m.record, m.token);
    const out: CreateAnyRoomResponse = { room: roomInfo(room), links };
    res.status(201).json(out);
  });

  r.get('/:roomId', requireCapability(store, 'room.read'), (req, res) => {
    const { room, link } = req.authed!;
    res.json({ room: roomInfo(room), role: link.role, linkId: link.id });
  });

  r.get('/:roomId/links', requireCapability(store, 'links.manage'), async (req, res) => {
    const links = await store.listLinks(req.authed!.room.id);
    res.json({ links: links.map(linkInfo) });
  });

  r.post('/:roomId/links', requireCapability(store, 'links.manage'), async (req, res) => {
    const body = CreateLinkBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const { room } = req.authed!;
    if (!KIND_ROLES[room.kind].includes(body.data.role)) {
      throw new HttpError(400, 'bad_role', `A ${room.kind} room has no ${body.data.role} links (it has ${KIND_ROLES[room.kind].join(', ')}).`);
    }
    const base = baseUrl(req, publicUrl, allowedHosts);
    const { record, token } = mintLink(room.id, body.data.role, Date.now());
    await store.addLink(record);
    res.status(201).json(newLink(base, record, token));
  });

  r.post('/:roomId/links/:linkId/revoke', requireCapability(store, 'links.manage'), async (req, res) => {
    const linkId = String(req.params.linkId);
    if (!LINK_ID_PATTERN.test(linkId)) throw new HttpError(400, 'bad_link_id', 'That is not a valid link id.');
    const revoked = await store.revokeLink(req.authed!.room.id, linkId, Date.now());
    if (!revoked) throw new HttpError(404, 'not_found', 'No such link in this room.');
    const closed = sync.revokeLink(revoked.id);
    // The link is revoked whatever LiveKit says: an unreachable LiveKit must not undo that, so
    // its failure is logged and reported as null rather than failing the request.
    let removedFromCall: number | null = null;
    if (avParticipants) {
      try {
        removedFromCall = await avParticipants.removeLink(revoked.roomId, revoked.id);
      } catch (err) {
        log?.warn('could not remove a revoked link from the LiveKit call', { link: revoked.id, err: String(err) });
      }
    }
    res.json({ ...linkInfo(revoked), closedConnections: closed, removedFromCall });
  });

  /**
   * Pair → interview, keeping the board (same room, same docs). The peer link becomes the
   * interviewer link it already was by role; the panel doc opens to it from now on, and a
   * candidate link is minted to hand out. Compare-and-set on the kind: a second convert is a 409.
   */
  r.post('/:roomId/convert', requireCapability(store, 'room.convert'), async (req, res) => {
    const base = baseUrl(req, publicUrl, allowedHosts);
    const converted = await store.setRoomKind(req.authed!.room.id, 'pair', 'interview');
    if (!converted) throw new HttpError(409, 'already_converted', 'This room is already an interview.');
    const { record, token } = mintLink(converted.id, 'candidate', Date.now());
    await store.addLink(record);
    const out: ConvertRoomResponse = { room: roomInfo(converted), candidate: newLink(base, record, token) };
    res.status(201).json(out);
  });

  return r;
}
