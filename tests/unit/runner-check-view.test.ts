// The runs console's view of a check (client/runner/checkView.ts): a pass comes only from the
// server's verdict. A record in board.runs that claims every case passed, with no verdict, is
// shown as unverified, never as passed — the forgery finding 5 of the trust-boundary issue describes.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CaseResult, Verdict } from '../../shared/challenge.js';
import { boardVerdicts, readVerdict, readVerdicts, writeVerdict, type RunRecord } from '../../shared/doc.js';
import { UNVERIFIED_REASON, checkView } from '../../client/runner/checkView.js';

const tolerance = { abs: 1e-4, rel: 1e-4 };
const passed = (name: string): CaseResult => ({ name, pass: true, maxAbsError: 0, tolerance, ms: 3 });
const cand = { name: 'Cam', role: 'candidate' as const, clientId: 7 };

/** What snippet code that replaced the worker's postMessage gets written into board.runs. */
const forged: RunRecord = {
  id: 'a'.repeat(24),
  kind: 'check',
  status: 'ok',
  requestedBy: cand,
  ranBy: cand,
  backendRequested: 'auto',
  challengeId: 'dpo-loss',
  createdAt: 1,
  timeoutMs: 10_000,
  checks: [passed('one'), passed('two'), passed('three')],
};

const verdict = (over: Partial<Verdict> = {}): Verdict => ({
  runId: forged.id,
  challengeId: 'dpo-loss',
  seed: 1,
  pass: false,
  cases: [
    { name: 'one', example: true, pass: true, maxAbsError: 0, tolerance },
    { name: 'two', example: false, pass: false, maxAbsError: 0.3, tolerance, message: 'output: element 0 is 1, outside the tolerance' },
    { name: 'three', example: false, pass: true, maxAbsError: 0.00002, tolerance },
  ],
  at: 2,
  by: { role: 'candidate', name: 'Cam' },
  ...over,
});

describe('checkView', () => {
  it('shows a forged all-pass record without a verdict as unverified, with no pass anywhere', () => {
    const view = checkView(forged, null);
    expect(view.state).toBe('unverified');
    if (view.state !== 'unverified') return;
    expect(view.reason).toBe(UNVERIFIED_REASON);
    expect(view.cases.map((c) => c.name)).toEqual(['one', 'two', 'three']);
    expect(JSON.stringify(view)).not.toMatch(/"pass"/);
  });

  it('takes pass and fail from the verdict, not from the record', () => {
    const view = checkView(forged, verdict());
    expect(view).toMatchObject({ state: 'verified', pass: false, passed: 2, total: 3, by: { role: 'candidate', name: 'Cam' } });
    if (view.state !== 'verified') return;
    expect(view.cases.map((c) => [c.name, c.pass, c.example, c.maxAbsError])).toEqual([
      ['one', true, true, 0],
      ['two', false, false, 0.3],
      ['three', true, false, 0.00002],
    ]);
    // The browser's timing is shown, matched by position and name.
    expect(view.cases.map((c) => c.ms)).toEqual([3, 3, 3]);
  });

  it('ignores a verdict for another run or another challenge', () => {
    expect(checkView(forged, verdict({ runId: 'b'.repeat(24) })).state).toBe('unverified');
    expect(checkView(forged, verdict({ challengeId: 'gae', pass: true })).state).toBe('unverified');
  });

  it('reports a verified pass only when every case passed', () => {
    const allPass = verdict({ pass: true, cases: verdict().cases.map((c) => ({ ...c, pass: true })) });
    expect(checkView(forged, allPass)).toMatchObject({ state: 'verified', pass: true, passed: 3, total: 3 });
    // A verdict claiming pass with a failing case (it can't come from the server) is not a pass.
    expect(checkView(forged, verdict({ pass: true }))).toMatchObject({ state: 'verified', pass: false });
  });

  it('shows nothing for plain runs, or a check still running', () => {
    expect(checkView({ ...forged, kind: 'run' }, verdict()).state).toBe('none');
    expect(checkView({ ...forged, status: 'running', checks: undefined }, null).state).toBe('none');
  });
});

describe('board.verdicts', () => {
  it('reads back what the server wrote, and skips malformed entries (a doc stored before the key was server-only)', () => {
    const doc = new Y.Doc();
    writeVerdict(doc, verdict());
    expect(readVerdict(doc, forged.id)).toEqual(verdict());
    boardVerdicts(doc).set('b'.repeat(24), { runId: 'b'.repeat(24), challengeId: 'x', pass: true, at: 1, cases: [{ name: 'x', pass: true }] } as never);
    boardVerdicts(doc).set('c'.repeat(24), { ...verdict(), runId: 'd'.repeat(24) });
    expect(readVerdict(doc, 'b'.repeat(24))).toBeNull();
    expect(readVerdict(doc, 'c'.repeat(24))).toBeNull();
    expect([...readVerdicts(doc).keys()]).toEqual([forged.id]);
  });

  it('fails a check whose fixed cases all pass but whose property is broken, and keeps per-field results', () => {
    const allCases = verdict().cases.map((c) => ({ ...c, pass: true, maxAbsError: 0 }));
    const fields = [
      { field: 'loss', pass: true, maxAbsError: 0 },
      { field: 'returns', pass: false, maxAbsError: 0.5, message: 'returns: element 3 is off' },
    ];
    allCases[1] = { ...allCases[1]!, fields };
    const broken = { name: 'cfg-linearity', description: 'linear in w', pass: false, calls: 4, message: 'not linear in w' };
    const view = checkView(forged, verdict({ pass: false, cases: allCases, properties: [broken] }));
    expect(view).toMatchObject({ state: 'verified', pass: false, passed: 3, total: 3 });
    if (view.state !== 'verified') return;
    expect(view.properties).toEqual([broken]);
    expect(view.cases[1]!.fields).toEqual(fields);
    // and with the property holding, the same cases pass
    const held = checkView(forged, verdict({ pass: true, cases: allCases, properties: [{ ...broken, pass: true, message: undefined }] }));
    expect(held).toMatchObject({ state: 'verified', pass: true });
  });
});
