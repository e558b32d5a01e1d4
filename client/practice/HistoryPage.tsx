/**
 * `/practice/history`: this browser's past practice questions (localStorage, client/practice/
 * history.ts), newest first, with the self-score per rubric criterion and a link to each replay.
 */
import { useEffect, useMemo } from 'react';
import { RUBRIC } from '../../shared/rubric.js';
import { formatScore } from '../lib/scoreFormat.js';
import { loadHistory, type PracticeEntry } from './history.js';
import './practice.css';

function openReplay(entry: PracticeEntry) {
  // Built on click, like the room's Replay button: the token never sits in the DOM.
  window.open(`${entry.replayPath}#token=${encodeURIComponent(entry.token)}`, '_blank', 'noopener');
}

export default function HistoryPage() {
  const entries = useMemo(() => loadHistory().reverse(), []);
  useEffect(() => {
    document.title = 'Practice history · attn';
  }, []);
  return (
    <main className="practice-history">
      <h1>Practice history</h1>
      <p className="muted">Kept in this browser only. Scores are your self-scores, 0–100, on the interview rubric.</p>
      {entries.length === 0 ? (
        <p data-testid="history-empty">
          Nothing yet. <a href="/">Start a practice room</a>, reveal a guide and score yourself.
        </p>
      ) : (
        <table data-testid="history-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Question</th>
              <th>Score</th>
              {RUBRIC.map((c) => (
                <th key={c.id}>
                  {c.label} <span className="muted small">({c.weight}%)</span>
                </th>
              ))}
              <th>Replay</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.roomId}/${e.questionId}/${e.startedAt}`} data-testid="history-row">
                <td>{new Date(e.startedAt).toLocaleString()}</td>
                <td>{e.questionTitle}</td>
                <td data-testid="history-score">{formatScore(e.score)}</td>
                {RUBRIC.map((c) => (
                  <td key={c.id} data-criterion={c.id}>
                    {formatScore(e.perCriterion[c.id])}
                  </td>
                ))}
                <td>
                  <a
                    href={e.replayPath}
                    data-testid="history-replay"
                    onClick={(event) => {
                      event.preventDefault();
                      openReplay(e);
                    }}
                  >
                    Replay ↗
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href="/">← attn</a>
      </p>
    </main>
  );
}
