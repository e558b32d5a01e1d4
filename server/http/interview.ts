/**
 * The interviewer's tools over REST: the question bank, the plan, the current question,
 * candidate signals and the scorecard. Every interviewer-only answer is gated here, server-side.
 */
import { Router } from 'express';
import { z } from 'zod';
import { PutOnScreenBody, SetCurrentQuestionBody, SetTemplatesForAnyoneBody, SignalBody, type QuestionFull, type QuestionsResponse } from '../../shared/api.js';
import {
  panelPlan,
  panelSignals,
  readCurrentQuestion,
  replacePadText,
  writeCurrentQuestion,
  writeTemplatesForAnyone,
  type CurrentQuestion,
  type Signal,
} from '../../shared/doc.js';
import type { Question } from '../../shared/question.js';
import { ATTACHMENTS, candidateAttachments, screenViews, type AttachmentContext } from '../questions/attachments.js';
import type { QuestionBank } from '../questions/load.js';
import { buildScorecard, scorecardMarkdown } from '../scorecard.js';
import type { Store } from '../store/port.js';
import type { SyncServer } from '../sync/syncServer.js';
import { requireCapability } from './auth.js';
import { HttpError, zodMessage } from './errors.js';
import { RateLimiter } from './rateLimit.js';

export interface InterviewDeps {
  store: Store;
  sync: SyncServer;
  questions: QuestionBank;
  attachments: AttachmentContext;
}

/** Per link: a burst of 10, then 2 per second. Enough for real tab switching, not for flooding the panel. */
const SIGNAL_BURST = 10;
/** two a second */
const SIGNAL_PER_MINUTE = 120;
/** A room's signal list is bounded so one candidate cannot grow the panel doc without limit. */
export const MAX_SIGNALS_PER_ROOM = 2000;

const PlanBody = z.object({ questionIds: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)).max(50) }).strict();

/** Interviewers' and observers' view: everything but the file name, listing defects and screen views included. */
export function questionFull(q: Question, attachments: AttachmentContext): QuestionFull {
  const { file: _file, ...rest } = q;
  return { ...rest, followUps: [...q.followUps], probing: [...q.probing], rubricHints: [...q.rubricHints], screen: screenViews(q, attachments) };
}

/** Throws a 400 naming the first unknown id. */
export function checkPlan(questions: QuestionBank, ids: readonly string[]): void {
  const unknown = ids.find((id) => !questions.get(id));
  if (unknown) throw new HttpError(400, 'unknown_question', `plan: no question "${unknown}" in the bank.`);
  if (new Set(ids).size !== ids.length) throw new HttpError(400, 'bad_request', 'plan: a question appears twice.');
}

export function replacePlan(ydoc: import('yjs').Doc, ids: readonly string[]): void {
  const plan = panelPlan(ydoc);
  ydoc.transact(() => {
    plan.delete(0, plan.length);
    plan.insert(0, [...ids]);
  });
}

