import { useState } from 'react';
import { ApiRequestError, fetchScorecardFile, type ScorecardFormat } from '../lib/api.js';
import { scorecardFilename } from '../lib/scoreFormat.js';
import { saveBlob } from '../lib/download.js';

interface ExportActionsProps {
  roomId: string;
  token: string;
  roomTitle: string;
}

/** Scorecard export: Markdown and JSON downloads, and the printable page in a new tab. */
export function ExportActions({ roomId, token, roomTitle }: ExportActionsProps) {
  const [busy, setBusy] = useState<ScorecardFormat | null>(null);
  const [error, setError] = useState<string | null>(null);

  const download = async (format: ScorecardFormat) => {
    setBusy(format);
    setError(null);
    try {
      const blob = await fetchScorecardFile(roomId, token, format);
      saveBlob(blob, scorecardFilename(roomTitle, roomId, format, new Date()));
    } catch (e) {
      setError(`Could not download the scorecard: ${e instanceof ApiRequestError ? e.message : 'something went wrong.'} Try again.`);
    } finally {
      setBusy(null);
    }
  };

  const printablePath = `/r/${encodeURIComponent(roomId)}/scorecard`;
  return (
    <div className="export">
      <div className="actions">
        <button
          type="button"
          className="button button-small"
          data-testid="download-scorecard-md"
          disabled={busy !== null}
          onClick={() => void download('md')}
        >
          {busy === 'md' && <span className="spinner spinner-inline" aria-hidden="true" />} Markdown
        </button>
        <button
          type="button"
          className="button button-small"
          data-testid="download-scorecard-json"
          disabled={busy !== null}
          onClick={() => void download('json')}
        >
          {busy === 'json' && <span className="spinner spinner-inline" aria-hidden="true" />} JSON
        </button>
        <a
          className="button button-small"
          href={printablePath}
          target="_blank"
          rel="noopener"
          data-testid="open-scorecard"
          onClick={(event) => {
            // Tokens live in per-tab sessionStorage, which a new tab does not inherit: hand it
            // over in the fragment (the scorecard page moves it out of the address bar at once).
            // Built on click, so the token never sits in the DOM or the status bar, which may
            // be on a shared screen.
            event.preventDefault();
            window.open(`${printablePath}#token=${encodeURIComponent(token)}`, '_blank', 'noopener');
          }}
        >
          Printable scorecard ↗
        </a>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
