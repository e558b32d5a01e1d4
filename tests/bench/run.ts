/**
 * `npm run bench`: runs the bench suites, prints their tables, and writes JSON + Markdown to
 * bench-results/ (gitignored). A bench is a report, never a timed test: it exits non-zero only
 * when a suite could not run at all, not when a number looks bad.
 *
 *   npm run bench                          all suites, full length
 *   npm run bench -- --quick               3 s per configuration instead of 10, no retries
 *   npm run bench -- --only sync --seconds 5 --configs 1x2@10,200x3@5 --targets reference
 *   npm run bench -- --only abuse            a healthy room's p99 with another room abused, vs alone
 *   npm run bench -- --only join             join time of a 50k-update board
 *   npm run bench -- --only join --database-url postgres://127.0.0.1/test   the same on Postgres
 *   npm run bench -- --only store            the SQLite store's threads per edit in steady state
 *   npm run bench -- --only sync --configs 200x3@5w1 --rounds 5 --paired
 *                                          attn and the relay written to in the same windows
 *   npm run bench -- --only sync --configs 1000x2@2 --rounds 3 --attn-clients
 *                                          attn's clients connect as attn's own client does (the
 *                                          token as a subprotocol), so its writers get acknowledgements
 *   npm run bench -- --only sync --configs 1000x2@2 --rounds 3 --server-priority
 *                                          both servers at real-time priority (chrt; needs root)
 *                                          and the kernel's real-time throttling lifted for the run
 *
 * Every flag has an environment twin (flags win): BENCH_ONLY, BENCH_QUICK=1, BENCH_SECONDS,
 * BENCH_DRAIN_MS, BENCH_CONFIGS, BENCH_TARGETS, BENCH_WORKERS, BENCH_RETRIES, BENCH_PAIRED=1,
 * BENCH_SERVER_PRIORITY=1, BENCH_ATTN_CLIENTS=1, BENCH_DATABASE_URL, BENCH_PROFILE_DIR, BENCH_OUT. --profile-dir writes a V8 CPU profile of every server run
 * (open it in Chrome DevTools) to show where a server spends its time under that load.
 *
 * Timings need a quiet machine. Each measured window reports how much CPU other processes took
 * during it; one over the threshold is measured again (--retries) and flagged in the report.
 *
 * Adding a suite: write tests/bench/<name>.ts exporting a runner, then add one entry to SUITES.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './serverProcess.js';
import { formatJoinMarkdown, formatJoinText, runJoinBench } from './join.js';
import { formatStoreMarkdown, formatStoreText, runStoreBench } from './store.js';
import { formatLoadMarkdown, formatLoadText, runLoadBench } from './load.js';
import { formatCrashMarkdown, formatCrashText, runCrashBench } from './crash.js';
import { formatAbuseMarkdown, formatAbuseText, runAbuseBench } from './abuse.js';
import { formatReplayMarkdown, formatReplayText, runReplayBench } from './replay.js';
import { formatRunnerMarkdown, formatRunnerText, runRunnerBench } from './runner.js';
import { formatScaleMarkdown, formatScaleText, runScaleBench } from './scale.js';
import { formatSyncMarkdown, formatSyncText, parseConfigSpec, runSyncBench, TARGET_NAMES, type TargetName } from './sync.js';

interface BenchOptions {
  quick: boolean;
  seconds: number | undefined;
  drainMs: number | undefined;
  /** sync: unmeasured writing before the window */
  warmupMs: number | undefined;
  /** suite-specific selectors, passed through as given */
  configs: string[] | undefined;
  targets: string[] | undefined;
  /** load-generator threads */
  workers: number | undefined;
  /** re-measurements when other processes disturbed a window */
  retries: number | undefined;
  /** write a CPU profile of each server run here */
  profileDir: string | undefined;
  /** sync: alternating rounds per configuration, ratios from medians; abuse: alone/abused rounds */
  rounds: number | undefined;
  /** sync: both targets written to in the same window instead of one after the other */
  paired: boolean;
  /** sync: each server at real-time priority, so the load generator cannot take a core from it */
  serverPriority: boolean;
  /** sync: attn's clients connect as attn's own client does (token as a subprotocol), which earns them acknowledgements */
  attnClients: boolean;
  /** join: the server on Postgres at this URL (a fresh schema per run) instead of SQLite */
  databaseUrl: string | undefined;
}

interface SuiteReport {
  text: string;
  markdown: string;
  data: unknown;
}

interface BenchSuite {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<SuiteReport>;
}

const QUICK_SECONDS = 3;
const QUICK_DRAIN_MS = 2_000;
const QUICK_WARMUP_MS = 2_000;

