import { describe, expect, it } from 'vitest';
import { levelFromSamples } from '../../client/av/level.js';

describe('mic level', () => {
  it('is 0 for silence and for no samples, grows with loudness, and stays within 0..1', () => {
    expect(levelFromSamples(new Float32Array(0))).toBe(0);
    expect(levelFromSamples(new Float32Array(512))).toBe(0);
    const tone = (amp: number) => Float32Array.from({ length: 512 }, (_, i) => amp * Math.sin((i / 512) * 2 * Math.PI * 8));
    const quiet = levelFromSamples(tone(0.02));
    const loud = levelFromSamples(tone(0.2));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(levelFromSamples(tone(1))).toBe(1);
  });
});
