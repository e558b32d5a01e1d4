// compareValues (shared/challenge.ts): the one comparison the browser's Check and the server's
// self-test share. Tolerance edges, NaN, shapes, kinds, and nested arrays and records.
import { describe, expect, it } from 'vitest';
import { compareValues, type SerializedTensor, type SerializedValue, type Tolerance } from '../../shared/challenge.js';

const t = (shape: number[], data: number[], dtype: SerializedTensor['dtype'] = 'float32'): SerializedTensor => ({ kind: 'tensor', shape, dtype, data });
const n = (value: number): SerializedValue => ({ kind: 'number', value });
const s = (value: string): SerializedValue => ({ kind: 'string', value });
const b = (value: boolean): SerializedValue => ({ kind: 'boolean', value });
const arr = (...items: SerializedValue[]): SerializedValue => ({ kind: 'array', items });
const rec = (entries: Record<string, SerializedValue>): SerializedValue => ({ kind: 'record', entries });

const EXACT: Tolerance = { abs: 0, rel: 0 };
const ABS_HALF: Tolerance = { abs: 0.5, rel: 0 };
const REL_1PCT: Tolerance = { abs: 0, rel: 0.01 };

describe('numbers and tensors within tolerance', () => {
  it('passes equal values with a max error of 0', () => {
    expect(compareValues(t([2, 2], [1, 2, 3, 4]), t([2, 2], [1, 2, 3, 4]), EXACT)).toEqual({ pass: true, maxAbsError: 0 });
    expect(compareValues(n(3), n(3), EXACT)).toEqual({ pass: true, maxAbsError: 0 });
  });

  it('absolute tolerance: the edge itself passes, just past it fails', () => {
    expect(compareValues(n(1.5), n(1), ABS_HALF)).toEqual({ pass: true, maxAbsError: 0.5 });
    expect(compareValues(n(0.5), n(1), ABS_HALF)).toEqual({ pass: true, maxAbsError: 0.5 });
    const past = compareValues(n(1.5000001), n(1), ABS_HALF);
    expect(past.pass).toBe(false);
    expect(past.maxAbsError).toBeCloseTo(0.5000001, 12);
    expect(past.message).toBe('output: element 0 is 1.5000001, expected 1');
  });

  it('relative tolerance scales with |expected|, sign ignored', () => {
    expect(compareValues(n(101), n(100), REL_1PCT).pass).toBe(true);
    expect(compareValues(n(-101), n(-100), REL_1PCT).pass).toBe(true);
    expect(compareValues(n(101.01), n(100), REL_1PCT).pass).toBe(false);
    // Relative to the expected value, not the actual one.
    expect(compareValues(n(1), n(0), REL_1PCT).pass).toBe(false);
    expect(compareValues(n(0), n(0), REL_1PCT).pass).toBe(true);
  });

  it('abs and rel add up', () => {
    const tol = { abs: 0.5, rel: 0.01 };
    expect(compareValues(n(101.5), n(100), tol).pass).toBe(true);
    expect(compareValues(n(101.6), n(100), tol).pass).toBe(false);
  });

  it('reports the largest error over every element, and the first element out of tolerance', () => {
    const result = compareValues(t([4], [1, 2.2, 3, 4.9]), t([4], [1, 2, 3, 4]), ABS_HALF);
    expect(result.pass).toBe(false);
    expect(result.maxAbsError).toBeCloseTo(0.9, 12);
    expect(result.message).toBe('output: element 3 is 4.9, expected 4');
    const passing = compareValues(t([3], [1.1, 2, 2.7]), t([3], [1, 2, 3]), ABS_HALF);
    expect(passing.pass).toBe(true);
    expect(passing.maxAbsError).toBeCloseTo(0.3, 12);
  });

  it('fails any non-zero difference under an exact tolerance', () => {
    expect(compareValues(t([3], [0, 1, 1]), t([3], [0, 1, 0]), EXACT)).toMatchObject({ pass: false, maxAbsError: 1 });
    expect(compareValues(n(1 + Number.EPSILON), n(1), EXACT).pass).toBe(false);
  });
});

describe('NaN and infinities', () => {
  it('NaN equals only NaN', () => {
    expect(compareValues(n(Number.NaN), n(Number.NaN), EXACT)).toEqual({ pass: true, maxAbsError: 0 });
    expect(compareValues(t([2], [Number.NaN, 1]), t([2], [Number.NaN, 1]), EXACT).pass).toBe(true);
  });

  it('a NaN where a number was expected fails with an infinite error, and vice versa', () => {
    const got = compareValues(t([2], [1, Number.NaN]), t([2], [1, 2]), { abs: 1e9, rel: 1e9 });
    expect(got).toEqual({ pass: false, maxAbsError: Infinity, message: 'output: element 1 is NaN, expected 2' });
    expect(compareValues(n(2), n(Number.NaN), ABS_HALF)).toMatchObject({ pass: false, maxAbsError: Infinity });
  });

  it('an infinite result fails against a finite expectation, whatever the tolerance', () => {
    expect(compareValues(n(Infinity), n(85), { abs: 1e30, rel: 1e30 })).toMatchObject({ pass: false, maxAbsError: Infinity });
    expect(compareValues(n(-Infinity), n(0), { abs: 1e30, rel: 0 }).pass).toBe(false);
  });
});

