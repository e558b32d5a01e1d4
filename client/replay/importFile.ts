/**
 * Opening an exported `.attnreplay` file. The file comes from anywhere (a mail attachment, a
 * shared drive), so everything in it is checked before the replay touches it: the binary framing
 * by decodeSessionFile, every JSON field here by zod, and the records' order and authors. What a
 * file says about where the call's video lives is dropped: opening a file must never make the
 * browser fetch a URL the file chose (a tracking pixel, an internal address, a signed link).
 */
import { z } from 'zod';
import { decodeSessionFile, HistoryFormatError, type DocHistory, type SessionFile } from '../../shared/history.js';
import { LIMITS, ROLES } from '../../shared/protocol.js';
import { ROOM_KINDS } from '../../shared/capabilities.js';
import type { Recording } from './session.js';

/** More than a day of joins and leaves; a file with more is not one of ours. */
const MAX_EVENTS = 100_000;
const MAX_AUTHORS = 10_000;
const MAX_NAME_CHARS = 200;

const time = z.number().finite().min(0, 'must not be negative');
const name = z.string().max(MAX_NAME_CHARS, `must be at most ${MAX_NAME_CHARS} characters`);

const SessionMetaSchema = z.object({
  room: z.object({
    id: z.string().min(1).max(64),
    title: z.string().max(LIMITS.MAX_TITLE_CHARS * 2),
    createdAt: time,
    kind: z.enum(ROOM_KINDS).optional(),
  }),
  events: z
    .array(z.object({ ts: time, kind: z.enum(['join', 'leave']), role: z.enum(ROLES), name }))
    .max(MAX_EVENTS, `must hold at most ${MAX_EVENTS} events`),
  exportedAt: time,
});

const AuthorsSchema = z.array(z.object({ role: z.enum([...ROLES, 'server']), name })).max(MAX_AUTHORS);

function invalid(where: string, error: z.ZodError): HistoryFormatError {
  const issue = error.issues[0]!;
  const path = issue.path.length > 0 ? `.${issue.path.join('.')}` : '';
  return new HistoryFormatError(`${where}${path}: ${issue.message}`);
}

function checkDoc(doc: DocHistory): DocHistory {
  const authors = AuthorsSchema.safeParse(doc.authors);
  if (!authors.success) throw invalid(`${doc.doc} authors`, authors.error);
  let lastSeq = 0;
  for (const u of doc.updates) {
    if (u.seq <= lastSeq) throw new HistoryFormatError(`${doc.doc}: update ${u.seq} is out of order`);
    if (!Number.isFinite(u.ts)) throw new HistoryFormatError(`${doc.doc}: update ${u.seq} has no valid time`);
    lastSeq = u.seq;
  }
  // An exported file carries no checkpoints; any it claims to carry are rebuilt, not trusted.
  return { doc: doc.doc, authors: authors.data, updates: doc.updates, snapshots: [] };
}

/** Throws HistoryFormatError with a short reason when the file is not a valid attn session. */
export function readSessionFile(bytes: Uint8Array): Recording {
  const decoded: SessionFile = decodeSessionFile(bytes);
  const meta = SessionMetaSchema.safeParse(decoded.meta);
  if (!meta.success) throw invalid('session header', meta.error);
  const board = decoded.docs.find((d) => d.doc === 'board');
  if (!board) throw new HistoryFormatError('the file has no board recording');
  const panel = decoded.docs.find((d) => d.doc === 'panel');
  return {
    room: meta.data.room,
    events: meta.data.events,
    recording: null,
    board: checkDoc(board),
    panel: panel ? checkDoc(panel) : null,
  };
}
