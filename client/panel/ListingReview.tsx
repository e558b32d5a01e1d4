import { useState } from 'react';
import type { QuestionFull } from '../../shared/api.js';
import type { DefectSeverity, Listing } from '../../shared/listing.js';
import { putOnPad } from '../lib/api.js';
import './listing-review.css';

const SEVERITY_LABEL: Record<DefectSeverity, string> = { critical: 'Critical', major: 'Major', minor: 'Minor' };

type PadState = { phase: 'idle' } | { phase: 'saving' } | { phase: 'done'; lines: number } | { phase: 'failed'; message: string };

interface ListingReviewProps {
  roomId: string;
  token: string;
  question: QuestionFull & { listing: Listing };
  /** whether this question is the one on screen (the pad takes the current question's listing) */
  onScreen: boolean;
  /** may put things on the pad (the panel's write access, as for Set current; the server checks `question.set`) */
  canPut: boolean;
}

/**
 * The interviewer's side of a spot-the-bug question: every planted defect with its line, severity,
 * fix and follow-up, and the action that puts the listing on the shared pad. Interviewers and
 * observers only: it reads QuestionFull, which the server sends to no candidate.
 */
export function ListingReview({ roomId, token, question, onScreen, canPut }: ListingReviewProps) {
  const [pad, setPad] = useState<PadState>({ phase: 'idle' });
  const { defects } = question.listing;
  const put = async () => {
    setPad({ phase: 'saving' });
    try {
      const { lines } = await putOnPad(roomId, token, 'listing');
      setPad({ phase: 'done', lines });
    } catch (err) {
      setPad({ phase: 'failed', message: err instanceof Error ? err.message : 'Could not put the listing on the pad.' });
    }
  };
  return (
    <section className="listing-review" data-testid="listing-review" aria-label="Planted defects">
      <div className="listing-review-head">
        <h4 className="panel-subhead">
          Defects <span className="muted small">· {defects.length} planted</span>
        </h4>
        {canPut && (
          <button
            type="button"
            className="button button-small"
            data-testid="listing-to-pad"
            disabled={!onScreen || pad.phase === 'saving'}
            title={onScreen ? 'Replaces the pad with the listing, line numbers matching this table' : 'Set this question current first'}
            onClick={() => void put()}
          >
            {pad.phase === 'saving' && <span className="spinner spinner-inline" aria-hidden="true" />} Put listing on pad
          </button>
        )}
      </div>
      {pad.phase === 'done' && (
        <p className="muted small" role="status">
          The pad now holds the {pad.lines}-line listing.
        </p>
      )}
      {pad.phase === 'failed' && <p className="error-text small">{pad.message}</p>}
      <ol className="listing-defects">
        {defects.map((d, i) => (
          <li key={i} className="listing-defect" data-testid="listing-defect" data-line={d.line} data-severity={d.severity}>
            <div className="listing-defect-head">
              <span className="listing-defect-line">Line {d.line}</span>
              <span className={`chip listing-severity listing-severity-${d.severity}`}>{SEVERITY_LABEL[d.severity]}</span>
            </div>
            <p className="listing-defect-text">{d.defect}</p>
            <p className="small">
              <strong>Fix:</strong> {d.fix}
            </p>
            <p className="small muted">
              <strong>Follow-up:</strong> {d.followUp}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
