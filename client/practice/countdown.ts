/** A practice question's countdown, from the question timer's arithmetic (client/question/timer.ts). */
import { formatClock, MINUTE_MS } from '../question/timer.js';

export interface Countdown {
  remainingMs: number;
  /** "04:59 left", or "Time is up" */
  label: string;
  up: boolean;
}

export function readCountdown(startedAt: number, minutes: number, now: number): Countdown {
  const remainingMs = Math.max(0, startedAt + minutes * MINUTE_MS - now);
  const up = remainingMs === 0;
  return { remainingMs, up, label: up ? 'Time is up' : `${formatClock(remainingMs)} left` };
}
