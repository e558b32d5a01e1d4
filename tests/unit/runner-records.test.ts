import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_RUNS, boardRuns, type RunRecord } from '../../shared/doc.js';
import { appendRun, findRun, isValidRecord, newRunId, readRuns, replaceRun } from '../../client/runner/runRecords.js';

function record(id: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    kind: 'run',
    status: 'running',
    requestedBy: { name: 'Ada', role: 'candidate', clientId: 1 },
    backendRequested: 'auto',
    createdAt: 1000,
    timeoutMs: 10_000,
    ...patch,
  };
}

/** Two docs that exchange updates only when `sync()` is called (a network that can lag). */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  };
  return { a, b, sync };
}

describe('board.runs', () => {
  it('appends and trims the oldest beyond MAX_RUNS', () => {
    const doc = new Y.Doc();
    for (let i = 0; i < MAX_RUNS + 7; i++) appendRun(doc, record(`r${i}`));
    const ids = readRuns(doc).map((r) => r.id);
    expect(ids).toHaveLength(MAX_RUNS);
    expect(ids[0]).toBe('r7');
    expect(ids.at(-1)).toBe(`r${MAX_RUNS + 6}`);
  });

  it('replaces a record whole, at the same index, in one transaction', () => {
    const doc = new Y.Doc();
    appendRun(doc, record('a'));
    appendRun(doc, record('b'));
    appendRun(doc, record('c'));
    let transactions = 0;
    doc.on('afterTransaction', () => transactions++);
    expect(replaceRun(doc, record('b', { status: 'ok', value: '3', durationMs: 4 }))).toBe(true);
    expect(transactions).toBe(1);
    expect(readRuns(doc).map((r) => `${r.id}:${r.status}`)).toEqual(['a:running', 'b:ok', 'c:running']);
    expect(findRun(doc, 'b')).toMatchObject({ value: '3', durationMs: 4 });
  });

  it('lets the writer refuse based on the current record (a late result after a stop)', () => {
    const doc = new Y.Doc();
    appendRun(doc, record('a', { status: 'stopped' }));
    expect(replaceRun(doc, record('a', { status: 'ok' }), (current) => current.status === 'running')).toBe(false);
    expect(findRun(doc, 'a')?.status).toBe('stopped');
  });

  it('appends a result whose record was trimmed away meanwhile', () => {
    const doc = new Y.Doc();
    appendRun(doc, record('old'));
    for (let i = 0; i < 3; i++) appendRun(doc, record(`n${i}`), 3);
    expect(findRun(doc, 'old')).toBeNull();
    replaceRun(doc, record('old', { status: 'ok' }), () => true, 3);
    expect(readRuns(doc).map((r) => r.id)).toEqual(['n1', 'n2', 'old']);
  });

  it('resolves concurrent replacements the same way everywhere: the most final status wins', () => {
    const { a, b, sync } = pair();
    appendRun(a, record('x', { status: 'requested', target: 2 }));
    sync();
    // the candidate starts it while the interviewer stops it, neither having seen the other
    replaceRun(b, record('x', { status: 'running', target: 2 }));
    replaceRun(a, record('x', { status: 'stopped', target: 2 }));
    sync();
    expect(boardRuns(a).length).toBe(2); // both copies are in the array...
    expect(readRuns(a)).toEqual(readRuns(b)); // ...and both sides read the same single record
    expect(readRuns(a).map((r) => r.status)).toEqual(['stopped']);
    // the candidate's result then refuses to overwrite the stop, and cleans up both copies if it did write
    expect(replaceRun(b, record('x', { status: 'ok' }), (c) => c.status === 'running')).toBe(false);
    replaceRun(a, record('x', { status: 'error', error: { message: 'left' } }));
    sync();
    expect(boardRuns(b).length).toBe(1);
    expect(readRuns(b)[0]).toMatchObject({ status: 'error' });
  });

  it('skips malformed entries written by another client', () => {
    const doc = new Y.Doc();
    const runs = boardRuns(doc) as unknown as Y.Array<unknown>;
    runs.push([{ id: 'bad' }, 42, null, { ...record('half'), status: 'exploded' }]);
    appendRun(doc, record('good'));
    expect(readRuns(doc).map((r) => r.id)).toEqual(['good']);
    expect(isValidRecord(record('ok', { ranBy: { name: 'B', role: 'interviewer', clientId: 3 }, console: [], checks: [] }))).toBe(true);
    expect(isValidRecord(record('ok', { backendRequested: 'tpu' as never }))).toBe(false);
    expect(isValidRecord(record('ok', { requestedBy: { name: 'x', role: 'admin' as never, clientId: 1 } }))).toBe(false);
    expect(isValidRecord(record('ok', { error: 'boom' as never }))).toBe(false);
  });

  it('makes random hex ids', () => {
    const ids = new Set(Array.from({ length: 100 }, newRunId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
});
