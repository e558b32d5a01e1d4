import { useEffect, useRef } from 'react';
import type { RecordingInfo } from '../../shared/history.js';

/** Drift beyond this re-seeks the video; smaller drift is left alone so playback stays smooth. */
const MAX_DRIFT_S = 0.3;

interface RecordingSlotProps {
  recording: RecordingInfo | null;
  /** the playhead, recording clock */
  t: number;
  playing: boolean;
  speed: number;
}

/**
 * The A/V slot. A room's LiveKit recording (a later issue) arrives as `recording` in the history
 * metadata and plays here in step with the playhead; today there is never one.
 */
export function RecordingSlot({ recording, t, playing, speed }: RecordingSlotProps) {
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const v = video.current;
    if (!v || !recording) return;
    const at = (t - recording.startedAt) / 1000;
    if (Math.abs(v.currentTime - at) > MAX_DRIFT_S) v.currentTime = Math.max(0, at);
    v.playbackRate = speed;
    if (playing && at >= 0 && v.paused) void v.play().catch(() => undefined);
    if (!playing && !v.paused) v.pause();
  }, [recording, t, playing, speed]);

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
  return (
    <section className="replay-av" data-testid="replay-recording" data-state="ready">
      <video ref={video} src={recording.url} muted={speed !== 1} playsInline preload="auto" />
    </section>
  );
}
