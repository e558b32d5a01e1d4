/**
 * Wire-level constants shared by the server, the client and the tests.
 * Everything here is plain data so both sides (and the docs) agree on one spelling.
 */
import { can, canIn, type RoomKind } from './capabilities.js';

export const ROLES = ['interviewer', 'candidate', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const DOC_NAMES = ['board', 'panel'] as const;
export type DocName = (typeof DOC_NAMES)[number];

export type DocAccess = 'write' | 'read' | 'none';

function accessFromCapabilities(doc: DocName, role: Role): DocAccess {
  if (can(role, `${doc}.write`)) return 'write';
  return can(role, `${doc}.read`) ? 'read' : 'none';
}

/**
 * Who may open which document, derived from the capability table (shared/capabilities.ts).
 * Enforced by the server; the client only mirrors it for the UI.
 */
export const DOC_ACCESS: Record<DocName, Record<Role, DocAccess>> = Object.fromEntries(
  DOC_NAMES.map((doc) => [doc, Object.fromEntries(ROLES.map((role) => [role, accessFromCapabilities(doc, role)]))]),
) as Record<DocName, Record<Role, DocAccess>>;

/** A room's kind picks its table: a pair room has no panel doc for anyone (issue 14). */
export function docAccess(doc: DocName, role: Role, kind: RoomKind = 'interview'): DocAccess {
  if (kind === 'interview') return DOC_ACCESS[doc][role];
  if (canIn(kind, role, `${doc}.write`)) return 'write';
  return canIn(kind, role, `${doc}.read`) ? 'read' : 'none';
}

/**
 * WebSocket close codes. 4xxx mirrors the HTTP status it resembles so logs read naturally.
 * A client must not reconnect after any code in FATAL_CLOSE_CODES: retrying cannot succeed.
 */
export const CloseCode = {
  /** The frame could not be decoded as a y-protocols message. */
  Malformed: 4400,
  /** Missing, unknown or wrong-room token. */
  BadToken: 4401,
  /** The token is valid but its role may not open this document. */
  Forbidden: 4403,
  /** No such room or document. */
  NotFound: 4404,
  /** The link was revoked by an interviewer (while connected, or before). */
  Revoked: 4410,
  /** A single message exceeded MAX_MESSAGE_BYTES. */
  TooLarge: 4413,
  /** The server could not persist an update; the client should reconnect and resend. */
  PersistFailed: 4500,
  /** The server is shutting down; reconnecting (to it or a peer) is the right move. */
  ServerShutdown: 4503,
  // ---- resource limits (issue 12) ----
  /** Too many sockets from this address, or into this room (ATTN_MAX_SOCKETS_PER_IP / _PER_ROOM). */
  TooManySockets: 4429,
  /**
   * The room is over its byte budget (ATTN_MAX_ROOM_BYTES_PER_SEC): a new socket would be sent
   * the whole document on top of it. Not fatal: the client reconnects once the debt is paid.
   */
  RoomBusy: 4430,
  /** The update would grow the document past ATTN_MAX_DOC_BYTES; resending it can never succeed. */
  DocTooLarge: 4507,
  /** The `name` parameter is longer than LIMITS.MAX_NAME_CHARS: say so, not "invalid token". */
  NameTooLong: 4422,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.Malformed,
  CloseCode.BadToken,
  CloseCode.Forbidden,
  CloseCode.NotFound,
  CloseCode.Revoked,
  CloseCode.TooLarge,
  CloseCode.TooManySockets,
  CloseCode.DocTooLarge,
  CloseCode.NameTooLong,
]);

export const CLOSE_REASONS: Record<CloseCode, string> = {
  [CloseCode.Malformed]: 'malformed message',
  [CloseCode.BadToken]: 'invalid or missing token',
  [CloseCode.Forbidden]: 'this link may not open that document',
  [CloseCode.NotFound]: 'no such room or document',
  [CloseCode.Revoked]: 'this link was revoked',
  [CloseCode.TooLarge]: 'message too large',
  [CloseCode.PersistFailed]: 'the server could not save an update',
  [CloseCode.ServerShutdown]: 'server shutting down',
  [CloseCode.TooManySockets]: 'too many connections from this address or to this room',
  [CloseCode.RoomBusy]: 'this room is over its traffic budget; try again in a moment',
  [CloseCode.DocTooLarge]: 'the document is at its size limit',
  [CloseCode.NameTooLong]: 'name too long',
};

/** y-protocols message types as used on the y-websocket wire. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
} as const;

export const LIMITS = {
  /** Default cap on one WebSocket message; ATTN_MAX_MESSAGE_BYTES overrides it. */
  MAX_MESSAGE_BYTES: 2 * 1024 * 1024,
  /** Uploaded image bytes (Excalidraw files). */
  MAX_FILE_BYTES: 4 * 1024 * 1024,
  MAX_TITLE_CHARS: 200,
  MAX_NAME_CHARS: 60,
  /** 256-bit tokens, base64url encoded => 43 characters. */
  TOKEN_BYTES: 32,
} as const;

/**
 * Durability acknowledgement: after a writer's updates are stored, the server sends it its state
 * vector in an acknowledgement frame (AuthMessage.Stored) once the writer pauses for IDLE_MS, and
 * at least every MAX_WAIT_MS while it keeps editing, never twice within MAX_WAIT_MS; only to our
 * client (see AuthMessage). The client calls edits "unsynced" when it is disconnected, or when an
 * edit stays unacknowledged past CLIENT_GRACE_MS: a real problem, not the normal wait.
 */
export const SYNC_ACK = {
  IDLE_MS: 1000,
  MAX_WAIT_MS: 2000,
  CLIENT_GRACE_MS: 3500,
} as const;

