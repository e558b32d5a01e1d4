/**
 * The A/V strip at the top of the pad column. This file is in the room's main chunk, so it stays
 * tiny: it asks the server whether LiveKit is on, shows the "off" notice when it is not, and only
 * then loads the call UI (livekit-client + LiveKit's React components) as its own chunk.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { canIn, type RoomKind } from '../../shared/capabilities.js';
import type { AvStatusResponse } from '../../shared/api.js';
import type { Role } from '../../shared/protocol.js';
import { fetchAvStatus } from '../lib/api.js';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';
import './av.css';

const AvCall = lazy(() => import('./AvCall.js'));

const LIVEKIT_HINT = 'To turn it on, set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET and restart attn.';

interface AvPaneProps {
  roomId: string;
  token: string;
  role: Role;
  /** the room's kind: which roles get server-setup hints differs per kind */
  kind?: RoomKind;
  name: string | null;
}

type Status = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; status: AvStatusResponse };

export function AvPane({ roomId, token, role, name, kind = 'interview' }: AvPaneProps) {
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const [collapsed, setCollapsed] = useState(() => readStored('local', StorageKey.avCollapsed) === '1');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    fetchAvStatus(roomId, token).then(
      (s) => live && setStatus({ kind: 'ready', status: s }),
      (err: Error) => live && setStatus({ kind: 'failed', message: err.message }),
    );
    return () => {
      live = false;
    };
  }, [roomId, token, attempt]);

  const toggle = () => {
    setCollapsed((c) => {
      writeStored('local', StorageKey.avCollapsed, c ? '0' : '1');
      return !c;
    });
  };

  const enabled = status.kind === 'ready' && status.status.enabled;
  const off = status.kind === 'ready' && !enabled;
  return (
    <section className={`av-pane${collapsed ? ' av-collapsed' : ''}${off ? ' av-pane-off' : ''}`} aria-label="Audio and video" data-testid="av-pane">
      {off ? (
        // A/V off takes one header-high line, not a strip: the pad gets the height back.
        <p className="av-head av-note" data-testid="av-off" title={canIn(kind, role, 'setup.hints') ? `Audio/video is off on this server. ${LIVEKIT_HINT}` : 'Audio/video is off on this server.'}>
          <strong>Audio/video is off on this server.</strong>
          {/* Server-admin text, for the person running the interview; a candidate can do nothing with it. */}
          {canIn(kind, role, 'setup.hints') && (
            <span className="muted av-off-hint">
              {' '}
              {LIVEKIT_HINT}
            </span>
          )}
        </p>
      ) : (
        <header className="av-head">
          <button type="button" className="av-collapse" aria-expanded={!collapsed} onClick={toggle} data-testid="av-toggle">
            <span aria-hidden="true">{collapsed ? '▸' : '▾'}</span> Audio/video
          </button>
        </header>
      )}
      {/* Collapsing hides the strip but keeps the call: nobody is dropped for tidying their screen. */}
      {!off && (
        <div className="av-body" hidden={collapsed}>
          {status.kind === 'loading' && <p className="av-note muted">Checking audio/video…</p>}
          {status.kind === 'failed' && (
            <div className="av-error" role="alert" data-testid="av-error">
              <span>Could not ask the server about audio/video: {status.message}</span>
              <button type="button" className="button button-small" data-testid="av-retry" onClick={() => setAttempt((n) => n + 1)}>
                Retry
              </button>
            </div>
          )}
          {status.kind === 'ready' && enabled && (
            <Suspense fallback={<p className="av-note muted">Loading audio/video…</p>}>
              <AvCall roomId={roomId} token={token} role={role} name={name} initial={status.status} />
            </Suspense>
          )}
        </div>
      )}
    </section>
  );
}
