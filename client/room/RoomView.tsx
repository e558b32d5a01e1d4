import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { can } from '../../shared/capabilities.js';
import type { WhoAmIResponse } from '../../shared/api.js';
import { AvPane } from '../av/AvPane.js';
import { userColor } from '../lib/colors.js';
import { StorageKey, readStored } from '../lib/storage.js';
import { useSystemTheme } from '../lib/useSystemTheme.js';
import { clampPanelWidth, initiallyCollapsed, parseStoredWidth } from '../panel/layout.js';
import { QuestionStrip } from '../question/QuestionStrip.js';
import { RunnerPad } from '../runner/RunnerPad.js';
import { CanvasErrorBoundary } from './CanvasErrorBoundary.js';
import { FatalError } from './FatalError.js';
import { LinksDialog } from './LinksDialog.js';
import { NameDialog } from './NameDialog.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { SplitPane } from './SplitPane.js';
import { ReplayButton } from './ReplayButton.js';
import { BoardPresenceAction } from '../canvas/FollowControls.js';
import { TopBar } from './TopBar.js';
import { useAfterFirstPaint } from './useAfterFirstPaint.js';
import { useBoardConnection } from './useBoardConnection.js';
import { useCandidateSignals } from './useCandidateSignals.js';
import { useConnectionState } from './useConnectionState.js';
import { useDisplayName } from './useDisplayName.js';
import { useHelpShortcut } from './useHelpShortcut.js';
import { useLinkProbe } from './useLinkProbe.js';
import { usePresence } from './usePresence.js';
import { useSplitRatio } from './useSplitRatio.js';
import { useSyncStatus } from './useSyncStatus.js';

// Excalidraw is ~400 kB gzip: it loads after the room shell and the pad are already usable
// (requested only once the pad has painted: see useAfterFirstPaint).
const Canvas = lazy(() => import('../canvas/Canvas.js'));
// The interviewers' panel is its own chunk, requested only for interviewers and observers: a
// candidate's browser never downloads its code, let alone opens the panel doc.
const PanelColumn = lazy(() => import('../panel/PanelColumn.js'));

interface RoomViewProps {
  roomId: string;
  token: string;
  who: WhoAmIResponse;
}

type Open = 'none' | 'name' | 'links' | 'shortcuts';

