/**
 * Configuration: read from the environment once, validated with zod.
 * A bad value stops start-up with one line that names the variable (see main.ts).
 */
import path from 'node:path';
import { z } from 'zod';
import { LIMITS, SYNC_LIMITS } from '../shared/protocol.js';
import { defaultQuestionsDir } from './questions/load.js';
import { DEFAULT_STORE_LIMITS } from './store/port.js';

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** Rooms one address may create per minute (also the burst); 0 turns the limit off. */
export const DEFAULT_ROOM_CREATE_PER_MINUTE = 30;
/** 16 images at the 4 MiB cap: a whiteboard's worth of screenshots, not a file share. */
export const DEFAULT_MAX_UPLOAD_BYTES_PER_ROOM = 64 * 1024 * 1024;
/** Hosts links may be built from when neither ATTN_PUBLIC_URL nor ATTN_ALLOWED_HOSTS is set. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const EnvSchema = z.object({
  PORT: intFrom(0, 65535).default(8080),
  HOST: z.string().trim().min(1, 'must not be empty').default('0.0.0.0'),
  ATTN_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  ATTN_PUBLIC_URL: z
    .string()
    .trim()
    .url('must be an absolute URL such as https://attn.example.com')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  ATTN_RECORDINGS_URL: z
    .string()
    .trim()
    .url('must be an absolute URL such as https://recordings.example.com/attn')
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  ATTN_DATABASE_URL: z
    .string()
    .trim()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must start with postgres:// or postgresql:// (e.g. postgres://attn@db.internal:5432/attn)')
    .refine((u) => URL.canParse(u), 'must be a valid URL such as postgres://attn@db.internal:5432/attn (percent-encode special characters in the password)')
    .optional(),
  ATTN_DATABASE_POOL_SIZE: intFrom(1, 1000).default(10),
  ATTN_REDIS_URL: z
    .string()
    .trim()
    .refine((u) => /^rediss?:\/\//.test(u), 'must start with redis:// or rediss:// (e.g. redis://redis.internal:6379)')
    .refine((u) => URL.canParse(u), 'must be a valid URL such as redis://redis.internal:6379 (percent-encode special characters in the password)')
    .optional(),
  ATTN_MAX_MESSAGE_BYTES: intFrom(1024, 64 * 1024 * 1024).default(LIMITS.MAX_MESSAGE_BYTES),
  ATTN_SNAPSHOT_EVERY_UPDATES: intFrom(1, 1_000_000).default(500),
  ATTN_SQLITE_WRITER: z.enum(['journal', 'thread', 'inline']).default('journal'),
  ATTN_ROOM_IDLE_MS: intFrom(0, 24 * 60 * 60 * 1000).default(30_000),
  ATTN_PING_INTERVAL_MS: intFrom(1000, 10 * 60 * 1000).default(30_000),
  ATTN_FRAME_SLICE_MS: intFrom(1, 1000).default(5),
  ATTN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  QUESTIONS_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  LIVEKIT_URL: z
    .string()
    .trim()
    .refine((u) => /^(wss?|https?):\/\/[^\s/]+/.test(u), 'must start with ws://, wss://, http:// or https:// (e.g. ws://localhost:7880)')
    .refine((u) => URL.canParse(u), 'must be an absolute URL such as wss://my-project.livekit.cloud')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  LIVEKIT_API_KEY: z.string().trim().min(1, 'must not be empty').optional(),
  LIVEKIT_API_SECRET: z.string().trim().min(1, 'must not be empty').optional(),
  LIVEKIT_EGRESS: z.enum(['0', '1'], 'must be 1 (recording on) or 0 (off)').default('0'),
  // ---- trust boundary: who may create rooms, how much one room or address may take ----
  ATTN_CREATE_TOKEN: z.string().trim().min(16, 'must be at least 16 characters (a shared secret, e.g. from `openssl rand -hex 16`)').optional(),
  ATTN_ROOM_CREATE_PER_MINUTE: intFrom(0, 100_000).default(DEFAULT_ROOM_CREATE_PER_MINUTE),
  ATTN_TRUST_PROXY: intFrom(0, 10).default(0),
  ATTN_MAX_UPLOAD_BYTES_PER_ROOM: intFrom(LIMITS.MAX_FILE_BYTES, 64 * 1024 * 1024 * 1024).default(DEFAULT_MAX_UPLOAD_BYTES_PER_ROOM),
  ATTN_MAX_EVENTS_PER_ROOM: intFrom(1, 1_000_000).default(DEFAULT_STORE_LIMITS.maxEventsPerRoom),
  ATTN_HEALTH_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  ATTN_ALLOWED_HOSTS: z
    .string()
    .trim()
    .transform((list) => list.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/, 'must be a comma-separated list of host names, each with an optional :port (e.g. attn.example.com,10.0.0.5:8080)')).min(1, 'must name at least one host'))
    .optional(),
  // ---- sync resource limits (issue 12) ----
  ATTN_MAX_DOC_BYTES: intFrom(64 * 1024, 1024 * 1024 * 1024).default(SYNC_LIMITS.MAX_DOC_BYTES),
  ATTN_MAX_AWARENESS_PER_CONN: intFrom(1, 1000).default(SYNC_LIMITS.MAX_AWARENESS_PER_CONN),
  ATTN_MAX_SOCKETS_PER_IP: intFrom(0, 1_000_000).default(SYNC_LIMITS.MAX_SOCKETS_PER_IP),
  ATTN_MAX_SOCKETS_PER_ROOM: intFrom(0, 1_000_000).default(SYNC_LIMITS.MAX_SOCKETS_PER_ROOM),
  ATTN_MAX_ROOM_BYTES_PER_SEC: intFrom(0, 1024 * 1024 * 1024).default(SYNC_LIMITS.MAX_ROOM_BYTES_PER_SEC),
});


/** The LiveKit server that carries the call; null when audio/video is off. Never sent to the client except `url`. */
export interface LiveKitConfig {
  /** What browsers connect to (ws:// or wss://; an http(s) URL is turned into ws(s)). */
  url: string;
  /** The same server for server-side API calls (Egress): http:// or https://. */
  apiUrl: string;
  apiKey: string;
  apiSecret: string;
  /** LIVEKIT_EGRESS=1: the interviewer may record the call (needs an Egress service next to LiveKit). */
  egress: boolean;
}

