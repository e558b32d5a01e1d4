/**
 * The worker pool and the remote-run protocol, with fake workers that speak the worker
 * protocol (the real worker needs a browser; the e2e test covers it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { boardCode, type RunRecord } from '../../shared/doc.js';
import { MAX_IDLE_WORKERS, RunnerPool, clampTimeoutMs, type RunnerWorker } from '../../client/runner/pool.js';
import type { FromWorker, ToWorker } from '../../client/runner/protocol.js';
import { RunnerController } from '../../client/runner/RunnerController.js';
import { findRun, readRuns } from '../../client/runner/runRecords.js';

/**
 * Answers like the real worker: code with `hang` never returns; code with `dirty` leaves
 * something the worker cannot reset (reusable: false); `readbackBroken` fails the readback test
 * where it is not known yet.
 */
class FakeWorker implements RunnerWorker {
  static all: FakeWorker[] = [];
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  terminated = false;
  received: ToWorker[] = [];
  constructor(private readonly readbackBroken = false) {
    FakeWorker.all.push(this);
  }
  private send(message: FromWorker) {
    setTimeout(() => !this.terminated && this.onmessage?.({ data: message } as MessageEvent<FromWorker>), 1);
  }
  postMessage(message: ToWorker): void {
    this.received.push(message);
    if (message.type === 'init') {
      const key = 'swiftshader (software) | test';
      if (this.readbackBroken && message.readback[key] === undefined) {
        this.send({ type: 'readback', key, ok: false });
        return;
      }
      this.send({ type: 'backend', backend: 'webgpu', adapter: 'swiftshader (software)' });
      this.send({ type: 'ready' });
    } else if (message.type === 'run') {
      this.send({ type: 'console', id: message.id, line: { level: 'log', text: 'started' } });
      if (message.code.includes('hang')) return;
      const slow = /slow:(\d+)/.exec(message.code);
      if (slow) {
        setTimeout(() => !this.terminated && this.onmessage?.({ data: { type: 'result', id: message.id, status: 'ok', console: [], value: 'slow', durationMs: Number(slow[1]), reusable: true } } as unknown as MessageEvent<FromWorker>), Number(slow[1]));
        return;
      }
      this.send({ type: 'result', id: message.id, status: 'ok', console: [{ level: 'log', text: 'started' }], value: `ran: ${message.code}`, durationMs: 3, reusable: !message.code.includes('dirty') });
    }
  }
  terminate(): void {
    this.terminated = true;
  }
}

