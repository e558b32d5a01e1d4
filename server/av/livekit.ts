/**
 * LiveKit, server side: access tokens with explicit grants per role, Egress (room composite to a
 * file) and removing a revoked link's participants, each behind a small port so the routes can
 * be tested without a LiveKit server.
 *
 * The SDK itself is loaded on first use only (`sdk()`): with its protobuf runtime it is ~100
 * modules and ~4.5 MB of heap, held for the life of the process whether LiveKit is configured or
 * not, and V8's concurrent marking scans the whole heap on every major GC (attn's idle heap was
 * 27 MB against the bare relay's 6 MB, measured with --expose-gc after start-up).
 */
import crypto from 'node:crypto';
import type { EgressClient, EgressInfo, RoomServiceClient, VideoGrant } from 'livekit-server-sdk';
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import { ROLES, type Role } from '../../shared/protocol.js';
import type { LiveKitConfig } from '../config.js';

/**
 * Short: a token only has to last until the client connects (LiveKit checks it at join only;
 * reconnects within a session reuse the connection, and the client mints a fresh one for a new
 * join). It is also the window in which a revoked link's unused token could still join.
 */
export const AV_TOKEN_TTL_SECONDS = 10 * 60;

/**
 * Every grant spelled out, false included: LiveKit treats a missing canPublishData as true, and
 * a missing canPublish + canSubscribe as both true, so an observer must say no explicitly.
 */
export function grantsFor(role: Role, roomId: string, kind: RoomKind = 'interview'): VideoGrant {
  const speaks = canIn(kind, role, 'av.publish');
  return {
    room: roomId,
    roomJoin: true,
    canPublish: speaks,
    canSubscribe: true,
    canPublishData: speaks,
    // Admin (removing others) and recording go together with the recording controls.
    roomAdmin: canIn(kind, role, 'recording.control'),
    roomRecord: canIn(kind, role, 'recording.control'),
  };
}

