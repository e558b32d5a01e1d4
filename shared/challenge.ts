/**
 * Coding challenges: what travels between the server (which computes expected outputs from
 * reference implementations) and the candidate's browser (which runs the candidate's function).
 * Reference code never appears here: only inputs, expected outputs and tolerances.
 */

/** A tensor as plain data; `data` is row-major. */
export interface SerializedTensor {
  kind: 'tensor';
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: number[];
}

/** What a challenge function takes and returns: tensors, numbers, strings, arrays and records of them. */
export type SerializedValue =
  | SerializedTensor
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'array'; items: SerializedValue[] }
  | { kind: 'record'; entries: Record<string, SerializedValue> };

export interface Tolerance {
  /** |actual - expected| <= abs + rel * |expected|, elementwise */
  abs: number;
  rel: number;
}

export interface ChallengeCase {
  name: string;
  /** positional arguments of the candidate's function */
  inputs: SerializedValue[];
  expected: SerializedValue;
  tolerance: Tolerance;
}

/** Everything a browser gets about a challenge (any role). */
export interface ChallengeForClient {
  id: string;
  title: string;
  /** the question it belongs to */
  questionId: string;
  /** the exported function the candidate implements */
  functionName: string;
  /** TypeScript starter code: a typed signature with `tf` in scope */
  starter: string;
  /** one-paragraph statement of what the function must return (no hints at the solution) */
  statement: string;
  seed: number;
  cases: ChallengeCase[];
}

export interface CaseResult {
  name: string;
  pass: boolean;
  /** largest |actual - expected| over all elements; null when the shapes or kinds differ */
  maxAbsError: number | null;
  tolerance: Tolerance;
  ms: number;
  /** why it failed when it is not a numeric miss: shape mismatch, exception, wrong kind */
  message?: string;
}

export interface CompareResult {
  pass: boolean;
  maxAbsError: number | null;
  message?: string;
}

/**
 * Compares an actual value with the expected one under a tolerance. Kinds and shapes must match
 * exactly; numbers compare within abs + rel * |expected|; NaN only equals NaN and an infinity only
 * itself. Tensor dtypes are deliberately not compared: a bool or int32 mask of 1s and 0s is as
 * right as a float32 one. Pure: shared by the browser's Check and the server's self-test.
 */
export function compareValues(actual: SerializedValue, expected: SerializedValue, tol: Tolerance, path = 'output'): CompareResult {
  if (actual.kind !== expected.kind) return { pass: false, maxAbsError: null, message: `${path}: expected a ${expected.kind}, got a ${actual.kind}` };
  switch (expected.kind) {
    case 'tensor': {
      const a = actual as SerializedTensor;
      if (a.shape.length !== expected.shape.length || a.shape.some((d, i) => d !== expected.shape[i])) {
        return { pass: false, maxAbsError: null, message: `${path}: expected shape [${expected.shape.join(', ')}], got [${a.shape.join(', ')}]` };
      }
      return compareNumbers(a.data, expected.data, tol, path);
    }
    case 'number':
      return compareNumbers([(actual as { value: number }).value], [expected.value], tol, path);
    case 'string':
    case 'boolean': {
      const same = (actual as { value: unknown }).value === expected.value;
      return same ? { pass: true, maxAbsError: 0 } : { pass: false, maxAbsError: null, message: `${path}: expected ${JSON.stringify(expected.value)}, got ${JSON.stringify((actual as { value: unknown }).value)}` };
    }
    case 'array': {
      const a = actual as { items: SerializedValue[] };
      if (a.items.length !== expected.items.length) return { pass: false, maxAbsError: null, message: `${path}: expected ${expected.items.length} items, got ${a.items.length}` };
      return combine(expected.items.map((e, i) => compareValues(a.items[i]!, e, tol, `${path}[${i}]`)));
    }
    case 'record': {
      const a = actual as { entries: Record<string, SerializedValue> };
      const keys = Object.keys(expected.entries);
      const missing = keys.find((k) => !(k in a.entries));
      if (missing) return { pass: false, maxAbsError: null, message: `${path}: missing field "${missing}"` };
      return combine(keys.map((k) => compareValues(a.entries[k]!, expected.entries[k]!, tol, `${path}.${k}`)));
    }
  }
}

function compareNumbers(actual: number[], expected: number[], tol: Tolerance, path: string): CompareResult {
  if (actual.length !== expected.length) return { pass: false, maxAbsError: null, message: `${path}: expected ${expected.length} values, got ${actual.length}` };
  let maxAbs = 0;
  let pass = true;
  let firstBad: string | undefined;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        pass = false;
        maxAbs = Infinity;
        firstBad ??= `${path}: element ${i} is ${a}, expected ${e}`;
      }
      continue;
    }
    // Exact equality first: for infinities both |∞ - ∞| and rel * |∞| are NaN.
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (err > maxAbs) maxAbs = err;
    if (!(err <= tol.abs + tol.rel * Math.abs(e))) {
      pass = false;
      firstBad ??= `${path}: element ${i} is ${a}, expected ${e}`;
    }
  }
  return firstBad ? { pass, maxAbsError: maxAbs, message: firstBad } : { pass, maxAbsError: maxAbs };
}

function combine(results: CompareResult[]): CompareResult {
  let maxAbsError: number | null = 0;
  for (const r of results) maxAbsError = r.maxAbsError === null || maxAbsError === null ? null : Math.max(maxAbsError, r.maxAbsError);
  const bad = results.find((r) => !r.pass);
  return bad ? { pass: false, maxAbsError, message: bad.message } : { pass: true, maxAbsError };
}