const LIVEKIT_VARS = ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;

/** Values that may carry a password: an error names the variable but never shows what it held. */
const SECRET_VARS: ReadonlySet<string> = new Set(['ATTN_DATABASE_URL', 'ATTN_REDIS_URL', 'LIVEKIT_API_SECRET', 'ATTN_CREATE_TOKEN', 'ATTN_HEALTH_TOKEN']);

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Base for the links we hand out; when absent, derived from each request's Host header. */
  publicUrl: string | undefined;
  /**
   * Where Egress's output files are served from (a bucket or CDN URL, no trailing slash): a
   * recording's playable URL is this + '/' + its file name. Undefined: only recordings whose
   * Egress location is already an http(s) URL play back.
   */
  recordingsUrl?: string | undefined;
  maxMessageBytes: number;
  snapshotEveryUpdates: number;
  /** SQLite only: journal updates and commit them in batches (default), commit each on a writer thread, or all inline (see SqliteStore) */
  sqliteWriter: 'journal' | 'thread' | 'inline';
  roomIdleMs: number;
  pingIntervalMs: number;
  /** ATTN_FRAME_SLICE_MS: how long frames are handled before the event loop gets a turn (see FrameSlices) */
  frameSliceMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Where the built client lives; tests may point elsewhere. */
  clientDir: string;
  /** The question bank directory: QUESTIONS_DIR, or the bank shipped in questions/. */
  questionsDir: string;
  /**
   * ATTN_DATABASE_URL: the Postgres database shared by every instance (scale-out); undefined for
   * the embedded SQLite store under dataDir. May carry a password: never log it.
   */
  databaseUrl: string | undefined;
  /** Connections each instance keeps to Postgres (ATTN_DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** ATTN_REDIS_URL: the bus between instances; undefined for a single instance. May carry a password. */
  redisUrl: string | undefined;
  /** Audio/video: all three LIVEKIT_* variables set, or null (the A/V pane says it is off). */
  livekit: LiveKitConfig | null;
  // ---- trust boundary (README "Security") ----
  /** ATTN_CREATE_TOKEN: when set, POST /api/rooms needs it in X-Attn-Create-Token. A secret: never log it. */
  createToken: string | undefined;
  /** ATTN_ROOM_CREATE_PER_MINUTE: rooms one client address may create per minute (and in a burst); 0 = no limit. */
  roomCreatePerMinute: number;
  /** ATTN_TRUST_PROXY: proxies in front of attn whose X-Forwarded-For names the client (0: use the socket's address). */
  trustProxy: number;
  /** ATTN_MAX_UPLOAD_BYTES_PER_ROOM: image bytes one room may store in all. */
  maxUploadBytesPerRoom: number;
  /** ATTN_MAX_EVENTS_PER_ROOM: joins and leaves kept per room (the oldest are dropped). */
  maxEventsPerRoom: number;
  /** ATTN_HEALTH_TOKEN: /healthz shows its counts only to `Authorization: Bearer <this>`; unset: never. */
  healthToken: string | undefined;
  /**
   * ATTN_ALLOWED_HOSTS: the Host headers links may be built from when publicUrl is unset (lower
   * case, each `name` or `name:port`); a request from any other Host can't create links.
   */
  allowedHosts: readonly string[];
  // ---- sync resource limits (issue 12) ----
  /** ATTN_MAX_DOC_BYTES: a client update that would grow a document's state past this is refused (4507). */
  maxDocBytes: number;
  /** ATTN_MAX_AWARENESS_PER_CONN: awareness ids one socket may speak for; entries for more are dropped. */
  maxAwarenessPerConn: number;
  /** ATTN_MAX_SOCKETS_PER_IP: open sync sockets per remote address, 0 = unlimited (refused with 4429). */
  maxSocketsPerIp: number;
  /** ATTN_MAX_SOCKETS_PER_ROOM: open sync sockets per room, 0 = unlimited (refused with 4429). */
  maxSocketsPerRoom: number;
  /** ATTN_MAX_ROOM_BYTES_PER_SEC: sync bytes per second per room before its senders are paused, 0 = unlimited. */
  maxRoomBytesPerSec: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default). Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = env[key];
    // An empty variable means "use the default", as in most shells' `VAR= cmd`.
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const shown = picked[name] === undefined || SECRET_VARS.has(name) ? '' : ` (got ${JSON.stringify(picked[name])})`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const e = parsed.data;
  const livekit = liveKitFrom(e);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(cwd, e.ATTN_DATA_DIR),
    publicUrl: e.ATTN_PUBLIC_URL,
    recordingsUrl: e.ATTN_RECORDINGS_URL,
    maxMessageBytes: e.ATTN_MAX_MESSAGE_BYTES,
    snapshotEveryUpdates: e.ATTN_SNAPSHOT_EVERY_UPDATES,
    sqliteWriter: e.ATTN_SQLITE_WRITER,
    roomIdleMs: e.ATTN_ROOM_IDLE_MS,
    pingIntervalMs: e.ATTN_PING_INTERVAL_MS,
    frameSliceMs: e.ATTN_FRAME_SLICE_MS,
    logLevel: e.ATTN_LOG_LEVEL,
    clientDir: path.resolve(cwd, 'dist/client'),
    questionsDir: e.QUESTIONS_DIR ? path.resolve(cwd, e.QUESTIONS_DIR) : defaultQuestionsDir(),
    databaseUrl: e.ATTN_DATABASE_URL,
    databasePoolSize: e.ATTN_DATABASE_POOL_SIZE,
    redisUrl: e.ATTN_REDIS_URL,
    livekit,
    createToken: e.ATTN_CREATE_TOKEN,
    roomCreatePerMinute: e.ATTN_ROOM_CREATE_PER_MINUTE,
    trustProxy: e.ATTN_TRUST_PROXY,
    maxUploadBytesPerRoom: e.ATTN_MAX_UPLOAD_BYTES_PER_ROOM,
    maxEventsPerRoom: e.ATTN_MAX_EVENTS_PER_ROOM,
    healthToken: e.ATTN_HEALTH_TOKEN,
    allowedHosts: e.ATTN_ALLOWED_HOSTS ?? DEFAULT_ALLOWED_HOSTS,
    maxDocBytes: e.ATTN_MAX_DOC_BYTES,
    maxAwarenessPerConn: e.ATTN_MAX_AWARENESS_PER_CONN,
    maxSocketsPerIp: e.ATTN_MAX_SOCKETS_PER_IP,
    maxSocketsPerRoom: e.ATTN_MAX_SOCKETS_PER_ROOM,
    maxRoomBytesPerSec: e.ATTN_MAX_ROOM_BYTES_PER_SEC,
  };
}

