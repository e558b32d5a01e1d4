import { useState } from 'react';
import { fetchChallengeReference } from '../lib/api.js';

type Load = { phase: 'idle' } | { phase: 'loading' } | { phase: 'failed'; message: string } | { phase: 'ready'; source: string };

/**
 * The reference implementation of a question's coding challenge, fetched only when an interviewer
 * opens it: it lives on the server (a question folder's <id>.challenge.ts) and never reaches a candidate.
 */
export function ReferenceView({ roomId, token, challengeId }: { roomId: string; token: string; challengeId: string }) {
  const [load, setLoad] = useState<Load>({ phase: 'idle' });
  const open = async () => {
    setLoad({ phase: 'loading' });
    try {
      const { source } = await fetchChallengeReference(roomId, token, challengeId);
      setLoad({ phase: 'ready', source });
    } catch (err) {
      setLoad({ phase: 'failed', message: err instanceof Error ? err.message : 'Could not load the reference; try again.' });
    }
  };
  return (
    <details
      className="reference-view"
      data-testid="reference"
      onToggle={(event) => {
        if ((event.currentTarget as HTMLDetailsElement).open && load.phase === 'idle') void open();
      }}
    >
      <summary>
        Reference implementation <span className="muted small">· challenge {challengeId}</span>
      </summary>
      {load.phase === 'loading' && (
        <p className="muted small" role="status">
          <span className="spinner spinner-inline" aria-hidden="true" /> Loading the reference…
        </p>
      )}
      {load.phase === 'failed' && (
        <p className="error-text small">
          {load.message}{' '}
          <button type="button" className="button button-small button-ghost" onClick={() => void open()}>
            Retry
          </button>
        </p>
      )}
      {load.phase === 'ready' && (
        <pre className="reference-source" data-testid="reference-source">
          <code>{load.source}</code>
        </pre>
      )}
    </details>
  );
}