describe('shapes and kinds', () => {
  it('a shape mismatch fails with no error figure, even when the data would match', () => {
    const result = compareValues(t([3, 2], [1, 2, 3, 4, 5, 6]), t([2, 3], [1, 2, 3, 4, 5, 6]), ABS_HALF);
    expect(result).toEqual({ pass: false, maxAbsError: null, message: 'output: expected shape [2, 3], got [3, 2]' });
  });

  it('rank matters: [] is not [1], [4] is not [1, 4]', () => {
    expect(compareValues(t([1], [5]), t([], [5]), ABS_HALF)).toMatchObject({ pass: false, maxAbsError: null, message: 'output: expected shape [], got [1]' });
    expect(compareValues(t([1, 4], [1, 2, 3, 4]), t([4], [1, 2, 3, 4]), ABS_HALF)).toMatchObject({ pass: false, maxAbsError: null });
  });

  it('data that does not fill the shape fails', () => {
    expect(compareValues(t([3], [1, 2]), t([3], [1, 2, 3]), ABS_HALF)).toEqual({ pass: false, maxAbsError: null, message: 'output: expected 3 values, got 2' });
  });

  it('empty tensors compare equal', () => {
    expect(compareValues(t([0, 4], []), t([0, 4], []), EXACT)).toEqual({ pass: true, maxAbsError: 0 });
  });

  it('a kind mismatch fails with a sentence naming both kinds', () => {
    expect(compareValues(n(0.69), t([], [0.69]), ABS_HALF)).toEqual({ pass: false, maxAbsError: null, message: 'output: expected a tensor, got a number' });
    expect(compareValues(t([1], [1]), arr(n(1)), ABS_HALF)).toMatchObject({ pass: false, maxAbsError: null, message: 'output: expected a array, got a tensor' });
    expect(compareValues(s('1'), n(1), ABS_HALF).pass).toBe(false);
  });

  it('strings and booleans compare exactly, whatever the tolerance', () => {
    expect(compareValues(s('abc'), s('abc'), EXACT)).toEqual({ pass: true, maxAbsError: 0 });
    expect(compareValues(s('abd'), s('abc'), { abs: 1e9, rel: 1e9 })).toEqual({ pass: false, maxAbsError: null, message: 'output: expected "abc", got "abd"' });
    expect(compareValues(b(true), b(true), EXACT).pass).toBe(true);
    expect(compareValues(b(false), b(true), EXACT)).toMatchObject({ pass: false, maxAbsError: null, message: 'output: expected true, got false' });
  });
});

describe('arrays and records', () => {
  it('arrays compare item by item; the error is the largest over all items', () => {
    const result = compareValues(arr(n(1.2), t([2], [0, 0.4])), arr(n(1), t([2], [0, 0])), ABS_HALF);
    expect(result.pass).toBe(true);
    expect(result.maxAbsError).toBeCloseTo(0.4, 12);
    expect(compareValues(arr(n(1), n(2), n(4)), arr(n(1), n(2), n(3)), EXACT)).toMatchObject({ pass: false, maxAbsError: 1, message: 'output[2]: element 0 is 4, expected 3' });
  });

  it('an array of the wrong length fails without an error figure', () => {
    expect(compareValues(arr(n(3), n(5)), arr(n(3), n(5), n(1)), EXACT)).toEqual({ pass: false, maxAbsError: null, message: 'output: expected 3 items, got 2' });
  });

  it('one structural failure inside makes the whole error figure null', () => {
    const result = compareValues(arr(n(1), t([2], [1, 2])), arr(n(3), t([1, 2], [1, 2])), ABS_HALF);
    expect(result).toMatchObject({ pass: false, maxAbsError: null });
    // The first failing item's message is the one reported.
    expect(result.message).toBe('output[0]: element 0 is 1, expected 3');
  });

  it('records compare field by field, with the path in the message', () => {
    const expected = rec({ loss: t([], [0.5]), advantages: t([2], [1, 2]) });
    expect(compareValues(rec({ advantages: t([2], [1, 2]), loss: t([], [0.5]) }), expected, EXACT)).toEqual({ pass: true, maxAbsError: 0 });
    const off = compareValues(rec({ loss: t([], [0.5]), advantages: t([2], [1, 2.75]) }), expected, ABS_HALF);
    expect(off).toEqual({ pass: false, maxAbsError: 0.75, message: 'output.advantages: element 1 is 2.75, expected 2' });
  });

  it('a missing field fails; an extra field is ignored', () => {
    const expected = rec({ loss: n(1), returns: n(2) });
    expect(compareValues(rec({ loss: n(1) }), expected, EXACT)).toEqual({ pass: false, maxAbsError: null, message: 'output: missing field "returns"' });
    expect(compareValues(rec({ loss: n(1), returns: n(2), debug: s('x') }), expected, EXACT)).toEqual({ pass: true, maxAbsError: 0 });
  });

  it('nested paths name the exact place', () => {
    const expected = arr(rec({ ids: arr(n(1), n(2)) }));
    expect(compareValues(arr(rec({ ids: arr(n(1), s('2')) })), expected, EXACT).message).toBe('output[0].ids[1]: expected a number, got a string');
    expect(compareValues(arr(rec({ ids: arr(n(1), n(2)) })), expected, EXACT, 'result')).toEqual({ pass: true, maxAbsError: 0 });
    expect(compareValues(n(1), n(2), EXACT, 'result').message).toBe('result: element 0 is 1, expected 2');
  });
});

describe('compareValues: dtypes and infinities', () => {
  it('accepts a bool mask for a float32 one, and equal infinities', async () => {
    const { compareValues } = await import('../../shared/challenge.js');
    const tol = { abs: 0, rel: 0 };
    const f32 = { kind: 'tensor' as const, shape: [2], dtype: 'float32' as const, data: [1, 0] };
    const bool = { ...f32, dtype: 'bool' as const };
    expect(compareValues(bool, f32, tol).pass).toBe(true);
    const inf = { kind: 'number' as const, value: Infinity };
    expect(compareValues(inf, inf, tol)).toEqual({ pass: true, maxAbsError: 0 });
    expect(compareValues({ kind: 'number', value: -Infinity }, inf, tol).pass).toBe(false);
  });
});
