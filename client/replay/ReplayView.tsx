/**
 * The room as it was at the playhead, read-only: board, code pad, runs, the question, and (for
 * interviewers and observers) the panel; a timeline with markers, per-person lanes, transport
 * and keyboard control under it.
 *
 * The canvas and the pad stay bound to one "view" doc for the whole visit; each seek moves the
 * engine's cursor and mirrors its state into that doc (mirror.ts), so nothing remounts.
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExcalidrawImperativeAPI } from '@excalidraw/excalidraw/types';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { canIn } from '../../shared/capabilities.js';
import { boardRuns, readCurrentQuestion, readVerdicts } from '../../shared/doc.js';
import type { Role } from '../../shared/protocol.js';
import { useSystemTheme } from '../lib/useSystemTheme.js';
import { CodePad } from '../pad/CodePad.js';
import { CanvasErrorBoundary } from '../room/CanvasErrorBoundary.js';
import { ShortcutsDialog } from '../room/ShortcutsDialog.js';
import { SplitPane } from '../room/SplitPane.js';
import { useSplitRatio } from '../room/useSplitRatio.js';
import { TimelineCursor } from './engine.js';
import { IdleMap, SKIP_IDLE_THRESHOLD_MS } from './idle.js';
import { eventTargets, filterMarkers, markerTargets, nextTarget, prevTarget } from './markers.js';
import { mirrorBoard, visibleElementIds } from './mirror.js';
import { OpenFileButton } from './OpenFileButton.js';
import { ReplayPanel } from './ReplayPanel.js';
import { ReplayPeople } from './ReplayPeople.js';
import { ReplayQuestion } from './ReplayQuestion.js';
import { RecordingSlot } from './RecordingSlot.js';
import { REPLAY_SHORTCUTS } from './replayShortcuts.js';
import { RunsList } from './RunsList.js';
import type { ReplaySession } from './session.js';
import { formatOffset, parseOffset } from './time.js';
import { Timeline } from './Timeline.js';
import { useReplayShortcuts } from './useReplayShortcuts.js';
import { saveBytes } from '../lib/download.js';

const Canvas = lazy(() => import('../canvas/Canvas.js'));

export const SPEEDS = [1, 2, 4, 8, 16] as const;
/** The address bar follows the playhead (for sharing an instant) once it has rested this long. */
const URL_SYNC_DELAY_MS = 400;

interface ReplayViewProps {
  session: ReplaySession;
  /** the viewer's link role; null for a file opened from disk */
  role: Role | null;
  from: 'server' | 'file';
  /** for image downloads; '' for a file (images then stay placeholders: no server round trip) */
  token: string;
  onOpenFile: (file: File) => void;
}

function initialTime(session: ReplaySession): number {
  const offset = parseOffset(new URLSearchParams(window.location.search).get('t'));
  return offset === null ? session.start : Math.min(session.end, session.start + offset);
}

/** Keys that belong to a focused control, not to the timeline. */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('.cm-editor')) return true;
  if (target.getAttribute('role') === 'separator') return key.startsWith('Arrow') || key === 'Home' || key === 'End';
  if (target instanceof HTMLTextAreaElement || target.isContentEditable) return true;
  if (target instanceof HTMLSelectElement) return key !== ' ';
  if (target instanceof HTMLInputElement) return target.type === 'checkbox' ? key === ' ' : target.type !== 'range';
  if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) return key === ' ' || key === 'Enter';
  return false;
}

