import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import type { QuestionFull } from '../../shared/api.js';
import { TOPICS } from '../../shared/question.js';
import { addPlanItem, dropIndex, movePlanItem, removePlanItem, reorderTarget } from './plan.js';
import type { QuestionBankState } from './useQuestionBank.js';
import { QuestionSummary } from '../lib/QuestionSummary.js';

interface PlanSectionProps {
  plan: Y.Array<string>;
  planIds: readonly string[];
  bank: QuestionBankState;
  onRetryBank: () => void;
  currentId: string | null;
  viewId: string | null;
  onView: (id: string) => void;
  editable: boolean;
  /** the id being put on screen right now, for progress */
  pendingId: string | null | undefined;
  onSetCurrent: (id: string) => void;
}

const DRAG_TYPE = 'application/x-attn-question';

/**
 * The interview plan: the questions in order, reordered by drag and drop or Alt+↑/↓, with
 * "Set current" to put one on everyone's screen. Edits go straight into the panel doc, so
 * every interviewer sees the same order live.
 */
export function PlanList(props: PlanSectionProps) {
  const { plan, planIds, bank, currentId, viewId, editable } = props;
  const list = useRef<HTMLOListElement>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [drop, setDrop] = useState<{ index: number; after: boolean } | null>(null);
  const [picking, setPicking] = useState(false);
  const focusAfterMove = useRef<string | null>(null);

  // After a keyboard move the item re-renders at its new place; keep the keyboard on it.
  useEffect(() => {
    const id = focusAfterMove.current;
    if (!id) return;
    focusAfterMove.current = null;
    list.current?.querySelector<HTMLElement>(`[data-question-id="${CSS.escape(id)}"][data-testid="plan-item"]`)?.focus();
  }, [planIds]);

  const questionOf = (id: string) => (bank.phase === 'ready' ? bank.byId.get(id) : undefined);

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>, id: string, index: number) => {
    if (event.target !== event.currentTarget) return;
    if (editable && event.altKey) {
      const to = reorderTarget(index, event.key, planIds.length);
      if (to === null) return;
      event.preventDefault();
      event.stopPropagation();
      focusAfterMove.current = id;
      movePlanItem(plan, id, to);
      return;
    }
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      event.stopPropagation();
      const items = list.current?.querySelectorAll<HTMLElement>('[data-testid="plan-item"]');
      items?.[Math.max(0, Math.min(planIds.length - 1, index + (event.key === 'ArrowUp' ? -1 : 1)))]?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      props.onView(id);
    }
  };

  const dragHandlers = (id: string, index: number) =>
    editable
      ? {
          draggable: true,
          onDragStart: (event: DragEvent<HTMLLIElement>) => {
            event.dataTransfer.effectAllowed = 'move';
            event.dataTransfer.setData(DRAG_TYPE, id);
            event.dataTransfer.setData('text/plain', questionOf(id)?.title ?? id);
            setDragId(id);
          },
          onDragOver: (event: DragEvent<HTMLLIElement>) => {
            if (!dragId) return;
            event.preventDefault();
            event.dataTransfer.dropEffect = 'move';
            const rect = event.currentTarget.getBoundingClientRect();
            const after = event.clientY > rect.top + rect.height / 2;
            if (drop?.index !== index || drop.after !== after) setDrop({ index, after });
          },
          onDrop: (event: DragEvent<HTMLLIElement>) => {
            event.preventDefault();
            const dragged = event.dataTransfer.getData(DRAG_TYPE) || dragId;
            const from = dragged ? planIds.indexOf(dragged) : -1;
            if (dragged && from >= 0 && drop) movePlanItem(plan, dragged, dropIndex(from, drop.index, drop.after));
            setDragId(null);
            setDrop(null);
          },
          onDragEnd: () => {
            setDragId(null);
            setDrop(null);
          },
        }
      : {};

  return (
    <div className="plan">
      {bank.phase === 'failed' && (
        <div className="inline-error" role="alert">
          <span>Could not load the question bank: {bank.message}</span>
          <button type="button" className="button button-small" onClick={props.onRetryBank}>
            Try again
          </button>
        </div>
      )}
      {planIds.length === 0 ? (
        <p className="panel-empty">
          {editable ? 'No questions planned yet. Add some from the bank to get started.' : 'The interviewers have not planned any questions yet.'}
        </p>
      ) : (
        <ol ref={list} className="plan-list" aria-label="Interview plan">
          {planIds.map((id, index) => {
            const question = questionOf(id);
            const isCurrent = id === currentId;
            const pending = props.pendingId === id;
            const dropClass =
              drop && drop.index === index && dragId !== id ? (drop.after ? ' plan-item-drop-after' : ' plan-item-drop-before') : '';
            return (
              <li
                key={id}
                className={`plan-item${isCurrent ? ' plan-item-current' : ''}${id === viewId ? ' plan-item-viewed' : ''}${dragId === id ? ' plan-item-dragging' : ''}${dropClass}`}
                data-testid="plan-item"
                data-question-id={id}
                data-current={isCurrent ? 'true' : undefined}
                aria-current={isCurrent ? 'step' : undefined}
                tabIndex={0}
                aria-label={`${index + 1}. ${question?.title ?? id}${isCurrent ? ', on screen now' : ''}`}
                aria-keyshortcuts={editable ? 'Alt+ArrowUp Alt+ArrowDown' : undefined}
                onKeyDown={(event) => onKeyDown(event, id, index)}
                {...dragHandlers(id, index)}
              >
                {editable && (
                  <span className="plan-grip" aria-hidden="true" title="Drag to reorder (or Alt+↑/↓)">
                    ⋮⋮
                  </span>
                )}
                <span className="plan-index" aria-hidden="true">
                  {index + 1}
                </span>
                <button type="button" className="plan-title" tabIndex={-1} onClick={() => props.onView(id)} title="Show its guide and rubric">
                  <span className="plan-title-text">{question?.title ?? id}</span>
                  <span className="plan-meta">
                    {question ? (
                      <>
                        {question.topic} · {question.minutes} min
                      </>
                    ) : bank.phase === 'ready' ? (
                      'not in the question bank'
                    ) : (
                      '…'
                    )}
                  </span>
                </button>
                {isCurrent && <span className="chip chip-now">On screen</span>}
                {editable && !isCurrent && (
                  <button
                    type="button"
                    className="button button-small plan-set-current"
                    data-testid="set-current"
                    data-question-id={id}
                    disabled={props.pendingId !== undefined || !question}
                    onClick={() => props.onSetCurrent(id)}
                  >
                    {pending ? <span className="spinner spinner-inline" aria-label="Setting…" /> : 'Set current'}
                  </button>
                )}
                {editable && (
                  <button
                    type="button"
                    className="icon-button plan-remove"
                    aria-label={`Remove “${question?.title ?? id}” from the plan`}
                    title="Remove from the plan"
                    data-testid="plan-remove"
                    onClick={() => removePlanItem(plan, id)}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {editable && (
        <>
          <button
            type="button"
            className="button button-small plan-add"
            data-testid="plan-add"
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            {picking ? 'Done adding' : '+ Add question'}
          </button>
          {picking && <QuestionPicker bank={bank} planIds={planIds} onAdd={(id) => addPlanItem(plan, id)} onClose={() => setPicking(false)} />}
        </>
      )}
    </div>
  );
}

interface QuestionPickerProps {
  bank: QuestionBankState;
  planIds: readonly string[];
  onAdd: (id: string) => void;
  onClose: () => void;
}

/** The question bank, filtered by topic; questions already planned are marked, not hidden. */
export function QuestionPicker({ bank, planIds, onAdd, onClose }: QuestionPickerProps) {
  const [topic, setTopic] = useState<string>('all');
  const planned = useMemo(() => new Set(planIds), [planIds]);
  const questions: QuestionFull[] = bank.phase === 'ready' ? bank.questions : [];
  const topics = useMemo(() => TOPICS.filter((t) => questions.some((q) => q.topic === t)), [questions]);
  const shown = topic === 'all' ? questions : questions.filter((q) => q.topic === topic);

  return (
    <div
      className="picker"
      data-testid="question-picker"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <label className="picker-filter">
        <span className="muted small">Topic</span>
        <select className="select" value={topic} onChange={(event) => setTopic(event.target.value)} data-testid="picker-topic">
          <option value="all">All topics</option>
          {topics.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      {bank.phase === 'loading' && (
        <p className="panel-empty" role="status">
          <span className="spinner spinner-inline" aria-hidden="true" /> Loading the question bank…
        </p>
      )}
      <ul className="picker-list">
        {shown.map((q) => {
          const isPlanned = planned.has(q.id);
          return (
            <li key={q.id} className="picker-item">
              <QuestionSummary question={q} />
              <button
                type="button"
                className="button button-small"
                data-testid="plan-add-question"
                data-question-id={q.id}
                disabled={isPlanned}
                onClick={() => onAdd(q.id)}
              >
                {isPlanned ? 'Planned' : 'Add'}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
