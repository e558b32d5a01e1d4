import { describe, expect, it } from 'vitest';
import { compareValues, type SerializedTensor, type SerializedValue } from '../../shared/challenge.js';
import type { TensorLike } from '../../client/runner/format.js';
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { toCallArg } from '../../shared/challengeSpec.js';
import { UnserializableValueError, fromRuntime } from '../../client/runner/values.js';

const read = async (t: TensorLike) => t.dataSync();

describe('arguments (shared toCallArg) -> returned value -> SerializedValue', () => {
  it('round-trips tensors anywhere in the value through the runner\'s async reader', async () => {
    await tfc.setBackend('cpu');
    const t: SerializedTensor = { kind: 'tensor', shape: [2], dtype: 'int32', data: [1, 2] };
    const wire: SerializedValue = { kind: 'array', items: [t, { kind: 'record', entries: { t, n: { kind: 'number', value: 3 } } }] };
    const args = toCallArg(tfc, wire);
    expect(await fromRuntime(args, read)).toEqual(wire);
  });
});

describe('returned value -> SerializedValue', () => {
  it('round-trips the plain kinds', async () => {
    const wire: SerializedValue = {
      kind: 'array',
      items: [
        { kind: 'number', value: 1.5 },
        { kind: 'string', value: 'a' },
        { kind: 'boolean', value: false },
        { kind: 'record', entries: { k: { kind: 'number', value: -1 } } },
      ],
    };
    expect(await fromRuntime(toCallArg(tfc, wire), read)).toEqual(wire);
  });

  it('reads tensors (float32, int32, bool) and typed arrays', async () => {
    const t: TensorLike = { shape: [2, 1], dtype: 'float32', dataSync: () => Float32Array.from([0.5, 1]) };
    expect(await fromRuntime(t, read)).toEqual({ kind: 'tensor', shape: [2, 1], dtype: 'float32', data: [0.5, 1] });
    const mask: TensorLike = { shape: [2], dtype: 'bool', dataSync: () => Uint8Array.from([1, 0]) };
    expect(await fromRuntime(mask, read)).toEqual({ kind: 'tensor', shape: [2], dtype: 'bool', data: [1, 0] });
    expect(await fromRuntime(new Float64Array([1, 2]), read)).toEqual({
      kind: 'array',
      items: [
        { kind: 'number', value: 1 },
        { kind: 'number', value: 2 },
      ],
    });
  });

  it('says plainly what cannot be compared, and where', async () => {
    await expect(fromRuntime(undefined, read)).rejects.toThrow('output is undefined: did the function return its result?');
    await expect(fromRuntime({ a: [1, null] }, read)).rejects.toThrow('output.a[1] is null');
    await expect(fromRuntime(Promise.resolve(1), read)).rejects.toThrow(/await it/);
    await expect(fromRuntime(new Map(), read)).rejects.toThrow(/output is a Map/);
    await expect(fromRuntime(() => 1, read)).rejects.toBeInstanceOf(UnserializableValueError);
    const str: TensorLike = { shape: [1], dtype: 'string', dataSync: () => ['a'] };
    await expect(fromRuntime(str, read)).rejects.toThrow(/string tensor/);
    const gone: TensorLike = { shape: [1], dtype: 'float32', isDisposed: true, dataSync: () => [1] };
    await expect(fromRuntime(gone, read)).rejects.toThrow(/disposed tensor/);
  });

  it('feeds compareValues: a right answer passes, a wrong shape says so', async () => {
    const expected: SerializedValue = { kind: 'tensor', shape: [2], dtype: 'float32', data: [1, 2] };
    const good: TensorLike = { shape: [2], dtype: 'float32', dataSync: () => [1 + 1e-7, 2] };
    const bad: TensorLike = { shape: [1, 2], dtype: 'float32', dataSync: () => [1, 2] };
    const tol = { abs: 1e-5, rel: 0 };
    expect(compareValues(await fromRuntime(good, read), expected, tol)).toMatchObject({ pass: true });
    expect(compareValues(await fromRuntime(bad, read), expected, tol)).toMatchObject({ pass: false, maxAbsError: null, message: 'output: expected shape [2], got [1, 2]' });
  });
});