export function RoomView({ roomId, token, who }: RoomViewProps) {
  const { role, room } = who;
  const readOnly = !can(role, 'board.write');
  const theme = useSystemTheme();
  const connection = useBoardConnection(roomId, token);
  const { state, fatalCode, endSession } = useConnectionState(connection?.provider ?? null);
  // Observers never write, so there is nothing of theirs to be unsynced.
  const unsynced = useSyncStatus(connection?.doc ?? null, connection?.provider ?? null, !readOnly);
  const presence = usePresence(connection?.awareness ?? null);
  const [name, setName] = useDisplayName();
  const [ratio, setRatio] = useSplitRatio();
  const [open, setOpen] = useState<Open>(name === null ? 'name' : 'none');
  const [notice, setNotice] = useState<string | null>(null);
  const padExtensions = useCandidateSignals(roomId, token, can(role, 'signals.send'));
  const padPainted = useAfterFirstPaint();

  useLinkProbe(roomId, token, state, fatalCode !== null, endSession);

  const openShortcuts = useCallback(() => setOpen((current) => (current === 'none' ? 'shortcuts' : current)), []);
  useHelpShortcut(openShortcuts);

  useEffect(() => {
    document.title = `${room.title || 'Interview'} · attn`;
  }, [room.title]);

  // Publish who we are. The server overwrites `role` with the link's role anyway.
  const awareness = connection?.awareness;
  useEffect(() => {
    if (!awareness || !name) return;
    awareness.setLocalStateField('user', { name, role, ...userColor(role, awareness.clientID) });
  }, [awareness, name, role]);

  const close = useCallback(() => setOpen('none'), []);
  // A dialog sits in the browser's top layer, above any overlay: close them all when the
  // session ends so the fatal message is what the user sees.
  const shown: Open = fatalCode !== null ? 'none' : open;

  return (
    <div className="room" data-role={role}>
      <TopBar
        title={room.title || 'Untitled interview'}
        role={role}
        presence={presence}
        connection={state}
        unsynced={unsynced}
        onEditName={() => setOpen('name')}
        onOpenLinks={() => setOpen('links')}
        onOpenShortcuts={openShortcuts}
        presenceAction={awareness ? (entry) => <BoardPresenceAction awareness={awareness} role={role} clientId={entry.clientId} name={entry.user.name} isSelf={entry.isSelf} /> : undefined}
        actions={can(role, 'history.read') ? <ReplayButton roomId={roomId} token={token} /> : undefined}
      />
      <QuestionStrip doc={connection?.doc ?? null} role={role} />
      {readOnly && (
        <div className="banner banner-readonly" data-testid="readonly-banner" role="note">
          You are observing: read-only
        </div>
      )}
      <main className="room-main">
        {connection ? (
          <SplitPane
            label="Resize canvas and code pad"
            ratio={ratio}
            onRatioChange={setRatio}
            start={
              <section className="canvas-pane" aria-label="Canvas" data-testid="canvas-pane">
                <CanvasErrorBoundary>
                  <Suspense fallback={<PaneLoading label="Loading the canvas…" />}>
                    {padPainted ? (
                      <Canvas
                        doc={connection.doc}
                        awareness={connection.awareness}
                        readOnly={readOnly}
                        roomId={roomId}
                        token={token}
                        theme={theme}
                        onError={setNotice}
                        role={role}
                        roomTitle={room.title}
                      />
                    ) : (
                      <PaneLoading label="Loading the canvas…" />
                    )}
                  </Suspense>
                </CanvasErrorBoundary>
              </section>
            }
            end={
              <div className="pad-column">
                <AvPane roomId={roomId} token={token} role={role} name={name} />
                <RunnerPad
                  doc={connection.doc}
                  awareness={connection.awareness}
                  role={role}
                  name={name}
                  roomId={roomId}
                  token={token}
                  extensions={padExtensions}
                />
              </div>
            }
          />
        ) : (
          <PaneLoading label="Connecting…" />
        )}
        {/* The one place the panel is decided: a candidate never enters this branch. */}
        {can(role, 'panel.read') && connection && (
          <Suspense fallback={<PanelPlaceholder />}>
            <PanelColumn roomId={roomId} token={token} role={role} name={name} boardDoc={connection.doc} roomTitle={room.title} />
          </Suspense>
        )}
      </main>

      {notice && (
        <div className="toast" role="alert" data-testid="notice">
          <span>{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}

      <NameDialog
        open={shown === 'name'}
        role={role}
        initialName={name}
        onSubmit={(next) => {
          setName(next);
          close();
        }}
        onClose={close}
      />
      <ShortcutsDialog open={shown === 'shortcuts'} onClose={close} role={role} />
      {can(role, 'links.manage') && (
        <LinksDialog open={shown === 'links'} onClose={close} roomId={roomId} token={token} ownLinkId={who.linkId} />
      )}
      {fatalCode !== null && <FatalError code={fatalCode} />}
    </div>
  );
}

/** Holds the panel's place, at its remembered size, while its chunk loads: nothing shifts. */
function PanelPlaceholder() {
  const collapsed = initiallyCollapsed(readStored('local', StorageKey.panelCollapsed), window.innerWidth);
  const width = clampPanelWidth(parseStoredWidth(readStored('local', StorageKey.panelWidth)), window.innerWidth);
  return (
    <aside
      className={`panel panel-loading${collapsed ? ' panel-collapsed' : ''}`}
      style={collapsed ? undefined : { width }}
      data-testid="panel-loading"
      aria-busy="true"
    />
  );
}

function PaneLoading({ label }: { label: string }) {
  return (
    <div className="pane-message" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="muted">{label}</span>
    </div>
  );
}
