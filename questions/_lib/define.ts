/**
 * What a challenge module declares, and small builders for its test inputs. A challenge is data
 * (statement, starter code, tolerance, case generators) plus a reference implementation that
 * only the server runs: the candidate's browser receives inputs, expected outputs and
 * tolerances, never this code (server/challenges/ builds what it sends field by field).
 *
 * Reference implementations use functional tfjs ops (`tf.matMul(a, b)`, not `a.matMul(b)`):
 * the server's Node build of tfjs-core does not register the chained-op methods.
 */
import type { SerializedTensor, SerializedValue, Tolerance } from '../../shared/challenge.js';
import { compactFloat32, type CallValue, type Tf } from '../../shared/challengeSpec.js';
import type { Rng } from './rng.js';

export type { Tf } from '../../shared/challengeSpec.js';
export type { Rng } from './rng.js';

export interface CaseSpec {
  /** shown to the candidate next to pass/fail: say what the case exercises */
  name: string;
  /** the function's positional arguments, drawn from this case's own seeded stream */
  make(rng: Rng): SerializedValue[];
  /** overrides the challenge's tolerance for this case */
  tolerance?: Tolerance;
}

/**
 * A property: extra calls of the candidate's function on generated inputs, judged by a relation
 * between their outputs (f(perm(x)) = perm(f(x)), linearity, a chi-square count) rather than by
 * reference values. The calls travel in the same case list as the fixed vectors, after them, so
 * the runner runs them like hidden cases; the server judges them (server/challenges/properties.ts).
 */
export interface PropertySpec {
  /** short, shown with the verdict: "batch-permutation equivariance" */
  name: string;
  /** one sentence: what must hold */
  description: string;
  /** the calls' positional arguments, drawn from the property's own seeded stream */
  make(rng: Rng): SerializedValue[][];
  /**
   * null when the candidate's outputs (one per call, in order) satisfy the relation, else why not.
   * The message may quote the candidate's own outputs, never a value it was meant to find.
   */
  holds(outputs: readonly SerializedValue[], calls: readonly SerializedValue[][]): string | null;
}

export interface ChallengeDefinition<A extends unknown[] = unknown[]> {
  /** slug; also the module's file name (questions/<slug>/<id>.challenge.ts) */
  id: string;
  title: string;
  /** the question it belongs to (a question may own several challenges) */
  questionId: string;
  /** the exported function the candidate implements; the starter declares it */
  functionName: string;
  /** one paragraph: what to return, shapes and conventions, never how */
  statement: string;
  /** TypeScript with `tf` in scope: the typed signature and an empty body */
  starter: string;
  tolerance: Tolerance;
  cases: CaseSpec[];
  /** relations checked on extra generated calls, next to the fixed vectors */
  properties?: PropertySpec[];
  /**
   * Receives the arguments as toCallArgs (shared/challengeSpec.ts) makes them: tf tensors for
   * tensors, JS values for the rest. Declared as a method so each module can type its own
   * arguments and still fit in the registry's list.
   */
  reference(tf: Tf, ...args: A): CallValue;
}

export function defineChallenge<A extends unknown[]>(definition: ChallengeDefinition<A>): ChallengeDefinition {
  return definition as ChallengeDefinition<unknown[]> as ChallengeDefinition;
}

/** For outputs that are integers, strings or masks: any difference is wrong. */
export const EXACT: Tolerance = { abs: 0, rel: 0 };
/**
 * For float32 tensor maths: several orders above the rounding differences between the server's
 * cpu backend and a browser GPU, several orders below any conceptual mistake.
 */
export const FLOAT32: Tolerance = { abs: 1e-4, rel: 1e-4 };

/** Collapses a multi-line template into one paragraph (statements are single paragraphs). */
export function prose(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({ raw: strings }, ...values)
    .replace(/\s+/g, ' ')
    .trim();
}

// ---- input builders -------------------------------------------------------------------------

export const num = (value: number): SerializedValue => ({ kind: 'number', value });
export const str = (value: string): SerializedValue => ({ kind: 'string', value });
export const bool = (value: boolean): SerializedValue => ({ kind: 'boolean', value });
export const list = (items: SerializedValue[]): SerializedValue => ({ kind: 'array', items });
export const numbers = (values: readonly number[]): SerializedValue => list(values.map(num));
export const strings = (values: readonly string[]): SerializedValue => list(values.map(str));
export const record = (entries: Record<string, SerializedValue>): SerializedValue => ({ kind: 'record', entries });

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A tensor from row-major data; float32 values are stored as the shortest decimal of their float32. */
export function tensor(shape: number[], data: readonly number[], dtype: SerializedTensor['dtype'] = 'float32'): SerializedTensor {
  if (data.length !== sizeOf(shape)) throw new RangeError(`tensor: ${data.length} values for shape [${shape.join(', ')}]`);
  const values = dtype === 'float32' ? data.map(compactFloat32) : data.map((x) => (dtype === 'bool' ? (x ? 1 : 0) : Math.trunc(x)));
  return { kind: 'tensor', shape: [...shape], dtype, data: values };
}

/** A tensor whose element at row-major index `[i, j, ...]` is `at([i, j, ...])`. */
export function tensorFrom(shape: number[], at: (index: number[]) => number, dtype: SerializedTensor['dtype'] = 'float32'): SerializedTensor {
  const data: number[] = [];
  const index = shape.map(() => 0);
  for (let flat = 0; flat < sizeOf(shape); flat++) {
    data.push(at(index));
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return tensor(shape, data, dtype);
}

/** Independent normal entries with standard deviation `scale`. */
export function randn(rng: Rng, shape: number[], scale = 1): SerializedTensor {
  return tensorFrom(shape, () => rng.normal() * scale);
}

/** A probability vector of `size` entries with some mass concentrated (exp of scaled normals, normalised). */
export function randomDistribution(rng: Rng, size: number, sharpness = 1.5): number[] {
  const weights = Array.from({ length: size }, () => Math.exp(rng.normal() * sharpness));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
