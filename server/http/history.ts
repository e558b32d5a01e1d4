/**
 * `GET /api/rooms/<id>/history?doc=board|panel&after=<seq>&limit=<n>[&snapshots=1]`: the
 * recording that playback rebuilds the room from, one binary page at a time (format in
 * shared/history.ts). Interviewers and observers only: the log holds every keystroke and, for
 * the panel, every score, so a candidate gets a 403 before anything is read.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
  AuthorTable,
  encodeHistoryPage,
  HISTORY_FORMAT,
  HISTORY_MIME,
  HISTORY_PAGE,
  NEXT_AFTER_HEADER,
  type HistoryPage,
  type HistorySnapshot,
  type RecordingInfo,
} from '../../shared/history.js';
import { DOC_NAMES } from '../../shared/protocol.js';
import { recordingUrl } from '../av/livekit.js';
import type { Store } from '../store/port.js';
import { requireCapability } from './auth.js';
import { HttpError, zodMessage } from './errors.js';

const HistoryQuery = z.object({
  doc: z.enum(DOC_NAMES, { error: 'doc must be "board" or "panel"' }),
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(HISTORY_PAGE.MAX_LIMIT).default(HISTORY_PAGE.DEFAULT_LIMIT),
  snapshots: z.enum(['0', '1']).default('0'),
});

/** The most recent of the room's recordings that a browser can load, or null. */
async function playableRecording(store: Store, roomId: string, recordingsUrl: string | undefined): Promise<RecordingInfo | null> {
  const all = await store.listRecordings(roomId);
  for (let i = all.length - 1; i >= 0; i--) {
    const r = all[i]!;
    const url = recordingUrl(r.file, recordingsUrl);
    if (url) return { egressId: r.egressId, startedAt: r.startedAt, stoppedAt: r.stoppedAt, url };
  }
  return null;
}

export function historyRouter({ store, recordingsUrl }: { store: Store; recordingsUrl?: string | undefined }): Router {
  const r = Router({ mergeParams: true });

  r.get('/history', requireCapability(store, 'history.read'), async (req, res) => {
    const query = HistoryQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(400, 'bad_request', zodMessage(query.error));
    const { doc, after, limit } = query.data;
    const room = req.authed!.room;

    // Stats first: an update landing while the page is read is left for the next page.
    const log = await store.updateLogStats(room.id, doc);
    const rows = await store.listUpdates(room.id, doc, after, limit);
    const pageLast = rows.length > 0 ? rows[rows.length - 1]!.seq : after;
    const authors = new AuthorTable();
    const updates = rows.map((u) => ({ seq: u.seq, ts: u.ts, author: authors.indexOf(u.authorRole, u.authorName), bytes: u.bytes }));

    const index = await store.listSnapshots(room.id, doc);
    const snapshots: HistorySnapshot[] = [];
    if (query.data.snapshots === '1') {
      for (const s of index) {
        if (s.seq <= after || s.seq > pageLast) continue;
        const snap = await store.getSnapshot(room.id, doc, s.seq);
        if (snap) snapshots.push({ seq: snap.seq, ts: snap.ts, bytes: snap.bytes });
      }
    }
    // `limit` bounds the events too (the latest of them): a page is never larger than asked for.
    const events = after === 0 ? (await store.listEvents(room.id, limit)).map(({ ts, kind, role, name }) => ({ ts, kind, role, name })) : [];
    const nextAfter = pageLast < log.lastSeq ? pageLast : null;

    const page: HistoryPage = {
      meta: {
        format: HISTORY_FORMAT,
        room: { id: room.id, title: room.title, createdAt: room.createdAt, kind: room.kind },
        doc,
        log,
        snapshots: index,
        events,
        authors: authors.authors,
        after,
        nextAfter,
        recording: after === 0 ? await playableRecording(store, room.id, recordingsUrl) : null,
      },
      updates,
      snapshots,
    };
    const body = encodeHistoryPage(page);
    res.type(HISTORY_MIME).set('Cache-Control', 'no-store');
    if (nextAfter !== null) res.set(NEXT_AFTER_HEADER, String(nextAfter));
    res.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  });

  return r;
}
