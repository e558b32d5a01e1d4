import { useEffect, useState, type FormEvent } from 'react';
import type { CreateAnyRoomResponse, NewLink } from '../../shared/api.js';
import type { RoomKind } from '../../shared/capabilities.js';
import { CreateRoomError, LIMITS } from '../../shared/protocol.js';
import { ApiRequestError, createRoomOfKind } from '../lib/api.js';
import { readStored, removeStored, StorageKey, writeStored } from '../lib/storage.js';
import { saveLinks } from '../lib/savedLinks.js';
import { LinksCard } from './LinksCard.js';
import './landing.css';

type CreateState =
  | { phase: 'idle' }
  | { phase: 'creating'; kind: RoomKind }
  | { phase: 'failed'; message: string }
  | { phase: 'created'; result: CreateAnyRoomResponse };

/** The two other ways in (issue 14): the form's submit button stays "New interview". */
const OTHER_KINDS: { kind: RoomKind; label: string; testId: string; note: string }[] = [
  { kind: 'pair', label: 'Whiteboard with someone', testId: 'create-pair', note: 'One link, everyone a peer: board, pad, runner, call and replay; no scoring.' },
  { kind: 'practice', label: 'Practise alone or with a peer', testId: 'create-practice', note: 'Timed questions from the bank, reveal the guide, score yourself; history in this browser.' },
];

export default function Landing() {
  const [title, setTitle] = useState('');
  const [state, setState] = useState<CreateState>({ phase: 'idle' });
  // The room-creation secret: asked for only once the server says it needs one (401/403), then
  // kept for this tab in sessionStorage so the next interview needs no retyping.
  const [createToken, setCreateToken] = useState(() => readStored('session', StorageKey.createToken) ?? '');
  const [askToken, setAskToken] = useState(() => createToken !== '');

  useEffect(() => {
    document.title = 'attn · live whiteboard for ML interviews';
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create('interview');
  };

  const create = async (kind: RoomKind) => {
    if (state.phase === 'creating') return;
    setState({ phase: 'creating', kind });
    try {
      const result = await createRoomOfKind(kind, title, createToken.trim() || undefined);
      if (createToken.trim()) writeStored('session', StorageKey.createToken, createToken.trim());
      // Tokens are shown once; this browser keeps them so the interviewer can share them later.
      saveLinks(result.room.id, Object.values(result.links).filter((link): link is NewLink => link !== undefined));
      setState({ phase: 'created', result });
    } catch (error) {
      const message = error instanceof ApiRequestError ? error.message : 'Something went wrong. Try again.';
      if (error instanceof ApiRequestError && (error.code === CreateRoomError.TokenRequired || error.code === CreateRoomError.BadToken)) {
        removeStored('session', StorageKey.createToken);
        setAskToken(true);
      }
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
          {askToken && (
            <label className="field">
              <span className="field-label">Room-creation secret</span>
              <input
                className="input"
                type="password"
                autoComplete="off"
                data-testid="create-token"
                value={createToken}
                placeholder="Ask whoever runs this attn server"
                onChange={(event) => setCreateToken(event.target.value)}
                disabled={state.phase === 'creating'}
                required
              />
            </label>
          )}
          <button
            type="submit"
            className="button button-primary button-large"
            data-testid="create-room"
            disabled={state.phase === 'creating'}
          >
            {state.phase === 'creating' && state.kind === 'interview' ? (
              <>
                <span className="spinner spinner-inline" aria-hidden="true" /> Creating…
              </>
            ) : (
              'New interview'
            )}
          </button>
          <div className="landing-kinds">
            {OTHER_KINDS.map((k) => (
              <div key={k.kind} className="landing-kind">
                <button
                  type="button"
                  className="button button-large"
                  data-testid={k.testId}
                  disabled={state.phase === 'creating'}
                  onClick={() => void create(k.kind)}
                >
                  {state.phase === 'creating' && state.kind === k.kind ? 'Creating…' : k.label}
                </button>
                <span className="muted small">{k.note}</span>
              </div>
            ))}
            <a className="small" href="/practice/history" data-testid="landing-history">
              Your practice history
            </a>
          </div>
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
