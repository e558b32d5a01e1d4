import { useId, useMemo, useRef, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import { panelScores, readPanelScores } from '../../shared/doc.js';
import { RUBRIC, SCORE_VALUES, weightedScore, type QuestionScores, type Score, type SubCriterion } from '../../shared/rubric.js';
import { formatScore } from '../lib/scoreFormat.js';
import { moveRow, scoreKeyAction, setScore, toggledScore } from './scoring.js';
import { useYVersion } from './useYVersion.js';

interface RubricGridProps {
  doc: Y.Doc;
  questionId: string;
  /** whose scores are shown: the interviewer's own, or (for observers) the one they picked */
  raterId: string | null;
  editable: boolean;
  /** sub-criteria this question exercises best; highlighted */
  hints: readonly string[];
}

function anchorFor(sub: SubCriterion, score: Score): string {
  switch (score) {
    case 1:
    case 3:
    case 5:
      return `${score}: ${sub.anchors[score]}`;
    case 2:
      return '2: between 1 and 3';
    case 4:
      return '4: between 3 and 5';
  }
}

/**
 * The rubric as a grid: four weighted criteria, four sub-criteria each, scored 1–5. Each row
 * takes the keyboard: focus it (Tab, or ↑/↓ from a neighbour), press 1–5 to score, 0 or
 * Backspace to clear. Keys the grid handles never reach the canvas or the page shortcuts.
 */
export function RubricGrid({ doc, questionId, raterId, editable, hints }: RubricGridProps) {
  const scoresMap = useMemo(() => panelScores(doc), [doc]);
  const version = useYVersion(scoresMap);
  const rows = useRef<(HTMLDivElement | null)[]>([]);
  const baseId = useId();

  const scores: QuestionScores = useMemo(() => {
    void version;
    return raterId ? (readPanelScores(doc)[raterId]?.[questionId] ?? {}) : {};
  }, [doc, raterId, questionId, version]);
  const result = useMemo(() => weightedScore(scores), [scores]);
  const hinted = useMemo(() => new Set(hints), [hints]);

  const write = (sub: SubCriterion, score: Score | null) => {
    if (editable && raterId) setScore(doc, raterId, questionId, sub.id, score);
  };

  let rowIndex = 0;
  const rowCount = RUBRIC.reduce((n, c) => n + c.subCriteria.length, 0);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>, sub: SubCriterion, index: number) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const action = scoreKeyAction(event.key);
    if (!action) return;
    // Ours, whether or not it changes anything: a digit must never fall through to Excalidraw's
    // tool shortcuts or the page's own keys.
    event.preventDefault();
    event.stopPropagation();
    if (action.kind === 'move') {
      rows.current[moveRow(index, action.delta, rowCount)]?.focus();
    } else if (action.kind === 'score') {
      write(sub, action.score);
    } else {
      write(sub, null);
    }
  };

  return (
    <div className="rubric" data-testid="rubric" data-question-id={questionId} data-readonly={editable ? undefined : 'true'}>
      {RUBRIC.map((criterion) => {
        const criterionResult = result.perCriterion[criterion.id];
        return (
          <div key={criterion.id} className="rubric-criterion" role="group" aria-label={`${criterion.label}, ${criterion.weight}% of the score`}>
            <div className="rubric-criterion-head">
              <span className="rubric-criterion-name">{criterion.label}</span>
              <span className="rubric-weight">{criterion.weight}%</span>
              <span
                className="rubric-criterion-score"
                title={`${criterionResult.scored} of ${criterionResult.total} scored`}
                data-testid="criterion-score"
                data-criterion={criterion.id}
              >
                {formatScore(criterionResult.score)}
              </span>
            </div>
            {criterion.subCriteria.map((sub) => {
              const index = rowIndex++;
              const value = scores[sub.id] ?? null;
              const hint = hinted.has(sub.id);
              const anchors = `1: ${sub.anchors[1]}\n3: ${sub.anchors[3]}\n5: ${sub.anchors[5]}`;
              return (
                <div
                  key={sub.id}
                  ref={(element) => {
                    rows.current[index] = element;
                  }}
                  className={`rubric-row${hint ? ' rubric-row-hint' : ''}${value !== null ? ' rubric-row-scored' : ''}`}
                  data-testid="rubric-row"
                  data-sub={sub.id}
                  data-score={value ?? undefined}
                  tabIndex={0}
                  role="group"
                  aria-label={`${sub.label}: ${value === null ? 'not scored' : `${value} of 5`}${hint ? ', suggested for this question' : ''}`}
                  aria-keyshortcuts={editable ? '1 2 3 4 5 0 Backspace' : undefined}
                  aria-describedby={`${baseId}-${sub.id}`}
                  title={anchors}
                  onKeyDown={(event) => onKeyDown(event, sub, index)}
                >
                  <span className="rubric-label">
                    {hint && (
                      <span className="rubric-hint-mark" aria-hidden="true" title="Suggested for this question">
                        ●
                      </span>
                    )}
                    {sub.label}
                  </span>
                  <span className="rubric-buttons">
                    {SCORE_VALUES.map((n) => (
                      <button
                        key={n}
                        type="button"
                        className="score-button"
                        data-testid={`score-${n}`}
                        aria-pressed={value === n}
                        aria-label={`${n}`}
                        title={anchorFor(sub, n)}
                        tabIndex={-1}
                        disabled={!editable}
                        onClick={() => write(sub, toggledScore(value, n))}
                      >
                        {n}
                      </button>
                    ))}
                  </span>
                  <span className="rubric-anchors" id={`${baseId}-${sub.id}`}>
                    <span>
                      <b>1</b> {sub.anchors[1]}
                    </span>
                    <span>
                      <b>3</b> {sub.anchors[3]}
                    </span>
                    <span>
                      <b>5</b> {sub.anchors[5]}
                    </span>
                  </span>
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
