/** The diagram kit's one REST call. client/lib/api.ts keeps its request helper private, so this mirrors its conventions. */
import type { SetTemplatesForAnyoneBody } from '../../shared/api.js';
import { ApiRequestError } from '../lib/api.js';

/** Lets candidates insert templates, or stops them (interviewer only); resolves with the stored value. */
export async function setTemplatesForAnyone(roomId: string, token: string, allowed: boolean): Promise<boolean> {
  const body: SetTemplatesForAnyoneBody = { allowed };
  let response: Response;
  try {
    response = await fetch(`/api/rooms/${encodeURIComponent(roomId)}/session/templates`, {
      method: 'PUT',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiRequestError(0, 'network', 'Could not reach the attn server. Check your connection and try again.');
  }
  const payload = (await response.json().catch(() => null)) as { allowed?: unknown; error?: unknown; message?: unknown } | null;
  if (!response.ok) {
    const message = typeof payload?.message === 'string' && payload.message ? payload.message : `The server answered ${response.status}.`;
    throw new ApiRequestError(response.status, typeof payload?.error === 'string' ? payload.error : 'http', message);
  }
  if (typeof payload?.allowed !== 'boolean') throw new ApiRequestError(response.status, 'http', 'The server sent an unreadable answer. Try again.');
  return payload.allowed;
}
