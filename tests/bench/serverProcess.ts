/**
 * Runs a server under test as a child process and measures it from the outside.
 *
 * Why a child: process.cpuUsage() and memoryUsage() only see the calling process, and the load
 * generator must not be billed to the server (or the other way round). Linux exposes any
 * process's counters under /proc/<pid>, so we read those instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Both servers print `... listening on http://<host>:<port>` once they accept connections. */
const LISTENING_LINE = /listening on https?:\/\/[^\s:]+:(\d+)/;
const TAIL_LINES = 40;
const STOP_GRACE_MS = 5_000;

/** Kernel clock ticks per second for /proc/<pid>/stat; 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SEC = 100;

export interface ProcCounters {
  /** user + system CPU of all the process's threads, in seconds */
  cpuSeconds: number;
  /** of which the main thread's (the event loop's); the rest is workers, GC helpers, libuv */
  mainThreadCpuSeconds: number;
  rssBytes: number;
  /** the kernel's high-water mark of RSS over the whole life of the process */
  peakRssBytes: number;
}

/** 'realtime' servers: every thread at SCHED_FIFO 1, the main thread (the event loop) at 2. */
const REALTIME_PRIORITY = 1;
const REALTIME_MAIN_PRIORITY = 2;

/** Linux's scheduling policies by number, as /proc/<pid>/stat field 41 gives them. */
const POLICIES = ['normal', 'fifo', 'rr', 'batch', 'iso', 'idle', 'deadline'] as const;

/**
 * The scheduling policy of each of a process's threads (by thread id), with its real-time
 * priority where it has one ('fifo 2'); undefined once it has exited.
 */
