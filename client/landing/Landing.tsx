import { useEffect, useState, type FormEvent } from 'react';
import type { CreateRoomResponse } from '../../shared/api.js';
import { LIMITS, ROLES } from '../../shared/protocol.js';
import { ApiRequestError, createRoom } from '../lib/api.js';
import { saveLinks } from '../lib/savedLinks.js';
import { LinksCard } from './LinksCard.js';

type CreateState =
  | { phase: 'idle' }
  | { phase: 'creating' }
  | { phase: 'failed'; message: string }
  | { phase: 'created'; result: CreateRoomResponse };

export default function Landing() {
  const [title, setTitle] = useState('');
  const [state, setState] = useState<CreateState>({ phase: 'idle' });

  useEffect(() => {
    document.title = 'attn · live whiteboard for ML interviews';
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (state.phase === 'creating') return;
    setState({ phase: 'creating' });
    try {
      const result = await createRoom(title);
      // Tokens are shown once; this browser keeps them so the interviewer can share them later.
      saveLinks(result.room.id, ROLES.map((role) => result.links[role]));
      setState({ phase: 'created', result });
    } catch (error) {
      const message = error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.';
      setState({ phase: 'failed', message });
    }
  };

  return (
    <main className="landing">
      {/* Once the links are shown the hero shrinks, keeping "Open as interviewer" above the fold. */}
      <header className={`landing-hero${state.phase === 'created' ? ' landing-hero-compact' : ''}`}>
        <span className="brand brand-large">attn</span>
        <p className="lede">
          A live whiteboard for technical ML interviews: one shared canvas and a TypeScript pad with TensorFlow.js,
          in sync for everyone in the room.
        </p>
      </header>

      {state.phase === 'created' ? (
        <LinksCard result={state.result} onReset={() => setState({ phase: 'idle' })} />
      ) : (
        <form className="card create-card" onSubmit={submit} aria-busy={state.phase === 'creating'}>
          <h1>New interview</h1>
          <label className="field">
            <span className="field-label">
              Title <span className="muted">(optional)</span>
            </span>
            <input
              className="input"
              data-testid="new-interview-title"
              value={title}
              maxLength={LIMITS.MAX_TITLE_CHARS}
              placeholder="e.g. Attention mechanisms, senior ML engineer"
              onChange={(event) => setTitle(event.target.value)}
              disabled={state.phase === 'creating'}
              autoFocus
            />
          </label>
          <button
            type="submit"
            className="button button-primary button-large"
            data-testid="create-room"
            disabled={state.phase === 'creating'}
          >
            {state.phase === 'creating' ? (
              <>
                <span className="spinner spinner-inline" aria-hidden="true" /> Creating…
              </>
            ) : (
              'New interview'
            )}
          </button>
          {state.phase === 'failed' && (
            <p className="form-error" role="alert">
              {state.message}
            </p>
          )}
          <p className="muted small">
            You get three private links: one for you, one for the candidate, one for observers. No accounts needed.
          </p>
        </form>
      )}
    </main>
  );
}
