import { useId, useState } from 'react';
import type { CurrentQuestion } from '../../shared/doc.js';
import { Markdown } from '../lib/Markdown.js';
import { formatOffset } from './time.js';

/** The question on screen at the playhead, with its clock as it stood then (not now). */
export function ReplayQuestion({ question, t }: { question: CurrentQuestion | null; t: number }) {
  const [folded, setFolded] = useState(true);
  const promptId = useId();
  if (!question) {
    return (
      <section className="question-strip question-strip-empty" data-testid="question-strip" aria-label="Question at the playhead">
        <span className="question-strip-label">Question</span>
        <span className="muted" data-testid="question-empty">
          No question on screen
        </span>
      </section>
    );
  }
  const over = t - question.startedAt > question.minutes * 60_000;
  return (
    <section className="question-strip" data-testid="question-strip" data-question-id={question.id} aria-label="Question at the playhead">
      <div className="question-strip-head">
        <span className="question-strip-label">Question</span>
        <h2 className="question-strip-title" title={question.title} data-testid="question-title">
          {question.title}
        </h2>
        <span className={`question-timer${over ? ' question-timer-over' : ''}`} title="Time on this question at the playhead / suggested time">
          {formatOffset(t - question.startedAt)} / {question.minutes}:00
        </span>
        <button
          type="button"
          className="button button-small button-ghost"
          aria-expanded={!folded}
          aria-controls={promptId}
          onClick={() => setFolded(!folded)}
        >
          {folded ? 'Show prompt' : 'Hide prompt'}
        </button>
      </div>
      <div id={promptId} hidden={folded} className="question-strip-prompt">
        {!folded && <Markdown source={question.prompt} />}
      </div>
    </section>
  );
}
