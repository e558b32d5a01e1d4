/** REST request/response schemas. The server validates every body with these; the client reuses the types. */
import type { Listing } from './listing.js';
import { z } from 'zod';
import { LIMITS, ROLES, TITLE_FORBIDDEN_CHARS } from './protocol.js';
import { ROOM_KINDS } from './capabilities.js';
import type { Attachment, PracticeReveal, Signal } from './doc.js';
import { MAX_CHECK_OUTPUTS, type SerializedValue, type Verdict } from './challenge.js';
import type { PanelAgreement, QuestionScores } from './rubric.js';

export const RoleSchema = z.enum(ROLES);
export const RoomKindSchema = z.enum(ROOM_KINDS, { error: `kind must be one of ${ROOM_KINDS.join(', ')}` });

const QuestionId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a question id');

export const CreateRoomBody = z
  .object({
    title: z
      .string()
      .trim()
      .max(LIMITS.MAX_TITLE_CHARS, `title must be at most ${LIMITS.MAX_TITLE_CHARS} characters`)
      .refine((t) => !TITLE_FORBIDDEN_CHARS.test(t), 'title must not contain control characters (line breaks, tabs, escapes or bidi overrides)')
      .optional(),
    /** optional interview plan: question ids in order (validated against the bank) */
    plan: z.array(QuestionId).max(50, 'at most 50 questions').optional(),
    /** interview (default), pair or practice (issue 14); the kind fixes which links are minted */
    kind: RoomKindSchema.optional(),
  })
  .strict();
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

export const RoomInfo = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.number(),
  kind: RoomKindSchema,
});
export type RoomInfo = z.infer<typeof RoomInfo>;

