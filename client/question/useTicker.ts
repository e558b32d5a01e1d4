import { useEffect, useState } from 'react';
import { serverNow } from '../lib/serverClock.js';
import { msUntilNextSecond } from './timer.js';

/**
 * The server-clock time, re-read each time the elapsed second since `startedAt` turns over
 * (so every timer in the room ticks together). Null `startedAt` stops ticking.
 */
export function useTicker(startedAt: number | null): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    if (startedAt === null) return;
    let timer = 0;
    const tick = () => {
      const t = serverNow();
      setNow(t);
      timer = window.setTimeout(tick, msUntilNextSecond(startedAt, t) + 5);
    };
    tick();
    return () => window.clearTimeout(timer);
  }, [startedAt]);
  return now;
}