const SUITES: BenchSuite[] = [
  {
    name: 'sync',
    description: 'propagation latency, loss, server CPU and RSS: attn vs the bare y-websocket relay',
    async run(options) {
      // Validated in main() before any suite runs.
      const targets = options.targets as TargetName[] | undefined;
      const data = await runSyncBench({
        configs: options.configs?.map(parseConfigSpec),
        targets,
        seconds: options.seconds ?? (options.quick ? QUICK_SECONDS : undefined),
        drainMs: options.drainMs ?? (options.quick ? QUICK_DRAIN_MS : undefined),
        warmupMs: options.warmupMs ?? (options.quick ? QUICK_WARMUP_MS : undefined),
        workers: options.workers,
        // Quick means quick: no second attempts at noisy windows unless asked for.
        retries: options.retries ?? (options.quick ? 0 : undefined),
        profileDir: options.profileDir,
        rounds: options.rounds,
        paired: options.paired,
        serverPriority: options.serverPriority,
        attnClients: options.attnClients,
      });
      return { text: formatSyncText(data), markdown: formatSyncMarkdown(data), data };
    },
  },
  {
    name: 'crash',
    description: 'kill -9 of attn under 1000x2 @ 2/s: every update a peer received is in the store after restart (counted)',
    async run(options) {
      const data = await runCrashBench(
        { config: options.configs?.map(parseConfigSpec)[0], killAfterMs: options.quick ? 3_000 : undefined, workers: options.workers },
        (line) => console.log(line),
      );
      return { text: formatCrashText(data), markdown: formatCrashMarkdown(data), data };
    },
  },
  {
    name: 'join',
    description: 'join time of a 50k-update board: cold from the log, warm, cold from the snapshot (attn alone)',
    async run(options) {
      const data = await runJoinBench({ repeats: options.quick ? 1 : 3, databaseUrl: options.databaseUrl });
      return { text: formatJoinText(data), markdown: formatJoinMarkdown(data), data };
    },
  },
  {
    name: 'store',
    description: "the SQLite store's own threads (journal writer, checkpoints, snapshot builds) per edit in steady state at 1000 docs x 4,000 appends/s with their snapshots",
    async run(options) {
      const data = await runStoreBench({ seconds: options.seconds ?? (options.quick ? QUICK_SECONDS : undefined) });
      return { text: formatStoreText(data), markdown: formatStoreMarkdown(data), data };
    },
  },
  {
    name: 'replay',
    description: 'seek time in a synthetic 60-minute session (>= 50,000 updates): replay engine vs naive replay from the start',
    async run(options) {
      const data = await runReplayBench({ naiveSeeks: options.quick ? 8 : 20 });
      return { text: formatReplayText(data), markdown: formatReplayMarkdown(data), data };
    },
  },
  {
    name: 'scale',
    description: 'scale-out: edit propagation across two instances on Postgres + Redis vs one instance, same load, as a ratio',
    async run(options) {
      const data = await runScaleBench({ seconds: options.seconds ?? (options.quick ? QUICK_SECONDS : undefined) });
      return { text: formatScaleText(data), markdown: formatScaleMarkdown(data), data };
    },
  },
  {
    name: 'abuse',
    description: 'p99 of a healthy room while one client abuses another room on the same instance vs alone, as a ratio (goal: within 2x)',
    async run(options) {
      const data = await runAbuseBench({
        seconds: options.seconds ?? (options.quick ? QUICK_SECONDS : undefined),
        rounds: options.rounds ?? (options.quick ? 1 : undefined),
        profileDir: options.profileDir,
      });
      return { text: formatAbuseText(data), markdown: formatAbuseMarkdown(data), data };
    },
  },
  {
    name: 'runner',
    description: 'snippet runner in Chromium: worker cold/warm start, attention (seq 256 and 1024, d 64) per backend',
    async run(options) {
      const data = await runRunnerBench({ repeats: options.quick ? 1 : 3, checkRepeats: options.quick ? 3 : 5 });
      return { text: formatRunnerText(data), markdown: formatRunnerMarkdown(data), data };
    },
  },
  {
    name: 'load',
    description: 'first load per role in Chromium at 1280x720, cold and warm: pad editable, canvas interactive, JS bytes; server start-up, tsx vs compiled',
    async run(options) {
      const data = await runLoadBench({ repeats: options.quick ? 1 : 3 });
      return { text: formatLoadText(data), markdown: formatLoadMarkdown(data), data };
    },
  },
];

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${JSON.stringify(value)})`);
  return n;
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got ${JSON.stringify(value)})`);
  return n;
}