const noWasm = () => Promise.reject(new Error('no wasm in tests'));
const until = async (check: () => boolean, ms = 3000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

afterEach(() => {
  FakeWorker.all = [];
});

describe('RunnerPool', () => {
  it('runs on the warm worker and keeps it warm for the next run (compiled shaders survive)', async () => {
    const infos: unknown[] = [];
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm, onInfo: (i) => infos.push(i) });
    pool.warmUp('auto');
    await until(() => infos.length > 0);
    expect(pool.info).toEqual({ backend: 'webgpu', adapter: 'swiftshader (software)' });
    const outcome = await pool.run({ id: 'r1', code: 'return 1', backend: 'auto', timeoutMs: 1000 });
    expect(outcome).toMatchObject({ status: 'ok', value: 'ran: return 1', backend: 'webgpu', adapter: 'swiftshader (software)', console: [{ level: 'log', text: 'started' }] });
    expect(outcome).not.toHaveProperty('reusable');
    expect((await pool.run({ id: 'r2', code: 'return 2', backend: 'auto', timeoutMs: 1000 })).value).toBe('ran: return 2');
    // one worker took both runs
    expect(FakeWorker.all).toHaveLength(1);
    expect(FakeWorker.all[0]!.terminated).toBe(false);
    expect(FakeWorker.all[0]!.received.filter((m) => m.type === 'run').map((m) => m.type === 'run' && m.id)).toEqual(['r1', 'r2']);
    pool.dispose();
    expect(FakeWorker.all[0]!.terminated).toBe(true);
  });

  it('terminates a worker that could not reset itself, and warms a fresh one', async () => {
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm });
    expect((await pool.run({ id: 'r1', code: 'dirty', backend: 'auto', timeoutMs: 1000 })).status).toBe('ok');
    expect(FakeWorker.all[0]!.terminated).toBe(true);
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all[1]!.terminated).toBe(false);
    await pool.run({ id: 'r2', code: 'x', backend: 'auto', timeoutMs: 1000 });
    expect(FakeWorker.all[1]!.received.some((m) => m.type === 'run' && m.id === 'r2')).toBe(true);
    pool.dispose();
  });

  it('keeps one warm worker per backend choice, up to MAX_IDLE_WORKERS', async () => {
    const infos: unknown[] = [];
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm, onInfo: (i) => infos.push(i) });
    pool.warmUp('auto');
    await pool.run({ id: 'r1', code: 'x', backend: 'auto', timeoutMs: 1000 });
    pool.warmUp('wasm');
    await pool.run({ id: 'r2', code: 'x', backend: 'wasm', timeoutMs: 1000 });
    expect(pool.workerCount).toBe(2);
    // back to auto: its worker is still warm and takes the run, and its backend is published at once
    const published = infos.length;
    pool.warmUp('auto');
    expect(infos.length).toBe(published + 1);
    await pool.run({ id: 'r3', code: 'x', backend: 'auto', timeoutMs: 1000 });
    expect(FakeWorker.all).toHaveLength(2);
    expect(FakeWorker.all[0]!.received.filter((m) => m.type === 'run')).toHaveLength(2);
    for (const choice of ['webgl', 'cpu', 'webgpu'] as const) pool.warmUp(choice);
    expect(pool.workerCount).toBe(MAX_IDLE_WORKERS);
    expect(FakeWorker.all.filter((w) => !w.terminated)).toHaveLength(MAX_IDLE_WORKERS);
    pool.dispose();
    expect(FakeWorker.all.every((w) => w.terminated)).toBe(true);
  });

  it('times out a stuck run by terminating its worker, keeping what it printed', async () => {
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm });
    const outcome = await pool.run({ id: 'r1', code: 'hang', backend: 'auto', timeoutMs: 50 });
    expect(outcome.status).toBe('timeout');
    expect(outcome.console).toEqual([{ level: 'log', text: 'started' }]);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(45);
    expect(FakeWorker.all[0]!.terminated).toBe(true);
    // the next run works, on a fresh worker
    expect((await pool.run({ id: 'r2', code: 'ok', backend: 'auto', timeoutMs: 1000 })).status).toBe('ok');
    pool.dispose();
  });

  it('lets a started run take its own timeout, longer than the start-up limit', async () => {
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm, startTimeoutMs: 40 });
    const outcome = await pool.run({ id: 'r1', code: 'slow:120', backend: 'auto', timeoutMs: 1000 });
    expect(outcome).toMatchObject({ status: 'ok', value: 'slow' });
    pool.dispose();
  });

  it('stops on demand and refuses a second concurrent run', async () => {
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm });
    const running = pool.run({ id: 'r1', code: 'hang', backend: 'auto', timeoutMs: 10_000 });
    expect(pool.busy).toBe(true);
    expect((await pool.run({ id: 'r2', code: 'x', backend: 'auto', timeoutMs: 1000 })).error?.message).toMatch(/still in progress/);
    await until(() => FakeWorker.all[0]!.received.some((m) => m.type === 'run'));
    expect(pool.stop()).toBe(true);
    expect((await running).status).toBe('stopped');
    expect(pool.busy).toBe(false);
    expect(pool.stop()).toBe(false);
    pool.dispose();
  });

  it('replaces a worker whose WebGPU sync-readback test failed, and tells the next ones (and the page)', async () => {
    const remembered: unknown[] = [];
    const pool = new RunnerPool({ createWorker: () => new FakeWorker(true), fetchWasm: noWasm, readback: { 'other | ua': true }, onReadback: (m) => remembered.push(m) });
    const outcome = await pool.run({ id: 'r1', code: 'return 1', backend: 'auto', timeoutMs: 1000 });
    expect(outcome.status).toBe('ok');
    expect(FakeWorker.all[0]!.terminated).toBe(true);
    const memos = FakeWorker.all.map((w) => w.received.find((m) => m.type === 'init')).map((m) => m && m.type === 'init' && m.readback);
    const learned = { 'other | ua': true, 'swiftshader (software) | test': false };
    // the replacement took the run and stays warm: no third worker
    expect(memos).toEqual([{ 'other | ua': true }, learned]);
    expect(remembered).toEqual([learned]);
    pool.dispose();
  });

  it('reports a worker that cannot start', async () => {
    const pool = new RunnerPool({
      createWorker: () => {
        const w = new FakeWorker();
        w.postMessage = () => setTimeout(() => w.onerror?.({ message: 'CSP blocked the script', preventDefault() {} } as ErrorEvent), 1);
        return w;
      },
      fetchWasm: noWasm,
    });
    const outcome = await pool.run({ id: 'r1', code: 'x', backend: 'auto', timeoutMs: 1000 });
    expect(outcome).toMatchObject({ status: 'error', error: { message: 'The runner could not start: the runner worker failed: CSP blocked the script.' } });
    pool.dispose();
  });

  it('clamps timeouts', () => {
    expect(clampTimeoutMs(10)).toBe(1000);
    expect(clampTimeoutMs(1e9)).toBe(120_000);
    expect(clampTimeoutMs(NaN)).toBe(10_000);
  });
});

