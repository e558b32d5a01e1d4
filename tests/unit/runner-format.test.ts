import { describe, expect, it } from 'vitest';
import { formatConsoleArgs, formatFloat, formatTensor, formatValue, isTensorLike, tensorsIn, type TensorLike } from '../../client/runner/format.js';

/** A stand-in for a tf.Tensor: the formatter only reads shape, dtype and dataSync. */
function fakeTensor(shape: number[], dtype = 'float32', values?: ArrayLike<number>, isDisposed = false): TensorLike {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = values ?? Float32Array.from({ length: size }, (_, i) => i);
  return { shape, dtype, isDisposed, dataSync: () => data };
}

describe('tensors', () => {
  it('prints a header with dtype and shape, then the values aligned', () => {
    expect(formatTensor(fakeTensor([2, 2], 'float32', [1, -2.5, 3, 40]))).toBe(
      ['Tensor float32 [2, 2]', '[[ 1.0000, -2.5000],', ' [ 3.0000, 40.0000]]'].join('\n'),
    );
    expect(formatTensor(fakeTensor([], 'float32', [0.5]))).toBe('Tensor float32 []\n0.5000');
    expect(formatTensor(fakeTensor([3], 'int32', [1, 2, 3]))).toBe('Tensor int32 [3]\n[1, 2, 3]');
    expect(formatTensor(fakeTensor([2], 'bool', [1, 0]))).toBe('Tensor bool [2]\n[true, false]');
    expect(formatTensor(fakeTensor([0, 4]))).toBe('Tensor float32 [0, 4]\n[]');
  });

  it('elides the middle of long dimensions like tf.print', () => {
    const text = formatTensor(fakeTensor([10, 10], 'int32'));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Tensor int32 [10, 10]');
    expect(lines[1]).toBe('[[ 0,  1,  2, …,  7,  8,  9],');
    expect(lines).toContain(' …,');
    expect(lines.at(-1)).toBe(' [90, 91, 92, …, 97, 98, 99]]');
    expect(lines).toHaveLength(1 + 7);
  });

  it('separates the blocks of rank-3 tensors', () => {
    const text = formatTensor(fakeTensor([2, 2, 2], 'int32'));
    expect(text).toBe(['Tensor int32 [2, 2, 2]', '[[[0, 1],', '  [2, 3]],', '', ' [[4, 5],', '  [6, 7]]]'].join('\n'));
  });

  it('says when a tensor is disposed or unreadable, and prefers values read ahead', () => {
    expect(formatTensor(fakeTensor([2], 'float32', [1, 2], true))).toBe('Tensor float32 [2] (disposed)');
    const broken: TensorLike = { shape: [1], dtype: 'float32', dataSync: () => { throw new Error('lost'); } };
    expect(formatTensor(broken)).toBe('Tensor float32 [1] (unreadable: lost)');
    expect(formatTensor(fakeTensor([2], 'float32', [1, 2], true), () => [5, 6])).toBe('Tensor float32 [2]\n[5.0000, 6.0000]');
  });

  it('formats floats with four decimals or an exponent', () => {
    expect(formatFloat(1)).toBe('1.0000');
    expect(formatFloat(-0)).toBe('-0.0000');
    expect(formatFloat(1e-7)).toBe('1.000e-7');
    expect(formatFloat(12345678)).toBe('1.235e+7');
    expect(formatFloat(NaN)).toBe('NaN');
    expect(formatFloat(-Infinity)).toBe('-Infinity');
  });

  it('recognises tensors by shape, not class', () => {
    expect(isTensorLike(fakeTensor([1]))).toBe(true);
    expect(isTensorLike({ shape: [1], dtype: 'float32' })).toBe(false);
    expect(isTensorLike([1, 2])).toBe(false);
    const t = fakeTensor([1]);
    expect(tensorsIn([1, { a: t, b: [t] }, 'x'])).toEqual([t, t]);
  });
});

describe('values', () => {
  it('prints primitives like a console', () => {
    expect(formatValue(1)).toBe('1');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue('hi')).toBe('"hi"');
    expect(formatValue('hi', { quoteStrings: false })).toBe('hi');
    expect(formatValue(undefined)).toBe('undefined');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(10n)).toBe('10n');
    expect(formatValue(Symbol('s'))).toBe('Symbol(s)');
    expect(formatValue(function named() {})).toBe('[Function named]');
    expect(formatValue(class Foo {})).toBe('[class Foo]');
    expect(formatValue(new RangeError('bad'))).toBe('RangeError: bad');
    expect(formatValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it('prints arrays, objects, maps, sets and typed arrays, one line when short', () => {
    expect(formatValue([1, 'a', [true]])).toBe('[1, "a", [true]]');
    expect(formatValue({ a: 1, 'b-c': [2] })).toBe('{ a: 1, "b-c": [2] }');
    expect(formatValue(new Map([['k', 1]]))).toBe('Map(1) { "k" => 1 }');
    expect(formatValue(new Set([1, 2]))).toBe('Set(2) { 1, 2 }');
    expect(formatValue(new Float32Array([1, 2]))).toBe('Float32Array(2) [1, 2]');
    expect(formatValue([])).toBe('[]');
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(formatValue(new Point(1, 2))).toBe('Point { x: 1, y: 2 }');
  });

  it('breaks long objects over indented lines and nests tensors', () => {
    const text = formatValue({ weights: fakeTensor([2], 'float32', [1, 2]), name: 'a fairly long name to push this over the line width' });
    expect(text).toBe(['{', '  weights: Tensor float32 [2]', '  [1.0000, 2.0000],', '  name: "a fairly long name to push this over the line width"', '}'].join('\n'));
    // deep tensors only get their header
    expect(formatValue([[[fakeTensor([2])]]])).toBe('[[[Tensor float32 [2]]]]');
  });

  it('is bounded: cycles, depth, item counts, key counts and the character budget', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('{ a: 1, self: [Circular] }');
    expect(formatValue({ a: { b: { c: { d: { e: 1 } } } } })).toBe('{ a: { b: { c: { d: [Object] } } } }');
    const many = formatValue(Array.from({ length: 1000 }, (_, i) => i));
    expect(many).toMatch(/… 900 more items\n\]$/);
    const keys = formatValue(Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i])));
    expect(keys).toMatch(/… 30 more keys/);
    const huge = formatValue(Array.from({ length: 100 }, () => 'x'.repeat(1000)), { maxChars: 2000 });
    expect(huge.length).toBeLessThanOrEqual(2000);
    expect(huge.endsWith('…')).toBe(true);
  });

  it('survives getters that throw', () => {
    const obj = {
      get bad(): number {
        throw new Error('no');
      },
    };
    expect(formatValue(obj)).toBe('{ bad: [getter threw] }');
  });

  it('joins console arguments with spaces, strings unquoted', () => {
    expect(formatConsoleArgs(['loss', 0.5, { step: 1 }])).toBe('loss 0.5 { step: 1 }');
    expect(formatConsoleArgs(['t', fakeTensor([1], 'int32', [7])])).toBe('t Tensor int32 [1]\n[7]');
    expect(formatConsoleArgs(['x'.repeat(50), 'y'], { maxChars: 20 })).toHaveLength(20);
  });
});
