/**
 * Preloaded into a server under test (`node --import <this>`): measures the server's own event-loop
 * delay, so the sync bench can report stalls inside the server apart from the generator's. Plain
 * JavaScript, so it loads the same into attn (under tsx) and the reference relay.
 *
 * Each SIGUSR2 writes the delay seen since the previous one to BENCH_LOOP_FILE as JSON, then starts
 * over: the bench signals at the start of its measured window (discarding that file) and at its end.
 *
 * A stall is the server's own work, or the server waiting for a core the load generator holds (the
 * two share the machine): where Linux gives /proc/thread-self/schedstat (this thread's time on a
 * CPU and time runnable but waiting for one, in ns), each stall over STALL_MS is split into the two.
 */
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

/** A stall, for this report: a timer meant to fire every TICK_MS fired this much later. */
const STALL_MS = 50;
const TICK_MS = 10;
/** Full collections whose times a report keeps (a 30 s window at 1000 rooms holds a few dozen). */
const MAX_MAJOR_TIMES = 1000;

const file = process.env.BENCH_LOOP_FILE;
if (file) {
  // 5 ms sampling: a stall shorter than that is no stall for this report (the goal is about 50 ms).
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // Garbage-collection pauses in the same window: a stall that matches one is the heap, not the code.
  // Full (mark-compact) collections are counted apart: they grow with what the heap keeps, the
  // scavenges with what it allocates. Each full one's start (epoch ms) goes with it, so the bench
  // can tell which of its slowest deliveries were in flight around one.
  const fresh = () => ({ count: 0, totalMs: 0, maxMs: 0, major: { count: 0, totalMs: 0, at: [] } });
  let gc = fresh();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.major.count++;
        gc.major.totalMs += entry.duration;
        if (gc.major.at.length < MAX_MAJOR_TIMES) gc.major.at.push(performance.timeOrigin + entry.startTime);
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const stalls = stallWatch();
  let generation = 0;
  process.on('SIGUSR2', () => {
    generation++;
    const ms = (ns) => ns / 1e6;
    const heapMb = process.memoryUsage().heapUsed / 1e6;
    writeFileSync(file, JSON.stringify({ generation, p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), meanMs: ms(histogram.mean), gc, heapMb, stalls: stalls?.take() }));
    histogram.reset();
    gc = fresh();
  });
}

/**
 * Every TICK_MS, reads this (the main) thread's schedstat with one pread into a reused buffer
 * (a few µs; both servers pay it). Between two ticks more than STALL_MS late it adds up the
 * wall time, the time on a CPU and the time spent waiting for one. Undefined where there is no
 * schedstat (not Linux).
 */
function stallWatch() {
  let fd;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(128);
  const read = () => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    const [onCpu, waiting] = buf.toString('latin1', 0, n).split(' ');
    return { onCpu: Number(onCpu), waiting: Number(waiting) };
  };
  let last = { at: process.hrtime.bigint(), ...read() };
  let report = { count: 0, wallMs: 0, cpuMs: 0, waitMs: 0, worst: null };
  const timer = setInterval(() => {
    const now = { at: process.hrtime.bigint(), ...read() };
    const wallMs = Number(now.at - last.at) / 1e6;
    if (wallMs - TICK_MS > STALL_MS) {
      const cpuMs = (now.onCpu - last.onCpu) / 1e6;
      const waitMs = (now.waiting - last.waiting) / 1e6;
      report.count++;
      report.wallMs += wallMs;
      report.cpuMs += cpuMs;
      report.waitMs += waitMs;
      if (!report.worst || wallMs > report.worst.wallMs) report.worst = { wallMs, cpuMs, waitMs };
    }
    last = now;
  }, TICK_MS);
  timer.unref();
  process.once('exit', () => closeSync(fd));
  return {
    take() {
      const taken = report;
      report = { count: 0, wallMs: 0, cpuMs: 0, waitMs: 0, worst: null };
      return taken;
    },
  };
}
