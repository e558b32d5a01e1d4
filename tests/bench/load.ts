/**
 * First load, as a person opening their link sees it: real Chromium at 1280x720 against a real
 * attn server on this host, cold (fresh browser profile, empty cache) and warm (the same profile
 * opening the link again), for each role.
 *
 * - pad: the code pad is on screen and, for a writer, editable (CodeMirror's contenteditable),
 *   measured inside the page on an animation frame, so a main thread busy compiling Excalidraw
 *   counts as "not yet": a person could not type either.
 * - canvas: Excalidraw's interactive canvas is mounted.
 * - JS before pad: script bytes on the wire (headers + encoded body, as Chromium's network stack
 *   counts them) whose loading finished before the pad was ready.
 * - total: every response until the network went quiet after the canvas.
 *
 * The display name is stored before the page opens, as for anyone who has joined once: the
 * first-visit name prompt is a modal and would otherwise be what "editable" waits for.
 *
 * It also times server start-up, from spawn to the listening line: the sources through tsx (how
 * tests and `npm run dev` run) against the compiled dist/server/main.js (how `npm start` runs).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import type { Role } from '../../shared/protocol.js';
import { startAttn } from '../../server/app.js';
import { CLIENT_DIR, chromiumAvailable, launch, requireBuiltClient } from '../support/browser.js';
import { createRoom, testConfig } from '../support/server.js';
import { REPO_ROOT, ServerProcess } from './serverProcess.js';
import { fixed, markdownTable, median, textTable } from './stats.js';

const ROLES: Role[] = ['candidate', 'interviewer', 'observer'];
const VIEWPORT = { width: 1280, height: 720 };
const LOAD_TIMEOUT_MS = 60_000;
/** Network quiet this long after the canvas means the load is over (the sync socket excepted). */
const QUIET_MS = 1_000;
const NAME_KEY = 'attn:name';
const STARTUP_READY_TIMEOUT_MS = 60_000;

export interface LoadSample {
  padMs: number;
  canvasMs: number;
  jsBytesBeforePad: number;
  jsBytes: number;
  totalBytes: number;
  responses: number;
  /** script URLs (path only) fetched over the network, cached ones excluded */
  scripts: string[];
}

export interface LoadRow {
  role: Role;
  cache: 'cold' | 'warm';
  samples: LoadSample[];
  median: Omit<LoadSample, 'scripts'>;
  /** chunks that must stay away: the panel for a candidate, LiveKit when A/V is not configured */
  panelChunk: boolean;
  avChunk: boolean;
}

export interface StartupRow {
  how: string;
  command: string;
  samplesMs: number[];
  medianMs: number;
}

export interface LoadBenchResult {
  skipped?: string;
  chromium: string;
  repeats: number;
  rows: LoadRow[];
  startup: StartupRow[];
}

interface NetEntry {
  url: string;
  type: string;
  finishedAt?: number;
  bytes: number;
}

/** Records every response's wire size and finish time through the DevTools protocol. */
async function watchNetwork(cdp: CDPSession): Promise<{ entries: Map<string, NetEntry>; navStart: () => number; lastActivity: () => number }> {
  const entries = new Map<string, NetEntry>();
  let navStart = NaN;
  let last = Date.now();
  cdp.on('Network.requestWillBeSent', (e) => {
    last = Date.now();
    if (e.type === 'Document' && Number.isNaN(navStart)) navStart = e.timestamp;
    entries.set(e.requestId, { url: e.request.url, type: e.type ?? 'Other', bytes: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    last = Date.now();
    const entry = entries.get(e.requestId);
    if (!entry) return;
    entry.finishedAt = e.timestamp;
    entry.bytes = e.encodedDataLength;
  });
  await cdp.send('Network.enable');
  return { entries, navStart: () => navStart, lastActivity: () => last };
}

/** performance.now() at the first animation frame on which `selector` matches. */
function frameWhen(page: Page, selector: string): Promise<number> {
  return page
    .waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : false), selector, { polling: 'raf', timeout: LOAD_TIMEOUT_MS })
    .then((handle) => handle.jsonValue() as Promise<number>);
}

async function loadOnce(page: Page, url: string, role: Role): Promise<LoadSample> {
  const cdp = await page.context().newCDPSession(page);
  const net = await watchNetwork(cdp);
  const padSelector = role === 'observer' ? '[data-testid="pad"] .cm-content' : '[data-testid="pad"] .cm-content[contenteditable="true"]';
  await page.goto(url);
  const [padMs, canvasMs] = await Promise.all([frameWhen(page, padSelector), frameWhen(page, '[data-testid="canvas"] canvas.interactive')]);
  while (Date.now() - net.lastActivity() < QUIET_MS) await new Promise((r) => setTimeout(r, 100));
  await cdp.detach();

  // CDP timestamps are seconds on the browser's monotonic clock; the document request is sent
  // within a millisecond or two of the page's time origin, which is what performance.now() counts from.
  const padAt = net.navStart() + padMs / 1000;
  let jsBytesBeforePad = 0;
  let jsBytes = 0;
  let totalBytes = 0;
  let responses = 0;
  const scripts: string[] = [];
  for (const entry of net.entries.values()) {
    if (entry.finishedAt === undefined || entry.url.startsWith('data:')) continue;
    responses++;
    totalBytes += entry.bytes;
    if (entry.type !== 'Script') continue;
    jsBytes += entry.bytes;
    if (entry.finishedAt <= padAt) jsBytesBeforePad += entry.bytes;
    // A cached script is still reported, with (almost) nothing on the wire.
    if (entry.bytes > 1024) scripts.push(new URL(entry.url).pathname);
  }
  return { padMs, canvasMs, jsBytesBeforePad, jsBytes, totalBytes, responses, scripts };
}

