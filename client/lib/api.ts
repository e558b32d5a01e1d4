/**
 * REST calls. Types only come from shared/api.ts: the zod schemas stay on the server so the
 * landing bundle stays small, and the server is the one that validates.
 */
import type {
  PutOnScreenBody,
  AvStatusResponse,
  AvTokenResponse,
  ConvertRoomResponse,
  CreateAnyRoomResponse,
  CreateRoomResponse,
  DiagramTemplatesResponse,
  DiagramTemplateView,
  LinkInfo,
  PracticeBankResponse,
  PracticeGuideResponse,
  SwapRolesResponse,
  LinksResponse,
  NewLink,
  QuestionFull,
  QuestionsResponse,
  AvRecordingInfo,
  SetTemplatesForAnyoneBody,
  SignalBody,
  VerifyCheckBody,
  VerifyCheckResponse,
  WhoAmIResponse,
} from '../../shared/api.js';
import type { ChallengeForClient, SerializedValue, Verdict } from '../../shared/challenge.js';
import type { RoomKind } from '../../shared/capabilities.js';
import type { CurrentQuestion, PracticeReveal } from '../../shared/doc.js';
import { CREATE_TOKEN_HEADER, type Role } from '../../shared/protocol.js';
import { noteServerDate } from './serverClock.js';

/** A failed request, with the server's one-sentence message when it sent one. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    /** HTTP status, or 0 when the server could not be reached at all */
    readonly status: number,
    /** the server's machine-readable `error`, or 'network' / 'http' */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface RequestOptions {
  token?: string;
  body?: unknown;
  accept?: string;
  /** Lets a request outlive the page (a signal sent as the tab is hidden or closed). */
  keepalive?: boolean;
  /** Extra request headers (the room-creation secret). */
  headers?: Record<string, string>;
}

/** Sends one request; resolves with the response only when it is a 2xx. */
async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers, Accept: options.accept ?? 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // Tokens are never cached and never leak through a Referer of a later navigation.
      cache: 'no-store',
      credentials: 'omit',
      keepalive: options.keepalive ?? false,
    });
  } catch {
    throw new ApiRequestError(0, 'network', 'Could not reach the attn server. Check your connection and try again.');
  }
  noteServerDate(response.headers.get('Date'), sentAt, Date.now());
  if (!response.ok) {
    const body = ((await response.json().catch(() => null)) ?? {}) as { error?: unknown; message?: unknown };
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : `The server answered ${response.status} ${response.statusText}.`.trim();
    throw new ApiRequestError(response.status, typeof body.error === 'string' ? body.error : 'http', message);
  }
  return response;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  const payload: unknown = await response.json().catch(() => null);
  if (payload === null) {
    throw new ApiRequestError(response.status, 'http', 'The server sent an unreadable answer. Try again.');
  }
  return payload as T;
}

const roomPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

/** `createToken`: the server's room-creation secret, when it has one (ATTN_CREATE_TOKEN). */
export function createRoom(title: string, createToken?: string): Promise<CreateRoomResponse> {
  const trimmed = title.trim();
  const headers = createToken ? { [CREATE_TOKEN_HEADER]: createToken } : undefined;
  return request('POST', '/api/rooms', { body: trimmed ? { title: trimmed } : {}, ...(headers ? { headers } : {}) });
}

/** A pair or practice room (or an interview): the links it gets are the kind's (KIND_LINKS). */
export function createRoomOfKind(kind: RoomKind, title: string, createToken?: string): Promise<CreateAnyRoomResponse> {
  const trimmed = title.trim();
  const headers = createToken ? { [CREATE_TOKEN_HEADER]: createToken } : undefined;
  return request('POST', '/api/rooms', { body: trimmed ? { title: trimmed, kind } : { kind }, ...(headers ? { headers } : {}) });
}

/** Pair → interview: the room keeps its board; the answer carries the new candidate link. */
export function convertRoom(roomId: string, token: string): Promise<ConvertRoomResponse> {
  return request('POST', `${roomPath(roomId)}/convert`, { token });
}

