import { useMemo } from 'react';
import type * as Y from 'yjs';
import { panelNotes, panelPlan, panelRaters, panelSignals } from '../../shared/doc.js';
import { LiveScores } from '../panel/LiveScores.js';
import { SignalsList } from '../panel/SignalsList.js';

interface ReplayPanelProps {
  /** the panel doc at the playhead (the engine's cursor doc) */
  doc: Y.Doc;
  /** changes whenever the cursor moved, so plain reads below re-run */
  frame: number;
  questionId: string | null;
  questionTitle: string | null;
}

const known = () => true;

/** The interviewers' panel as it stood at the playhead: scores, notes and signals, read-only. */
export function ReplayPanel({ doc, frame, questionId, questionTitle }: ReplayPanelProps) {
  const { planIds, notes, signals } = useMemo(() => {
    void frame;
    const raters = panelRaters(doc);
    const entries: Array<{ key: string; rater: string; questionId: string; text: string }> = [];
    panelNotes(doc).forEach((text, key) => {
      const [raterId = '', qid = ''] = key.split('/');
      if (typeof text === 'string' && text.trim()) entries.push({ key, rater: raters.get(raterId)?.name ?? 'An interviewer', questionId: qid, text });
    });
    // the question on screen first, then the rest
    entries.sort((a, b) => Number(b.questionId === questionId) - Number(a.questionId === questionId) || a.questionId.localeCompare(b.questionId));
    return { planIds: panelPlan(doc).toArray(), notes: entries, signals: panelSignals(doc).toArray() };
  }, [doc, frame, questionId]);

  return (
    <div className="replay-panel" data-testid="replay-panel">
      <section className="replay-panel-section">
        <h3 className="replay-panel-heading">Scores</h3>
        <LiveScores doc={doc} planIds={planIds} known={known} questionId={questionId} questionTitle={questionTitle} myRaterId={null} />
      </section>
      <section className="replay-panel-section">
        <h3 className="replay-panel-heading">Notes</h3>
        {notes.length === 0 ? (
          <p className="panel-empty">No notes yet at this point.</p>
        ) : (
          <ul className="replay-notes">
            {notes.map((n) => (
              <li key={n.key} data-testid="replay-note">
                <span className="replay-note-meta">
                  {n.rater} · <span className="mono">{n.questionId}</span>
                </span>
                <span className="replay-note-text">{n.text}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="replay-panel-section">
        <h3 className="replay-panel-heading">Signals</h3>
        <SignalsList signals={signals} />
      </section>
    </div>
  );
}