export function readThreadPolicies(pid: number): Map<number, string> | undefined {
  try {
    const out = new Map<number, string>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
      // rt_priority is field 40, policy field 41
      const [priority, policy] = [Number(fields[40 - 3]), Number(fields[41 - 3])];
      const name = POLICIES[policy] ?? `policy ${policy}`;
      out.set(Number(tid), priority > 0 ? `${name} ${priority}` : name);
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Why a server cannot be started at real-time priority here (`chrt -f 1` needs root or
 * CAP_SYS_NICE, and util-linux's chrt), or undefined when it can.
 */
export function realtimeUnavailable(): string | undefined {
  try {
    execFileSync('chrt', ['-f', '1', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return `chrt -f 1 failed (${stderr || (err as Error).message}): real-time priority needs util-linux's chrt and root or CAP_SYS_NICE`;
  }
}

/** The kernel's budget for real-time threads: µs per `sched_rt_period_us` (1 s); -1 is no limit. */
export const RT_RUNTIME_FILE = '/proc/sys/kernel/sched_rt_runtime_us';

export type RtThrottling =
  | { state: 'lifted'; /** the budget it had, put back by restore() */ previous: string; restore(): void }
  /** the budget was -1 already: no throttling to lift */
  | { state: 'already off' }
  /** throttling stays on: `reason` says why it could not be lifted */
  | { state: 'kept'; reason: string };

/**
 * Lifts Linux's real-time throttling for a bench run whose servers are at real-time priority,
 * until restore() (also run on exit, SIGINT and SIGTERM).
 *
 * Why: by default real-time threads may use 950 ms of each second (`sched_rt_runtime_us`); past
 * that the kernel takes their cores away for the rest of the second, so that normal threads get
 * 5%. At 1000×3 with `--server-priority` attn's event loop, at SCHED_FIFO 2 with only the
 * kernel's brief threads above it, once waited 92 ms for a core in a 108 ms stall, and dmesg
 * said "sched: RT throttling activated" during that run: the kernel's reserve, not the server,
 * which is what the priority mode exists to tell apart. With the budget lifted, six rounds at
 * 1000×3 had one attn stall over 50 ms, on a CPU. A server spinning forever would then hold its
 * cores until the bench stops it; the bench's own timeouts do that.
 */
export function liftRtThrottling(file = RT_RUNTIME_FILE): RtThrottling {
  let previous: string;
  try {
    previous = readFileSync(file, 'utf8').trim();
  } catch (err) {
    return { state: 'kept', reason: `cannot read ${file} (${(err as Error).message})` };
  }
  if (previous === '-1') return { state: 'already off' };
  try {
    writeFileSync(file, '-1');
  } catch (err) {
    return { state: 'kept', reason: `cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; needs root)` };
  }
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    writeFileSync(file, previous);
  };
  // Put the budget back, then die of the signal as if no handler had been there.
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.kill(process.pid, signal);
  };
  process.on('exit', restore);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { state: 'lifted', previous, restore };
}

/** Reads one process's CPU and memory counters; undefined once it has exited. */
export function readProcCounters(pid: number): ProcCounters | undefined {
  try {
    // utime and stime are fields 14 and 15
    const fields = statFields(`/proc/${pid}/stat`);
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: ticks / CLOCK_TICKS_PER_SEC,
      mainThreadCpuSeconds: threadCpuSeconds(pid, pid),
      rssBytes: statusKb(status, 'VmRSS') * 1024,
      peakRssBytes: statusKb(status, 'VmHWM') * 1024,
    };
  } catch {
    return undefined;
  }
}

/** user + system CPU of one thread of a process, in seconds; throws when it is gone. */
export function threadCpuSeconds(pid: number | 'self', tid: number | string): number {
  // utime and stime are fields 14 and 15
  const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / CLOCK_TICKS_PER_SEC;
}

/**
 * The fields of a /proc stat file from field 3 (state) on, so field N is at index N - 3: the
 * command name (field 2) is in parentheses and may hold spaces, so the split starts after the
 * last ')'. Throws when the process or thread is gone.
 */
function statFields(file: string): string[] {
  const stat = readFileSync(file, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

export interface HostCpu {
  /** CPU-seconds spent busy (not idle, not waiting on I/O) by all processes on all cores */
  busySeconds: number;
}

/**
 * Machine-wide busy time from /proc/stat. Subtracting the server's and the generator's own CPU
 * leaves what other processes took during the window: on a shared 2-core box a concurrent
 * `tsc` or test run shows up as latency, and the report should say so rather than blame a server.
 */
export function readHostCpu(): HostCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = ticks[3]! + ticks[4]!;
    return { busySeconds: (total - idle) / CLOCK_TICKS_PER_SEC };
  } catch {
    return undefined;
  }
}

/** The soft limit on open files, or undefined where /proc/self/limits is unreadable. */
export function openFileLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match) return undefined;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface ServerSpec {
  /** label used in errors and tables */
  name: string;
  /** script path relative to the repository root, run with `node --import tsx` */
  script: string;
  /** 'none' runs already compiled JavaScript with plain node (dist/server/main.js); default 'tsx' */
  loader?: 'tsx' | 'none';
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  /** extra node flags, e.g. --cpu-prof */
  nodeArgs?: string[];
  /**
   * 'realtime': the server runs under `chrt -f 1`, SCHED_FIFO priority 1 for every thread it
   * starts, and its main thread at 2 once it listens, so neither a normal-priority process (the
   * load generator) nor a thread the server started before listening can take a core from its
   * event loop. See SyncBenchOptions.serverPriority. Default 'normal'.
   */
  priority?: 'normal' | 'realtime';
}

export class ServerProcess {
  private exited = false;
  private exitInfo = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    /** shared with the stream readers, which keep appending after start-up */
    private readonly tail: string[],
  ) {
    child.once('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = `exited with code ${code}, signal ${signal}`;
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  /** The last lines the server wrote (stdout and stderr interleaved), for error reports. */
  outputTail(): string {
    return this.tail.join('\n');
  }

  describeExit(): string {
    return this.exitInfo;
  }

  counters(): ProcCounters | undefined {
    return this.exited ? undefined : readProcCounters(this.pid);
  }

  /**
   * Spawns `node --import tsx <script>` directly (not through npx) so the pid we measure is the
   * server itself, not a wrapper process (`chrt`, for 'realtime', replaces itself with node).
   */
  static async start(spec: ServerSpec): Promise<ServerProcess> {
    const loaderArgs = spec.loader === 'none' ? [] : ['--import', 'tsx'];
    const args = [...(spec.nodeArgs ?? []), ...loaderArgs, spec.script];
    // chrt execs node in its own process, so the pid measured is still the server's.
    const [command, argv] = spec.priority === 'realtime' ? ['chrt', ['-f', String(REALTIME_PRIORITY), process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, argv, {
      cwd: REPO_ROOT,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Crash traces after start-up matter more than the banner, so keep collecting for good.
    const tail: string[] = [];
    let onReady: ((port: number) => void) | undefined;
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      const match = onReady && LISTENING_LINE.exec(line);
      if (match) {
        onReady!(Number(match[1]));
        onReady = undefined;
      }
    };
    lineReader(child.stdout!, onLine);
    lineReader(child.stderr!, onLine);

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${spec.name} did not print a listening line within ${spec.readyTimeoutMs} ms.\n${tail.join('\n')}`));
      }, spec.readyTimeoutMs);
      onReady = (p) => {
        clearTimeout(timer);
        resolve(p);
      };
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} could not be spawned: ${err.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        // A no-op once resolved; before that it explains why the server never came up.
        reject(new Error(`${spec.name} exited before listening (code ${code}, signal ${signal}).\n${tail.join('\n')}`));
      });
    });
    if (spec.priority === 'realtime') {
      // The main thread (its id is the pid) one level above the threads it started. With all at
      // one level, attn's event loop once waited 343 ms for a core in a 351 ms stall (200×3):
      // SCHED_FIFO does not share a core between threads of equal priority, so two of the
      // server's own threads could hold both cores. (A thread it starts from now on inherits 2.)
      try {
        execFileSync('chrt', ['-f', '-p', String(REALTIME_MAIN_PRIORITY), String(child.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (err) {
        child.kill('SIGKILL');
        throw new Error(`${spec.name}: could not raise its main thread to SCHED_FIFO ${REALTIME_MAIN_PRIORITY}: ${(err as Error).message}`);
      }
    }
    return new ServerProcess(spec.name, child, port, tail);
  }

  /** SIGTERM, then SIGKILL if the server has not gone after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }

  /** Sends a signal (the crash bench: SIGKILL, no clean-up at all) and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    await gone;
  }
}

/** Calls onLine for each complete line of a stream (the listening line may arrive in pieces). */
function lineReader(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
  });
}