/** An interviewer's and a candidate's page: docs and awareness wired to each other. */
function room() {
  const ivDoc = new Y.Doc();
  const candDoc = new Y.Doc();
  ivDoc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(candDoc, u, 'net'));
  candDoc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(ivDoc, u, 'net'));
  const ivAw = new Awareness(ivDoc);
  const candAw = new Awareness(candDoc);
  const relay = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === 'net') return;
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'net');
    });
  relay(ivAw, candAw);
  relay(candAw, ivAw);
  ivAw.setLocalStateField('user', { name: 'Ines', role: 'interviewer', color: '#1d4ed8', colorLight: '#1d4ed833' });
  candAw.setLocalStateField('user', { name: 'Cam', role: 'candidate', color: '#047857', colorLight: '#04785733' });
  const controller = (doc: Y.Doc, awareness: Awareness, role: 'interviewer' | 'candidate', name: string) =>
    new RunnerController({
      doc,
      awareness,
      role,
      getName: () => name,
      fetchChallenge: () => Promise.reject(new Error('no challenges here')),
      verifyCheck: () => Promise.reject(new Error('no challenges here')),
      allowRemote: true,
      backend: 'auto',
      pool: (onInfo) => new RunnerPool({ createWorker: () => new FakeWorker(), fetchWasm: noWasm, onInfo }),
    });
  const iv = controller(ivDoc, ivAw, 'interviewer', 'Ines');
  const cand = controller(candDoc, candAw, 'candidate', 'Cam');
  return { ivDoc, candDoc, ivAw, candAw, iv, cand, close: () => (iv.destroy(), cand.destroy()) };
}

const request = { kind: 'run' as const, backend: 'auto' as const, timeoutMs: 5000 };

describe('remote runs between an interviewer and a candidate', () => {
  it("runs the pad's current code on the candidate's machine and reports it for everyone", async () => {
    const r = room();
    boardCode(r.candDoc).insert(0, 'return tf.version');
    await until(() => r.ivAw.getStates().get(r.candDoc.clientID) !== undefined);
    // the candidate publishes its runner once warm; the interviewer sees it
    await until(() => (r.ivAw.getStates().get(r.candDoc.clientID) as { runner?: unknown })?.runner !== undefined);
    expect((r.ivAw.getStates().get(r.candDoc.clientID) as { allowRemoteRuns?: boolean }).allowRemoteRuns).toBe(true);
    const id = r.iv.requestRemote(r.candDoc.clientID, request);
    expect(findRun(r.candDoc, id)).toMatchObject({ status: expect.stringMatching(/requested|running/), target: r.candDoc.clientID });
    await until(() => findRun(r.ivDoc, id)?.status === 'ok');
    const done = findRun(r.ivDoc, id)!;
    expect(done).toMatchObject({
      kind: 'run',
      requestedBy: { name: 'Ines', role: 'interviewer', clientId: r.ivDoc.clientID },
      ranBy: { name: 'Cam', role: 'candidate', clientId: r.candDoc.clientID },
      backend: 'webgpu',
      adapter: 'swiftshader (software)',
      value: 'ran: return tf.version',
    });
    expect(r.cand.getState().executing).toBeNull();
    r.close();
  });

  it('declines when the candidate switched remote runs off, and the interviewer sees the switch', async () => {
    const r = room();
    r.cand.setAllowRemote(false);
    await until(() => (r.ivAw.getStates().get(r.candDoc.clientID) as { allowRemoteRuns?: boolean })?.allowRemoteRuns === false);
    const id = r.iv.requestRemote(r.candDoc.clientID, request);
    await until(() => findRun(r.ivDoc, id)?.status === 'declined');
    expect(findRun(r.ivDoc, id)?.error?.message).toBe('Cam has interviewer runs switched off.');
    r.close();
  });

  it("stops a remote run from the interviewer's side; the candidate's worker stops too", async () => {
    const r = room();
    boardCode(r.candDoc).insert(0, 'hang');
    const id = r.iv.requestRemote(r.candDoc.clientID, request);
    await until(() => r.cand.getState().executing?.id === id);
    expect(r.cand.getState().executing).toMatchObject({ remote: true, requestedBy: 'Ines' });
    expect(r.iv.stop()).toBe(true);
    await until(() => r.cand.getState().executing === null);
    const stopped = findRun(r.candDoc, id)!;
    expect(stopped).toMatchObject({ status: 'stopped', error: { message: 'Stopped by Ines before it finished.' } });
    expect(FakeWorker.all.some((w) => w.terminated && w.received.some((m) => m.type === 'run' && m.id === id))).toBe(true);
    r.close();
  });

  it('runs locally for the requester, and ignores requests that are not from an interviewer', async () => {
    const r = room();
    boardCode(r.ivDoc).insert(0, 'return 1');
    const id = r.cand.runHere(request)!;
    expect(r.cand.runHere(request)).toBeNull(); // one at a time
    await until(() => findRun(r.ivDoc, id)?.status === 'ok');
    expect(findRun(r.ivDoc, id)).toMatchObject({ requestedBy: { name: 'Cam' }, ranBy: { name: 'Cam' } });
    // a "request" forged by the candidate's own page for itself is refused
    const forged: RunRecord = { ...findRun(r.ivDoc, id)!, id: 'forged', status: 'requested', target: r.candDoc.clientID, requestedBy: { name: 'Cam', role: 'interviewer', clientId: r.candDoc.clientID } };
    delete forged.ranBy;
    r.candDoc.getArray('runs').push([forged]);
    await until(() => findRun(r.ivDoc, 'forged')?.status === 'declined');
    expect(readRuns(r.ivDoc)).toHaveLength(2);
    r.close();
  });
});