// ---- practice rooms: no call here returns a guide before the server recorded the reveal ----------

export async function fetchPracticeBank(roomId: string, token: string): Promise<PracticeBankResponse['questions']> {
  return (await request<PracticeBankResponse>('GET', `${roomPath(roomId)}/practice/bank`, { token })).questions;
}

/** `name`: this page's display name, which the replay timeline's reveal marker shows. */
export async function revealGuide(roomId: string, token: string, reason: PracticeReveal['reason'], name: string | null): Promise<PracticeReveal> {
  const body = name ? { reason, name } : { reason };
  return (await request<{ reveal: PracticeReveal }>('POST', `${roomPath(roomId)}/practice/reveal`, { token, body })).reveal;
}

export function fetchPracticeGuide(roomId: string, token: string): Promise<PracticeGuideResponse> {
  return request('GET', `${roomPath(roomId)}/practice/guide`, { token });
}

export function swapRoles(roomId: string, token: string): Promise<SwapRolesResponse> {
  return request('POST', `${roomPath(roomId)}/practice/swap`, { token });
}

export function whoAmI(roomId: string, token: string): Promise<WhoAmIResponse> {
  return request('GET', roomPath(roomId), { token });
}

export async function listLinks(roomId: string, token: string): Promise<LinkInfo[]> {
  const response = await request<LinksResponse>('GET', `${roomPath(roomId)}/links`, { token });
  return response.links;
}

export function createLink(roomId: string, token: string, role: Role): Promise<NewLink> {
  return request('POST', `${roomPath(roomId)}/links`, { token, body: { role } });
}

export function revokeLink(roomId: string, token: string, linkId: string): Promise<LinkInfo> {
  return request('POST', `${roomPath(roomId)}/links/${encodeURIComponent(linkId)}/revoke`, { token });
}

// ---- interviewer tools (never called from a candidate's page) ------------------------------

/** The whole question bank, guides included: interviewers and observers only. */
export async function fetchQuestions(roomId: string, token: string): Promise<QuestionFull[]> {
  const response = await request<QuestionsResponse>('GET', `${roomPath(roomId)}/questions`, { token });
  return response.questions;
}

/** Replaces the interview plan (interviewer only). */
export async function savePlan(roomId: string, token: string, questionIds: readonly string[]): Promise<string[]> {
  const response = await request<{ plan: string[] }>('PUT', `${roomPath(roomId)}/plan`, { token, body: { questionIds } });
  return response.plan;
}

/** Puts a question on everyone's screen, or clears it with null (interviewer only). */
export async function setCurrentQuestion(roomId: string, token: string, questionId: string | null): Promise<CurrentQuestion | null> {
  const response = await request<{ current: CurrentQuestion | null }>('POST', `${roomPath(roomId)}/session/current`, {
    token,
    body: { questionId },
  });
  return response.current;
}

/** Puts the current question's listing (or a challenge's starter) on the shared pad, replacing its text (interviewer only). */
export function putOnPad(roomId: string, token: string, attachment: PutOnScreenBody['attachment']): Promise<{ target: 'pad'; lines: number }> {
  return request<{ target: 'pad'; lines: number }>('POST', `${roomPath(roomId)}/session/screen`, { token, body: { attachment } });
}

/** A coding challenge as any role may see it: starter code, statement and test vectors, never the reference. */
export function fetchChallenge(roomId: string, token: string, challengeId: string): Promise<ChallengeForClient> {
  return request('GET', `${roomPath(roomId)}/challenges/${encodeURIComponent(challengeId)}`, { token });
}

/** A challenge's reference implementation, as TypeScript source (interviewers and observers only; a candidate gets 403). */
export function fetchChallengeReference(roomId: string, token: string, challengeId: string): Promise<{ id: string; source: string }> {
  return request('GET', `${roomPath(roomId)}/challenges/${encodeURIComponent(challengeId)}/reference`, { token });
}

