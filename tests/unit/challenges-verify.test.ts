// The server's verdict (server/challenges/verify.ts) and the verify body it accepts (shared/api.ts):
// which cases are examples, what a hidden case's message and error may say, and what a body
// from a browser may hold.
import { describe, expect, it } from 'vitest';
import { VERIFY_MAX_DEPTH, VerifyCheckBody } from '../../shared/api.js';
import { MAX_CHECK_OUTPUTS, compareValues, exampleCaseCount, type ChallengeCase, type SerializedValue } from '../../shared/challenge.js';
import type { PropertySpec } from '../../questions/_lib/define.js';
import { NO_OUTPUT_MESSAGE, expectedOutputCount, judgeCheck, judgeOutputs } from '../../server/challenges/verify.js';

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

describe('per-field results', () => {
  const rec = (loss: number, advantages: number[]): SerializedValue => ({ kind: 'record', entries: { loss: n(loss), advantages: t(advantages) } });
  const recordCases: ChallengeCase[] = [
    { name: 'example', inputs: [n(1)], expected: rec(0.5, [1, 2]), tolerance: tol },
    { name: 'hidden a', inputs: [n(2)], expected: rec(0.25, [3, 4]), tolerance: tol },
    { name: 'hidden b', inputs: [n(3)], expected: rec(0.75, [5, 6]), tolerance: tol },
  ];

  it('judge each field of a record output on its own, in the expected order', () => {
    const verdict = judgeOutputs(recordCases, [rec(0.5, [1, 2.5]), rec(0.2, [3, 4]), { kind: 'record', entries: { loss: n(0.75) } }]);
    expect(verdict.cases.map((c) => c.fields?.map((f) => [f.field, f.pass]))).toEqual([
      [
        ['loss', true],
        ['advantages', false],
      ],
      [
        ['loss', false],
        ['advantages', true],
      ],
      [
        ['loss', true],
        ['advantages', false],
      ],
    ]);
    expect(verdict.cases[0]!.fields![1]).toMatchObject({ maxAbsError: 0.5, message: 'output.advantages: element 1 is 2.5, expected 2' });
    expect(verdict.cases[2]!.fields![1]).toEqual({ field: 'advantages', pass: false, maxAbsError: null, message: 'output.advantages: missing' });
  });

  it('keep a hidden case’s field messages and errors as guarded as the case’s', () => {
    const verdict = judgeOutputs(recordCases, [rec(0.5, [1, 2]), rec(0.2137, [3, 4]), rec(0.75, [5, 6])]);
    const loss = verdict.cases[1]!.fields![0]!;
    expect(loss.message).toBe('output.loss: element 0 is 0.2137, outside the tolerance');
    expect(loss.maxAbsError).toBe(0.04); // 0.0363 to one significant digit
  });

  it('are absent for outputs that are not records', () => {
    expect(judgeOutputs(cases, cases.map((c) => c.expected)).cases.every((c) => c.fields === undefined)).toBe(true);
  });
});

describe('judgeCheck', () => {
  // A toy property: two calls whose outputs must be equal.
  const equal: PropertySpec = {
    name: 'symmetry',
    description: 'f(a, b) = f(b, a)',
    make: () => [],
    holds: (outputs) => (compareValues(outputs[0]!, outputs[1]!, tol).pass ? null : 'f(a, b) differs from f(b, a)'),
  };
  const checks = { cases, properties: [{ name: 'symmetry', description: 'f(a, b) = f(b, a)', calls: [[n(1), n(2)], [n(2), n(1)]] }], specs: [equal] };
  const right = cases.map((c) => c.expected);

  it('wants one output per fixed case and per property call', () => {
    expect(expectedOutputCount(checks)).toBe(7);
    expect(() => judgeCheck(checks, right)).toThrow(RangeError);
  });

  it('fails a check whose outputs match every vector but break a property, and says which', () => {
    const verdict = judgeCheck(checks, [...right, n(3), n(4)]);
    expect(verdict.cases.every((c) => c.pass)).toBe(true);
    expect(verdict.pass).toBe(false);
    expect(verdict.properties).toEqual([{ name: 'symmetry', description: 'f(a, b) = f(b, a)', calls: 2, pass: false, message: 'f(a, b) differs from f(b, a)' }]);
    expect(judgeCheck(checks, [...right, n(3), n(3)])).toMatchObject({ pass: true, properties: [{ pass: true }] });
  });

  it('leaves a challenge without properties judged exactly as before', () => {
    const verdict = judgeCheck({ cases, properties: [], specs: [] }, right);
    expect(verdict).toEqual(judgeOutputs(cases, right));
    expect('properties' in verdict).toBe(false);
  });
});

describe('VerifyCheckBody', () => {
  it(`accepts up to ${MAX_CHECK_OUTPUTS} outputs (fixed cases plus property calls) and no more`, () => {
    const runId = '0123456789abcdef01234567';
    expect(VerifyCheckBody.safeParse({ runId, outputs: Array.from({ length: MAX_CHECK_OUTPUTS }, () => n(1)) }).success).toBe(true);
    expect(VerifyCheckBody.safeParse({ runId, outputs: Array.from({ length: MAX_CHECK_OUTPUTS + 1 }, () => n(1)) }).success).toBe(false);
  });

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
