/**
 * Skip idle: maps the recording's clock ("real" time, ms since epoch) to play time (ms from the
 * start as the viewer experiences it at 1x) and back. Every gap between two moments of activity
 * longer than `thresholdMs` plays in `keptMs`; everything else plays as it happened. The map is
 * piecewise linear with positive slopes, so it is strictly increasing and invertible.
 */
export const SKIP_IDLE_THRESHOLD_MS = 3000;
export const SKIP_IDLE_KEPT_MS = 1000;

export class IdleMap {
  /** breakpoints: real[i] maps to play[i]; linear in between */
  private readonly real: number[] = [];
  private readonly play: number[] = [];
  /** the stretches that play compressed, [from, to] in real time */
  readonly gaps: Array<[number, number]> = [];

  /**
   * @param activity moments with activity (any order; out-of-range ones are ignored)
   * @param enabled false gives the identity map (offset by start)
   */
  constructor(
    readonly start: number,
    readonly end: number,
    activity: readonly number[],
    enabled = true,
    readonly thresholdMs = SKIP_IDLE_THRESHOLD_MS,
    readonly keptMs = SKIP_IDLE_KEPT_MS,
  ) {
    if (!(end >= start)) throw new RangeError('end must not be before start');
    if (!(keptMs > 0 && keptMs <= thresholdMs)) throw new RangeError('keptMs must be in (0, thresholdMs]');
    this.real.push(start);
    this.play.push(0);
    const push = (r: number, p: number) => {
      if (r > this.real[this.real.length - 1]!) {
        this.real.push(r);
        this.play.push(p);
      }
    };
    if (enabled) {
      const points = [start, ...activity.filter((t) => t > start && t < end), end].sort((a, b) => a - b);
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        const b = points[i]!;
        if (b - a <= thresholdMs) continue;
        this.gaps.push([a, b]);
        push(a, this.toPlayLinear(a));
        push(b, this.play[this.play.length - 1]! + keptMs);
      }
    }
    push(end, this.toPlayLinear(end));
  }

  /** Extends the last breakpoint with slope 1 (used while building). */
  private toPlayLinear(t: number): number {
    const i = this.real.length - 1;
    return this.play[i]! + (t - this.real[i]!);
  }

  /** Play-time length of the whole recording. */
  get duration(): number {
    return this.play[this.play.length - 1]!;
  }

  toPlay(t: number): number {
    return interpolate(this.real, this.play, Math.min(this.end, Math.max(this.start, t)));
  }

  toReal(p: number): number {
    return interpolate(this.play, this.real, Math.min(this.duration, Math.max(0, p)));
  }
}

/** y at x on the polyline (xs strictly increasing, x within range). */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (xs.length === 1) return ys[0]!;
  let lo = 0;
  let hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo]!;
  const x1 = xs[hi]!;
  const y0 = ys[lo]!;
  const y1 = ys[hi]!;
  return x1 === x0 ? y0 : y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);
}
