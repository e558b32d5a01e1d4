/**
 * Preloaded into a server under test (`node --import <this>`): measures the server's own event-loop
 * delay, so the sync bench can report stalls inside the server apart from the generator's. Plain
 * JavaScript, so it loads the same into attn (under tsx) and the reference relay.
 *
 * Each SIGUSR2 writes the delay seen since the previous one to BENCH_LOOP_FILE as JSON, then starts
 * over: the bench signals at the start of its measured window (discarding that file) and at its end.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_FILE;
if (file) {
  // 5 ms sampling: a stall shorter than that is no stall for this report (the goal is about 50 ms).
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // Garbage-collection pauses in the same window: a stall that matches one is the heap, not the code.
  let gc = { count: 0, totalMs: 0, maxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  let generation = 0;
  process.on('SIGUSR2', () => {
    generation++;
    const ms = (ns) => ns / 1e6;
    writeFileSync(file, JSON.stringify({ generation, p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), meanMs: ms(histogram.mean), gc }));
    histogram.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0 };
  });
}
