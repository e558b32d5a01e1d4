import type { QuestionFull } from '../../shared/api.js';

/** A bank question in a picker: its title, then topic · difficulty · suggested minutes. */
export function QuestionSummary({ question }: { question: Pick<QuestionFull, 'title' | 'topic' | 'difficulty' | 'minutes'> }) {
  return (
    <div className="picker-text">
      <span className="picker-title">{question.title}</span>
      <span className="plan-meta">
        {question.topic} · {question.difficulty} · {question.minutes} min
      </span>
    </div>
  );
}
