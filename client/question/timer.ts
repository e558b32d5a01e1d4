/** Question timer arithmetic, kept free of React and clocks so it can be tested directly. */

const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;

const two = (n: number) => String(n).padStart(2, '0');

/** 75_000 -> "01:15"; an hour or more -> "1:02:03". Negative (clock skew) reads as zero. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / SECOND_MS));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

export interface TimerReading {
  elapsedMs: number;
  /** "07:32 / 15 min" */
  label: string;
  /** past the suggested time */
  over: boolean;
  /** what a screen reader hears: "7 minutes 32 seconds of 15 suggested" */
  spoken: string;
}

export function readTimer(startedAt: number, minutes: number, now: number): TimerReading {
  const elapsedMs = Math.max(0, now - startedAt);
  const suggestedMs = minutes * MINUTE_MS;
  const wholeMinutes = Math.floor(elapsedMs / MINUTE_MS);
  const seconds = Math.floor((elapsedMs % MINUTE_MS) / SECOND_MS);
  return {
    elapsedMs,
    label: `${formatClock(elapsedMs)} / ${minutes} min`,
    over: minutes > 0 && elapsedMs > suggestedMs,
    spoken: `${wholeMinutes} minute${wholeMinutes === 1 ? '' : 's'} ${seconds} second${seconds === 1 ? '' : 's'} of ${minutes} suggested`,
  };
}

/** Milliseconds until the displayed second changes, so a ticking timer stays on the beat. */
export function msUntilNextSecond(startedAt: number, now: number): number {
  const elapsed = Math.max(0, now - startedAt);
  return SECOND_MS - (elapsed % SECOND_MS) || SECOND_MS;
}
