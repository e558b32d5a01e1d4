import { useEffect, useRef, useState } from 'react';
import type { RecordingInfo } from '../../shared/history.js';

/** While playing, drift beyond this re-seeks the video; smaller drift is left alone so playback stays smooth. */
export const MAX_DRIFT_S = 0.3;
/** Browsers refuse playback rates outside roughly [1/16, 16]. */
const MIN_RATE = 0.0625;
const MAX_RATE = 16;

export const clampRate = (speed: number): number => Math.min(MAX_RATE, Math.max(MIN_RATE, speed));

/**
 * Where the video should be at playhead `t` (server clock, ms): seconds into the file, or null
 * when the recording was not running then (before its start, after its stop, or past the end of
 * the file when the stop was never recorded).
 */
export function videoTimeAt(recording: Pick<RecordingInfo, 'startedAt' | 'stoppedAt'>, t: number, duration = Number.NaN): number | null {
  if (t < recording.startedAt) return null;
  if (recording.stoppedAt !== null && t > recording.stoppedAt) return null;
  const at = (t - recording.startedAt) / 1000;
  if (Number.isFinite(duration) && at > duration) return null;
  return at;
}

interface RecordingSlotProps {
  recording: RecordingInfo | null;
  /** the playhead, recording clock */
  t: number;
  playing: boolean;
  speed: number;
}

/**
 * The A/V slot: the room's LiveKit recording (from the history metadata), kept in step with the
 * playhead. Muted by default (several replays side by side should not all talk); a button unmutes.
 */
export function RecordingSlot({ recording, t, playing, speed }: RecordingSlotProps) {
  const video = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  // Bumped when the file's metadata arrives: a seek made before then is redone.
  const [loaded, setLoaded] = useState(0);
  // Kept with the URL they belong to, so another recording starts clean.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const [known, setKnown] = useState<{ url: string; duration: number } | null>(null);
  const duration = known && known.url === recording?.url ? known.duration : Number.NaN;
  const failed = recording !== null && failedUrl === recording.url;
  const at = recording ? videoTimeAt(recording, t, duration) : null;

  useEffect(() => {
    const v = video.current;
    if (!v || !recording) return;
    if (at === null) {
      if (!v.paused) v.pause();
      return;
    }
    const rate = clampRate(speed);
    if (v.playbackRate !== rate) v.playbackRate = rate;
    if (playing) {
      if (Math.abs(v.currentTime - at) > MAX_DRIFT_S) v.currentTime = at;
      if (v.paused) void v.play().catch(() => undefined);
    } else {
      if (!v.paused) v.pause();
      if (Math.abs(v.currentTime - at) > 0.001) v.currentTime = at;
    }
  }, [recording, at, playing, speed, loaded]);

  if (!recording) {
    return (
      <section className="replay-av replay-av-empty" data-testid="replay-recording" data-state="none">
        <svg className="replay-av-icon" width="22" height="16" viewBox="0 0 22 16" aria-hidden="true">
          <rect x="1" y="2" width="14" height="12" rx="2" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M15 6.5l5-3v9l-5-3z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
          <path d="M2 1l18 14" stroke="currentColor" strokeWidth="1.5" />
        </svg>
        <span className="muted small">No audio or video was recorded in this interview.</span>
      </section>
    );
  }
  const state = failed ? 'error' : at === null ? 'off' : 'ready';
  return (
    <section className="replay-av replay-av-video" data-testid="replay-recording" data-state={state}>
      <video
        ref={video}
        data-testid="replay-recording-video"
        src={recording.url}
        controls={false}
        muted={muted}
        playsInline
        preload="auto"
        onLoadedMetadata={(e) => {
          setKnown({ url: recording.url, duration: e.currentTarget.duration });
          setLoaded((n) => n + 1);
        }}
        onDurationChange={(e) => setKnown({ url: recording.url, duration: e.currentTarget.duration })}
        onError={() => setFailedUrl(recording.url)}
      />
      {state !== 'ready' && (
        <div className="replay-av-overlay" data-testid="replay-recording-off">
          {failed ? 'The recording could not be loaded.' : 'Recording not running at this point.'}
        </div>
      )}
      <button
        type="button"
        className="button button-small replay-av-mute"
        data-testid="replay-recording-mute"
        aria-pressed={!muted}
        onClick={() => setMuted((m) => !m)}
        title={muted ? 'Unmute the recording' : 'Mute the recording'}
      >
        {muted ? 'Unmute' : 'Mute'}
      </button>
    </section>
  );
}
