import { useEffect, useState } from 'react';
import { levelFromSamples } from './level.js';

const METER_INTERVAL_MS = 80;

/**
 * The live level (0..1) of a microphone track, from an AnalyserNode. Chrome starts an
 * AudioContext suspended until the page has had a user gesture, so we also resume on the next
 * pointer or key press instead of showing a dead meter.
 */
export function useMicLevel(track: MediaStreamTrack | null): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!track) {
      setLevel(0);
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const resume = () => {
      if (ctx.state === 'suspended') ctx.resume().catch(() => undefined);
    };
    resume();
    window.addEventListener('pointerdown', resume);
    window.addEventListener('keydown', resume);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      setLevel(levelFromSamples(samples));
    }, METER_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pointerdown', resume);
      window.removeEventListener('keydown', resume);
      source.disconnect();
      ctx.close().catch(() => undefined);
    };
  }, [track]);
  return level;
}