export function ReplayView({ session, role, from, token, onOpenFile }: ReplayViewProps) {
  const theme = useSystemTheme();
  const [ratio, setRatio] = useSplitRatio();
  const { room } = session.recording;

  // The engine's cursors for this session (created once; they hold no resources).
  const cursors = useRef<{ board: TimelineCursor; panel: TimelineCursor | null } | null>(null);
  if (cursors.current === null) {
    cursors.current = { board: new TimelineCursor(session.board), panel: session.panel ? new TimelineCursor(session.panel) : null };
  }
  // The view doc the canvas and pad stay bound to. Made in an effect, not during render, so
  // StrictMode's remount builds (and destroys) a whole one rather than reusing a destroyed one.
  const [view, setView] = useState<{ doc: Y.Doc; awareness: Awareness } | null>(null);
  const viewRef = useRef<{ doc: Y.Doc; awareness: Awareness } | null>(null);
  const [t, setT] = useState(() => initialTime(session));
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(1);
  const [skipIdle, setSkipIdle] = useState(true);
  const [who, setWho] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [api, setApi] = useState<ExcalidrawImperativeAPI | null>(null);
  const shortcuts = useReplayShortcuts();
  const tRef = useRef(t);
  const playingRef = useRef(false);
  const scrolledToContent = useRef(false);

  /** Moves both cursors to t and mirrors the board into the view doc. */
  const apply = useCallback(
    (next: number) => {
      const c = cursors.current!;
      const boardMoved = c.board.moveToTime(next);
      if (boardMoved && viewRef.current) mirrorBoard(c.board.doc, viewRef.current.doc, { files: from === 'server' });
      const panelMoved = c.panel?.moveToTime(next) ?? false;
      if (boardMoved || panelMoved) setFrame((f) => f + 1);
    },
    [from],
  );

  useEffect(() => {
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalState(null); // a replay is nobody's presence
    const c = cursors.current!;
    c.board.moveToTime(tRef.current);
    c.panel?.moveToTime(tRef.current);
    // The first frame (the deep link's instant, or the start) goes into the fresh doc whole.
    mirrorBoard(c.board.doc, doc, { files: from === 'server' });
    viewRef.current = { doc, awareness };
    setView(viewRef.current);
    setFrame((f) => f + 1);
    return () => {
      viewRef.current = null;
      awareness.destroy();
      doc.destroy();
    };
  }, [from]);

  const seek = useCallback(
    (next: number) => {
      const clamped = Math.min(session.end, Math.max(session.start, next));
      tRef.current = clamped;
      setT(clamped);
      apply(clamped);
    },
    [session, apply],
  );

  // Bring the drawing into view the first time there is one (and again after a file is opened).
  useEffect(() => {
    if (!api || !view || scrolledToContent.current) return;
    if (visibleElementIds(view.doc).length === 0) return;
    scrolledToContent.current = true;
    requestAnimationFrame(() => api.scrollToContent(undefined, { fitToContent: true, animate: false }));
  }, [api, frame, view]);

  const activity = useMemo(() => [...session.edits.map((e) => e.t), ...session.recording.events.map((e) => e.ts)], [session]);
  const idle = useMemo(() => new IdleMap(session.start, session.end, activity, skipIdle), [session, activity, skipIdle]);

  // Playback: play time advances at `speed`, idle stretches compressed; the playhead follows.
  useEffect(() => {
    if (!playing) return;
    let raf = 0;
    let last = performance.now();
    let position = idle.toPlay(tRef.current);
    const tick = (now: number) => {
      position += (now - last) * speed;
      last = now;
      if (position >= idle.duration) {
        seek(session.end);
        playingRef.current = false;
        setPlaying(false);
        return;
      }
      seek(idle.toReal(position));
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, idle, seek, session]);

  const togglePlay = useCallback(() => {
    const next = !playingRef.current;
    // Play at the end starts over.
    if (next && tRef.current >= session.end) seek(session.start);
    playingRef.current = next;
    setPlaying(next);
  }, [seek, session]);

  // ←/→ step marker to marker (each one, bursts included); Shift steps every single event.
  const targets = useMemo(() => markerTargets(session.markers, who), [session, who]);
  const singles = useMemo(() => eventTargets(session.markers, session.edits.filter((e) => e.who !== 'server'), who), [session, who]);
  const step = useCallback(
    (direction: 1 | -1, single = false) => {
      const list = single ? singles : targets;
      const target = direction > 0 ? nextTarget(list, tRef.current) : prevTarget(list, tRef.current);
      if (target !== null) seek(target);
      else seek(direction > 0 ? session.end : session.start);
    },
    [targets, singles, seek, session],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      // A modal dialog (the shortcuts list, an export) is open: Space or ← there must not play or
      // move the recording behind it, wherever in the dialog the focus is (even on its body).
      if (document.querySelector('dialog[open]')) return;
      if (ownsKeys(event.target, event.key)) return;
      switch (event.key) {
        case ' ':
          togglePlay();
          break;
        case 'ArrowLeft':
          step(-1, event.shiftKey);
          break;
        case 'ArrowRight':
          step(1, event.shiftKey);
          break;
        case 'Home':
          seek(session.start);
          break;
        case 'End':
          seek(session.end);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [togglePlay, seek, step, session]);

  // Share an instant: the address bar carries ?t= once the playhead rests.
  useEffect(() => {
    if (playing) return;
    const timer = window.setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.set('t', formatOffset(t - session.start));
      window.history.replaceState(window.history.state, '', url.pathname + url.search);
    }, URL_SYNC_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [t, playing, session]);

  useEffect(() => {
    document.title = `Replay · ${room.title || 'Interview'} · attn`;
  }, [room.title]);

  const exportSession = useCallback(() => {
    try {
      saveBytes(session.exportFile(), `attn-session-${room.id}.attnreplay`);
    } catch (error) {
      setNotice(`Could not export the session: ${String(error)}. Try again.`);
    }
  }, [session, room.id]);

  const boardDoc = cursors.current.board.doc;
  const panelDoc = cursors.current.panel?.doc ?? null;
  void frame; // everything below reads the cursors, which `frame` tracks
  const question = readCurrentQuestion(boardDoc);
  const runs = boardRuns(boardDoc).toArray();
  const verdicts = readVerdicts(boardDoc);
  const lastEdit = session.lastEditAt(t);
  const lastBy = lastEdit && lastEdit.who !== 'server' ? session.participant(lastEdit.who) : undefined;
  const markers = useMemo(() => filterMarkers(session.markers, who), [session, who]);
  // A file opened from disk (no role) shows whatever panel it holds.
  const showPanel = panelDoc !== null && (role === null || canIn(room.kind ?? 'interview', role, 'panel.read'));

  return (
    <div
      className="room replay"
      data-testid="replay"
      data-start-ms={session.start}
      data-end-ms={session.end}
      data-playhead-ms={Math.round(t)}
      data-source={from}
    >
      <header className="topbar">
        <a className="brand" href="/" title="attn home">
          attn
        </a>
        <span className="topbar-divider" aria-hidden="true" />
        <h1 className="room-title" title={room.title}>
          {room.title || 'Untitled interview'}
        </h1>
        <span className="chip replay-chip">Replay{from === 'file' ? ' · from file' : ''}</span>
        <span className="topbar-center" />
        <button type="button" className="button button-small" data-testid="replay-export" onClick={exportSession} title="Download the whole session as one file">
          Export session
        </button>
        <OpenFileButton onFile={onOpenFile} small />
        <button type="button" className="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="open-shortcuts" onClick={shortcuts.show}>
          ?
        </button>
      </header>
      <ReplayQuestion question={question} t={t} />
      <main className="room-main">
        <SplitPane
          label="Resize canvas and code pad"
          ratio={ratio}
          onRatioChange={setRatio}
          start={
            <section className="canvas-pane" aria-label="Canvas at the playhead" data-testid="canvas-pane">
              <CanvasErrorBoundary>
                <Suspense fallback={<PaneLoading label="Loading the canvas…" />}>
                  {view && (
                    <Canvas
                      key={view.doc.guid}
                      doc={view.doc}
                      awareness={view.awareness}
                      readOnly
                      roomId={room.id}
                      token={token}
                      theme={theme}
                      onError={setNotice}
                      onReady={setApi}
                      // Read-only: the Diagram menu offers Check shapes and Export (of this instant).
                      role="observer"
                      roomTitle={room.title}
                      // Excalidraw's help links out to excalidraw.com; the replay's own list opens instead.
                      onHelp={shortcuts.show}
                    />
                  )}
                </Suspense>
              </CanvasErrorBoundary>
            </section>
          }
          end={
            <div className="replay-pad-column">
              {view ? <CodePad doc={view.doc} awareness={view.awareness} readOnly /> : <PaneLoading label="Loading the pad…" />}
              <RunsList runs={runs} verdicts={verdicts} kind={room.kind ?? 'interview'} />
            </div>
          }
        />
        <aside className="replay-side" aria-label="Recording and panel">
          <RecordingSlot recording={session.recording.recording} t={t} playing={playing} speed={speed} />
          <ReplayPeople participants={session.participants} start={session.start} onSeek={seek} />
          {showPanel && <ReplayPanel doc={panelDoc} frame={frame} questionId={question?.id ?? null} questionTitle={question?.title ?? null} />}
        </aside>
      </main>
      <footer className="replay-controls" aria-label="Playback">
        <div className="replay-transport">
          <button type="button" className="button button-small" data-testid="replay-prev" onClick={(e) => step(-1, e.shiftKey)} title="Previous marker (←); Shift: previous single event" aria-label="Previous marker">
            <StepIcon direction={-1} />
          </button>
          <button
            type="button"
            className="button button-small button-primary replay-play"
            data-testid="replay-play"
            aria-pressed={playing}
            onClick={togglePlay}
            title={playing ? 'Pause (space)' : 'Play (space)'}
          >
            {playing ? '❚❚ Pause' : '▶ Play'}
          </button>
          <button type="button" className="button button-small" data-testid="replay-next" onClick={(e) => step(1, e.shiftKey)} title="Next marker (→); Shift: next single event" aria-label="Next marker">
            <StepIcon direction={1} />
          </button>
          <span className="replay-clock mono" aria-live="off">
            <span data-testid="replay-time">{formatOffset(t - session.start)}</span>
            <span className="muted"> / {formatOffset(session.end - session.start)}</span>
          </span>
          <label className="replay-field">
            <span className="muted">Speed</span>
            <select className="select select-small" data-testid="replay-speed" value={speed} onChange={(e) => setSpeed(Number(e.currentTarget.value))}>
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <label className="replay-field" title={`Pauses longer than ${SKIP_IDLE_THRESHOLD_MS / 1000} s play in one second`}>
            <input type="checkbox" data-testid="replay-skip-idle" checked={skipIdle} onChange={(e) => setSkipIdle(e.currentTarget.checked)} />
            <span>Skip idle</span>
          </label>
          <label className="replay-field">
            <span className="muted">Show</span>
            <select
              className="select select-small"
              data-testid="replay-participant"
              value={who ?? ''}
              onChange={(e) => setWho(e.currentTarget.value === '' ? null : e.currentTarget.value)}
            >
              <option value="">Everyone</option>
              {session.participants.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <span className="replay-last" data-testid="replay-last-edit">
            {lastBy ? (
              <>
                <span className="replay-swatch" style={{ background: lastBy.color }} aria-hidden="true" />
                <span className="muted">Last change:</span> {lastBy.label} · {describeKind(lastEdit!.kind)}
              </>
            ) : (
              <span className="muted">{lastEdit ? 'Last change: attn' : 'No changes yet'}</span>
            )}
          </span>
        </div>
        <Timeline session={session} t={t} idle={idle} markers={markers} who={who} onSeek={seek} />
      </footer>
      <ShortcutsDialog open={shortcuts.open} onClose={shortcuts.close} sections={REPLAY_SHORTCUTS} />
      {notice && (
        <div className="toast" role="alert" data-testid="notice">
          <span>{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}

function StepIcon({ direction }: { direction: 1 | -1 }) {
  return (
    <svg width="14" height="12" viewBox="0 0 14 12" aria-hidden="true" style={direction < 0 ? { transform: 'scaleX(-1)' } : undefined}>
      <path d="M1 1l7 5-7 5z M8 1l5 5-5 5z" fill="currentColor" />
      <rect x="12" y="1" width="1.6" height="10" fill="currentColor" />
    </svg>
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

function describeKind(kind: string): string {
  switch (kind) {
    case 'draw':
      return 'drew on the board';
    case 'type':
      return 'typed in the pad';
    case 'run':
      return 'ran code';
    case 'panel':
      return 'scored or took notes';
    case 'question':
      return 'changed the question';
    default:
      return 'edited';
  }
}
