/**
 * How a challenge's SerializedValues become the arguments of a JavaScript function, and how the
 * function's return value becomes a SerializedValue again. The server runs reference
 * implementations through exactly these two functions, so a browser runner that uses them too
 * calls the candidate's function with the very same JS values the reference saw:
 *
 * - tensor  -> `tf.tensor(data, shape, dtype)` (a fresh tf.Tensor; the caller disposes it)
 * - number, string, boolean -> the JS primitive
 * - array   -> a JS array of converted items
 * - record  -> a plain object of converted entries
 *
 * Only types come from tfjs here; the caller passes its own `tf` (the server's cpu build or the
 * browser worker's), so this module stays free of Node and DOM dependencies.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { SerializedTensor, SerializedValue } from './challenge.js';

/** The tfjs-core namespace, as the caller imported it. */
export type Tf = typeof tfc;

/** A value a challenge function takes or returns, once deserialised. */
export type CallValue = tfc.Tensor | number | string | boolean | readonly CallValue[] | { readonly [key: string]: CallValue };

/** A return value that has no SerializedValue form (undefined, a function, a string tensor, ...). */
export class ChallengeValueError extends TypeError {
  override name = 'ChallengeValueError';
}

export function toCallArg(tf: Tf, value: SerializedValue): CallValue {
  switch (value.kind) {
    case 'tensor':
      return tf.tensor(value.data, value.shape, value.dtype);
    case 'number':
    case 'string':
    case 'boolean':
      return value.value;
    case 'array':
      return value.items.map((item) => toCallArg(tf, item));
    case 'record':
      return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toCallArg(tf, v)]));
  }
}

/** Positional arguments for a challenge function, in order. */
export function toCallArgs(tf: Tf, inputs: readonly SerializedValue[]): CallValue[] {
  return inputs.map((v) => toCallArg(tf, v));
}

/** Every tensor inside a call value (for disposal, or to `await t.data()` before fromCallValue on a GPU backend). */
export function tensorsIn(tf: Tf, value: unknown, out: tfc.Tensor[] = []): tfc.Tensor[] {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const item of value) tensorsIn(tf, item, out);
  else if (isPlainObject(value)) for (const item of Object.values(value)) tensorsIn(tf, item, out);
  return out;
}

/**
 * Serialises what a challenge function returned. Synchronous (it reads tensors with dataSync);
 * on a GPU backend, `await t.data()` for each of `tensorsIn(result)` first so the read is cached.
 * Typed arrays become arrays of numbers. Throws ChallengeValueError, naming the path, for
 * anything else that is not a tensor, number, string, boolean, array or plain object.
 */
export function fromCallValue(tf: Tf, value: unknown, path = 'output'): SerializedValue {
  if (value instanceof tf.Tensor) return tensorToSerialized(value, path);
  switch (typeof value) {
    case 'number':
      return { kind: 'number', value };
    case 'string':
      return { kind: 'string', value };
    case 'boolean':
      return { kind: 'boolean', value };
  }
  if (Array.isArray(value)) return { kind: 'array', items: value.map((item, i) => fromCallValue(tf, item, `${path}[${i}]`)) };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { kind: 'array', items: Array.from(value as unknown as ArrayLike<number | bigint>, (x) => ({ kind: 'number' as const, value: Number(x) })) };
  }
  if (isPlainObject(value)) {
    const entries: Record<string, SerializedValue> = {};
    for (const [k, v] of Object.entries(value)) entries[k] = fromCallValue(tf, v, `${path}.${k}`);
    return { kind: 'record', entries };
  }
  throw new ChallengeValueError(`${path}: cannot serialise ${describe(value)}; return tensors, numbers, strings, booleans, arrays or plain objects`);
}

function tensorToSerialized(t: tfc.Tensor, path: string): SerializedTensor {
  if (t.isDisposed) throw new ChallengeValueError(`${path}: the returned tensor was already disposed`);
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') {
    throw new ChallengeValueError(`${path}: tensors of dtype ${t.dtype} cannot be checked; use float32, int32 or bool`);
  }
  return { kind: 'tensor', shape: [...t.shape], dtype: t.dtype, data: Array.from(t.dataSync() as ArrayLike<number>) };
}

/**
 * The shortest decimal that reads back as the same float32. Tensor data crosses the wire as JSON
 * numbers; printing a float32 as a double costs ~19 characters ("0.10000000149011612"), this
 * about 10 ("0.1"), and `new Float32Array([x])` restores exactly the same bits.
 */
export function compactFloat32(x: number): number {
  const f = Math.fround(x);
  if (f === 0 || !Number.isFinite(f)) return f === 0 ? 0 : f;
  for (let digits = 1; digits <= 9; digits++) {
    const shorter = Number(f.toPrecision(digits));
    if (Math.fround(shorter) === f) return shorter;
  }
  return f;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (did the function return anything?)';
  if (typeof value === 'object') {
    if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise (await it first)';
    return `a ${(value as object).constructor?.name ?? 'object'}`;
  }
  return `a ${typeof value}`;
}

// ---- REST shapes (GET /api/rooms/:roomId/challenges...) -------------------------------------

/** One entry of `GET /challenges`: enough to list a question's challenges. */
export interface ChallengeSummary {
  id: string;
  title: string;
  questionId: string;
  functionName: string;
}
export interface ChallengeListResponse {
  challenges: ChallengeSummary[];
}

/** `GET /challenges/:id/reference`, interviewers and observers only. */
export interface ChallengeReferenceResponse {
  id: string;
  /** the TypeScript module that defines the challenge, reference implementation included */
  source: string;
}