/** Lets candidates insert templates, or stops them (templates.manage); resolves with the stored value. */
export async function setTemplatesForAnyone(roomId: string, token: string, allowed: boolean): Promise<boolean> {
  const body: SetTemplatesForAnyoneBody = { allowed };
  const response = await request<{ allowed?: unknown }>('PUT', `${roomPath(roomId)}/session/templates`, { token, body });
  if (typeof response.allowed !== 'boolean') throw new ApiRequestError(200, 'http', 'The server sent an unreadable answer. Try again.');
  return response.allowed;
}

/** The bank's diagram templates, built-in or QUESTIONS_DIR (whoever may write the board; read-only links get 403). */
export async function fetchDiagramTemplates(roomId: string, token: string): Promise<DiagramTemplateView[]> {
  return (await request<DiagramTemplatesResponse>('GET', `${roomPath(roomId)}/diagrams`, { token })).templates;
}

/** Reports a candidate signal (candidate only). The server stamps the time and the name. */
export async function postSignal(roomId: string, token: string, body: SignalBody): Promise<void> {
  await send('POST', `${roomPath(roomId)}/signals`, { token, body, keepalive: true });
}

/**
 * One page of a room's recording, as the server encodes it (decode with shared/history.ts;
 * not decoded here, so the landing page's bundle does not carry the decoder). Interviewers and
 * observers only: a candidate's token gets a 403.
 */
export async function fetchHistoryBytes(roomId: string, token: string, doc: 'board' | 'panel', after: number, limit?: number): Promise<Uint8Array> {
  const query = new URLSearchParams({ doc, after: String(after) });
  if (limit !== undefined) query.set('limit', String(limit));
  const response = await send('GET', `${roomPath(roomId)}/history?${query}`, { token, accept: 'application/vnd.attn.history' });
  return new Uint8Array(await response.arrayBuffer());
}

export type ScorecardFormat = 'json' | 'md';

/** The scorecard as parsed JSON (interviewer only); see Scorecard in shared/api.ts for its shape. */
export function fetchScorecard<T>(roomId: string, token: string): Promise<T> {
  return request<T>('GET', `${roomPath(roomId)}/scorecard.json`, { token });
}

/** The scorecard file as the server formats it, for a download. */
export async function fetchScorecardFile(roomId: string, token: string, format: ScorecardFormat): Promise<Blob> {
  const accept = format === 'md' ? 'text/markdown, text/plain;q=0.9' : 'application/json';
  const response = await send('GET', `${roomPath(roomId)}/scorecard.${format}`, { token, accept });
  return response.blob();
}

// ---- audio/video ----------------------------------------------------------------------------

/** Whether this server has LiveKit, whether recording is possible, and the recording in progress. */
export function fetchAvStatus(roomId: string, token: string): Promise<AvStatusResponse> {
  return request('GET', `${roomPath(roomId)}/av`, { token });
}

/** A short-lived LiveKit token for this room's call (503 av_disabled when LiveKit is off). */
export function fetchAvToken(roomId: string, token: string, name: string): Promise<AvTokenResponse> {
  return request('POST', `${roomPath(roomId)}/av-token`, { token, body: { name } });
}

/** Starts or stops recording the call with LiveKit Egress (interviewer only). */
export async function setRecording(roomId: string, token: string, action: 'start' | 'stop'): Promise<AvRecordingInfo> {
  const response = await request<{ recording: AvRecordingInfo }>('POST', `${roomPath(roomId)}/recording/${action}`, { token });
  return response.recording;
}

/**
 * Sends a check's outputs (one per case, null where the function threw) to be judged by the
 * server, which writes the verdict into the board and returns it. Interviewer and candidate links.
 */
export async function verifyCheck(roomId: string, token: string, challengeId: string, runId: string, outputs: (SerializedValue | null)[]): Promise<Verdict> {
  const body: VerifyCheckBody = { runId, outputs };
  const response = await request<VerifyCheckResponse>('POST', `${roomPath(roomId)}/challenges/${encodeURIComponent(challengeId)}/verify`, { token, body });
  return response.verdict;
}
