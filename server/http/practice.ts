/**
 * Practice rooms (issue 14): the question list without guides, the server-recorded "Reveal
 * guide", the guide itself (for a practiser only after their reveal) and "Swap roles". Which link
 * may call what is the practice column of shared/capabilities.ts; the reveal gate is here.
 */
import { Router } from 'express';
import { RevealBody, type PracticeBankResponse, type PracticeGuideResponse, type SwapRolesResponse } from '../../shared/api.js';
import { canIn } from '../../shared/capabilities.js';
import { findReveal, readCurrentQuestion, writeReveal, writeRoleSwap, type PracticeReveal } from '../../shared/doc.js';
import type { AttachmentContext } from '../questions/attachments.js';
import type { QuestionBank } from '../questions/load.js';
import type { Store } from '../store/port.js';
import type { SyncServer } from '../sync/syncServer.js';
import { requireCapability } from './auth.js';
import { HttpError, zodMessage } from './errors.js';
import { questionFull } from './interview.js';
import { linkInfo } from './rooms.js';

export interface PracticeDeps {
  store: Store;
  sync: SyncServer;
  questions: QuestionBank;
  attachments: AttachmentContext;
}

/**
 * A "time is up" reveal may arrive this early: the browser's countdown runs on its estimate of
 * the server clock (client/lib/serverClock.ts), which can be off by a round trip.
 */
export const TIME_UP_SLACK_MS = 2000;

export function practiceRouter({ store, sync, questions, attachments }: PracticeDeps): Router {
  const r = Router({ mergeParams: true });

  r.get('/practice/bank', requireCapability(store, 'bank.browse'), (_req, res) => {
    const body: PracticeBankResponse = {
      questions: questions.list().map((q) => ({ id: q.id, title: q.title, topic: q.topic, minutes: q.minutes })),
    };
    res.json(body);
  });

  r.post('/practice/reveal', requireCapability(store, 'practice.reveal'), async (req, res) => {
    const body = RevealBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const { room, link } = req.authed!;
    const now = Date.now();
    const current = await sync.read(room.id, 'board', readCurrentQuestion);
    if (!current) throw new HttpError(409, 'no_question', 'There is no question on screen to reveal.');
    if (body.data.reason === 'time' && now + TIME_UP_SLACK_MS < current.startedAt + current.minutes * 60_000) {
      throw new HttpError(409, 'time_not_up', 'The time for this question is not up yet; press "Reveal guide" to reveal it early.');
    }
    // Recorded for the question read above, even if someone changes the question meanwhile.
    const { reason, name } = body.data;
    const wanted: PracticeReveal = { questionId: current.id, linkId: link.id, at: now, reason, role: link.role, ...(name ? { name } : {}) };
    let recorded = wanted;
    await sync.change(room.id, 'board', (doc) => {
      recorded = writeReveal(doc, wanted);
    });
    res.status(201).json({ reveal: recorded });
  });

  r.get('/practice/guide', requireCapability(store, 'guide.read'), async (req, res) => {
    const { room, link } = req.authed!;
    const { current, reveal } = await sync.read(room.id, 'board', (doc) => {
      const q = readCurrentQuestion(doc);
      return { current: q, reveal: q ? findReveal(doc, q.id, link.id) : null };
    });
    if (!current) throw new HttpError(409, 'no_question', 'There is no question on screen.');
    // Whoever may read the whole bank (the asker) needs no reveal; a practiser does.
    if (!canIn(room.kind, link.role, 'questions.read') && !reveal) {
      throw new HttpError(403, 'not_revealed', 'Press "Reveal guide" first (or wait until the time is up).');
    }
    const question = questions.get(current.id);
    if (!question) throw new HttpError(404, 'unknown_question', `No question "${current.id}" in the bank.`);
    const body: PracticeGuideResponse = { question: questionFull(question, attachments), reveal };
    res.set('Cache-Control', 'no-store').json(body);
  });

  /**
   * The asker becomes the practiser and back: one statement swaps the two roles on the room's
   * links, and the swap is stamped in the board's session map, which every open page watches and
   * reloads on, so each reopens its sockets and its UI under its new role (the panel moves with
   * it). Both roles open both docs the same way in a practice room, so no socket holds an access
   * it loses; the guide is a REST read that checks the role on every call.
   */
  r.post('/practice/swap', requireCapability(store, 'practice.swap'), async (req, res) => {
    const { room } = req.authed!;
    const changed = await store.swapLinkRoles(room.id, 'interviewer', 'candidate');
    await sync.change(room.id, 'board', (doc) => writeRoleSwap(doc, Date.now()));
    const body: SwapRolesResponse = { links: changed.map(linkInfo) };
    res.json(body);
  });

  return r;
}
