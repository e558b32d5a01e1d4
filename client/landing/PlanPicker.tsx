import { useEffect, useId, useMemo, useState } from 'react';
import type { QuestionFull } from '../../shared/api.js';
import { TOPICS } from '../../shared/question.js';
import { ApiRequestError, fetchQuestions, savePlan } from '../lib/api.js';
import { QuestionSummary } from '../lib/QuestionSummary.js';

interface PlanPickerProps {
  roomId: string;
  /** the interviewer's token from the fresh room: the bank and the plan are interviewer-only */
  token: string;
}

type Bank = { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; questions: QuestionFull[] };
type Save = { phase: 'idle' } | { phase: 'saving' } | { phase: 'saved'; count: number } | { phase: 'failed'; message: string };

function move<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/**
 * An optional interview plan for a fresh room: pick questions from the bank, put them in
 * order, save. Interviewers can change it any time from the room's panel.
 */
export function PlanPicker({ roomId, token }: PlanPickerProps) {
  const [open, setOpen] = useState(false);
  const [bank, setBank] = useState<Bank>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [topic, setTopic] = useState('all');
  const [picked, setPicked] = useState<string[]>([]);
  const [save, setSave] = useState<Save>({ phase: 'idle' });
  const bodyId = useId();

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    setBank({ phase: 'loading' });
    fetchQuestions(roomId, token).then(
      (questions) => !cancelled && setBank({ phase: 'ready', questions }),
      (error: unknown) =>
        !cancelled && setBank({ phase: 'failed', message: error instanceof ApiRequestError ? error.message : 'Something went wrong.' }),
    );
    return () => {
      cancelled = true;
    };
  }, [open, roomId, token, attempt]);

  const questions = useMemo(() => (bank.phase === 'ready' ? bank.questions : []), [bank]);
  const byId = useMemo(() => new Map(questions.map((q) => [q.id, q])), [questions]);
  const topics = TOPICS.filter((t) => questions.some((q) => q.topic === t));
  const shown = topic === 'all' ? questions : questions.filter((q) => q.topic === topic);
  const totalMinutes = picked.reduce((sum, id) => sum + (byId.get(id)?.minutes ?? 0), 0);

  const edit = (next: string[]) => {
    setPicked(next);
    if (save.phase !== 'saving') setSave({ phase: 'idle' });
  };

  const submit = async () => {
    setSave({ phase: 'saving' });
    try {
      const plan = await savePlan(roomId, token, picked);
      setSave({ phase: 'saved', count: plan.length });
    } catch (error) {
      setSave({ phase: 'failed', message: error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.' });
    }
  };

  return (
    <section className="plan-picker" data-testid="plan-picker" aria-labelledby={`${bodyId}-title`}>
      <div className="plan-picker-head">
        <div>
          <h2 id={`${bodyId}-title`} className="plan-picker-title">
            Interview plan <span className="muted">(optional)</span>
          </h2>
          <p className="muted small">Pick questions now, or later from the panel in the room.</p>
        </div>
        <button
          type="button"
          className="button"
          data-testid="plan-picker-open"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide questions' : 'Choose questions'}
        </button>
      </div>
      {open && (
        <div id={bodyId} className="plan-picker-body">
          <div className="plan-picker-bank">
            <label className="picker-filter">
              <span className="muted small">Topic</span>
              <select className="select" value={topic} onChange={(event) => setTopic(event.target.value)}>
                <option value="all">All topics</option>
                {topics.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
            {bank.phase === 'loading' && (
              <p className="muted" role="status">
                <span className="spinner spinner-inline" aria-hidden="true" /> Loading the question bank…
              </p>
            )}
            {bank.phase === 'failed' && (
              <div className="inline-error" role="alert">
                <span>Could not load the question bank: {bank.message}</span>
                <button type="button" className="button button-small" onClick={() => setAttempt((n) => n + 1)}>
                  Try again
                </button>
              </div>
            )}
            <ul className="picker-list">
              {shown.map((q) => {
                const isPicked = picked.includes(q.id);
                return (
                  <li key={q.id} className="picker-item">
                    <QuestionSummary question={q} />
                    <button
                      type="button"
                      className="button button-small"
                      data-testid="plan-picker-question"
                      data-question-id={q.id}
                      aria-pressed={isPicked}
                      onClick={() => edit(isPicked ? picked.filter((id) => id !== q.id) : [...picked, q.id])}
                    >
                      {isPicked ? 'Added ✓' : 'Add'}
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
          <div className="plan-picker-chosen">
            <h3 className="panel-subhead">
              Your plan · {picked.length} question{picked.length === 1 ? '' : 's'}
              {totalMinutes > 0 && ` · about ${totalMinutes} min`}
            </h3>
            {picked.length === 0 ? (
              <p className="muted small">Nothing picked yet.</p>
            ) : (
              <ol className="plan-picker-list">
                {picked.map((id, index) => (
                  <li key={id} className="plan-picker-item" data-testid="plan-picker-selected" data-question-id={id}>
                    <span className="plan-index">{index + 1}</span>
                    <span className="plan-picker-item-title">{byId.get(id)?.title ?? id}</span>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label="Move up"
                      disabled={index === 0}
                      onClick={() => edit(move(picked, index, index - 1))}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label="Move down"
                      disabled={index === picked.length - 1}
                      onClick={() => edit(move(picked, index, index + 1))}
                    >
                      ↓
                    </button>
                    <button type="button" className="icon-button" aria-label="Remove" onClick={() => edit(picked.filter((p) => p !== id))}>
                      ×
                    </button>
                  </li>
                ))}
              </ol>
            )}
            <div className="actions">
              <button
                type="button"
                className="button button-primary"
                data-testid="save-plan"
                disabled={save.phase === 'saving'}
                onClick={() => void submit()}
              >
                {save.phase === 'saving' && <span className="spinner spinner-inline" aria-hidden="true" />} Save plan
              </button>
              {save.phase === 'idle' && picked.length > 0 && (
                <span className="muted small" data-testid="plan-unsaved">
                  Not saved yet
                </span>
              )}
              {save.phase === 'saved' && (
                <span className="chip chip-ok" role="status" data-testid="plan-saved">
                  Saved · {save.count} question{save.count === 1 ? '' : 's'}
                </span>
              )}
            </div>
            {save.phase === 'failed' && (
              <p className="form-error" role="alert">
                Could not save the plan: {save.message}
              </p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