function readOptions(): { only: string[] | undefined; out: string; options: BenchOptions; help: boolean } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean' },
      seconds: { type: 'string' },
      'drain-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      configs: { type: 'string' },
      targets: { type: 'string' },
      workers: { type: 'string' },
      retries: { type: 'string' },
      'profile-dir': { type: 'string' },
      rounds: { type: 'string' },
      paired: { type: 'boolean' },
      'server-priority': { type: 'boolean' },
      'attn-clients': { type: 'boolean' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const env = process.env;
  return {
    help: values.help === true,
    only: list(values.only ?? env.BENCH_ONLY),
    out: path.resolve(REPO_ROOT, values.out ?? env.BENCH_OUT ?? 'bench-results'),
    options: {
      quick: values.quick ?? (env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true'),
      seconds: positiveNumber('--seconds / BENCH_SECONDS', values.seconds ?? env.BENCH_SECONDS),
      drainMs: positiveNumber('--drain-ms / BENCH_DRAIN_MS', values['drain-ms'] ?? env.BENCH_DRAIN_MS),
      warmupMs: positiveNumber('--warmup-ms / BENCH_WARMUP_MS', values['warmup-ms'] ?? env.BENCH_WARMUP_MS),
      configs: list(values.configs ?? env.BENCH_CONFIGS),
      targets: list(values.targets ?? env.BENCH_TARGETS),
      workers: wholeNumber('--workers / BENCH_WORKERS', values.workers ?? env.BENCH_WORKERS) || undefined,
      retries: wholeNumber('--retries / BENCH_RETRIES', values.retries ?? env.BENCH_RETRIES),
      profileDir: values['profile-dir'] ?? (env.BENCH_PROFILE_DIR || undefined),
      rounds: wholeNumber('--rounds / BENCH_ROUNDS', values.rounds ?? env.BENCH_ROUNDS) || undefined,
      paired: values.paired ?? (env.BENCH_PAIRED === '1' || env.BENCH_PAIRED === 'true'),
      serverPriority: values['server-priority'] ?? (env.BENCH_SERVER_PRIORITY === '1' || env.BENCH_SERVER_PRIORITY === 'true'),
      attnClients: values['attn-clients'] ?? (env.BENCH_ATTN_CLIENTS === '1' || env.BENCH_ATTN_CLIENTS === 'true'),
      databaseUrl: values['database-url'] ?? (env.BENCH_DATABASE_URL || undefined),
    },
  };
}

const USAGE = `usage: npm run bench -- [--only ${SUITES.map((s) => s.name).join(',')}] [--quick] [--seconds N] [--warmup-ms N] [--drain-ms N]
                          [--configs RxC@U[wW],...] [--targets attn,reference] [--workers N] [--retries N] [--rounds N] [--paired]
                          [--server-priority] [--attn-clients] [--database-url URL] [--profile-dir DIR] [--out DIR]
suites:
${SUITES.map((s) => `  ${s.name.padEnd(8)} ${s.description}`).join('\n')}`;

async function main(): Promise<number> {
  const { only, out, options, help } = readOptions();
  if (help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = only?.filter((name) => !SUITES.some((s) => s.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')}\n${USAGE}`);
  const suites = SUITES.filter((s) => only === undefined || only.includes(s.name));
  // Bad selectors are usage errors: say so before minutes of setup, without a stack trace.
  options.configs?.forEach(parseConfigSpec);
  const badTarget = options.targets?.find((t) => !(TARGET_NAMES as readonly string[]).includes(t));
  if (badTarget !== undefined) throw new Error(`unknown target "${badTarget}"; expected one of ${TARGET_NAMES.join(', ')}`);

  const startedAt = new Date();
  const reports: Record<string, unknown> = {};
  const markdown: string[] = [`## attn bench — ${startedAt.toISOString()}`, ''];
  let failed = 0;
  for (const suite of suites) {
    console.log(`\n=== ${suite.name} ===`);
    try {
      const report = await suite.run(options);
      console.log(`\n${report.text}`);
      reports[suite.name] = report.data;
      markdown.push(report.markdown, '');
    } catch (err) {
      failed++;
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(`${suite.name} could not run: ${message}`);
      reports[suite.name] = { error: message };
      markdown.push(`### ${suite.name}`, '', `could not run: ${message.split('\n')[0]}`, '');
    }
  }

  mkdirSync(out, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ startedAt: startedAt.toISOString(), options, suites: reports }, null, 2);
  const md = markdown.join('\n');
  for (const name of [`bench-${stamp}`, 'latest']) {
    writeFileSync(path.join(out, `${name}.json`), json);
    writeFileSync(path.join(out, `${name}.md`), md);
  }
  console.log(`\nwrote ${path.relative(REPO_ROOT, path.join(out, `bench-${stamp}.{json,md}`))} (and latest.{json,md})`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
