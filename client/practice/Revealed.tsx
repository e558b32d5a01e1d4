/**
 * What a practice question shows once its guide is revealed: the self-score on the panel's rubric
 * grid with the weighted score, what a complete answer contains and the follow-ups.
 */
import { useMemo } from 'react';
import type * as Y from 'yjs';
import type { QuestionFull } from '../../shared/api.js';
import { panelScores, readPanelScores } from '../../shared/doc.js';
import { weightedScore } from '../../shared/rubric.js';
import { formatScore } from '../lib/scoreFormat.js';
import { GuideView } from '../panel/QuestionDetails.js';
import { RubricGrid } from '../panel/RubricGrid.js';
import { useYVersion } from '../panel/useYVersion.js';

export function Revealed({ doc, raterId, questionId, guide }: { doc: Y.Doc; raterId: string; questionId: string; guide: QuestionFull }) {
  const version = useYVersion(useMemo(() => panelScores(doc), [doc]));
  const result = useMemo(() => {
    void version;
    return weightedScore(readPanelScores(doc)[raterId]?.[questionId] ?? {});
  }, [doc, raterId, questionId, version]);
  return (
    <>
      <section className="practice-section" aria-label="Your score">
        <p className="practice-score">
          Your score: <strong data-testid="practice-score">{formatScore(result.score)}</strong>
          <span className="muted small"> ({result.scored} of {result.total} scored)</span>
        </p>
        <RubricGrid doc={doc} questionId={questionId} raterId={raterId} editable hints={guide.rubricHints} />
      </section>
      <section className="practice-section" aria-label="What a complete answer contains">
        <h3>What a complete answer contains</h3>
        <GuideView question={guide} />
      </section>
      {guide.followUps.length > 0 && (
        <section className="practice-section" aria-label="Follow-ups">
          <h3>Follow-ups you would have been asked</h3>
          <ul data-testid="practice-followups">
            {guide.followUps.map((f, i) => (
              <li key={i}>{f}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