async function measureLoads(repeats: number): Promise<{ rows: LoadRow[]; chromium: string }> {
  requireBuiltClient();
  const server = await startAttn(testConfig({ host: '127.0.0.1', clientDir: CLIENT_DIR }), { logSink: () => undefined });
  const browser = await launch();
  try {
    const room = await createRoom(server.url, 'load bench');
    const rows: LoadRow[] = [];
    for (const role of ROLES) {
      const cold: LoadSample[] = [];
      const warm: LoadSample[] = [];
      for (let i = 0; i < repeats; i++) {
        const context = await browser.newContext({ viewport: VIEWPORT });
        // Top frame only: the runner's sandboxed frame has no storage (an init script runs in every frame).
        await context.addInitScript(([key, name]) => {
          if (window.top === window) window.localStorage.setItem(key!, name!);
        }, [NAME_KEY, `bench ${role}`]);
        const url = room.links[role].url;
        const first = await context.newPage();
        cold.push(await loadOnce(first, url, role));
        await first.close();
        // Warm: the same profile opens the link again in a new tab (the token is per tab).
        const second = await context.newPage();
        warm.push(await loadOnce(second, url, role));
        await context.close();
      }
      for (const [cache, samples] of [['cold', cold], ['warm', warm]] as const) {
        const pick = (f: (s: LoadSample) => number) => median(samples.map(f));
        const all = samples.flatMap((s) => s.scripts);
        rows.push({
          role,
          cache,
          samples,
          median: {
            padMs: pick((s) => s.padMs),
            canvasMs: pick((s) => s.canvasMs),
            jsBytesBeforePad: pick((s) => s.jsBytesBeforePad),
            jsBytes: pick((s) => s.jsBytes),
            totalBytes: pick((s) => s.totalBytes),
            responses: pick((s) => s.responses),
          },
          panelChunk: all.some((u) => /PanelColumn/.test(u)),
          avChunk: all.some((u) => /AvCall/.test(u)),
        });
      }
    }
    return { rows, chromium: browser.version() };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function measureStartup(repeats: number): Promise<StartupRow[]> {
  const compiled = path.join(REPO_ROOT, 'dist/server/main.js');
  const ways: Array<{ how: string; command: string; script: string; loader: 'tsx' | 'none' }> = [
    { how: 'TypeScript sources through tsx', command: 'node --import tsx server/main.ts', script: 'server/main.ts', loader: 'tsx' },
  ];
  if (existsSync(compiled)) ways.push({ how: 'compiled (npm start)', command: 'node dist/server/main.js', script: 'dist/server/main.js', loader: 'none' });
  const rows: StartupRow[] = [];
  for (const way of ways) {
    const samplesMs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'attn-bench-'));
      const started = performance.now();
      const server = await ServerProcess.start({
        name: way.how,
        script: way.script,
        loader: way.loader,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ATTN_DATA_DIR: dataDir, ATTN_LOG_LEVEL: 'warn', ATTN_DATABASE_URL: '', ATTN_REDIS_URL: '' },
        readyTimeoutMs: STARTUP_READY_TIMEOUT_MS,
      });
      samplesMs.push(performance.now() - started);
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    rows.push({ how: way.how, command: way.command, samplesMs, medianMs: median(samplesMs) });
  }
  return rows;
}

export async function runLoadBench(options: { repeats?: number } = {}): Promise<LoadBenchResult> {
  const repeats = options.repeats ?? 3;
  const startup = await measureStartup(Math.max(3, repeats));
  if (!chromiumAvailable()) return { skipped: 'no Chromium', chromium: '', repeats, rows: [], startup };
  const { rows, chromium } = await measureLoads(repeats);
  return { chromium, repeats, rows, startup };
}

const kB = (bytes: number) => fixed(bytes / 1000, 1);
const s = (ms: number) => fixed(ms / 1000, 2);

const HEADERS = ['role', 'cache', 'pad editable (s)', 'canvas interactive (s)', 'JS before pad (kB)', 'JS (kB)', 'total (kB)', 'responses', 'panel chunk', 'A/V chunk'];

function tableRows(result: LoadBenchResult): string[][] {
  return result.rows.map((r) => [
    r.role,
    r.cache,
    s(r.median.padMs),
    s(r.median.canvasMs),
    kB(r.median.jsBytesBeforePad),
    kB(r.median.jsBytes),
    kB(r.median.totalBytes),
    String(r.median.responses),
    r.panelChunk ? 'loaded' : '-',
    r.avChunk ? 'loaded' : '-',
  ]);
}

const STARTUP_HEADERS = ['server start-up', 'command', 'median (ms)', 'samples (ms)'];
const startupRows = (result: LoadBenchResult) => result.startup.map((r) => [r.how, r.command, fixed(r.medianMs, 0), r.samplesMs.map((x) => fixed(x, 0)).join(', ')]);

export function formatLoadText(result: LoadBenchResult): string {
  const parts = [];
  if (result.skipped) parts.push(`browser loads skipped: ${result.skipped}`);
  else parts.push(`Chromium ${result.chromium}, 1280x720, median of ${result.repeats}`, textTable(HEADERS, tableRows(result)));
  parts.push('', textTable(STARTUP_HEADERS, startupRows(result)));
  return parts.join('\n');
}

export function formatLoadMarkdown(result: LoadBenchResult): string {
  const parts = ['### load', ''];
  if (result.skipped) parts.push(`browser loads skipped: ${result.skipped}`);
  else parts.push(`Chromium ${result.chromium}, 1280x720, median of ${result.repeats}.`, '', markdownTable(HEADERS, tableRows(result)));
  parts.push('', markdownTable(STARTUP_HEADERS, startupRows(result)));
  return parts.join('\n');
}
