/**
 * Scorecard attachments from the browser: upload the PNG through the files API, then ask the
 * server to list it (interviewers only; the server checks the file and writes the panel doc).
 * No Excalidraw here: the scorecard page imports this too.
 */
import type { ATTACHMENT_MIME as ServerMime, AttachmentBody } from '../../shared/api.js';
import type { Attachment } from '../../shared/doc.js';
import { createHttpFileStore } from '../canvas/fileStore.js';
import { inlineImageMime } from '../../shared/imageType.js';

// Type-only: importing shared/api.ts's values would bring zod into the client bundle.
const ATTACHMENT_MIME = 'image/png' satisfies typeof ServerMime;

export class AttachmentError extends Error {
  override name = 'AttachmentError';
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached */
    readonly status: number,
  ) {
    super(message);
  }
}

const roomPath = (roomId: string) => `/api/rooms/${encodeURIComponent(roomId)}`;

async function serverMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
  return typeof body?.message === 'string' && body.message ? body.message : `The server answered ${response.status}.`;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The file id: the SHA-256 of the bytes, so attaching the same picture twice stores it once.
 * crypto.subtle exists only in secure contexts (https, localhost); elsewhere a random id will do.
 */
export async function contentFileId(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  if (globalThis.crypto?.subtle) return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
  return hex(crypto.getRandomValues(new Uint8Array(16)));
}

/** Uploads the PNG and attaches it to the scorecard with a caption. */
export async function attachPng(roomId: string, token: string, png: Blob, caption: string): Promise<Attachment> {
  const bytes = new Uint8Array(await png.arrayBuffer());
  const fileId = await contentFileId(bytes);
  // FileStoreError / FileTooLargeError carry a sentence the dialog shows as is.
  await createHttpFileStore({ roomId, token }).put(fileId, ATTACHMENT_MIME, bytes);
  const body: AttachmentBody = { fileId, caption };
  let response: Response;
  try {
    response = await fetch(`${roomPath(roomId)}/attachments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new AttachmentError('Could not reach the attn server. Check your connection and try again.', 0);
  }
  if (!response.ok) throw new AttachmentError(await serverMessage(response), response.status);
  return ((await response.json()) as { attachment: Attachment }).attachment;
}

/**
 * An attachment's image, for <img src> (the files API needs the bearer token, which an img cannot
 * send). The blob's type comes from the bytes' signature: a blob URL opened in a tab renders as
 * its type in our origin, so an SVG or HTML typed blob would run its script here. Anything that
 * is not a PNG, JPEG, GIF or WebP becomes opaque bytes, which a tab downloads instead.
 */
export async function fetchAttachmentImage(roomId: string, token: string, fileId: string): Promise<Blob> {
  const { bytes } = await createHttpFileStore({ roomId, token }).get(fileId);
  return new Blob([bytes], { type: inlineImageMime(bytes) ?? 'application/octet-stream' });
}

/** Takes every entry for this file off the scorecard (interviewers only); the file itself stays in the room. */
export async function removeAttachment(roomId: string, token: string, fileId: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${roomPath(roomId)}/attachments/${encodeURIComponent(fileId)}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new AttachmentError('Could not reach the attn server. Check your connection and try again.', 0);
  }
  if (!response.ok) throw new AttachmentError(await serverMessage(response), response.status);
}
