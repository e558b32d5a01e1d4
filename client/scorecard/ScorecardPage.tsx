import { useCallback, useEffect, useState } from 'react';
import { ALPHA_NULL_REASONS, RUBRIC } from '../../shared/rubric.js';
import { ApiRequestError, fetchScorecard } from '../lib/api.js';
import { Markdown } from '../lib/Markdown.js';
import { formatAlpha, formatScore, formatSpread, formatTimeOfDay, signalLabel } from '../lib/scoreFormat.js';
import { StatusScreen } from '../lib/StatusScreen.js';
import { claimRoomToken } from '../lib/token.js';
import { ScorecardAttachments } from './ScorecardAttachments.js';
import type { Scorecard, ScorecardQuestion } from '../../shared/api.js';

type Load = { phase: 'loading' } | { phase: 'failed'; status: number; message: string } | { phase: 'ready'; card: Scorecard };

function formatDate(value: number | string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function alphaReason(reason: string | undefined): string {
  if (!reason) return '';
  return Object.hasOwn(ALPHA_NULL_REASONS, reason) ? ALPHA_NULL_REASONS[reason as keyof typeof ALPHA_NULL_REASONS] : reason;
}

function failure(status: number, message: string): { title: string; message: string } {
  switch (status) {
    case 401:
      return { title: 'This link is not valid.', message: 'Open the scorecard again from the interview room.' };
    case 403:
      return { title: 'Only interviewers can see the scorecard.', message: 'Ask an interviewer to share it with you.' };
    case 404:
      return { title: 'This interview does not exist.', message: 'The link may be mistyped, or the interview was deleted.' };
    case 410:
      return { title: 'This link was revoked.', message: 'Ask the interviewer for a new link.' };
    case 0:
      return { title: 'Could not reach attn.', message: 'Check your connection, then try again.' };
    default:
      return { title: 'The scorecard could not be loaded.', message };
  }
}

/** `/r/<roomId>/scorecard`: the scorecard as a clean page to read, print or save as PDF. */
export default function ScorecardPage({ roomId }: { roomId: string }) {
  const [token] = useState(() => claimRoomToken(roomId));
  const [load, setLoad] = useState<Load>({ phase: 'loading' });

  const fetchCard = useCallback(async () => {
    if (!token) return;
    setLoad({ phase: 'loading' });
    try {
      setLoad({ phase: 'ready', card: await fetchScorecard<Scorecard>(roomId, token) });
    } catch (error) {
      const status = error instanceof ApiRequestError ? error.status : -1;
      setLoad({ phase: 'failed', status, message: error instanceof Error ? error.message : 'Unknown error.' });
    }
  }, [roomId, token]);

  useEffect(() => {
    void fetchCard();
  }, [fetchCard]);

  const title = load.phase === 'ready' ? load.card.room.title || 'Untitled interview' : null;
  useEffect(() => {
    document.title = title ? `Scorecard · ${title} · attn` : 'Scorecard · attn';
  }, [title]);

  if (!token) {
    return (
      <StatusScreen
        tone="error"
        testId="scorecard-error"
        title="This address is missing its access token."
        message="Open the printable scorecard from the interview room's panel."
      />
    );
  }
  if (load.phase === 'loading') return <StatusScreen tone="loading" title="Loading the scorecard…" />;
  if (load.phase === 'failed') {
    const { title: failTitle, message } = failure(load.status, load.message);
    return (
      <StatusScreen
        tone="error"
        testId="scorecard-error"
        title={failTitle}
        message={message}
        actions={
          <button type="button" className="button button-primary" onClick={() => void fetchCard()}>
            Try again
          </button>
        }
      />
    );
  }
  return <ScorecardView card={load.card} roomId={roomId} token={token} onReload={() => void fetchCard()} />;
}

function ScorecardView({ card, roomId, token, onReload }: { card: Scorecard; roomId: string; token: string; onReload: () => void }) {
  const { raters, questions, overall, agreement, signals } = card;
  return (
    <main className="scorecard" data-testid="scorecard">
      <header className="scorecard-head">
        <div className="scorecard-titles">
          <p className="scorecard-brand">
            <span className="brand">attn</span>
            <span className="eyebrow">Interview scorecard</span>
          </p>
          <h1 data-testid="scorecard-title">{card.room.title || 'Untitled interview'}</h1>
          <p className="muted">
            Interview created {formatDate(card.room.createdAt)} · scorecard generated {formatDate(card.generatedAt)}
          </p>
        </div>
        <div className="actions no-print">
          <button type="button" className="button" onClick={onReload}>
            Refresh
          </button>
          <button type="button" className="button button-primary" data-testid="print-scorecard" onClick={() => window.print()}>
            Print
          </button>
        </div>
      </header>

      <section className="sc-section" aria-labelledby="sc-summary">
        <h2 id="sc-summary">Summary</h2>
        {raters.length === 0 ? (
          <p className="muted">No interviewer has scored yet.</p>
        ) : (
          <table className="sc-table sc-summary-table">
            <thead>
              <tr>
                <th scope="col">Interviewer</th>
                <th scope="col" className="sc-num">
                  Overall score
                </th>
                <th scope="col" className="sc-num">
                  Coverage
                </th>
              </tr>
            </thead>
            <tbody>
              {raters.map((rater) => {
                const entry = overall.byRater[rater.id];
                return (
                  <tr key={rater.id} data-testid="sc-rater" data-rater-name={rater.name}>
                    <th scope="row">{rater.name}</th>
                    <td className="sc-num">{formatScore(entry?.score)}</td>
                    <td className="sc-num" data-testid="sc-overall-coverage">
                      {entry ? entry.coverageLabel : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Panel mean</th>
                <td className="sc-num" data-testid="sc-mean">
                  {formatScore(overall.mean)}
                </td>
                <td className="muted">{formatSpread(overall.sd, overall.range)}</td>
              </tr>
            </tfoot>
          </table>
        )}
        <p className="sc-alpha" data-testid="sc-alpha">
          Agreement (Krippendorff’s α, interval, over rubric items): <strong>{formatAlpha(agreement.alpha)}</strong>
          {agreement.alpha === null ? (
            <span className="muted"> · {agreement.message || alphaReason(agreement.reason) || 'needs two interviewers scoring the same items'}</span>
          ) : (
            agreement.coders !== undefined && <span className="muted"> · {agreement.coders} interviewers</span>
          )}
        </p>
        <p className="muted small">
          Scores run 0–100 (a 1 on the rubric is 0, a 3 is 50, a 5 is 100), weighted technical depth 40%, problem solving
          30%, communication 20%, innovation 10%. Unscored items are left out, never counted as zero.
        </p>
      </section>

      {questions.map((question, index) => (
        <QuestionBlock key={question.id} question={question} index={index} raters={raters} />
      ))}
      {questions.length === 0 && (
        <section className="sc-section">
          <p className="muted">No questions were planned or scored.</p>
        </section>
      )}

      <ScorecardAttachments roomId={roomId} token={token} attachments={card.attachments} onRemoved={onReload} />

      <section className="sc-section" aria-labelledby="sc-signals">
        <h2 id="sc-signals">Candidate signals</h2>
        {signals.length === 0 ? (
          <p className="muted">None recorded.</p>
        ) : (
          <ul className="sc-signals">
            {signals.map((signal, i) => (
              <li key={i}>
                <span className="mono">{formatTimeOfDay(signal.at)}</span> {signalLabel(signal)}
                {signal.name && <span className="muted"> · {signal.name}</span>}
              </li>
            ))}
          </ul>
        )}
        <p className="muted small">Signals are facts to ask about, not evidence of misconduct on their own.</p>
      </section>
    </main>
  );
}

function QuestionBlock({ question, index, raters }: { question: ScorecardQuestion; index: number; raters: Scorecard['raters'] }) {
  const asked = (list: boolean[]) => `${list.filter(Boolean).length}/${list.length}`;
  const notes = raters.filter((r) => question.byRater[r.id]?.note.trim());
  const scored = raters.some((r) => Object.keys(question.byRater[r.id]?.scores ?? {}).length > 0);
  return (
    <section className="sc-section sc-question" data-testid="sc-question" data-question-id={question.id}>
      <h2>
        {index + 1}. {question.title}
        <span className="muted sc-question-meta"> · {question.minutes} min suggested</span>
      </h2>
      <p className="muted small">
        Follow-ups asked {asked(question.asked.followUps)} · probing questions asked {asked(question.asked.probing)} · panel mean{' '}
        <strong>{formatScore(question.mean)}</strong> ({formatSpread(question.sd, question.range)})
      </p>
      {!scored && <p className="muted">Nobody scored this question.</p>}
      {scored && (
        <table className="sc-table sc-matrix">
          <thead>
            <tr>
              <th scope="col">Rubric</th>
              {raters.map((r) => (
                <th key={r.id} scope="col" className="sc-num">
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          {RUBRIC.map((criterion) => (
            <tbody key={criterion.id}>
              <tr className="sc-criterion">
                <th scope="rowgroup" colSpan={raters.length + 1}>
                  {criterion.label} · {criterion.weight}%
                </th>
              </tr>
              {criterion.subCriteria.map((sub) => (
                <tr key={sub.id}>
                  <th scope="row">{sub.label}</th>
                  {raters.map((r) => (
                    <td key={r.id} className="sc-num">
                      {question.byRater[r.id]?.scores[sub.id] ?? '—'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          ))}
          <tfoot>
            <tr>
              <th scope="row">Weighted score (0–100)</th>
              {raters.map((r) => {
                const entry = question.byRater[r.id];
                return (
                  <td key={r.id} className="sc-num">
                    <strong>{formatScore(entry?.score)}</strong>
                    {entry && (
                      <span className="muted small" data-testid="sc-question-coverage">
                        {' '}
                        · {entry.coverageLabel}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          </tfoot>
        </table>
      )}
      {notes.length > 0 && (
        <div className="sc-notes">
          {notes.map((r) => (
            <div key={r.id} className="sc-note">
              <h3>Notes · {r.name}</h3>
              <Markdown source={question.byRater[r.id]!.note} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
