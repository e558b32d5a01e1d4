import { useState } from 'react';
import type { AvRecordingInfo } from '../../shared/api.js';
import { setRecording } from '../lib/api.js';

interface RecordButtonProps {
  roomId: string;
  token: string;
  recording: AvRecordingInfo | null;
  onChange: (recording: AvRecordingInfo | null) => void;
}

/** Interviewer only: start/stop LiveKit Egress for this call. */
export function RecordButton({ roomId, token, recording, onChange }: RecordButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const on = recording !== null;
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await setRecording(roomId, token, on ? 'stop' : 'start');
      onChange(next.stoppedAt === null ? next : null);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={`button button-small${on ? ' button-danger' : ''}`}
        data-testid="av-record"
        data-recording={on ? 'true' : 'false'}
        disabled={busy}
        onClick={() => void click()}
      >
        {busy ? (on ? 'Stopping…' : 'Starting…') : on ? '■ Stop recording' : '● Record'}
      </button>
      {error && (
        <span className="av-warn" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