/** All three variables or none: a half-configured call would fail only when someone tries to join. */
function liveKitFrom(e: z.infer<typeof EnvSchema>): LiveKitConfig | null {
  const values = { LIVEKIT_URL: e.LIVEKIT_URL, LIVEKIT_API_KEY: e.LIVEKIT_API_KEY, LIVEKIT_API_SECRET: e.LIVEKIT_API_SECRET };
  const missing = LIVEKIT_VARS.filter((k) => values[k] === undefined);
  if (missing.length === LIVEKIT_VARS.length) {
    if (e.LIVEKIT_EGRESS === '1') throw new ConfigError('LIVEKIT_EGRESS: recording needs LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET too');
    return null;
  }
  if (missing.length > 0) {
    const set = LIVEKIT_VARS.filter((k) => values[k] !== undefined).join(', ');
    throw new ConfigError(`${missing[0]}: must be set when ${set} ${set.includes(',') ? 'are' : 'is'} (set all three LiveKit variables or none)`);
  }
  const url = e.LIVEKIT_URL!;
  return {
    url: url.replace(/^http/, 'ws'),
    apiUrl: url.replace(/^ws/, 'http'),
    apiKey: e.LIVEKIT_API_KEY!,
    apiSecret: e.LIVEKIT_API_SECRET!,
    egress: e.LIVEKIT_EGRESS === '1',
  };
}