export function interviewRouter({ store, sync, questions, attachments }: InterviewDeps): Router {
  const r = Router({ mergeParams: true });
  const signalLimiter = new RateLimiter(SIGNAL_PER_MINUTE, Date.now, SIGNAL_BURST);

  r.get('/questions', requireCapability(store, 'questions.read'), (_req, res) => {
    const body: QuestionsResponse = { questions: questions.list().map((q) => questionFull(q, attachments)) };
    res.json(body);
  });

  r.put('/plan', requireCapability(store, 'plan.edit'), async (req, res) => {
    const body = PlanBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    checkPlan(questions, body.data.questionIds);
    await sync.change(req.authed!.room.id, 'panel', (doc) => replacePlan(doc, body.data.questionIds));
    res.json({ plan: body.data.questionIds });
  });

  r.post('/session/current', requireCapability(store, 'question.set'), async (req, res) => {
    const body = SetCurrentQuestionBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    let current: CurrentQuestion | null = null;
    if (body.data.questionId !== null) {
      const view = questions.forCandidate(body.data.questionId);
      if (!view) throw new HttpError(404, 'unknown_question', `No question "${body.data.questionId}" in the bank.`);
      // Only the candidate's view goes into the board doc: the candidate syncs that doc.
      const full = questions.get(view.id)!;
      // Attachments add their candidate slice (a listing's code, never its defects) via the registry.
      current = { ...view, minutes: full.minutes, startedAt: Date.now(), ...candidateAttachments(full) };
    }
    // The replay names who changed the question from this (the update itself is attn's).
    const { link } = req.authed!;
    const by = { role: link.role, name: sync.nameForLink(link.id) ?? '' };
    await sync.change(req.authed!.room.id, 'board', (doc) => writeCurrentQuestion(doc, current, Date.now(), by));
    res.json({ current });
  });

  // The interviewer puts the current question's listing (or a challenge's starter) on the shared pad,
  // replacing what is there: the screen view comes from the attachment registry, never from the client.
  r.post('/session/screen', requireCapability(store, 'question.set'), async (req, res) => {
    const body = PutOnScreenBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const roomId = req.authed!.room.id;
    const current = await sync.read(roomId, 'board', readCurrentQuestion);
    const question = current && questions.get(current.id);
    if (!question) throw new HttpError(409, 'no_question', 'Put a question on screen first.');
    const handler = ATTACHMENTS[body.data.attachment];
    if (!handler.present(question)) throw new HttpError(409, 'no_attachment', `"${question.title}" has no ${body.data.attachment}.`);
    const view = handler.screenView(question, attachments);
    if (view.target !== 'pad') throw new HttpError(400, 'bad_request', `A ${body.data.attachment} goes on the board, not the pad.`);
    await sync.change(roomId, 'board', (doc) => replacePadText(doc, view.text));
    res.json({ target: view.target, lines: view.text.split('\n').length - 1 });
  });

  // Candidates read the flag from the board doc; only the server writes that map.
  r.put('/session/templates', requireCapability(store, 'templates.manage'), async (req, res) => {
    const body = SetTemplatesForAnyoneBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    await sync.change(req.authed!.room.id, 'board', (doc) => writeTemplatesForAnyone(doc, body.data.allowed));
    res.json({ allowed: body.data.allowed });
  });

  r.get('/session', requireCapability(store, 'session.read'), async (req, res) => {
    res.json({ current: await sync.read(req.authed!.room.id, 'board', readCurrentQuestion) });
  });

  r.post('/signals', requireCapability(store, 'signals.send'), async (req, res) => {
    const body = SignalBody.safeParse(req.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
    const { link, room } = req.authed!;
    if (!signalLimiter.take(link.id).ok) throw new HttpError(429, 'too_many', 'Too many signals; slow down.');
    const now = Date.now();
    const signal: Signal = { kind: body.data.kind, at: now, name: sync.nameForLink(link.id) ?? 'Candidate' };
    if (body.data.kind === 'paste') signal.chars = body.data.chars ?? 0;
    await sync.change(room.id, 'panel', (doc) => {
      const list = panelSignals(doc);
      if (list.length >= MAX_SIGNALS_PER_ROOM) list.delete(0, list.length - MAX_SIGNALS_PER_ROOM + 1);
      list.push([signal]);
    });
    res.status(202).json({ ok: true });
  });

  const scorecard = async (roomId: string) => {
    const room = (await store.getRoom(roomId))!;
    return sync.read(roomId, 'panel', (doc) => buildScorecard(room, (id) => questions.get(id), doc));
  };
  r.get('/scorecard.json', requireCapability(store, 'scorecard.read'), async (req, res) => {
    const card = await scorecard(req.authed!.room.id);
    res.set('Content-Disposition', `attachment; filename="attn-scorecard-${card.room.id}.json"`).json(card);
  });
  r.get('/scorecard.md', requireCapability(store, 'scorecard.read'), async (req, res) => {
    const card = await scorecard(req.authed!.room.id);
    res
      .type('text/markdown; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="attn-scorecard-${card.room.id}.md"`)
      .send(scorecardMarkdown(card));
  });

  return r;
}
