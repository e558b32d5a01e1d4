/** Microphone level for the meter: RMS of one analyser frame, scaled so speech sits mid-scale. */
export function levelFromSamples(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length);
  // ~0.25 RMS is loud speech close to the mic; clamp so a shout doesn't overflow the bar.
  return Math.min(1, rms * 4);
}
