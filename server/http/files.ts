/**
 * Image bytes for the board. The doc carries only metadata; bytes live here so every collaborator
 * (and a restarted server) can fetch them. Files are immutable: the first upload of an id wins.
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { ALLOWED_FILE_MIME, FILE_ID_PATTERN } from '../../shared/api.js';
import { LIMITS } from '../../shared/protocol.js';
import type { Store } from '../store/port.js';
import { requireCapability } from './auth.js';
import { HttpError } from './errors.js';

const MIB = 1024 * 1024;

export function filesRouter(store: Store): Router {
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
        throw new HttpError(415, 'unsupported_type', `Images only (${ALLOWED_FILE_MIME.join(', ')}); got "${mimeType || 'none'}".`);
      }
      const bytes = req.body as Buffer;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new HttpError(400, 'empty', 'The upload is empty.');
      const result = await store.putFile({
        roomId: req.authed!.room.id,
        id,
        mimeType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        createdAt: Date.now(),
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      });
      res.status(result === 'created' ? 201 : 200).json({ id, size: bytes.length, mimeType });
    },
  );

  r.get('/:fileId', requireCapability(store, 'files.read'), async (req, res) => {
    const file = await store.getFile(req.authed!.room.id, fileId(req.params.fileId));
    if (!file) throw new HttpError(404, 'not_found', 'No such file in this room.');
    res.set({
      'Content-Type': file.mimeType,
      'Content-Length': String(file.size),
      ETag: `"${file.sha256}"`,
      'Cache-Control': 'private, max-age=31536000, immutable',
      // An uploaded SVG must never run script in our origin.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
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
