/**
 * The attachment registry: what a question folder may carry besides question.md, and for each
 * kind the same three functions, so adding a kind is one entry here rather than edits across the
 * loader, the session route and the panel:
 *
 * - validate: the question's reference to it is sound (the bank refuses to start otherwise, with
 *   one `<file>: <field>: <problem>` line);
 * - candidateView: what goes into the board doc when the question is put on screen. The candidate
 *   syncs that doc, so this is the server-side slice: a listing's code but never its defects;
 * - screenView: what an interviewer may put on the shared pad or board from it.
 */
import type { CurrentQuestion } from '../../shared/doc.js';
import type { ScreenTarget, ScreenView } from '../../shared/api.js';
import { listingForCandidate, listingLineProblem } from '../../shared/listing.js';
import type { Question } from '../../shared/question.js';
import type { ChallengeRegistry } from '../challenges/registry.js';
import { QuestionBankError, type QuestionBank } from './load.js';

export const ATTACHMENT_KINDS = ['challenge', 'diagram', 'listing'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** What validation and screen views may consult: the bank's challenge registry and diagram ids. */
export interface AttachmentContext {
  challenges: Pick<ChallengeRegistry, 'get' | 'list'>;
  diagramIds: readonly string[];
}

/** The attachment fields of the candidate's CurrentQuestion. */
export type CandidateAttachments = Pick<CurrentQuestion, 'challenge' | 'diagram' | 'listing'>;

export interface AttachmentHandler {
  kind: AttachmentKind;
  /** whether this question carries one */
  present(q: Question): boolean;
  /** throws QuestionBankError */
  validate(q: Question, ctx: AttachmentContext): void;
  candidateView(q: Question): CandidateAttachments;
  screenView(q: Question, ctx: AttachmentContext): ScreenView;
}

const known = (ids: readonly string[]) => (ids.length > 0 ? ids.join(', ') : 'none');

export const ATTACHMENTS: Record<AttachmentKind, AttachmentHandler> = {
  challenge: {
    kind: 'challenge',
    present: (q) => q.challenge !== undefined,
    validate(q, { challenges }) {
      if (!challenges.get(q.challenge!)) {
        const ids = challenges.list().map((c) => c.id);
        throw new QuestionBankError(q.file, 'challenge', `no challenge "${q.challenge}" in the bank (known: ${known(ids)})`);
      }
    },
    // The id only: the spec (cases, tolerances) comes over REST, sliced per role by the challenge registry.
    candidateView: (q) => ({ challenge: q.challenge! }),
    screenView: (q, { challenges }) => ({ target: 'pad', text: challenges.get(q.challenge!)!.starter }),
  },
  diagram: {
    kind: 'diagram',
    present: (q) => q.diagram !== undefined,
    validate(q, { diagramIds }) {
      if (!diagramIds.includes(q.diagram!)) {
        throw new QuestionBankError(q.file, 'diagram', `no diagram template "${q.diagram}" in the bank (known: ${known(diagramIds)})`);
      }
    },
    candidateView: (q) => ({ diagram: q.diagram! }),
    // Templates are Excalidraw skeletons; the board's own insert (client/diagrams/) converts and places them.
    screenView: (q) => ({ target: 'board', templateId: q.diagram! }),
  },
  listing: {
    kind: 'listing',
    present: (q) => q.listing !== undefined,
    validate(q) {
      // The loader checks this while parsing; repeated for banks built in memory (questionBankFrom).
      const problem = listingLineProblem(q.listing!);
      if (problem) throw new QuestionBankError(q.file.replace(/question\.md$/, 'listing.yaml'), problem[0], problem[1]);
    },
    candidateView: (q) => ({ listing: listingForCandidate(q.listing!) }),
    screenView: (q) => ({ target: 'pad', text: q.listing!.code.replace(/\n*$/, '\n') }),
  },
};

/** The kinds a question carries, in registry order. */
export function attachmentsOf(q: Question): AttachmentHandler[] {
  return ATTACHMENT_KINDS.map((k) => ATTACHMENTS[k]).filter((h) => h.present(q));
}

/** Every attachment of every question; throws QuestionBankError for the first bad one. */
export function validateAttachments(bank: QuestionBank, ctx: AttachmentContext): void {
  for (const q of bank.list()) for (const h of attachmentsOf(q)) h.validate(q, ctx);
}

/** The attachment part of the candidate's view of `q`. */
export function candidateAttachments(q: Question): CandidateAttachments {
  return Object.assign({}, ...attachmentsOf(q).map((h) => h.candidateView(q))) as CandidateAttachments;
}

/** What an interviewer can put on screen from `q`, by kind. */
export function screenViews(q: Question, ctx: AttachmentContext): Partial<Record<AttachmentKind, ScreenView>> {
  return Object.fromEntries(attachmentsOf(q).map((h) => [h.kind, h.screenView(q, ctx)]));
}

export type { ScreenTarget };