export const LinkInfo = z.object({
  id: z.string(),
  role: RoleSchema,
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type LinkInfo = z.infer<typeof LinkInfo>;

/** A freshly minted link: the only time its token is ever shown. */
export const NewLink = LinkInfo.extend({ token: z.string(), url: z.string() });
export type NewLink = z.infer<typeof NewLink>;

export const CreateRoomResponse = z.object({
  room: RoomInfo,
  links: z.object({ interviewer: NewLink, candidate: NewLink, observer: NewLink }),
});
export type CreateRoomResponse = z.infer<typeof CreateRoomResponse>;

/**
 * POST /api/rooms answers every kind with `room` and the kind's links (KIND_LINKS in
 * shared/capabilities.ts): an interview's are CreateRoomResponse's three, a pair room's the peer
 * (`interviewer`) and read-only (`observer`) links, a practice room's `candidate` and `interviewer`.
 */
export const CreateAnyRoomResponse = z.object({ room: RoomInfo, links: z.partialRecord(RoleSchema, NewLink) });
export type CreateAnyRoomResponse = z.infer<typeof CreateAnyRoomResponse>;

/** POST /api/rooms/:id/convert (pair → interview): the room, and the candidate link it minted. */
export interface ConvertRoomResponse {
  room: RoomInfo;
  candidate: NewLink;
}

/** `name`: the revealer's display name, as the sync socket cleans it, for the replay marker. */
export const RevealBody = z
  .object({
    reason: z.enum(['button', 'time']),
    name: z.string().transform((s) => s.replace(/\p{Cc}/gu, '').trim()).pipe(z.string().max(LIMITS.MAX_NAME_CHARS)).optional(),
  })
  .strict();

/** GET /api/rooms/:id/practice/guide: the current question's guide, once revealed for this link. */
export interface PracticeGuideResponse {
  question: QuestionFull;
  reveal: PracticeReveal | null;
}

/** GET /api/rooms/:id/practice/bank: titles, prompts and minutes only (no guide). */
export interface PracticeBankResponse {
  questions: { id: string; title: string; topic: string; minutes: number }[];
}

/** POST /api/rooms/:id/practice/swap: each link's new role. */
export interface SwapRolesResponse {
  links: LinkInfo[];
}

export const WhoAmIResponse = z.object({ room: RoomInfo, role: RoleSchema, linkId: z.string() });
export type WhoAmIResponse = z.infer<typeof WhoAmIResponse>;

export const LinksResponse = z.object({ links: z.array(LinkInfo) });
export type LinksResponse = z.infer<typeof LinksResponse>;

export const CreateLinkBody = z.object({ role: RoleSchema }).strict();
export type CreateLinkBody = z.infer<typeof CreateLinkBody>;

export const ApiError = z.object({ error: z.string(), message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

/** Excalidraw file ids are hex digests; keep the route strict so ids can't smuggle paths. */
export const FILE_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
// No image/svg+xml: an SVG is a document that can carry script, and a blob of it opened in a tab
// runs in our origin. Every type here is a raster whose signature the server checks (shared/imageType.ts).
export const ALLOWED_FILE_MIME = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/x-icon', 'image/avif', 'image/jfif'] as const;

// ---- question bank, session, signals, scorecard (interviewer tools) ---------

/** Everything about a question, for interviewers and observers only. */
export interface QuestionFull {
  id: string;
  title: string;
  topic: string;
  difficulty: string;
  minutes: number;
  followUps: string[];
  probing: string[];
  rubricHints: string[];
  diagram?: string;
  challenge?: string;
  prompt: string;
  guide: string;
  /** spot the bug: the listing with its defects (line, severity, fix, follow-up) */
  listing?: Listing;
  /** what each attachment can put on the pad or the board (server/questions/attachments.ts) */
  screen: Partial<Record<'challenge' | 'diagram' | 'listing', ScreenView>>;
}
export interface QuestionsResponse {
  questions: QuestionFull[];
}

export type ScreenTarget = 'pad' | 'board';
/** An attachment's screen view: text for the code pad, or a diagram template for the board. */
export type ScreenView = { target: 'pad'; text: string } | { target: 'board'; templateId: string };

/** POST /api/rooms/:id/session/screen (interviewers): put the current question's attachment on the pad. */
export const PutOnScreenBody = z
  .object({ attachment: z.enum(['challenge', 'listing'], { error: 'attachment must be challenge or listing' }) })
  .strict();
export type PutOnScreenBody = z.infer<typeof PutOnScreenBody>;

export const SetCurrentQuestionBody = z.object({ questionId: QuestionId.nullable() }).strict();
export type SetCurrentQuestionBody = z.infer<typeof SetCurrentQuestionBody>;

/**
 * GET /api/rooms/:id/diagrams (whoever may write the board): the loaded bank's diagram templates,
 * built-in or from QUESTIONS_DIR. Board content only: nothing of a question but its id.
 */
export interface DiagramTemplateView {
  id: string;
  title: string;
  /** the id of the question whose folder holds the template; null when no question of the bank does */
  question: string | null;
  /** Excalidraw element skeletons as the bank holds them (client/diagrams/insertTemplate.ts converts and places them) */
  elements: readonly Record<string, unknown>[];
}
export interface DiagramTemplatesResponse {
  templates: DiagramTemplateView[];
}

/** PUT /api/rooms/:id/session/templates (interviewers): may candidates insert diagram templates? */
export const SetTemplatesForAnyoneBody = z
  .object({ allowed: z.boolean({ error: 'allowed must be true or false' }) })
  .strict();
export type SetTemplatesForAnyoneBody = z.infer<typeof SetTemplatesForAnyoneBody>;

export const SignalBody = z
  .object({
    kind: z.enum(['paste', 'hidden', 'visible']),
    chars: z.number().int().min(0).max(100_000_000).optional(),
  })
  .strict();
export type SignalBody = z.infer<typeof SignalBody>;

/** Pastes at least this long are reported to the interviewers. */
export const LARGE_PASTE_CHARS = 200;

// ---- scorecard (GET /api/rooms/:id/scorecard.json; interviewers only) -------

export interface ScorecardRaterQuestion {
  score: number | null;
  /** share of the rubric's weight backed by a rating, 0-1 (shared/rubric.ts `coverageLabel`) */
  coverage: number;
  /** "12/16 · 90% of weight": the wording the live panel shows */
  coverageLabel: string;
  scores: QuestionScores;
  note: string;
}

export interface ScorecardQuestion {
  id: string;
  title: string;
  minutes: number;
  inPlan: boolean;
  byRater: Record<string, ScorecardRaterQuestion>;
  mean: number | null;
  sd: number | null;
  range: number | null;
  asked: { followUps: boolean[]; probing: boolean[] };
}

export interface Scorecard {
  room: RoomInfo;
  generatedAt: number;
  raters: Array<{ id: string; name: string }>;
  questions: ScorecardQuestion[];
  /** coverage as in ScorecardRaterQuestion; the label reads "2/3 questions · 40% of weight" */
  overall: { byRater: Record<string, { score: number | null; coverage: number; coverageLabel: string }>; mean: number | null; sd: number | null; range: number | null };
  agreement: PanelAgreement;
  signals: Signal[];
  /** board images the interviewers attached, oldest first */
  attachments: Attachment[];
}

// ---- scorecard attachments (POST /api/rooms/:id/attachments; interviewers only) -------------

/** Attachments are PNG only: an SVG could carry script, and a PNG prints the same everywhere. */
export const ATTACHMENT_MIME = 'image/png';
export const MAX_CAPTION_CHARS = 200;
/** A room's attachment list is bounded so the panel doc cannot grow without limit. */
export const MAX_ATTACHMENTS_PER_ROOM = 50;

export const AttachmentBody = z
  .object({
    fileId: z.string().regex(FILE_ID_PATTERN, 'must be a file id (8–128 letters, digits, _ or -)'),
    caption: z.string().trim().max(MAX_CAPTION_CHARS, `caption must be at most ${MAX_CAPTION_CHARS} characters`).default(''),
  })
  .strict();
export type AttachmentBody = z.input<typeof AttachmentBody>;

// ---- audio/video (LiveKit) ------------------------------------------------------------------

/** Display names as the call shows them. */
export const MAX_AV_NAME_CHARS = 60;

export const AvTokenBody = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(MAX_AV_NAME_CHARS, `name too long: at most ${MAX_AV_NAME_CHARS} characters`),
  })
  .strict();
export type AvTokenBody = z.infer<typeof AvTokenBody>;

/** A LiveKit access token for this room's call (short-lived: ask again to reconnect later). */
export interface AvTokenResponse {
  /** the LiveKit server browsers connect to (ws:// or wss://) */
  url: string;
  token: string;
  identity: string;
}

/** A LiveKit Egress recording; `startedAt`/`stoppedAt` on the attn server's clock (ms since epoch). */
export interface AvRecordingInfo {
  egressId: string;
  startedAt: number;
  stoppedAt: number | null;
}

/** What the A/V pane should offer, without minting anything. */
export interface AvStatusResponse {
  enabled: boolean;
  /** recording may be started (LIVEKIT_EGRESS=1) */
  egress: boolean;
  /** the recording in progress, if any */
  recording: AvRecordingInfo | null;
}

// ---- check verification (POST /api/rooms/:id/challenges/:challengeId/verify) ----------------

/** Nesting the verify body accepts: the runner's own serialiser stops at 8 (client/runner/values.ts). */
export const VERIFY_MAX_DEPTH = 8;
/** Most numbers in one tensor: 1 MiB of JSON holds at most ~512k of "0,", so this only catches absurd shapes early. */
export const VERIFY_MAX_TENSOR_VALUES = 1 << 18;
/** Object keys that would reach an object's prototype if anything ever copied them by assignment. */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON has no NaN or infinity: JSON.stringify writes them as null, and null reads back as NaN,
 * which never equals an expected output (those are always finite).
 */
const JsonNumber = z
  .number()
  .nullable()
  .transform((x) => (x === null ? Number.NaN : x));

/**
 * A SerializedValue (shared/challenge.ts) from a browser. Built to a fixed depth instead of with
 * z.lazy, so a body of 100k nested arrays is refused at level 9 instead of overflowing the stack.
 */
function serializedValue(depth: number): z.ZodType<SerializedValue, unknown> {
  const leaves = [
    z
      .object({
        kind: z.literal('tensor'),
        shape: z.array(z.number().int().min(0).max(VERIFY_MAX_TENSOR_VALUES)).max(8),
        dtype: z.enum(['float32', 'int32', 'bool']),
        data: z.array(JsonNumber).max(VERIFY_MAX_TENSOR_VALUES),
      })
      .strict()
      .refine((t) => t.data.length === t.shape.reduce((a, b) => a * b, 1), { message: 'tensor data does not fit its shape' }),
    z.object({ kind: z.literal('number'), value: JsonNumber }).strict(),
    z.object({ kind: z.literal('string'), value: z.string().max(10_000) }).strict(),
    z.object({ kind: z.literal('boolean'), value: z.boolean() }).strict(),
  ] as const;
  if (depth === 0) return z.discriminatedUnion('kind', [...leaves]) as z.ZodType<SerializedValue, unknown>;
  const inner = serializedValue(depth - 1);
  return z.discriminatedUnion('kind', [
    ...leaves,
    z.object({ kind: z.literal('array'), items: z.array(inner).max(4096) }).strict(),
    z
      .object({
        kind: z.literal('record'),
        // zod's record silently drops a `__proto__` key; refusing it (and its cousins) says so.
        entries: z
          .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), { message: 'entries must be an object' })
          .refine((v) => !Object.keys(v).some((k) => PROTO_KEYS.has(k)), { message: 'a field may not be named __proto__, constructor or prototype' })
          .pipe(z.record(z.string().max(64), inner)),
      })
      .strict(),
  ]) as z.ZodType<SerializedValue, unknown>;
}

/**
 * What the browser that ran a check sends: per case, in the challenge's order, what the
 * candidate's function returned, or null where it threw (its message stays in the run record).
 */
export const VerifyCheckBody = z
  .object({
    runId: z.string().regex(/^[0-9a-f]{24}$/, 'must be a run id'),
    outputs: z.array(serializedValue(VERIFY_MAX_DEPTH).nullable()).min(1).max(MAX_CHECK_OUTPUTS),
  })
  .strict();
export type VerifyCheckBody = z.input<typeof VerifyCheckBody>;

export interface VerifyCheckResponse {
  verdict: Verdict;
}
