/**
 * `/replay/<roomId>#token=…` (interviewers and observers) and `/replay/local` (a session file
 * opened from disk, no server involved): loads a recording, builds the replay engine with
 * progress, then hands over to ReplayView.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { canIn } from '../../shared/capabilities.js';
import { HistoryFormatError, SESSION_FILE_EXTENSION } from '../../shared/history.js';
import type { Role } from '../../shared/protocol.js';
import { ApiRequestError, whoAmI } from '../lib/api.js';
import { StatusScreen } from '../lib/StatusScreen.js';
import { claimRoomToken } from '../lib/token.js';
import { loadRecording, type LoadProgress } from './loadRecording.js';
import { readSessionFile } from './importFile.js';
import { OpenFileButton } from './OpenFileButton.js';
import { ReplayView } from './ReplayView.js';
import { ReplaySession, type Recording } from './session.js';
import './replay.css';

type Phase =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'loading'; progress: LoadProgress | null }
  | { kind: 'building'; done: number; total: number; from: 'server' | 'file' }
  | { kind: 'failed'; status: number; message: string }
  | { kind: 'ready'; id: number; session: ReplaySession; role: Role | null; from: 'server' | 'file' };

function failure(status: number, message: string): { title: string; message: string; testId: string } {
  switch (status) {
    case 401:
      return { title: 'This link is not valid.', message: 'Open Replay again from the interview room.', testId: 'replay-error' };
    case 403:
      return {
        title: 'Only interviewers and observers can replay an interview.',
        message: 'The recording holds the whole session, notes and scores included; ask the interviewer if you need it.',
        testId: 'replay-forbidden',
      };
    case 404:
      return { title: 'This interview does not exist.', message: 'The link may be mistyped, or the interview was deleted.', testId: 'replay-error' };
    case 410:
      return { title: 'This link was revoked.', message: 'Ask the interviewer for a new link.', testId: 'replay-error' };
    case 0:
      return { title: 'Could not reach attn.', message: 'Check your connection, then try again.', testId: 'replay-error' };
    case 415:
      return { title: 'That file could not be opened.', message, testId: 'replay-error' };
    default:
      return { title: 'The recording could not be loaded.', message, testId: 'replay-error' };
  }
}

/** `roomId` null = `/replay/local`. */
export default function ReplayPage({ roomId }: { roomId: string | null }) {
  const [token] = useState(() => (roomId ? claimRoomToken(roomId) : null));
  const [phase, setPhase] = useState<Phase>(roomId && token ? { kind: 'checking' } : { kind: 'idle' });
  // Only the latest load may finish: opening a file while the server's recording loads wins.
  const generation = useRef(0);
  const sessionRef = useRef<ReplaySession | null>(null);

  const finish = useCallback(async (recording: Recording, role: Role | null, from: 'server' | 'file', gen: number) => {
    setPhase({ kind: 'building', done: 0, total: recording.board.updates.length + (recording.panel?.updates.length ?? 0), from });
    const session = await ReplaySession.build(recording, (done, total) => {
      if (generation.current === gen) setPhase({ kind: 'building', done, total, from });
    });
    if (generation.current !== gen) {
      session.destroy();
      return;
    }
    sessionRef.current?.destroy();
    sessionRef.current = session;
    setPhase({ kind: 'ready', id: gen, session, role, from });
  }, []);

  const loadFromServer = useCallback(async () => {
    if (!roomId || !token) return;
    const gen = ++generation.current;
    setPhase({ kind: 'checking' });
    try {
      const who = await whoAmI(roomId, token);
      if (generation.current !== gen) return;
      setPhase({ kind: 'loading', progress: null });
      // The server decides (a candidate gets 403 here); the panel is asked for only where it may be read.
      const recording = await loadRecording(roomId, token, canIn(who.room.kind, who.role, 'panel.read'), (progress) => {
        if (generation.current === gen) setPhase({ kind: 'loading', progress });
      });
      if (generation.current !== gen) return;
      await finish(recording, who.role, 'server', gen);
    } catch (error) {
      if (generation.current !== gen) return;
      const status = error instanceof ApiRequestError ? error.status : -1;
      setPhase({ kind: 'failed', status, message: error instanceof Error ? error.message : 'Unknown error.' });
    }
  }, [roomId, token, finish]);

  const openFile = useCallback(
    async (file: File) => {
      const gen = ++generation.current;
      setPhase({ kind: 'building', done: 0, total: 0, from: 'file' });
      try {
        const recording = readSessionFile(new Uint8Array(await file.arrayBuffer()));
        await finish(recording, null, 'file', gen);
      } catch (error) {
        if (generation.current !== gen) return;
        const message =
          error instanceof HistoryFormatError
            ? `${file.name} is not an attn session file (${error.message}). Export one from a replay page and open that.`
            : `${file.name} could not be read: ${String(error)}`;
        setPhase({ kind: 'failed', status: 415, message });
      }
    },
    [finish],
  );

  useEffect(() => {
    void loadFromServer();
  }, [loadFromServer]);

  useEffect(() => () => sessionRef.current?.destroy(), []);

  useEffect(() => {
    if (phase.kind !== 'ready') document.title = 'Replay · attn';
  }, [phase.kind]);

  const openFileAction = <OpenFileButton onFile={(f) => void openFile(f)} primary={!roomId} />;

  switch (phase.kind) {
    case 'idle':
      return (
        <StatusScreen
          testId={roomId ? 'replay-error' : 'replay-open'}
          title={roomId ? 'This address is missing its access token.' : 'Open a recorded interview'}
          message={
            roomId
              ? 'Open Replay from the interview room (it carries your link), or open an exported session file.'
              : `Choose an attn session file (${SESSION_FILE_EXTENSION}) exported from a replay page. It opens here, in your browser; nothing is uploaded.`
          }
          actions={openFileAction}
        />
      );
    case 'checking':
      return <StatusScreen tone="loading" title="Opening the recording…" />;
    case 'loading': {
      const p = phase.progress;
      return (
        <StatusScreen
          tone="loading"
          testId="replay-loading"
          title="Loading the recording…"
          message={p && p.total > 0 ? <Progress done={p.received} total={p.total} unit="updates received" /> : 'Asking the server for the session log.'}
        />
      );
    }
    case 'building':
      return (
        <StatusScreen
          tone="loading"
          testId="replay-loading"
          title={phase.from === 'file' ? 'Opening the session file…' : 'Preparing the timeline…'}
          message={phase.total > 0 ? <Progress done={phase.done} total={phase.total} unit="updates indexed" /> : 'Reading the file.'}
        />
      );
    case 'failed': {
      const f = failure(phase.status, phase.message);
      const retryable = phase.status === 0 || phase.status >= 500 || phase.status === -1;
      return (
        <StatusScreen
          tone="error"
          testId={f.testId}
          title={f.title}
          message={f.message}
          actions={
            <>
              {retryable && roomId && token && (
                <button type="button" className="button button-primary" onClick={() => void loadFromServer()}>
                  Try again
                </button>
              )}
              {phase.status !== 403 && openFileAction}
              <a className="button" href="/">
                Go to the start page
              </a>
            </>
          }
        />
      );
    }
    case 'ready':
      return (
        <ReplayView
          key={phase.id}
          session={phase.session}
          role={phase.role}
          from={phase.from}
          token={phase.from === 'server' ? (token ?? '') : ''}
          onOpenFile={(f) => void openFile(f)}
        />
      );
  }
}

function Progress({ done, total, unit }: { done: number; total: number; unit: string }) {
  const fmt = new Intl.NumberFormat('en');
  return (
    <span className="replay-progress">
      <progress max={total} value={Math.min(done, total)} />
      <span>
        {fmt.format(Math.min(done, total))} / {fmt.format(total)} {unit}
      </span>
    </span>
  );
}
