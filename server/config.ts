/**
 * Configuration: read from the environment once, validated with zod.
 * A bad value stops start-up with one line that names the variable (see main.ts).
 */
import path from 'node:path';
import { z } from 'zod';
import { LIMITS, SYNC_LIMITS } from '../shared/protocol.js';
import { defaultQuestionsDir } from './questions/load.js';

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

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
  ATTN_ROOM_IDLE_MS: intFrom(0, 24 * 60 * 60 * 1000).default(30_000),
  ATTN_PING_INTERVAL_MS: intFrom(1000, 10 * 60 * 1000).default(30_000),
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
const SECRET_VARS: ReadonlySet<string> = new Set(['ATTN_DATABASE_URL', 'ATTN_REDIS_URL', 'LIVEKIT_API_SECRET']);

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
  roomIdleMs: number;
  pingIntervalMs: number;
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
    roomIdleMs: e.ATTN_ROOM_IDLE_MS,
    pingIntervalMs: e.ATTN_PING_INTERVAL_MS,
    logLevel: e.ATTN_LOG_LEVEL,
    clientDir: path.resolve(cwd, 'dist/client'),
    questionsDir: e.QUESTIONS_DIR ? path.resolve(cwd, e.QUESTIONS_DIR) : defaultQuestionsDir(),
    databaseUrl: e.ATTN_DATABASE_URL,
    databasePoolSize: e.ATTN_DATABASE_POOL_SIZE,
    redisUrl: e.ATTN_REDIS_URL,
    livekit,
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
