/**
 * Image bytes for the board. The doc carries only metadata; bytes live here so every collaborator
 * (and a restarted server) can fetch them. Files are immutable: the first upload of an id wins,
 * and a different file under a taken id is refused.
 *
 * Uploads are untrusted documents served from our origin, so: only rasters whose bytes carry the
 * signature of the declared type are stored (no SVG, no HTML that says image/png), and every
 * response is sandboxed, never sniffed, and shown inline only when it is a PNG, JPEG, GIF or WebP
 * whose bytes still match (checked again when serving, for files stored before these checks).
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { ALLOWED_FILE_MIME, FILE_ID_PATTERN } from '../../shared/api.js';
import { bytesMatchMime, inlineImageMime } from '../../shared/imageType.js';
import { LIMITS } from '../../shared/protocol.js';
import type { FileRecord, Store } from '../store/port.js';
import { requireCapability } from './auth.js';
import { HttpError } from './errors.js';

const MIB = 1024 * 1024;

/** Sandboxed and inert: even a file a browser did render could run nothing and load nothing. */
export const USER_FILE_CSP = "default-src 'none'; sandbox";

export interface FilesDeps {
  store: Store;
  /** ATTN_MAX_UPLOAD_BYTES_PER_ROOM: image bytes one room may store in all. */
  maxRoomBytes: number;
}

const formatMib = (bytes: number) => `${Number((bytes / MIB).toFixed(1))} MiB`;

/**
 * How a stored file is served: inline only as the raster its bytes are; anything else (a bmp,
 * ico or avif, or a file stored before uploads were checked) downloads as opaque bytes. The
 * canvas still draws a bmp: the client types every file from its signature, not from this header.
 */
export function userFileHeaders(file: Pick<FileRecord, 'id' | 'mimeType' | 'bytes'>): Record<string, string> {
  const inline = inlineImageMime(file.bytes);
  const shownInline = inline !== null && bytesMatchMime(file.bytes, file.mimeType);
  return {
    'Content-Type': shownInline ? inline : 'application/octet-stream',
    'Content-Disposition': shownInline ? 'inline' : `attachment; filename="${file.id}"`,
    'Content-Security-Policy': USER_FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
  };
}

export function filesRouter({ store, maxRoomBytes }: FilesDeps): Router {
  const r = Router({ mergeParams: true });

  const fileId = (raw: unknown): string => {
    const id = String(raw ?? '');
    if (!FILE_ID_PATTERN.test(id)) throw new HttpError(400, 'bad_file_id', 'That is not a valid file id.');
    return id;
  };

  r.put(
    '/:fileId',
    requireCapability(store, 'files.upload'),
    express.raw({ type: () => true, limit: LIMITS.MAX_FILE_BYTES }),
    async (req, res) => {
      const id = fileId(req.params.fileId);
      const mimeType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(ALLOWED_FILE_MIME as readonly string[]).includes(mimeType)) {
        throw new HttpError(415, 'unsupported_type', `Raster images only (${ALLOWED_FILE_MIME.join(', ')}); got "${mimeType || 'none'}".`);
      }
      const bytes = req.body as Buffer;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new HttpError(400, 'empty', 'The upload is empty.');
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!bytesMatchMime(view, mimeType)) {
        throw new HttpError(415, 'type_mismatch', `The file's contents are not a ${mimeType} image.`);
      }
      const roomId = req.authed!.room.id;
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const result = await store.putFile({ roomId, id, mimeType, size: bytes.length, sha256, createdAt: Date.now(), bytes: view }, { maxRoomBytes });
      if (result === 'over_budget') {
        throw new HttpError(413, 'room_upload_budget', `This room has used its ${formatMib(maxRoomBytes)} of image uploads; this image was not stored.`);
      }
      if (result === 'exists') {
        // Everyone who already fetched this id has the first file's bytes: swapping them would
        // show each viewer a different picture under one id.
        const stored = await store.getFile(roomId, id);
        if (stored && stored.sha256 !== sha256) {
          throw new HttpError(409, 'file_id_taken', 'A different file is already stored under this id; file ids are tied to their contents.');
        }
      }
      res.status(result === 'created' ? 201 : 200).json({ id, size: bytes.length, mimeType });
    },
  );

  r.get('/:fileId', requireCapability(store, 'files.read'), async (req, res) => {
    const file = await store.getFile(req.authed!.room.id, fileId(req.params.fileId));
    if (!file) throw new HttpError(404, 'not_found', 'No such file in this room.');
    res.set({
      ...userFileHeaders(file),
      'Content-Length': String(file.size),
      ETag: `"${file.sha256}"`,
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
    res.end(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
  });

  // Past the cap, say so in terms of the image rather than "request entity too large".
  r.use((err: unknown, _req: express.Request, _res: express.Response, next: express.NextFunction) => {
    if ((err as { type?: string })?.type === 'entity.too.large') {
      next(new HttpError(413, 'file_too_large', FILE_TOO_LARGE_MESSAGE));
      return;
    }
    next(err);
  });

  return r;
}

export const FILE_TOO_LARGE_MESSAGE = `Images are limited to ${LIMITS.MAX_FILE_BYTES / MIB} MiB; this one is larger.`;
