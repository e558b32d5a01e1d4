/**
 * Store bench: what the embedded SQLite store's own threads (the journal's writer, and the
 * maintenance thread's checkpoints and snapshot builds) cost per edit in steady state at the sync
 * bench's 1000×2 load: 1,000 docs, 4,000 appends a second, and a snapshot built from the log every
 * 500 appends of a doc, as LiveDoc asks for them. Docs start at random points of that cycle, so
 * snapshots come at their steady rate (~8 a second) from the first second, where the sync bench's
 * 30 s windows, on fresh rooms, see none. The updates are real Yjs typing updates (snapshot builds
 * apply them).
 *
 * CPU is read per thread from /proc/self/task: the threads the store started are the ones that
 * appeared while it opened. Generating the updates (main thread) is not counted. Linux only.
 *
 * A report, never a test.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { SqliteStore } from '../../server/store/sqlite.js';
import { threadCpuSeconds } from './serverProcess.js';
import { fixed, markdownTable, textTable } from './stats.js';

export interface StoreBenchOptions {
  docs?: number;
  /** appends per second, over all docs */
  rate?: number;
  seconds?: number;
  /** a doc's snapshot every this many of its appends (ATTN_SNAPSHOT_EVERY_UPDATES' default) */
  snapshotEvery?: number;
  log?: (line: string) => void;
}

export interface StoreBenchResult {
  suite: 'store';
  docs: number;
  rate: number;
  seconds: number;
  appends: number;
  snapshots: number;
  /** CPU ms of each thread the store started, in the order they started */
  threadCpuMs: number[];
  /** all of them, per append */
  usPerEdit: number;
  /** why it did not run, where it could not */
  unavailable?: string;
}

const TICKS_PER_SECOND = 100;
const WARMUP_SECONDS = 3;

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const docs = options.docs ?? 1000;
  const rate = options.rate ?? 4000;
  const seconds = options.seconds ?? 20;
  const snapshotEvery = options.snapshotEvery ?? 500;
  const log = options.log ?? ((line: string) => console.log(line));
  const empty = { suite: 'store' as const, docs, rate, seconds, appends: 0, snapshots: 0, threadCpuMs: [], usPerEdit: Number.NaN };
  if (!existsSync('/proc/self/task')) return { ...empty, unavailable: 'needs /proc/self/task (Linux)' };

  const dir = mkdtempSync(path.join(os.tmpdir(), 'attn-store-bench-'));
  const before = new Set(readdirSync('/proc/self/task'));
  const store = new SqliteStore(path.join(dir, 'attn.sqlite'));
  try {
    const rooms = Array.from({ length: docs }, (_, i) => `room${String(i).padStart(6, '0')}`);
    for (const id of rooms) await store.createRoom({ id, title: 'store bench', createdAt: Date.now() }, []);
    // Once the store's threads have answered, every one of them has started.
    await store.loadDoc(rooms[0]!, 'board');
    const storeThreads = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
    const sources = rooms.map(() => ({ doc: new Y.Doc(), typed: 0, sinceSnapshot: Math.floor(Math.random() * snapshotEvery) }));
    const nextUpdate = (i: number): Uint8Array => {
      const source = sources[i]!;
      let update: Uint8Array | undefined;
      source.doc.once('update', (u: Uint8Array) => (update = u));
      const code = source.doc.getText('code');
      if (source.typed++ % 10 === 9) code.delete(code.length - 1, 1);
      else code.insert(code.length, 'attention'[source.typed % 9]!);
      return update!;
    };
    let snapshots = 0;
    const building: Promise<void>[] = [];
    let next = 0;
    const write = async (forSeconds: number): Promise<number> => {
      const perTick = rate / TICKS_PER_SECOND;
      let appends = 0;
      for (let tick = 0; tick < forSeconds * TICKS_PER_SECOND; tick++) {
        const started = performance.now();
        const pending: Promise<number>[] = [];
        for (let k = 0; k < perTick; k++, appends++) {
          const i = next++ % docs;
          const appended = store.appendUpdate({ roomId: rooms[i]!, doc: 'board', ts: Date.now(), authorRole: 'candidate', authorName: 'bench', bytes: nextUpdate(i) });
          pending.push(appended);
          if (++sources[i]!.sinceSnapshot >= snapshotEvery) {
            sources[i]!.sinceSnapshot = 0;
            snapshots++;
            building.push(appended.then((seq) => store.snapshotFromLog!(rooms[i]!, 'board', seq, Date.now())));
          }
        }
        await Promise.all(pending);
        const rest = 1000 / TICKS_PER_SECOND - (performance.now() - started);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      }
      return appends;
    };
    log(`  store: ${docs} docs, ${rate} appends/s, a snapshot every ${snapshotEvery} per doc; ${WARMUP_SECONDS} s warm-up, ${seconds} s measured`);
    await write(WARMUP_SECONDS);
    const cpuBefore = storeThreads.map(cpuMsOf);
    snapshots = 0;
    const appends = await write(seconds);
    const threadCpuMs = storeThreads.map((tid, k) => cpuMsOf(tid) - cpuBefore[k]!);
    await Promise.all(building);
    const total = threadCpuMs.reduce((a, b) => a + b, 0);
    return { ...empty, appends, snapshots, threadCpuMs, usPerEdit: (total * 1000) / appends };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** user + system CPU of one thread of this process, ms */
function cpuMsOf(tid: string): number {
  return Math.round(threadCpuSeconds('self', tid) * 1000);
}

const HEADERS = ['load', 'appends', 'snapshots', 'store threads, CPU ms each', 'µs per edit'];

function rows(r: StoreBenchResult): string[][] {
  if (r.unavailable) return [[`${r.docs} docs @ ${r.rate}/s`, '—', '—', r.unavailable, '—']];
  return [[`${r.docs} docs @ ${r.rate}/s, ${r.seconds} s`, String(r.appends), String(r.snapshots), r.threadCpuMs.join(' + '), fixed(r.usPerEdit, 1)]];
}

export function formatStoreText(r: StoreBenchResult): string {
  return textTable(HEADERS, rows(r), ['left', 'right', 'right', 'right', 'right']);
}

export function formatStoreMarkdown(r: StoreBenchResult): string {
  return markdownTable(HEADERS, rows(r), ['left', 'right', 'right', 'right', 'right']);
}
