/**
 * The practice column's plan controls: "Practice N questions" (picks N from the bank, spread over
 * topics, and starts the first), and, while a plan's question is on screen, the step to the next
 * one once this one is finished. State lives in usePracticePlan.
 */
import { useState } from 'react';
import { DEFAULT_PLAN_SIZE, type PlanProgress } from './plan.js';

export function PlanStart({ max, disabled, onBegin }: { max: number; disabled: boolean; onBegin: (n: number) => void }) {
  const [n, setN] = useState(DEFAULT_PLAN_SIZE);
  const size = Math.max(1, Math.min(n, max || 1));
  return (
    <div className="practice-plan-start">
      <label className="field practice-plan-size">
        <span className="field-label">Questions</span>
        <input
          type="number"
          className="input"
          data-testid="practice-plan-size"
          min={1}
          max={Math.max(1, max)}
          value={n}
          onChange={(e) => setN(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
        />
      </label>
      <button type="button" className="button" data-testid="practice-plan-start" disabled={disabled} onClick={() => onBegin(size)}>
        Practice {size} question{size === 1 ? '' : 's'}
      </button>
    </div>
  );
}

export function PlanNext({ progress, finished, disabled, onNext }: { progress: PlanProgress; finished: boolean; disabled: boolean; onNext: (id: string) => void }) {
  const { position, total, nextId } = progress;
  if (nextId === null) {
    return (
      <p className="muted small" data-testid="practice-plan-done">
        Last question of your plan of {total}.
      </p>
    );
  }
  return (
    <section className="practice-section" aria-label="Plan">
      <button type="button" className="button button-primary" data-testid="practice-plan-next" disabled={disabled || !finished} onClick={() => onNext(nextId)}>
        Next question ({position + 1} of {total})
      </button>
      {!finished && <p className="muted small">Score yourself on this one to move on.</p>}
    </section>
  );
}
