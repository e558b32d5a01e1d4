import { useId, useState } from 'react';
import type * as Y from 'yjs';
import { canIn, rolesWithIn, type RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { Markdown } from '../lib/Markdown.js';
import { roleLabel } from '../lib/roles.js';
import { ListingView } from './ListingView.js';
import { readTimer } from './timer.js';
import { useCurrentQuestion } from './useCurrentQuestion.js';
import { useTicker } from './useTicker.js';

interface QuestionStripProps {
  doc: Y.Doc | null;
  role: Role;
  kind: RoomKind;
}

/** What the empty strip says: who picks the next question, in the room kind's words. */
function waitingText(kind: RoomKind, role: Role): string {
  if (canIn(kind, role, 'practice.swap') && canIn(kind, role, 'question.set')) return 'Pick a question in the Practice column';
  if (canIn(kind, role, 'question.set')) return 'Pick a question from the plan';
  const setters = rolesWithIn(kind, 'question.set');
  return setters.length === 1 ? `Waiting for the ${roleLabel(kind, setters[0]!).toLowerCase()} to pick a question` : 'Waiting for a question';
}

/**
 * The question everyone is working on, under the top bar: title, timer and the prompt. It only
 * ever shows what the board's session holds, which the server fills with the candidate-safe
 * part of a question (title and prompt), so it is the same for every role.
 */
export function QuestionStrip({ doc, role, kind }: QuestionStripProps) {
  const current = useCurrentQuestion(doc);
  // Folding is per question: the next question always arrives unfolded, so nobody misses it.
  const [foldedId, setFoldedId] = useState<string | null>(null);
  const promptId = useId();

  if (!current) {
    // A room where nobody may set a question (pair) has no strip to wait on.
    if (rolesWithIn(kind, 'question.set').length === 0) return null;
    return (
      <section className="question-strip question-strip-empty" data-testid="question-strip" aria-label="Current question">
        <span className="question-strip-label">Question</span>
        <span className="muted" data-testid="question-empty">
          {waitingText(kind, role)}
        </span>
      </section>
    );
  }

  const folded = foldedId === current.id;
  return (
    <section className="question-strip" data-testid="question-strip" data-question-id={current.id} aria-label="Current question">
      <div className="question-strip-head">
        <span className="question-strip-label">Question</span>
        <h2 className="question-strip-title" title={current.title} data-testid="question-title">
          {current.title}
        </h2>
        <QuestionTimer startedAt={current.startedAt} minutes={current.minutes} />
        <button
          type="button"
          className="button button-small button-ghost"
          aria-expanded={!folded}
          aria-controls={promptId}
          data-testid="toggle-prompt"
          onClick={() => setFoldedId(folded ? null : current.id)}
        >
          {folded ? 'Show prompt' : 'Hide prompt'}
        </button>
      </div>
      <div id={promptId} hidden={folded} className="question-strip-prompt">
        {!folded && <Markdown source={current.prompt} testId="question-prompt" />}
        {!folded && current.listing && <ListingView listing={current.listing} />}
      </div>
    </section>
  );
}

export function QuestionTimer({ startedAt, minutes }: { startedAt: number; minutes: number }) {
  const now = useTicker(startedAt);
  const { label, over, spoken } = readTimer(startedAt, minutes, now);
  return (
    <span
      className={`question-timer${over ? ' question-timer-over' : ''}`}
      data-testid="question-timer"
      data-over={over ? 'true' : 'false'}
      role="timer"
      aria-label={`Time on this question: ${spoken}${over ? ', past the suggested time' : ''}`}
      title={over ? 'Past the suggested time' : 'Time on this question / suggested time'}
    >
      {label}
    </span>
  );
}
