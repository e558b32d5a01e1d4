/**
 * What the candidate's function returned, back to its wire form (SerializedValue). Arguments go
 * the other way through shared/challengeSpec.ts's toCallArgs, as on the server; the return path
 * is the browser's own because it must read tensors asynchronously (`await data()`: synchronous
 * reads are unreliable on WebGPU in a worker), where the server reads its cpu tensors directly.
 * Tensors are read through a callback, so this module needs no tfjs and is unit-tested in Node.
 */
import type { SerializedTensor, SerializedValue } from '../../shared/challenge.js';
import { isTensorLike, type TensorLike } from './format.js';

/** Reads a tensor's values (the worker awaits `tensor.data()`, which a GPU backend needs). */
export type ReadTensor = (t: TensorLike) => Promise<ArrayLike<number | string | boolean | Uint8Array>>;

const TENSOR_DTYPES: readonly string[] = ['float32', 'int32', 'bool'];

/** Why a returned value cannot be compared, in words for the candidate. */
export class UnserializableValueError extends Error {
  override name = 'UnserializableValueError';
}

const MAX_DEPTH = 8;

/**
 * Returned value -> wire value. Tensors become their data; typed arrays and arrays become
 * arrays; plain objects become records. Anything else (undefined, functions, strings in a
 * tensor) is an error naming where it was found.
 */
export async function fromRuntime(value: unknown, readTensor: ReadTensor, path = 'output', depth = 0): Promise<SerializedValue> {
  if (depth > MAX_DEPTH) throw new UnserializableValueError(`${path}: nested too deeply`);
  switch (typeof value) {
    case 'number':
      return { kind: 'number', value };
    case 'string':
      return { kind: 'string', value };
    case 'boolean':
      return { kind: 'boolean', value };
    case 'undefined':
      throw new UnserializableValueError(`${path} is undefined: did the function return its result?`);
    case 'bigint':
      return { kind: 'number', value: Number(value) };
    case 'function':
    case 'symbol':
      throw new UnserializableValueError(`${path} is a ${typeof value}, not a value`);
  }
  if (value === null) throw new UnserializableValueError(`${path} is null`);
  if (isTensorLike(value)) {
    if (!TENSOR_DTYPES.includes(value.dtype)) throw new UnserializableValueError(`${path} is a ${value.dtype} tensor; expected float32, int32 or bool`);
    if (value.isDisposed) throw new UnserializableValueError(`${path} is a disposed tensor: return it from outside tf.tidy, or keep() it`);
    const data = await readTensor(value);
    return { kind: 'tensor', shape: [...value.shape], dtype: value.dtype as SerializedTensor['dtype'], data: Array.from(data, Number) };
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { kind: 'array', items: Array.from(value as unknown as ArrayLike<number>, (n) => ({ kind: 'number' as const, value: Number(n) })) };
  }
  if (Array.isArray(value)) {
    const items: SerializedValue[] = [];
    for (let i = 0; i < value.length; i++) items.push(await fromRuntime(value[i], readTensor, `${path}[${i}]`, depth + 1));
    return { kind: 'array', items };
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const entries: Record<string, SerializedValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) entries[k] = await fromRuntime(v, readTensor, `${path}.${k}`, depth + 1);
    return { kind: 'record', entries };
  }
  if (value instanceof Promise) throw new UnserializableValueError(`${path} is a Promise: await it before returning`);
  throw new UnserializableValueError(`${path} is a ${(value as object).constructor?.name ?? 'object'}; return tensors, numbers, arrays or plain objects`);
}
