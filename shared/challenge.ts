/**
 * Coding challenges: what travels between the server (which computes expected outputs from
 * reference implementations) and the browser that runs the candidate's function. Reference code
 * never appears here. A candidate's browser gets every case's inputs but the expected outputs of
 * the example cases only; it sends its outputs back and the server's verdict is the result.
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

/**
 * The longest case list a check may have: up to 8 fixed cases plus the calls of its properties.
 * The chi-square property of speculative sampling is the largest (120 calls of a few numbers each,
 * about 9 kB of outputs), so this bounds a verify body's array well below its 1 MiB byte limit.
 */
export const MAX_CHECK_OUTPUTS = 160;

export interface ChallengeCase {
  name: string;
  /** positional arguments of the candidate's function */
  inputs: SerializedValue[];
  expected: SerializedValue;
  tolerance: Tolerance;
}

/**
 * A case as a browser receives it. `expected` is present for example cases, and for every case
 * when the viewer is an interviewer or observer; a candidate's hidden cases carry inputs only.
 * The fixed cases come first; after them, each property's generated calls, which have no
 * expected output for anyone (the server judges them by a relation between their outputs).
 */
export interface ClientCase {
  name: string;
  inputs: SerializedValue[];
  expected?: SerializedValue;
  tolerance: Tolerance;
  /** shown to the candidate with its expected output; the rest are hidden from candidates */
  example: boolean;
  /** the property this call belongs to; absent for fixed cases */
  property?: string;
}

/**
 * How many of a challenge's first cases are examples: one or two, and always at least two hidden
 * ones (challenges have 3 to 8 cases), so a pass means the candidate's code met outputs it never saw.
 */
export function exampleCaseCount(totalCases: number): number {
  return Math.max(0, Math.min(2, totalCases - 2));
}

/** Everything a browser gets about a challenge; the cases depend on the role (see ClientCase). */
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
  cases: ClientCase[];
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
 * right as a float32 one. Pure: shared by the browser (example cases), the server's verdict and
 * its self-test.
 *
 * With `reveal` false the message never quotes an expected value (a hidden case's verdict lands in
 * the board doc, which candidates read); kinds, shapes and lengths are still named, as they follow
 * from the inputs and the statement.
 */
export function compareValues(actual: SerializedValue, expected: SerializedValue, tol: Tolerance, path = 'output', reveal = true): CompareResult {
  if (actual.kind !== expected.kind) return { pass: false, maxAbsError: null, message: `${path}: expected a ${expected.kind}, got a ${actual.kind}` };
  switch (expected.kind) {
    case 'tensor': {
      const a = actual as SerializedTensor;
      if (a.shape.length !== expected.shape.length || a.shape.some((d, i) => d !== expected.shape[i])) {
        return { pass: false, maxAbsError: null, message: `${path}: expected shape [${expected.shape.join(', ')}], got [${a.shape.join(', ')}]` };
      }
      return compareNumbers(a.data, expected.data, tol, path, reveal);
    }
    case 'number':
      return compareNumbers([(actual as { value: number }).value], [expected.value], tol, path, reveal);
    case 'string':
    case 'boolean': {
      const got = (actual as { value: unknown }).value;
      if (got === expected.value) return { pass: true, maxAbsError: 0 };
      const message = reveal ? `${path}: expected ${JSON.stringify(expected.value)}, got ${JSON.stringify(got)}` : `${path}: ${JSON.stringify(got)} is not the expected value`;
      return { pass: false, maxAbsError: null, message };
    }
    case 'array': {
      const a = actual as { items: SerializedValue[] };
      if (a.items.length !== expected.items.length) return { pass: false, maxAbsError: null, message: `${path}: expected ${expected.items.length} items, got ${a.items.length}` };
      return combine(expected.items.map((e, i) => compareValues(a.items[i]!, e, tol, `${path}[${i}]`, reveal)));
    }
    case 'record': {
      const a = actual as { entries: Record<string, SerializedValue> };
      const keys = Object.keys(expected.entries);
      // Own fields only: `"constructor" in {}` is true, and the actual value comes from a browser.
      const missing = keys.find((k) => !Object.hasOwn(a.entries, k));
      if (missing) return { pass: false, maxAbsError: null, message: `${path}: missing field "${missing}"` };
      return combine(keys.map((k) => compareValues(a.entries[k]!, expected.entries[k]!, tol, `${path}.${k}`, reveal)));
    }
  }
}

function compareNumbers(actual: number[], expected: number[], tol: Tolerance, path: string, reveal: boolean): CompareResult {
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
        firstBad ??= reveal ? `${path}: element ${i} is ${a}, expected ${e}` : `${path}: element ${i} is ${a}, which is not the expected value`;
      }
      continue;
    }
    // Exact equality first: for infinities both |∞ - ∞| and rel * |∞| are NaN.
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (err > maxAbs) maxAbs = err;
    if (!(err <= tol.abs + tol.rel * Math.abs(e))) {
      pass = false;
      firstBad ??= reveal ? `${path}: element ${i} is ${a}, expected ${e}` : `${path}: element ${i} is ${a}, outside the tolerance`;
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

// ---- the server's verdict (POST /challenges/:id/verify) -------------------------------------

/** One case as the server judged it. Hidden cases' messages never quote an expected value. */
export interface CaseVerdict {
  name: string;
  example: boolean;
  pass: boolean;
  /** largest |actual - expected|; null when shapes or kinds differ or the browser sent no output */
  maxAbsError: number | null;
  tolerance: Tolerance;
  message?: string;
  /**
   * For record outputs ({ loss, advantages, returns }): each top-level field judged on its own, in
   * the expected record's key order, so "loss right, returns wrong" is visible. Absent otherwise.
   */
  fields?: FieldVerdict[];
}

/** One field of a record output. Same rules as CaseVerdict: a hidden case's message quotes no expected value. */
export interface FieldVerdict {
  field: string;
  pass: boolean;
  maxAbsError: number | null;
  message?: string;
}

/**
 * A property (a relation between the outputs of extra generated calls, such as
 * f(perm(x)) = perm(f(x))) as the server judged it. Its calls follow the fixed cases in the
 * challenge's case list; `calls` says how many.
 */
export interface PropertyVerdict {
  name: string;
  description: string;
  pass: boolean;
  calls: number;
  message?: string;
}

/**
 * What the server concluded about one check run, from the outputs the browser that ran it sent.
 * Only the server writes these (board `verdicts`); the runs console trusts nothing else.
 */
export interface Verdict {
  runId: string;
  challengeId: string;
  seed: number;
  /** every case and every property passed */
  pass: boolean;
  /** the fixed cases, in order (the first entries of the challenge's case list) */
  cases: CaseVerdict[];
  /** the challenge's properties; absent when it declares none */
  properties?: PropertyVerdict[];
  /** server clock */
  at: number;
  /** the link that sent the outputs */
  by: { role: 'interviewer' | 'candidate'; name: string };
}