const IDENTITY_SUFFIX_CHARS = 6;
const SUFFIX_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${IDENTITY_SUFFIX_CHARS}}$`);

/**
 * Unique per participant *and* tab: LiveKit disconnects an older session that reuses an identity.
 * The link id inside is what lets a revoke find every participant who joined with that link.
 */
export function avIdentity(role: Role, linkId: string): string {
  return `${role}-${linkId}-${crypto.randomBytes(6).toString('base64url').slice(0, IDENTITY_SUFFIX_CHARS)}`;
}

/**
 * Whether `identity` was minted by avIdentity for `linkId`. Exact, although link ids may contain
 * '-': the suffix has a fixed length, so link "ab" never matches an identity of link "ab-cdef".
 */
export function isLinkIdentity(identity: string, linkId: string): boolean {
  return ROLES.some((role) => {
    const prefix = `${role}-${linkId}-`;
    return identity.startsWith(prefix) && SUFFIX_PATTERN.test(identity.slice(prefix.length));
  });
}

type LiveKitSdk = typeof import('livekit-server-sdk');
let sdkModule: Promise<LiveKitSdk> | null = null;
/** The SDK, imported once on the first call that needs it. */
function sdk(): Promise<LiveKitSdk> {
  sdkModule ??= import('livekit-server-sdk');
  return sdkModule;
}

export async function mintAvToken(lk: LiveKitConfig, opts: { role: Role; linkId: string; roomId: string; name: string; kind?: RoomKind }): Promise<{ token: string; identity: string }> {
  const identity = avIdentity(opts.role, opts.linkId);
  const { AccessToken } = await sdk();
  const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity, name: opts.name, ttl: AV_TOKEN_TTL_SECONDS });
  at.addGrant(grantsFor(opts.role, opts.roomId, opts.kind));
  return { token: await at.toJwt(), identity };
}

/** What revoking a link needs from LiveKit: everyone in the call through that link leaves it. */
export interface AvParticipantsPort {
  /** Removes from `roomName`'s call every participant minted for `linkId`; resolves to how many. */
  removeLink(roomName: string, linkId: string): Promise<number>;
}

/** The subset of livekit-server-sdk's RoomServiceClient we call. */
export type RoomServiceApi = Pick<RoomServiceClient, 'listParticipants' | 'removeParticipant'>;

const isNotFound = (err: unknown) => (err as { code?: unknown } | null)?.code === 'not_found';

export function liveKitParticipants(lk: LiveKitConfig, given?: RoomServiceApi): AvParticipantsPort {
  let client: Promise<RoomServiceApi> | null = given ? Promise.resolve(given) : null;
  const roomService = () => (client ??= sdk().then(({ RoomServiceClient: Client }) => new Client(lk.apiUrl, lk.apiKey, lk.apiSecret)));
  return {
    async removeLink(roomName, linkId) {
      const api = await roomService();
      let participants: Awaited<ReturnType<RoomServiceApi['listParticipants']>>;
      try {
        participants = await api.listParticipants(roomName);
      } catch (err) {
        // No call has started in this room (LiveKit creates rooms on first join): nobody to remove.
        if (isNotFound(err)) return 0;
        throw err;
      }
      let removed = 0;
      for (const p of participants) {
        if (!isLinkIdentity(p.identity, linkId)) continue;
        try {
          // RemoveParticipant also revokes that identity's tokens issued before now, so the
          // same JWT cannot rejoin within its TTL.
          await api.removeParticipant(roomName, p.identity);
          removed++;
        } catch (err) {
          // Left between the listing and now: already gone, which is what we wanted.
          if (!isNotFound(err)) throw err;
        }
      }
      return removed;
    },
  };
}

/** What the recording routes need from LiveKit Egress. */
export interface EgressPort {
  startRoomComposite(roomName: string): Promise<{ egressId: string }>;
  /** Stops it; `file` is where Egress says the output went (see egressOutputFile), null if it named none. */
  stop(egressId: string): Promise<{ file: string | null }>;
}

/** The subset of livekit-server-sdk's EgressClient we call (so a test can hand in a fake). */
export type EgressApi = Pick<EgressClient, 'startRoomCompositeEgress' | 'stopEgress'>;

/**
 * The file lands on the Egress service's storage (its local disk, or the bucket it is configured
 * with); `{time}` is expanded by Egress, so two recordings of one room never overwrite each other.
 */
export function recordingFilepath(roomName: string): string {
  return `attn/${roomName}/{time}.mp4`;
}

export function liveKitEgress(lk: LiveKitConfig, given?: EgressApi): EgressPort {
  let client: Promise<EgressApi> | null = given ? Promise.resolve(given) : null;
  const egress = () => (client ??= sdk().then(({ EgressClient: Client }) => new Client(lk.apiUrl, lk.apiKey, lk.apiSecret)));
  return {
    async startRoomComposite(roomName) {
      const [api, { EncodedFileOutput, EncodedFileType }] = await Promise.all([egress(), sdk()]);
      const file = new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath: recordingFilepath(roomName) });
      const info = await api.startRoomCompositeEgress(roomName, { file }, { layout: 'speaker' });
      if (!info.egressId) throw new Error('LiveKit Egress answered without an egress id');
      return { egressId: info.egressId };
    },
    async stop(egressId) {
      const info = await (await egress()).stopEgress(egressId);
      return { file: egressOutputFile(info) };
    },
  };
}

/**
 * The output file Egress reported: its `location` when that is already an http(s) URL (an S3 or
 * GCS upload), else its `filename` (the path under the storage Egress writes to), else null. A
 * stop answered while Egress is still finishing may name no file yet.
 */
export function egressOutputFile(info: Partial<Pick<EgressInfo, 'fileResults'>> | null | undefined): string | null {
  for (const f of info?.fileResults ?? []) {
    if (f.location && /^https?:\/\//i.test(f.location)) return f.location;
    if (f.filename) return f.filename;
    if (f.location) return f.location;
  }
  return null;
}

/**
 * The URL a browser plays a recording from: the stored file when it is already an http(s) URL,
 * else `recordingsUrl` + '/' + the file name; null when neither is known.
 */
export function recordingUrl(file: string | null, recordingsUrl: string | undefined): string | null {
  if (!file) return null;
  if (/^https?:\/\//i.test(file)) return file;
  if (!recordingsUrl) return null;
  const name = file.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
  return `${recordingsUrl.replace(/\/+$/, '')}/${name}`;
}
