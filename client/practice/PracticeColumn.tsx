/**
 * The practice column, right of the pad, for the practiser and a peer who asks: pick a question,
 * a visible countdown with an end-of-time alert, "Reveal guide", then the guide, the follow-ups
 * that would have been asked and the self-score on the same rubric grid the interview panel uses.
 * RoomView lazy-loads it for practice rooms only; its state lives in usePracticeSession.
 */
import { useState } from 'react';
import type * as Y from 'yjs';
import type { RoomKind } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import { PlanNext, PlanStart } from './PracticePlan.js';
import { Revealed } from './Revealed.js';
import { usePracticePlan } from './usePracticePlan.js';
import { usePracticeSession } from './usePracticeSession.js';
import './practice.css';

export interface PracticeColumnProps {
  roomId: string;
  token: string;
  kind: RoomKind;
  role: Role;
  linkId: string;
  name: string | null;
  roomTitle: string;
  boardDoc: Y.Doc;
}

export default function PracticeColumn(props: PracticeColumnProps) {
  const s = usePracticeSession(props);
  const [picked, setPicked] = useState('');
  const asking = !s.canReveal;
  const plan = usePracticePlan({ panelDoc: s.panelDoc, roomId: props.roomId, bank: s.bank, currentId: s.current?.id ?? null, raterId: s.raterId, asking, start: s.start });
  // Outside a plan, Next walks the bank in order; inside one, the plan decides (PlanNext).
  const next = s.bank && s.current && !plan.progress ? s.bank[s.bank.findIndex((q) => q.id === s.current!.id) + 1] : undefined;

  return (
    <aside className="panel practice" data-testid="practice" aria-label="Practice">
      <header className="practice-head">
        <h2>Practice</h2>
        <span className="muted small" data-testid="practice-role">
          {asking ? 'You ask the questions' : 'You are practising'}
        </span>
      </header>

      <section className="practice-section" aria-label="Question">
        <label className="field">
          <span className="field-label">Question from the bank</span>
          <select className="input" data-testid="practice-pick" value={picked} onChange={(e) => setPicked(e.target.value)} disabled={!s.bank}>
            <option value="">Choose a question…</option>
            {s.bank?.map((q) => (
              <option key={q.id} value={q.id}>
                {q.title} ({q.minutes} min)
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="button" className="button button-primary" data-testid="practice-start" disabled={!picked || s.busy} onClick={() => void s.start(picked)}>
            Start
          </button>
          {next && (
            <button type="button" className="button" data-testid="practice-next" disabled={s.busy} onClick={() => void s.start(next.id)}>
              Next: {next.title}
            </button>
          )}
        </div>
        <PlanStart max={s.bank?.length ?? 0} disabled={!plan.ready || s.busy} onBegin={(n) => void plan.begin(n)} />
      </section>

      {s.current && s.countdown && (
        <section className="practice-section" aria-label="Countdown">
          {plan.progress && (
            <p className="practice-plan-progress" data-testid="practice-plan-progress">
              Question {plan.progress.position} of {plan.progress.total}
            </p>
          )}
          <p className={`practice-countdown${s.countdown.up ? ' practice-countdown-up' : ''}`} data-testid="practice-countdown" aria-live="off">
            {s.countdown.label}
          </p>
          {s.countdown.up && (
            <p className="practice-alert" role="alert" data-testid="practice-time-up">
              Time is up for “{s.current.title}”.
            </p>
          )}
        </section>
      )}

      {s.current && !s.revealed && (
        <section className="practice-section" aria-label="Guide">
          <p className="muted small">The guide stays hidden until you reveal it or the time is up; then score yourself against the rubric.</p>
          <button type="button" className="button button-primary" data-testid="practice-reveal" disabled={s.busy} onClick={() => void s.revealNow()}>
            Reveal guide
          </button>
        </section>
      )}

      {s.current && s.revealed && s.guide && s.panelDoc && (
        <Revealed doc={s.panelDoc} raterId={s.raterId} questionId={s.current.id} guide={s.guide} />
      )}

      {plan.progress && <PlanNext progress={plan.progress} finished={plan.finished} disabled={s.busy} onNext={(id) => void s.start(id)} />}

      <section className="practice-section actions">
        <button type="button" className="button" data-testid="practice-swap" disabled={s.busy} onClick={() => void s.swap()}>
          Swap roles
        </button>
        <a className="button button-ghost" href="/practice/history" target="_blank" rel="noopener" data-testid="practice-history-link">
          History ↗
        </a>
      </section>
      {s.error && (
        <p className="form-error" role="alert" data-testid="practice-error">
          {s.error}
        </p>
      )}
    </aside>
  );
}
