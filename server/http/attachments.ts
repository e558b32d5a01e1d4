/**
 * Scorecard attachments: an interviewer exports the board as a PNG, uploads it through the files
 * route, then names it here. The list lives in the panel doc (which a candidate never receives)
 * and only the server writes it, so every entry points at a real PNG in this room.
 */
import { Router } from 'express';
import { ATTACHMENT_MIME, AttachmentBody, FILE_ID_PATTERN, MAX_ATTACHMENTS_PER_ROOM } from '../../shared/api.js';
import { panelAttachments, type Attachment } from '../../shared/doc.js';
import type { Store } from '../store/port.js';
import type { SyncServer } from '../sync/syncServer.js';
import { requireCapability } from './auth.js';
import { HttpError, zodMessage } from './errors.js';

export interface AttachmentsDeps {
  store: Store;
  sync: SyncServer;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function attachmentsRouter({ store, sync }: AttachmentsDeps): Router {
  const r = Router({ mergeParams: true });

  r.post('/attachments', requireCapability(store, 'attachments.manage'), async (req, res) => {
    const body = AttachmentBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const { room, link } = req.authed!;
    const file = await store.getFile(room.id, body.data.fileId);
    if (!file) throw new HttpError(404, 'not_found', 'No such file in this room: upload the image first.');
    // The Content-Type is the uploader's claim; the signature is what a browser will actually decode.
    if (file.mimeType !== ATTACHMENT_MIME || !isPng(file.bytes)) {
      throw new HttpError(422, 'not_png', 'Only PNG images can be attached to the scorecard.');
    }
    const attachment: Attachment = {
      fileId: file.id,
      mimeType: ATTACHMENT_MIME,
      caption: body.data.caption,
      at: Date.now(),
      by: sync.nameForLink(link.id) ?? 'Interviewer',
    };
    let full = false as boolean;
    await sync.change(room.id, 'panel', (doc) => {
      const list = panelAttachments(doc);
      if (list.length >= MAX_ATTACHMENTS_PER_ROOM) full = true;
      else list.push([attachment]);
    });
    if (full) throw new HttpError(409, 'too_many', `A scorecard holds at most ${MAX_ATTACHMENTS_PER_ROOM} attachments; remove one first.`);
    res.status(201).json({ attachment });
  });

  r.delete('/attachments/:fileId', requireCapability(store, 'attachments.manage'), async (req, res) => {
    const fileId = String(req.params.fileId ?? '');
    if (!FILE_ID_PATTERN.test(fileId)) throw new HttpError(400, 'bad_file_id', 'That is not a valid file id.');
    let removed = 0;
    await sync.change(req.authed!.room.id, 'panel', (doc) => {
      const list = panelAttachments(doc);
      // Backwards, so deleting does not shift the indices still to visit.
      for (let i = list.length - 1; i >= 0; i--) {
        if (list.get(i).fileId === fileId) {
          list.delete(i, 1);
          removed++;
        }
      }
    });
    if (removed === 0) throw new HttpError(404, 'not_found', 'No attachment with that file id.');
    res.json({ removed });
  });

  return r;
}