/**
 * Sub-types of an auth frame (`MessageType.Auth`). y-protocols defines 0 (permission denied);
 * attn adds 1, the acknowledgement: `[Auth, AuthMessage.Stored, varUint8Array(state vector)]`.
 *
 * Why not a sync step 1, as acknowledgements were until session 22: the stock client answers
 * every step 1 with a step 2 of what the server lacks, so each acknowledgement cost a round trip
 * (the client encoding that answer, the server decoding it), and a server that ran behind got
 * answers holding every edit still on its way in, which it decoded again. The stock client's auth
 * handler reads the sub-type and ignores any but 0, and answers nothing: an acknowledgement is
 * now one frame one way. Our own client reads it off the socket (client/room/syncAck.ts), and only
 * a socket that opened with SYNC_SUBPROTOCOL, as our client's do, is sent any: a stock client
 * would drop them unread.
 */
export const AuthMessage = {
  PermissionDenied: 0,
  Stored: 1,
} as const;

export const SYNC_PATH_PREFIX = '/sync/';

export function syncPath(roomId: string, doc: DocName): string {
  return `${SYNC_PATH_PREFIX}${encodeURIComponent(roomId)}/${doc}`;
}

/** Room ids are short random strings; the pattern is also the route validator. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{8,32}$/;
export const LINK_ID_PATTERN = /^[A-Za-z0-9_-]{6,32}$/;

// --- Token transport on the sync socket (issue 12, finding 7) ---
/**
 * Our clients send the room token as a WebSocket subprotocol, `[SYNC_SUBPROTOCOL,
 * SYNC_TOKEN_PROTOCOL_PREFIX + token]`, not as `?token=`: browsers print a failed socket's URL
 * in the console (and extensions and proxies log URLs), but never its protocols. The server
 * answers with SYNC_SUBPROTOCOL only, so the token is never echoed. `?token=` still works for
 * the stock y-websocket client. Tokens are base64url, which is valid in a protocol name.
 */
export const SYNC_SUBPROTOCOL = 'attn.v1';
export const SYNC_TOKEN_PROTOCOL_PREFIX = 'attn.token.';

export function syncProtocols(token: string): string[] {
  return [SYNC_SUBPROTOCOL, SYNC_TOKEN_PROTOCOL_PREFIX + token];
}

// ---- snippet sandbox (issue 12, finding 1) ----------------------------------
/**
 * The page that hosts the snippet runner's workers in an opaque origin (server/http/runnerHost.ts,
 * framed by client/runner/sandbox.ts). App pages' CSP must allow framing it: `frame-src 'self'`.
 */
export const RUNNER_HOST_PATH = '/runner-host';

// ---- room creation behind ATTN_CREATE_TOKEN (issue 12) ----------------------------------------

/** The header that carries the room-creation secret when the server has one (ATTN_CREATE_TOKEN). */
export const CREATE_TOKEN_HEADER = 'X-Attn-Create-Token';
/** The `error` codes of POST /api/rooms that mean "ask the person for the room-creation secret". */
export const CreateRoomError = {
  /** 401: the server needs the secret and none was sent */
  TokenRequired: 'create_token_required',
  /** 403: the secret sent is not the server's */
  BadToken: 'bad_create_token',
} as const;

/**
 * Title characters that are refused: C0/C1 controls (newlines, escapes, NUL), line and paragraph
 * separators, and bidi embeddings/overrides/isolates, which make a title read differently in a
 * list, a tab or the scorecard than what was typed. Zero-width joiners stay (emoji use them).
 */
export const TITLE_FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * Per-document and per-socket limits of the sync server (issue 12: one abusive client must not
 * exhaust memory or crowd out a room). Each has an ATTN_* variable in server/config.ts.
 */
export const SYNC_LIMITS = {
  /**
   * ATTN_MAX_DOC_BYTES: an update that would grow a document's encoded state past this is
   * refused (4507). It bounds what one writer can make the server hold in memory for a room
   * (the measured attack grew a doc to ~50 MB in 11 s); board images do not count (they live in
   * the file store, the doc holds their metadata).
   */
  MAX_DOC_BYTES: 32 * 1024 * 1024,
  /**
   * ATTN_MAX_AWARENESS_PER_CONN: awareness client ids one socket may speak for. A y-websocket
   * client has one (its Y.Doc's clientID); a few more cover a reloaded doc on a kept socket.
   */
  MAX_AWARENESS_PER_CONN: 4,
  /**
   * The most presence entries one awareness message may list; more closes the socket with 4400.
   * A y-websocket client lists its own state and echoes the changes it hears, so an honest
   * message names at most the room's states: 64 sockets × 4 ids = 256 per instance, 1,024 with
   * four instances on one room. Walking 10,000 entries only to drop them cost the abuse bench
   * 10–47 ms of main thread per message.
   */
  MAX_AWARENESS_ENTRIES_PER_MESSAGE: 1024,
  /** ATTN_MAX_SOCKETS_PER_IP: open sync sockets from one remote address (0 = no limit). */
  MAX_SOCKETS_PER_IP: 128,
  /** ATTN_MAX_SOCKETS_PER_ROOM: open sync sockets into one room, both documents together (0 = no limit). */
  MAX_SOCKETS_PER_ROOM: 64,
  /**
   * ATTN_MAX_ROOM_BYTES_PER_SEC: what one room's sockets may send (and make the server send back
   * in full-document answers) per second, together; over it, the sender's socket is paused, not
   * closed. Bursts of two messages' worth pass at once. 0 = no limit.
   */
  MAX_ROOM_BYTES_PER_SEC: 1024 * 1024,
} as const;
