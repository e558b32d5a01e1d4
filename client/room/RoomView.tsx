import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { can, canIn } from '../../shared/capabilities.js';
import type { WhoAmIResponse } from '../../shared/api.js';
import { AvPane } from '../av/AvPane.js';
import { ConvertButton } from '../pair/ConvertButton.js';
import { userColor } from '../lib/colors.js';
import { RichTextGate } from '../lib/Markdown.js';
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
import { roomShortcuts } from './shortcuts.js';
import { SplitPane } from './SplitPane.js';
import type { PanelMode } from './layout.js';
import { ReconnectBanner } from './ReconnectBanner.js';
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
import { useRoomLayout } from './useRoomLayout.js';
import { useSyncStatus, type SyncStatus } from './useSyncStatus.js';
import './room.css';
// The panel's placeholder (below) holds its place with the panel's own rules; CSS only, no panel code.
import '../panel/panel.css';

// Excalidraw is ~400 kB gzip: it loads after the room shell and the pad are already usable
// (requested only once the pad has painted: see useAfterFirstPaint).
const Canvas = lazy(() => import('../canvas/Canvas.js'));
// The interviewers' panel is its own chunk, requested only for interviewers and observers: a
// candidate's browser never downloads its code, let alone opens the panel doc.
const PanelColumn = lazy(() => import('../panel/PanelColumn.js'));
// Practice rooms get the practice column instead (countdown, reveal, self-score): its own chunk.
const PracticeColumn = lazy(() => import('../practice/PracticeColumn.js'));

interface RoomViewProps {
  roomId: string;
  token: string;
  who: WhoAmIResponse;
}

type Open = 'none' | 'name' | 'links' | 'shortcuts';

export function RoomView({ roomId, token, who }: RoomViewProps) {
  const { role, room } = who;
  // The room's kind picks the capability column (shared/capabilities.ts): a pair room has no panel.
  const kind = room.kind;
  const readOnly = !canIn(kind, role, 'board.write');
  const theme = useSystemTheme();
  const connection = useBoardConnection(roomId, token);
  const { state, fatalCode, endSession } = useConnectionState(connection?.provider ?? null);
  // Observers never write, so there is nothing of theirs to be unsynced.
  const boardSync = useSyncStatus(connection?.doc ?? null, connection?.provider ?? null, !readOnly);
  const [panelSync, setPanelSync] = useState<SyncStatus | null>(null);
  const unsynced = boardSync.unsynced || (panelSync?.unsynced ?? false);
  const unsyncedAreas = useMemo(() => [...boardSync.areas, ...(panelSync?.areas ?? [])], [boardSync, panelSync]);
  const layout = useRoomLayout();
  const presence = usePresence(connection?.awareness ?? null);
  const [name, setName] = useDisplayName();
  const [ratio, setRatio] = useSplitRatio();
  const [open, setOpen] = useState<Open>(name === null ? 'name' : 'none');
  const [notice, setNotice] = useState<string | null>(null);
  const padExtensions = useCandidateSignals(roomId, token, canIn(kind, role, 'signals.send'));
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
    // Rich text (KaTeX and the Markdown stack) waits for the pad as Excalidraw does; until then
    // the prompt and guide show as plain text.
    <RichTextGate.Provider value={padPainted}>
    <div className="room room-live" data-role={role}>
      <TopBar
        title={room.title || 'Untitled interview'}
        role={role}
        kind={kind}
        presence={presence}
        connection={state}
        unsynced={unsynced}
        onEditName={() => setOpen('name')}
        onOpenLinks={() => setOpen('links')}
        onOpenShortcuts={openShortcuts}
        presenceAction={awareness ? (entry) => <BoardPresenceAction awareness={awareness} role={role} kind={kind} clientId={entry.clientId} name={entry.user.name} isSelf={entry.isSelf} /> : undefined}
        actions={
          <>
            {canIn(kind, role, 'room.convert') && <ConvertButton roomId={roomId} token={token} />}
            {canIn(kind, role, 'history.read') && <ReplayButton roomId={roomId} token={token} />}
          </>
        }
      />
      {fatalCode === null && <ReconnectBanner state={state} areas={unsyncedAreas} />}
      <QuestionStrip doc={connection?.doc ?? null} role={role} kind={kind} />
      {readOnly && (
        <div className="banner banner-readonly" data-testid="readonly-banner" role="note">
          You are observing: read-only
        </div>
      )}
      <main className="room-main" data-panes={layout.panes} data-panel={layout.panel}>
        {connection ? (
          <SplitPane
            label="Resize canvas and code pad"
            ratio={ratio}
            onRatioChange={setRatio}
            mode={layout.panes}
            tabs={PANE_TABS}
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
                        kind={kind}
                        roomTitle={room.title}
                        onHelp={openShortcuts}
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
                <AvPane roomId={roomId} token={token} role={role} name={name} kind={kind} />
                <RunnerPad
                  doc={connection.doc}
                  awareness={connection.awareness}
                  role={role}
                  kind={kind}
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
        {canIn(kind, role, 'practice.swap') && connection && (
          <Suspense fallback={<PanelPlaceholder mode={layout.panel} />}>
            <PracticeColumn roomId={roomId} token={token} kind={kind} role={role} linkId={who.linkId} name={name} roomTitle={room.title} boardDoc={connection.doc} />
          </Suspense>
        )}
        {/* can() narrows the role's type for PanelColumn; canIn() applies the room kind's column. */}
        {can(role, 'panel.read') && canIn(kind, role, 'panel.read') && canIn(kind, role, 'questions.read') && !canIn(kind, role, 'practice.swap') && connection && (
          <Suspense fallback={<PanelPlaceholder mode={layout.panel} />}>
            <PanelColumn
              roomId={roomId}
              token={token}
              role={role}
              name={name}
              boardDoc={connection.doc}
              roomTitle={room.title}
              mode={layout.panel}
              onSyncStatus={setPanelSync}
            />
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
        kind={kind}
        initialName={name}
        onSubmit={(next) => {
          setName(next);
          close();
        }}
        onClose={close}
      />
      <ShortcutsDialog open={shown === 'shortcuts'} onClose={close} sections={roomShortcuts(role)} />
      {canIn(kind, role, 'links.manage') && (
        <LinksDialog open={shown === 'links'} onClose={close} roomId={roomId} token={token} kind={kind} ownLinkId={who.linkId} />
      )}
      {fatalCode !== null && <FatalError code={fatalCode} />}
    </div>
    </RichTextGate.Provider>
  );
}

/** Narrow windows show the canvas or the pad, one at a time (room/layout.ts). */
const PANE_TABS = { start: { id: 'board', label: 'Board' }, end: { id: 'code', label: 'Code' } };

/** Holds the panel's place, at its remembered size, while its chunk loads: nothing shifts. */
function PanelPlaceholder({ mode }: { mode: PanelMode }) {
  // An open drawer floats over the pad, so in the layout it is only ever the rail's width.
  const collapsed = mode === 'drawer' || initiallyCollapsed(readStored('local', StorageKey.panelCollapsed), window.innerWidth);
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
