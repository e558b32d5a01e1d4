import { describe, expect, it } from 'vitest';
import type { ClientCase } from '../../shared/challenge.js';
import { briefCases, describeTolerance, describeValue, parameterNames, signatureOf } from '../../client/runner/challengeBrief.js';

const STARTER = `export function scaledDotProductAttention(
  q: tf.Tensor3D, // [batch, n, dK]
  k: tf.Tensor3D, // [batch, m, dK]
  v: tf.Tensor3D,
  mask: tf.Tensor3D, // [batch, n, m]: 1 = may attend, 0 = blocked
): tf.Tensor3D {
  // your code
}
`;

describe('the challenge brief', () => {
  it('cuts the signature from the starter, comments kept, body dropped', () => {
    const sig = signatureOf(STARTER);
    expect(sig.startsWith('export function scaledDotProductAttention(')).toBe(true);
    expect(sig).toContain('mask: tf.Tensor3D, // [batch, n, m]: 1 = may attend, 0 = blocked');
    expect(sig.endsWith('): tf.Tensor3D')).toBe(true);
    expect(sig).not.toContain('your code');
  });

  it('reads parameter names, generics and defaults included', () => {
    expect(parameterNames(STARTER)).toEqual(['q', 'k', 'v', 'mask']);
    expect(parameterNames('export function f(a: Map<string, number>, b = [1, 2], ...rest: number[]): void {}')).toEqual(['a', 'b', 'rest']);
    expect(parameterNames('export function g(): number {}')).toEqual([]);
    expect(parameterNames('no function here')).toEqual([]);
  });

  it('describes values in a line: small tensors in full, large ones by shape and first values', () => {
    expect(describeValue({ kind: 'tensor', dtype: 'float32', shape: [2], data: [0.5, -1.25] })).toBe('float32 [2]: 0.5, -1.25');
    const big = describeValue({ kind: 'tensor', dtype: 'float32', shape: [1, 4, 8], data: Array.from({ length: 32 }, (_, i) => i / 3) });
    expect(big).toBe('float32 [1, 4, 8]: 0, 0.3333, 0.6667, 1, 1.333, 1.667, 2, 2.333, … (32 values)');
    expect(describeValue({ kind: 'record', entries: { loss: { kind: 'number', value: 2 }, ok: { kind: 'boolean', value: true } } })).toBe('{ loss: 2; ok: true }');
    expect(describeValue({ kind: 'array', items: [{ kind: 'string', value: 'a b' }, { kind: 'number', value: 0.1 }] })).toBe('["a b"; 0.1]');
  });

  it('shows only example cases with their expected output, names the arguments, and counts the hidden ones', () => {
    const tol = { abs: 1e-4, rel: 1e-3 };
    const t = (data: number[]) => ({ kind: 'tensor' as const, dtype: 'float32' as const, shape: [data.length], data });
    const cases: ClientCase[] = [
      { name: 'small', inputs: [t([1]), t([2]), t([3]), t([1])], expected: t([3]), tolerance: tol, example: true },
      { name: 'hidden one', inputs: [t([1]), t([2]), t([3]), t([0])], tolerance: tol, example: false },
      // an interviewer's page has expected outputs for hidden cases too: still not shown as examples
      { name: 'hidden two', inputs: [t([1]), t([2]), t([3]), t([0])], expected: t([0]), tolerance: tol, example: false },
    ];
    const { examples, hidden } = briefCases(cases, STARTER);
    expect(hidden).toBe(2);
    expect(examples).toEqual([
      {
        name: 'small',
        inputs: [
          { name: 'q', value: 'float32 [1]: 1' },
          { name: 'k', value: 'float32 [1]: 2' },
          { name: 'v', value: 'float32 [1]: 3' },
          { name: 'mask', value: 'float32 [1]: 1' },
        ],
        expected: 'float32 [1]: 3',
        tolerance: describeTolerance(tol),
      },
    ]);
    expect(describeTolerance(tol)).toBe('|actual − expected| ≤ 1e-4 + 1e-3·|expected|');
    expect(describeTolerance({ abs: 1e-5, rel: 0 })).toBe('|actual − expected| ≤ 1e-5');
  });
});
