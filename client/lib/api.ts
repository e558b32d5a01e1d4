/**
 * REST calls. Types only come from shared/api.ts: the zod schemas stay on the server so the
 * landing bundle stays small, and the server is the one that validates.
 */
import type {
  CreateRoomResponse,
  LinkInfo,
  LinksResponse,
  NewLink,
  WhoAmIResponse,
} from '../../shared/api.js';
import type { Role } from '../../shared/protocol.js';

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

async function request<T>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // Tokens are never cached and never leak through a Referer of a later navigation.
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiRequestError(0, 'network', 'Could not reach the attn server. Check your connection and try again.');
  }
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const body = (payload ?? {}) as { error?: unknown; message?: unknown };
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : `The server answered ${response.status} ${response.statusText}.`.trim();
    throw new ApiRequestError(response.status, typeof body.error === 'string' ? body.error : 'http', message);
  }
  if (payload === null) {
    throw new ApiRequestError(response.status, 'http', 'The server sent an unreadable answer. Try again.');
  }
  return payload as T;
}

const roomPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

export function createRoom(title: string): Promise<CreateRoomResponse> {
  const trimmed = title.trim();
  return request('POST', '/api/rooms', { body: trimmed ? { title: trimmed } : {} });
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
