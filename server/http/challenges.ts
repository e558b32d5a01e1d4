/**
 * Coding challenges over REST. Any link may fetch a challenge (statement, starter, test inputs;
 * expected outputs for every case to interviewers and observers, for the example cases only to
 * candidates); only interviewers and observers may read its reference implementation. The
 * browser that ran a check sends its outputs to `verify`, and the server's verdict goes into the
 * board's server-only `verdicts` map.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type * as Y from 'yjs';
import { VerifyCheckBody, type VerifyCheckResponse } from '../../shared/api.js';
import type { Verdict } from '../../shared/challenge.js';
import type { ChallengeListResponse, ChallengeReferenceResponse } from '../../shared/challengeSpec.js';
import { boardRuns, readVerdict, writeVerdict } from '../../shared/doc.js';
import type { ChallengeRegistry } from '../challenges/registry.js';
import { expectedOutputCount, judgeCheck } from '../challenges/verify.js';
import type { Store } from '../store/port.js';
import type { SyncServer } from '../sync/syncServer.js';
import { canIn } from '../../shared/capabilities.js';
import { requireCapability } from './auth.js';
import { RateLimiter } from './rateLimit.js';
import { HttpError, zodMessage } from './errors.js';

export interface ChallengesDeps {
  store: Store;
  challenges: ChallengeRegistry;
}

const unknownChallenge = (id: string) => new HttpError(404, 'unknown_challenge', `No challenge "${id}".`);

export function challengesRouter({ store, challenges }: ChallengesDeps): Router {
  const r = Router({ mergeParams: true });

  r.get('/challenges', requireCapability(store, 'challenges.read'), (_req, res) => {
    const body: ChallengeListResponse = { challenges: challenges.list() };
    res.json(body);
  });

  r.get('/challenges/:challengeId', requireCapability(store, 'challenges.read'), async (req, res) => {
    const id = String(req.params.challengeId);
    const view = await challenges.forClient(id, canIn(req.authed!.room.kind, req.authed!.link.role, 'challenge.expected.read') ? 'panel' : 'candidate');
    if (!view) throw unknownChallenge(id);
    res.json(view);
  });

  r.get('/challenges/:challengeId/reference', requireCapability(store, 'challenge.reference.read'), async (req, res) => {
    const id = String(req.params.challengeId);
    const source = await challenges.referenceSource(id);
    if (source === undefined) throw unknownChallenge(id);
    const body: ChallengeReferenceResponse = { id, source };
    res.json(body);
  });

  return r;
}

// ---- POST /challenges/:challengeId/verify -----------------------------------------------------

/**
 * The largest verify body. Outputs are float32 data as shortest decimals: the biggest challenge
 * (scaled-dot-product attention, 6 cases) measures 104 kB of expected outputs, so 1 MiB leaves
 * room for wrong shapes without letting one request hold much memory.
 */
export const VERIFY_MAX_BODY_BYTES = 1024 * 1024;
/** Per link: a burst of 10 checks, then one every 3 s. A person pressing Check never meets it; a script searching for hidden outputs does. */
export const VERIFY_BURST = 10;
/** one every 3 s */
const VERIFY_PER_MINUTE = 20;

export interface VerifyDeps extends ChallengesDeps {
  sync: SyncServer;
}

/**
 * Mounted before the app's 64 kB JSON parser, so it can read a bigger body, and only after the
 * link is authenticated and within its rate: a stranger's or observer's body is never read.
 */
export function challengeVerifyRouter({ store, sync, challenges }: VerifyDeps): Router {
  const r = Router({ mergeParams: true });
  const limiter = new RateLimiter(VERIFY_PER_MINUTE, Date.now, VERIFY_BURST);

  const rateLimit = (req: Request, _res: Response, next: NextFunction) => {
    if (!limiter.take(req.authed!.link.id).ok) throw new HttpError(429, 'too_many', 'Too many checks from this link; wait a few seconds and check again.');
    next();
  };

  r.post(
    '/challenges/:challengeId/verify',
    requireCapability(store, 'challenge.verify'),
    rateLimit,
    express.json({ limit: VERIFY_MAX_BODY_BYTES }),
    async (req, res) => {
      const id = String(req.params.challengeId);
      const checks = await challenges.checks(id);
      if (!checks) throw unknownChallenge(id);
      const body = VerifyCheckBody.safeParse(req.body ?? {});
      if (!body.success) throw new HttpError(400, 'bad_request', zodMessage(body.error));
      const { runId, outputs } = body.data;
      // The case list a browser receives: the fixed cases, then each property's generated calls.
      const wanted = expectedOutputCount(checks);
      if (outputs.length !== wanted) {
        throw new HttpError(400, 'bad_request', `outputs: "${id}" has ${wanted} cases, so send ${wanted} outputs (null where the function threw), not ${outputs.length}.`);
      }
      const { room, link } = req.authed!;
      const role = link.role as Verdict['by']['role'];
      const verdict: Verdict = {
        runId,
        challengeId: id,
        seed: challenges.seed,
        ...judgeCheck(checks, outputs),
        at: Date.now(),
        by: { role, name: sync.nameForLink(link.id) ?? (role === 'candidate' ? 'Candidate' : 'Interviewer') },
      };
      // Checked and written in one queued change, so two requests for one run can't both write.
      let refusal: HttpError | null = null;
      await sync.change(room.id, 'board', (doc) => {
        refusal = refuseVerify(doc, runId, id, role);
        if (!refusal) writeVerdict(doc, verdict);
      });
      if (refusal) throw refusal;
      const response: VerifyCheckResponse = { verdict };
      res.json(response);
    },
  );

  return r;
}

/**
 * A verdict belongs to a check run already in the board, for this challenge, run by a browser of
 * the caller's role (a remote check is run, and so verified, by the candidate), and is written
 * once: a second answer for the same run could otherwise replace a fail with a pass.
 */
function refuseVerify(doc: Y.Doc, runId: string, challengeId: string, role: Verdict['by']['role']): HttpError | null {
  const copies = boardRuns(doc)
    .toArray()
    .filter((r: unknown) => typeof r === 'object' && r !== null && (r as { id?: unknown }).id === runId);
  const check = copies.find((r) => r.kind === 'check' && r.challengeId === challengeId);
  if (!check) return new HttpError(409, 'unknown_run', `No check of "${challengeId}" with run id ${runId} in this room's runs.`);
  if (check.ranBy?.role !== role) return new HttpError(403, 'not_your_run', 'Only the browser that ran this check may send its outputs.');
  if (readVerdict(doc, runId)) return new HttpError(409, 'already_verified', 'The server has already judged this run.');
  return null;
}
