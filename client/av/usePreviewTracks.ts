import { useCallback, useEffect, useState } from 'react';
import { createLocalAudioTrack, createLocalVideoTrack, type LocalAudioTrack, type LocalVideoTrack } from 'livekit-client';
import { StorageKey, readStored, writeStored } from '../lib/storage.js';

export interface PreviewTracks {
  video: LocalVideoTrack | null;
  audio: LocalAudioTrack | null;
  /** the raw microphone track, which changes when the device does (for the level meter) */
  micStream: MediaStreamTrack | null;
  videoError: string | null;
  audioError: string | null;
  cameras: MediaDeviceInfo[];
  mics: MediaDeviceInfo[];
  cameraId: string;
  micId: string;
  setCamera(deviceId: string): void;
  setMic(deviceId: string): void;
}

const describe = (what: string, err: unknown): string => {
  const name = (err as { name?: string })?.name;
  if (name === 'NotAllowedError') return `The browser blocked the ${what}; allow it in the address bar, then reload.`;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return `No ${what} found.`;
  return `Could not open the ${what} (${(err as Error)?.message ?? String(err)}).`;
};

/**
 * The local camera and microphone used for the preview and then published as they are, so the
 * browser asks for them once. A new `generation` opens fresh tracks (after leaving a call, which
 * stops the published ones).
 */
export function usePreviewTracks(wanted: boolean, generation: number): PreviewTracks {
  const [video, setVideo] = useState<LocalVideoTrack | null>(null);
  const [audio, setAudio] = useState<LocalAudioTrack | null>(null);
  const [micStream, setMicStream] = useState<MediaStreamTrack | null>(null);
  const [videoError, setVideoError] = useState<string | null>(null);
  const [audioError, setAudioError] = useState<string | null>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState(() => readStored('local', StorageKey.avCamera) ?? '');
  const [micId, setMicId] = useState(() => readStored('local', StorageKey.avMic) ?? '');

  useEffect(() => {
    if (!wanted) return;
    let live = true;
    let v: LocalVideoTrack | null = null;
    let a: LocalAudioTrack | null = null;
    const storedCam = readStored('local', StorageKey.avCamera) ?? undefined;
    const storedMic = readStored('local', StorageKey.avMic) ?? undefined;
    (async () => {
      try {
        v = await createLocalVideoTrack({ deviceId: storedCam, resolution: { width: 640, height: 480, frameRate: 24 } }).catch(() =>
          // A remembered camera that has gone away: fall back to the default one.
          createLocalVideoTrack({ resolution: { width: 640, height: 480, frameRate: 24 } }),
        );
        if (live) setVideo(v);
        else v.stop();
      } catch (err) {
        if (live) setVideoError(describe('camera', err));
      }
      try {
        a = await createLocalAudioTrack({ deviceId: storedMic, echoCancellation: true, noiseSuppression: true }).catch(() =>
          createLocalAudioTrack({ echoCancellation: true, noiseSuppression: true }),
        );
        if (live) {
          setAudio(a);
          setMicStream(a.mediaStreamTrack);
        } else a.stop();
      } catch (err) {
        if (live) setAudioError(describe('microphone', err));
      }
      // Labels are only filled in once the page has permission, so list devices after opening them.
      const devices = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
      if (!live) return;
      setCameras(devices.filter((d) => d.kind === 'videoinput'));
      setMics(devices.filter((d) => d.kind === 'audioinput'));
      if (v) setCameraId(v.mediaStreamTrack.getSettings().deviceId ?? '');
      if (a) setMicId(a.mediaStreamTrack.getSettings().deviceId ?? '');
    })();
    return () => {
      live = false;
      v?.stop();
      a?.stop();
      setVideo(null);
      setAudio(null);
      setMicStream(null);
      setVideoError(null);
      setAudioError(null);
    };
  }, [wanted, generation]);

  const setCamera = useCallback(
    (deviceId: string) => {
      setCameraId(deviceId);
      writeStored('local', StorageKey.avCamera, deviceId);
      video?.restartTrack({ deviceId: { exact: deviceId } }).catch((err: unknown) => setVideoError(describe('camera', err)));
    },
    [video],
  );
  const setMic = useCallback(
    (deviceId: string) => {
      setMicId(deviceId);
      writeStored('local', StorageKey.avMic, deviceId);
      audio
        ?.restartTrack({ deviceId: { exact: deviceId } })
        .then(() => setMicStream(audio.mediaStreamTrack))
        .catch((err: unknown) => setAudioError(describe('microphone', err)));
    },
    [audio],
  );

  return { video, audio, micStream, videoError, audioError, cameras, mics, cameraId, micId, setCamera, setMic };
}
