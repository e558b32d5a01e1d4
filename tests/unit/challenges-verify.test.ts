// The server's verdict (server/challenges/verify.ts) and the verify body it accepts (shared/api.ts):
// which cases are examples, what a hidden case's message and error may say, and what a body
// from a browser may hold.
import { describe, expect, it } from 'vitest';
import { VERIFY_MAX_DEPTH, VerifyCheckBody } from '../../shared/api.js';
import { compareValues, exampleCaseCount, type ChallengeCase, type SerializedValue } from '../../shared/challenge.js';
import { NO_OUTPUT_MESSAGE, judgeOutputs } from '../../server/challenges/verify.js';

const n = (value: number): SerializedValue => ({ kind: 'number', value });
const t = (data: number[]): SerializedValue => ({ kind: 'tensor', shape: [data.length], dtype: 'float32', data });
const tol = { abs: 1e-3, rel: 0 };
// Five cases: the first two are examples (exampleCaseCount), the last three hidden.
const cases: ChallengeCase[] = [
  { name: 'example', inputs: [n(1)], expected: n(0.125), tolerance: tol },
  { name: 'second example', inputs: [n(5)], expected: n(-1), tolerance: tol },
  { name: 'hidden scalar', inputs: [n(2)], expected: n(0.6931472), tolerance: tol },
  { name: 'hidden tensor', inputs: [n(3)], expected: t([1.5, -2.25, 3.125]), tolerance: tol },
  { name: 'hidden string', inputs: [n(4)], expected: { kind: 'string', value: 'secret answer' }, tolerance: tol },
];

describe('example cases', () => {
  it('are one or two of the first cases, leaving at least two hidden', () => {
    expect([3, 4, 5, 6, 8].map(exampleCaseCount)).toEqual([1, 2, 2, 2, 2]);
    for (let total = 3; total <= 8; total++) expect(total - exampleCaseCount(total)).toBeGreaterThanOrEqual(2);
  });
});

describe('judgeOutputs', () => {
  it('passes outputs within tolerance, case by case', () => {
    const verdict = judgeOutputs(cases, [n(0.1252), n(-1), n(0.6935), t([1.5, -2.2502, 3.125]), { kind: 'string', value: 'secret answer' }]);
    expect(verdict.pass).toBe(true);
    expect(verdict.cases.map((c) => [c.name, c.example, c.pass])).toEqual([
      ['example', true, true],
      ['second example', true, true],
      ['hidden scalar', false, true],
      ['hidden tensor', false, true],
      ['hidden string', false, true],
    ]);
  });

  it('fails the run when any case fails, with the max abs error', () => {
    const verdict = judgeOutputs(cases, [n(0.5), n(-1), n(0.6931472), t([1.5, -2.25, 3.125]), { kind: 'string', value: 'secret answer' }]);
    expect(verdict.pass).toBe(false);
    expect(verdict.cases[0]).toMatchObject({ pass: false, maxAbsError: 0.375, message: 'output: element 0 is 0.5, expected 0.125' });
    expect(verdict.cases.slice(1).every((c) => c.pass)).toBe(true);
  });

  it('never quotes a hidden expected value, and rounds a hidden error to one digit', () => {
    const verdict = judgeOutputs(cases, [n(0.125), n(-1), n(0), t([1.5, -2.25, 4]), { kind: 'string', value: 'guess' }]);
    const [, , scalar, tensor, text] = verdict.cases;
    // An exact |0 - e| would be e itself.
    expect(scalar).toMatchObject({ pass: false, maxAbsError: 0.7, message: 'output: element 0 is 0, outside the tolerance' });
    expect(tensor).toMatchObject({ pass: false, maxAbsError: 0.9, message: 'output: element 2 is 4, outside the tolerance' });
    expect(text).toMatchObject({ pass: false, maxAbsError: null, message: 'output: "guess" is not the expected value' });
    const json = JSON.stringify(verdict);
    for (const secret of ['0.6931472', '3.125', '0.875', 'secret answer']) expect(json).not.toContain(secret);
  });

  it('fails a case the browser sent no output for (the function threw)', () => {
    const verdict = judgeOutputs(cases, [n(0.125), n(-1), null, t([1.5, -2.25, 3.125]), { kind: 'string', value: 'secret answer' }]);
    expect(verdict.pass).toBe(false);
    expect(verdict.cases[2]).toMatchObject({ pass: false, maxAbsError: null, message: NO_OUTPUT_MESSAGE });
  });

  it('fails NaN (sent as JSON null) against a finite expected value', () => {
    const body = VerifyCheckBody.parse(JSON.parse(JSON.stringify({ runId: 'a'.repeat(24), outputs: [n(Number.NaN), n(-1), n(1), t([Number.NaN, 1, 2]), n(1)] })));
    expect(Number.isNaN((body.outputs[0] as { value: number }).value)).toBe(true);
    const verdict = judgeOutputs(cases, body.outputs);
    expect(verdict.cases[0]).toMatchObject({ pass: false, maxAbsError: Infinity });
    expect(verdict.cases[3]!.pass).toBe(false);
    expect(verdict.cases[4]).toMatchObject({ pass: false, message: 'output: expected a string, got a number' });
  });

  it('refuses a count that does not match (the route answers 400 before this)', () => {
    expect(() => judgeOutputs(cases, [n(1)])).toThrow(RangeError);
  });
});

