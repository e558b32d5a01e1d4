/**
 * Building blocks for properties (PropertySpec in define.ts): permutations of generated inputs
 * and comparisons between two of the candidate's own outputs. Pure data in, messages out; the
 * server runs them when it judges a check.
 */
import { compareValues, type SerializedTensor, type SerializedValue, type Tolerance } from '../../shared/challenge.js';
import { tensor } from './define.js';
import type { Rng } from './rng.js';

/** A random permutation of 0 … n−1 that moves at least one index (n ≥ 2). */
export function permutation(rng: Rng, n: number): number[] {
  if (n < 2) throw new RangeError('permutation: needs at least 2 items');
  for (;;) {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    if (order.some((x, i) => x !== i)) return order;
  }
}

/** Row i of the result is row order[i] of `t` (rows along axis 0). */
export function permuteRows(t: SerializedTensor, order: readonly number[]): SerializedTensor {
  const rowSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
  if (order.length !== t.shape[0]) throw new RangeError(`permuteRows: ${order.length} indices for ${t.shape[0]} rows`);
  const data = order.flatMap((from) => t.data.slice(from * rowSize, (from + 1) * rowSize));
  return { ...t, shape: [...t.shape], data };
}

/**
 * Which row of `original` each row of `permuted` came from, or null if some row is not found.
 * Lets a relation recover the permutation from the calls themselves (generated rows are distinct
 * random vectors, so the match is unique).
 */
export function rowOrder(original: SerializedValue, permuted: SerializedValue): number[] | null {
  if (original.kind !== 'tensor' || permuted.kind !== 'tensor') return null;
  const rows = (t: SerializedTensor) => {
    const size = t.shape.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[0]! }, (_, i) => t.data.slice(i * size, (i + 1) * size).join(','));
  };
  const from = rows(original);
  const order = rows(permuted).map((r) => from.indexOf(r));
  return order.every((i) => i >= 0) ? order : null;
}

/** The same, for a serialised tensor or a list; anything else is returned as it is (it has no rows to move). */
export function permuteValue(v: SerializedValue, order: readonly number[]): SerializedValue {
  if (v.kind === 'tensor') return permuteRows(v, order);
  if (v.kind === 'array') return { kind: 'array', items: order.map((i) => v.items[i]!) };
  return v;
}

/** Concatenates two tensors along axis 0. */
export function concatRows(a: SerializedTensor, b: SerializedTensor): SerializedTensor {
  return tensor([a.shape[0]! + b.shape[0]!, ...a.shape.slice(1)], [...a.data, ...b.data], a.dtype);
}

/** A record's field, or the value itself when it is not a record (so a relation can name fields of either). */
export function fieldOf(v: SerializedValue, key: string): SerializedValue | undefined {
  return v.kind === 'record' ? (Object.hasOwn(v.entries, key) ? v.entries[key] : undefined) : undefined;
}

/**
 * null when `actual` matches `wanted` within `tol`, else a message that starts with `label`. Both
 * sides are the candidate's own outputs (or inputs it was given), so quoting them reveals nothing.
 */
export function sameWithin(actual: SerializedValue | undefined, wanted: SerializedValue | undefined, tol: Tolerance, label: string): string | null {
  if (!actual || !wanted) return `${label}: a field is missing`;
  const compared = compareValues(actual, wanted, tol, label, true);
  return compared.pass ? null : (compared.message ?? `${label}: differs`);
}

/** The first failure among relations, or null. */
export function firstFailure(...messages: Array<string | null>): string | null {
  return messages.find((m) => m !== null) ?? null;
}

/**
 * Upper tail of the chi-square distribution with `df` degrees of freedom: P(X ≥ x). Series of the
 * regularised lower incomplete gamma function; exact enough for a pass/fail at α = 0.001.
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (x <= 0) return 1;
  const a = df / 2;
  const z = x / 2;
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1000; n++) {
    term *= z / (a + n);
    sum += term;
    if (term < sum * 1e-15) break;
  }
  const lower = Math.exp(a * Math.log(z) - z - logGamma(a)) * sum;
  return Math.max(0, 1 - lower);
}

/** Lanczos approximation of log Γ(x), x > 0. */
function logGamma(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}
