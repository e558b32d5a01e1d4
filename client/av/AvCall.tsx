/**
 * The call itself (its own chunk, loaded only when the server has LiveKit): pre-join, then
 * LiveKit's tiles and toggles. A failed or dropped connection shows a sentence and Retry here and
 * nowhere else: the board and the pad never depend on the call.
 */
import '@livekit/components-styles';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConnectionState, DisconnectReason, Room, RoomEvent, Track } from 'livekit-client';
import { ParticipantTile, RoomAudioRenderer, RoomContext, TrackLoop, TrackToggle, useConnectionState, useTracks } from '@livekit/components-react';
import { can } from '../../shared/capabilities.js';
import type { AvStatusResponse, AvRecordingInfo } from '../../shared/api.js';
import type { Role } from '../../shared/protocol.js';
import { ApiRequestError, fetchAvStatus, fetchAvToken } from '../lib/api.js';
import { PreJoin } from './PreJoin.js';
import { RecordButton } from './RecordButton.js';
import { usePreviewTracks } from './usePreviewTracks.js';

/** Give up on a first connection after this long (LiveKit retries internally until then). */
const CONNECT_TIMEOUT_MS = 15_000;
/** How often the recording indicator is refreshed for people who didn't start it. */
const STATUS_POLL_MS = 15_000;

interface AvCallProps {
  roomId: string;
  token: string;
  role: Role;
  name: string | null;
  initial: AvStatusResponse;
}

type Phase = { kind: 'prejoin' } | { kind: 'connecting' } | { kind: 'in-call'; room: Room } | { kind: 'error'; message: string };

export default function AvCall({ roomId, token, role, name, initial }: AvCallProps) {
  const publishes = can(role, 'av.publish');
  const [phase, setPhase] = useState<Phase>({ kind: 'prejoin' });
  const [generation, setGeneration] = useState(0);
  const preview = usePreviewTracks(publishes, generation);
  const [recording, setRecording] = useState<AvRecordingInfo | null>(initial.recording);
  const roomRef = useRef<Room | null>(null);

  // Leave on page close: pagehide fires for closes, navigations and bfcache alike.
  useEffect(() => {
    const leave = () => void roomRef.current?.disconnect();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, []);

  useEffect(() => {
    let live = true;
    const timer = setInterval(() => {
      fetchAvStatus(roomId, token).then(
        (s) => live && setRecording(s.recording),
        () => undefined,
      );
    }, STATUS_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [roomId, token]);

  const join = useCallback(async () => {
    setPhase({ kind: 'connecting' });
    let serverUrl = '';
    let published = false;
    const room = new Room({ adaptiveStream: true, dynacast: true });
    try {
      const minted = await fetchAvToken(roomId, token, name?.trim() || role);
      serverUrl = minted.url;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        room.connect(minted.url, minted.token, { maxRetries: 1 }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), CONNECT_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      if (publishes) {
        published = true;
        if (preview.audio) await room.localParticipant.publishTrack(preview.audio);
        if (preview.video) await room.localParticipant.publishTrack(preview.video, { simulcast: true });
      }
    } catch (err) {
      await room.disconnect();
      // Disconnecting stops whatever was published: the next try needs fresh tracks.
      if (published) setGeneration((g) => g + 1);
      setPhase({ kind: 'error', message: connectFailure(err, serverUrl) });
      return;
    }
    room.on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      if (roomRef.current !== room) return;
      roomRef.current = null;
      // Published tracks were stopped with the room: open fresh ones for the next join.
      setGeneration((g) => g + 1);
      if (reason === DisconnectReason.CLIENT_INITIATED) setPhase({ kind: 'prejoin' });
      else setPhase({ kind: 'error', message: droppedSentence(reason) });
    });
    roomRef.current = room;
    setPhase({ kind: 'in-call', room });
  }, [roomId, token, name, role, publishes, preview.audio, preview.video]);

  const leave = useCallback(() => {
    void roomRef.current?.disconnect();
  }, []);

  return (
    <div className="av-call">
      {(phase.kind === 'prejoin' || phase.kind === 'connecting') && (
        <PreJoin role={role} preview={preview} busy={phase.kind === 'connecting'} onJoin={() => void join()} />
      )}
      {phase.kind === 'error' && (
        <div className="av-error" role="alert" data-testid="av-error">
          <span>{phase.message}</span>
          <button type="button" className="button button-small" data-testid="av-retry" onClick={() => void join()}>
            Retry
          </button>
          <button type="button" className="button button-small" onClick={() => setPhase({ kind: 'prejoin' })}>
            Back
          </button>
        </div>
      )}
      {phase.kind === 'in-call' && (
        <RoomContext.Provider value={phase.room}>
          <InCall publishes={publishes} onLeave={leave} />
        </RoomContext.Provider>
      )}
      <div className="av-record-row">
        {can(role, 'recording.control') && initial.egress ? (
          <RecordButton roomId={roomId} token={token} recording={recording} onChange={setRecording} />
        ) : (
          recording && (
            <span className="av-recording" data-testid="av-recording">
              ● Recording
            </span>
          )
        )}
      </div>
    </div>
  );
}

function InCall({ publishes, onLeave }: { publishes: boolean; onLeave: () => void }) {
  const state = useConnectionState();
  // Everyone who can publish gets a tile (a placeholder while their camera is off); observers don't.
  const tracks = useTracks([{ source: Track.Source.Camera, withPlaceholder: true }], { onlySubscribed: false }).filter(
    (t) => t.participant.permissions?.canPublish !== false,
  );
  return (
    // LiveKit's theme only where its components are: our own pre-join keeps the app's look.
    <div className="av-incall" data-lk-theme="default">
      <div className="av-tiles" data-testid="av-tiles">
        <TrackLoop tracks={tracks}>
          <ParticipantTile />
        </TrackLoop>
        {tracks.length === 0 && <span className="muted">Nobody is sending video yet.</span>}
      </div>
      <div className="av-controls">
        <span className={`av-state av-state-${state}`} data-testid="av-state" role="status">
          {stateLabel(state)}
        </span>
        {publishes && (
          <>
            <TrackToggle source={Track.Source.Microphone} data-testid="av-mic-toggle" className="av-toggle" />
            <TrackToggle source={Track.Source.Camera} data-testid="av-camera-toggle" className="av-toggle" />
          </>
        )}
        <button type="button" className="button button-small" data-testid="av-leave" onClick={onLeave}>
          Leave
        </button>
      </div>
      <RoomAudioRenderer />
    </div>
  );
}

function stateLabel(state: ConnectionState): string {
  switch (state) {
    case ConnectionState.Connected:
      return 'in call';
    case ConnectionState.Connecting:
      return 'connecting';
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return 'reconnecting';
    default:
      return 'disconnected';
  }
}

function connectFailure(err: unknown, serverUrl: string): string {
  if (err instanceof ApiRequestError) return `Could not get into the call: ${err.message}`;
  const where = serverUrl ? ` at ${serverUrl}` : '';
  return `Could not reach the audio/video server${where}. The board and pad still work; check that LiveKit is running, then Retry.`;
}

function droppedSentence(reason: DisconnectReason | undefined): string {
  if (reason === DisconnectReason.DUPLICATE_IDENTITY) return 'You joined the call from another tab, so this one left it.';
  if (reason === DisconnectReason.PARTICIPANT_REMOVED) return 'The interviewer removed you from the call.';
  if (reason === DisconnectReason.ROOM_DELETED) return 'The call was ended.';
  return 'The call dropped and could not reconnect. The board and pad still work; Retry to rejoin.';
}