describe('compareValues without revealing', () => {
  it('keeps kinds, shapes and lengths but drops expected values from messages', () => {
    expect(compareValues(n(2), n(3), { abs: 0, rel: 0 }, 'output', false).message).toBe('output: element 0 is 2, outside the tolerance');
    expect(compareValues(t([1, 2]), t([1, 2, 3]), tol, 'output', false).message).toBe('output: expected shape [3], got [2]');
    expect(compareValues({ kind: 'boolean', value: false }, { kind: 'boolean', value: true }, tol, 'output', false).message).toBe('output: false is not the expected value');
    expect(compareValues(n(Number.NaN), n(7), tol, 'output', false).message).toBe('output: element 0 is NaN, which is not the expected value');
  });

  it('checks record fields as own properties only', () => {
    const expected: SerializedValue = { kind: 'record', entries: { constructor: n(1) } };
    expect(compareValues({ kind: 'record', entries: {} }, expected, tol)).toMatchObject({ pass: false, message: 'output: missing field "constructor"' });
  });
});

describe('VerifyCheckBody', () => {
  const runId = '0123456789abcdef01234567';
  const nest = (levels: number): unknown => (levels === 0 ? n(1) : { kind: 'array', items: [nest(levels - 1)] });

  it(`accepts nesting up to ${VERIFY_MAX_DEPTH} levels and refuses one more`, () => {
    expect(VerifyCheckBody.safeParse({ runId, outputs: [nest(VERIFY_MAX_DEPTH)] }).success).toBe(true);
    expect(VerifyCheckBody.safeParse({ runId, outputs: [nest(VERIFY_MAX_DEPTH + 1)] }).success).toBe(false);
  });

  it('refuses tensors whose data does not fit the shape, unknown kinds and extra fields', () => {
    expect(VerifyCheckBody.safeParse({ runId, outputs: [{ kind: 'tensor', shape: [2, 2], dtype: 'float32', data: [1, 2, 3] }] }).success).toBe(false);
    expect(VerifyCheckBody.safeParse({ runId, outputs: [{ kind: 'tensor', shape: [2], dtype: 'string', data: [1, 2] }] }).success).toBe(false);
    expect(VerifyCheckBody.safeParse({ runId, outputs: [{ kind: 'number', value: 1, pass: true }] }).success).toBe(false);
    expect(VerifyCheckBody.safeParse({ runId, outputs: [n(1)], verdict: 'pass' }).success).toBe(false);
  });

  it('refuses prototype keys instead of dropping them', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = JSON.parse(`{"runId":"${runId}","outputs":[{"kind":"record","entries":{"${key}":{"kind":"number","value":1}}}]}`);
      const parsed = VerifyCheckBody.safeParse(body);
      expect(parsed.success, key).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
