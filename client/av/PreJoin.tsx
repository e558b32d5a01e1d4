import { useEffect, useRef } from 'react';
import { can } from '../../shared/capabilities.js';
import type { Role } from '../../shared/protocol.js';
import type { PreviewTracks } from './usePreviewTracks.js';
import { useMicLevel } from './useMicLevel.js';

interface PreJoinProps {
  role: Role;
  preview: PreviewTracks;
  busy: boolean;
  onJoin: () => void;
}

/** Camera preview, mic meter and device pickers before joining; observers only listen. */
export function PreJoin({ role, preview, busy, onJoin }: PreJoinProps) {
  const videoEl = useRef<HTMLVideoElement | null>(null);
  const level = useMicLevel(preview.micStream);
  const { video } = preview;

  useEffect(() => {
    const el = videoEl.current;
    if (!video || !el) return;
    video.attach(el);
    return () => {
      video.detach(el);
    };
  }, [video]);

  if (!can(role, 'av.publish')) {
    return (
      <div className="av-prejoin av-prejoin-observer" data-testid="av-prejoin">
        <p className="av-note">You'll join to watch and listen: observers don't send audio or video.</p>
        <button type="button" className="button button-primary button-small" data-testid="av-join" disabled={busy} onClick={onJoin}>
          {busy ? 'Joining…' : 'Join call'}
        </button>
      </div>
    );
  }

  return (
    <div className="av-prejoin" data-testid="av-prejoin">
      <div className="av-preview-box">
        <video ref={videoEl} className="av-preview" data-testid="av-preview" muted playsInline autoPlay />
        {!video && <span className="av-preview-empty muted">{preview.videoError ?? 'Opening camera…'}</span>}
      </div>
      <div className="av-prejoin-side">
        <label className="av-field">
          <span>Camera</span>
          <select data-testid="av-camera-select" value={preview.cameraId} onChange={(e) => preview.setCamera(e.target.value)} disabled={preview.cameras.length === 0}>
            {preview.cameras.length === 0 && <option value="">No camera</option>}
            {preview.cameras.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label className="av-field">
          <span>Microphone</span>
          <select data-testid="av-mic-select" value={preview.micId} onChange={(e) => preview.setMic(e.target.value)} disabled={preview.mics.length === 0}>
            {preview.mics.length === 0 && <option value="">No microphone</option>}
            {preview.mics.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <div className="av-meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={1} aria-valuenow={Number(level.toFixed(2))} data-testid="av-mic-level" data-level={level.toFixed(3)}>
          <span className="av-meter-fill" style={{ transform: `scaleX(${level})` }} />
        </div>
        {preview.audioError && <span className="av-warn">{preview.audioError}</span>}
        <button type="button" className="button button-primary button-small" data-testid="av-join" disabled={busy} onClick={onJoin}>
          {busy ? 'Joining…' : 'Join call'}
        </button>
      </div>
    </div>
  );
}
