/**
 * Replay bench: a synthetic 60-minute interview (>= 50,000 board updates: typing bursts in the
 * pad, shapes dragged on the canvas, runs, question changes, long pauses), then the time to
 * seek to random instants with the replay engine (nearest checkpoint + tail) against naive
 * replay from the start, side by side, and the same seeks followed by mirroring the state into
 * the page's view doc (what the replay page does on each seek).
 *
 * A report, not a test: it prints the numbers and whether the median seek is under the goal.
 */
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { boardCode, boardElements, boardRuns, writeCurrentQuestion, type RunRecord, type StoredElement } from '../../shared/doc.js';
import { decodeSessionFile, encodeSessionFile, type DocHistory, type HistoryUpdate } from '../../shared/history.js';
import { CHECKPOINT_EVERY_UPDATES, DocTimeline } from '../../client/replay/engine.js';
import { BoardMarkers } from '../../client/replay/markers.js';
import { mirrorBoard } from '../../client/replay/mirror.js';
import { fixed, markdownTable, Samples, seededRandom, summarize, textTable, type Align, type Distribution } from './stats.js';

export interface ReplayBenchOptions {
  seeks?: number;
  naiveSeeks?: number;
  minutes?: number;
  minUpdates?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface ReplayBenchResult {
  minutes: number;
  updates: number;
  updateBytes: number;
  sessionFileBytes: number;
  encodeMs: number;
  decodeMs: number;
  buildMs: number;
  checkpointEvery: number;
  checkpointBytes: number;
  markers: number;
  seek: Distribution;
  seekAndMirror: Distribution;
  naive: Distribution;
  ratioMedian: number;
  ratioP99: number;
  goalMs: number;
  goalMet: boolean;
}

const GOAL_MEDIAN_MS = 50;

/**
 * A candidate and an interviewer on the board for `minutes`. Each edit goes through a "server"
 * doc exactly as the sync server logs it (one record per delivered update, server clock).
 */
export function synthesizeSession(minutes: number, minUpdates: number, seed: number): DocHistory {
  const rand = seededRandom(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const authors = [
    { role: 'candidate' as const, name: 'Cam' },
    { role: 'interviewer' as const, name: 'Ines' },
    { role: 'server' as const, name: 'attn' },
  ];
  const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
  const updates: HistoryUpdate[] = [];
  const start = 1_750_000_000_000;
  const end = start + minutes * 60_000;
  let t = start;
  let author = 0;
  docs.forEach((doc, i) =>
    doc.on('update', (bytes: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return;
      updates.push({ seq: updates.length + 1, ts: Math.round(t), author: i, bytes });
      docs.forEach((other, j) => j !== i && Y.applyUpdate(other, bytes, 'relay'));
    }),
  );
  let elementCount = 0;
  let runCount = 0;
  let question = 0;
  const element = (id: string, version: number, x: number, y: number): StoredElement => ({
    id,
    type: 'rectangle',
    version,
    versionNonce: int(2 ** 31),
    index: `a${id.slice(2)}`,
    isDeleted: false,
    x,
    y,
    width: 120 + int(200),
    height: 80 + int(120),
    angle: 0,
    strokeColor: '#1e1e1e',
    backgroundColor: 'transparent',
    fillStyle: 'solid',
    strokeWidth: 2,
    strokeStyle: 'solid',
    roughness: 1,
    opacity: 100,
    groupIds: [],
    frameId: null,
    roundness: { type: 3 },
    seed: int(2 ** 31),
    boundElements: null,
    updated: Math.round(t),
    link: null,
    locked: false,
  });

  // Keep going until both the length and the count are reached; the last stretch is kept.
  while (t < end || updates.length < minUpdates) {
    const r = rand();
    author = rand() < 0.8 ? 0 : 1;
    const doc = docs[author]!;
    if (r < 0.38) {
      // a typing burst: 20-300 keystrokes, 50-150 ms apart, with the odd backspace
      const text = boardCode(doc);
      const n = 20 + int(280);
      let at = int(text.length + 1);
      for (let i = 0; i < n; i++) {
        t += 50 + int(100);
        if (rand() < 0.08 && at > 0) {
          text.delete(--at, 1);
        } else {
          text.insert(at++, rand() < 0.15 ? '\n' : 'abcdefghijklmnopqrstuvwxyz  ().;'[int(32)]!);
        }
      }
    } else if (r < 0.88) {
      // drawing: a new shape, or dragging an existing one (one update per pointer move, ~30-60 Hz)
      const map = boardElements(doc);
      const isNew = elementCount === 0 || rand() < 0.3;
      const id = isNew ? `el${String(elementCount++).padStart(5, '0')}` : `el${String(int(elementCount)).padStart(5, '0')}`;
      let version = map.get(id)?.version ?? 0;
      let x = int(2000);
      let y = int(1500);
      const moves = 30 + int(170);
      for (let i = 0; i < moves; i++) {
        t += 16 + int(17);
        x += int(9) - 4;
        y += int(9) - 4;
        map.set(id, element(id, ++version, x, y));
      }
    } else if (r < 0.94) {
      // a run: requested, then replaced by its result
      const runs = boardRuns(doc);
      const id = `run${runCount++}`;
      const base: RunRecord = {
        id,
        kind: rand() < 0.5 ? 'run' : 'check',
        status: 'running',
        requestedBy: { name: authors[author]!.name, role: author === 0 ? 'candidate' : 'interviewer', clientId: author },
        backendRequested: 'auto',
        createdAt: Math.round(t),
        timeoutMs: 10_000,
      };
      t += 50;
      doc.transact(() => {
        if (runs.length >= 50) runs.delete(0, 1);
        runs.push([base]);
      });
      t += 200 + int(3000);
      doc.transact(() => {
        const i = runs.toArray().findIndex((x) => x.id === id);
        runs.delete(i, 1);
        runs.insert(i, [{ ...base, status: rand() < 0.7 ? 'ok' : 'error', backend: 'webgl', durationMs: 300, console: [{ level: 'log', text: 'Tensor [4, 8] float32' }] }]);
      });
    } else if (r < 0.95) {
      t += 1000;
      const q = ++question;
      writeCurrentQuestion(docs[2]!, { id: `q${q}`, title: `Question ${q}`, prompt: 'Design it.'.repeat(40), minutes: 15, startedAt: Math.round(t) }, Math.round(t));
    } else {
      // thinking, talking: 2-15 s without an edit
      t += 2000 + int(13_000);
    }
    t += 100 + int(700);
  }
  for (const d of docs) d.destroy();
  // The loop stops once both the length and the count are reached, so the span overshoots a
  // little; stretch the clock linearly back to exactly `minutes` (the factor is close to 1).
  const scale = (end - start) / (updates[updates.length - 1]!.ts - start);
  for (const u of updates) u.ts = start + Math.round((u.ts - start) * scale);
  return { doc: 'board', authors, updates, snapshots: [] };
}

function naiveStateAt(history: DocHistory, t: number): Y.Doc {
  const doc = new Y.Doc();
  Y.transact(doc, () => {
    for (const u of history.updates) {
      if (u.ts > t) break;
      Y.applyUpdate(doc, u.bytes);
    }
  });
  return doc;
}

export async function runReplayBench(options: ReplayBenchOptions = {}): Promise<ReplayBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const minutes = options.minutes ?? 60;
  const seed = options.seed ?? 0x5eed;
  const seeks = options.seeks ?? 200;
  const naiveSeeks = options.naiveSeeks ?? 20;

  log(`synthesizing a ${minutes}-minute session…`);
  const history = synthesizeSession(minutes, options.minUpdates ?? 50_000, seed);
  const updateBytes = history.updates.reduce((n, u) => n + u.bytes.byteLength, 0);
  const first = history.updates[0]!.ts;
  const last = history.updates[history.updates.length - 1]!.ts;
  log(`${history.updates.length} updates, ${(updateBytes / 1e6).toFixed(2)} MB, ${((last - first) / 60_000).toFixed(1)} min`);

  // the export file: the same records the history pages carry
  let started = performance.now();
  const file = encodeSessionFile({
    meta: { format: 1, room: { id: 'benchroom', title: 'bench', createdAt: first }, events: [], recording: null, exportedAt: last },
    docs: [history],
  });
  const encodeMs = performance.now() - started;
  started = performance.now();
  const decoded = decodeSessionFile(file).docs[0]!;
  const decodeMs = performance.now() - started;

  started = performance.now();
  const markers = new BoardMarkers();
  const timeline = new DocTimeline(decoded, { onApplied: markers.onApplied, prepare: markers.prepare });
  const buildMs = performance.now() - started;
  log(`engine built in ${buildMs.toFixed(0)} ms (${(timeline.checkpointBytes() / 1e6).toFixed(1)} MB of checkpoints)`);

  const rand = seededRandom(seed ^ 0x2545f491);
  const instant = () => first + rand() * (last - first);
  // warm up the JIT on both paths so neither pays for it in the samples
  for (let i = 0; i < 5; i++) timeline.stateAt(instant()).destroy();
  naiveStateAt(history, first + (last - first) / 10).destroy();

  const seek = new Samples(seeks);
  for (let i = 0; i < seeks; i++) {
    const t = instant();
    const s = performance.now();
    const doc = timeline.stateAt(t);
    seek.push(performance.now() - s);
    doc.destroy();
  }
  // what the page does per seek: rebuild, then mirror into the long-lived view doc
  const combined = new Samples(seeks);
  const view = new Y.Doc();
  for (let i = 0; i < seeks; i++) {
    const t = instant();
    const s = performance.now();
    const doc = timeline.stateAt(t);
    mirrorBoard(doc, view, { files: false });
    combined.push(performance.now() - s);
    doc.destroy();
  }
  log(`${seeks} engine seeks done; naive replay from the start for ${naiveSeeks} instants…`);
  const naive = new Samples(naiveSeeks);
  for (let i = 0; i < naiveSeeks; i++) {
    const t = instant();
    const s = performance.now();
    const doc = naiveStateAt(history, t);
    naive.push(performance.now() - s);
    // the two paths must agree, or the speed means nothing
    if (i < 3) {
      const fast = timeline.stateAt(t);
      if (boardCode(fast).toString() !== boardCode(doc).toString()) throw new Error(`engine and naive replay disagree at ${t}`);
      fast.destroy();
    }
    doc.destroy();
  }
  timeline.destroy();

  const seekD = summarize(seek);
  const naiveD = summarize(naive);
  return {
    minutes,
    updates: history.updates.length,
    updateBytes,
    sessionFileBytes: file.byteLength,
    encodeMs,
    decodeMs,
    buildMs,
    checkpointEvery: CHECKPOINT_EVERY_UPDATES,
    checkpointBytes: timeline.checkpointBytes(),
    markers: markers.markers.length,
    seek: seekD,
    seekAndMirror: summarize(combined),
    naive: naiveD,
    ratioMedian: naiveD.p50 / seekD.p50,
    ratioP99: naiveD.p99 / seekD.p99,
    goalMs: GOAL_MEDIAN_MS,
    goalMet: seekD.p50 < GOAL_MEDIAN_MS,
  };
}

const HEADERS = ['seek to a random instant', 'samples', 'median ms', 'p99 ms', 'max ms'];
const ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right'];

function rows(r: ReplayBenchResult): string[][] {
  const row = (name: string, d: Distribution) => [name, String(d.count), fixed(d.p50, 2), fixed(d.p99, 2), fixed(d.max, 2)];
  return [
    row(`engine (checkpoint every ${r.checkpointEvery} + tail)`, r.seek),
    row('engine + mirror into the view doc', r.seekAndMirror),
    row('naive replay from the start', r.naive),
  ];
}

function notes(r: ReplayBenchResult): string[] {
  return [
    `session: ${r.minutes} min, ${r.updates.toLocaleString('en')} board updates (${(r.updateBytes / 1e6).toFixed(2)} MB of Yjs updates), ${r.markers} markers`,
    `speed-up vs naive: ${fixed(r.ratioMedian, 0)}x at the median, ${fixed(r.ratioP99, 0)}x at p99`,
    `goal: median seek under ${r.goalMs} ms — ${r.goalMet ? 'met' : 'NOT met'} (${fixed(r.seek.p50, 2)} ms)`,
    `loading: engine built in ${fixed(r.buildMs, 0)} ms, ${(r.checkpointBytes / 1e6).toFixed(1)} MB of checkpoints; ` +
      `session file ${(r.sessionFileBytes / 1e6).toFixed(2)} MB, encoded in ${fixed(r.encodeMs, 0)} ms, decoded in ${fixed(r.decodeMs, 0)} ms`,
  ];
}

export function formatReplayText(r: ReplayBenchResult): string {
  return [textTable(HEADERS, rows(r), ALIGN), '', ...notes(r)].join('\n');
}

export function formatReplayMarkdown(r: ReplayBenchResult): string {
  return ['### Replay: seeking a 60-minute session', '', markdownTable(HEADERS, rows(r), ALIGN), '', ...notes(r).map((n) => `- ${n}`)].join('\n');
}
