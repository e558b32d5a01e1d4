/**
 * Runs a plain-JS implementation of a challenge (float64, no tfjs) against the server's own test
 * vectors and property checks, the way a candidate's browser would: tensors arrive as nested
 * arrays, and what the implementation returns is serialised in the shape of the expected output.
 */
import { compareValues, type CompareResult, type PropertyVerdict, type SerializedValue } from '../../shared/challenge.js';
import type { ChallengeDefinition } from '../../questions/_lib/define.js';
import { CHALLENGES } from '../../questions/index.js';
import { DEFAULT_CHALLENGE_SEED } from '../../server/challenges/registry.js';
import { judgeProperties, propertyCalls } from '../../server/challenges/properties.js';
import { computeCases, cpuTf, runReference } from '../../server/challenges/vectors.js';

/** A nested array of numbers for a tensor (a number for a scalar one); JS values otherwise. */
export type Plain = number | string | boolean | Plain[] | { [key: string]: Plain };
export type PlainImplementation = (...args: any[]) => Plain; // eslint-disable-line @typescript-eslint/no-explicit-any

export function definition(id: string): ChallengeDefinition {
  const found = CHALLENGES.find((c) => c.id === id);
  if (!found) throw new Error(`test bug: no challenge ${id}`);
  return found;
}

export function toPlain(v: SerializedValue): Plain {
  switch (v.kind) {
    case 'tensor': {
      const build = (axis: number, offset: number): Plain => {
        if (axis === v.shape.length) return v.data[offset]!;
        const stride = v.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        return Array.from({ length: v.shape[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
      };
      return build(0, 0);
    }
    case 'array':
      return v.items.map(toPlain);
    case 'record':
      return Object.fromEntries(Object.entries(v.entries).map(([k, e]) => [k, toPlain(e)]));
    default:
      return v.value;
  }
}

/** Serialises `value` in the form of `like` (a tensor's nested arrays are flattened row-major). */
export function fromPlain(value: Plain, like: SerializedValue): SerializedValue {
  switch (like.kind) {
    case 'tensor': {
      const flat: number[] = [];
      const shape: number[] = [];
      const walk = (x: Plain, depth: number) => {
        if (Array.isArray(x)) {
          if (shape.length === depth) shape.push(x.length);
          x.forEach((item) => walk(item, depth + 1));
        } else flat.push(Number(x));
      };
      walk(value, 0);
      return { kind: 'tensor', shape: like.shape.length === 0 ? [] : like.shape.map((d, i) => shape[i] ?? d), dtype: like.dtype, data: flat };
    }
    case 'array':
      return { kind: 'array', items: (value as Plain[]).map((x, i) => fromPlain(x, like.items[Math.min(i, like.items.length - 1)] ?? { kind: 'number', value: 0 })) };
    case 'record':
      return { kind: 'record', entries: Object.fromEntries(Object.entries(like.entries).map(([k, e]) => [k, fromPlain((value as Record<string, Plain>)[k]!, e)])) };
    case 'number':
      return { kind: 'number', value: Number(value) };
    case 'string':
      return { kind: 'string', value: String(value) };
    case 'boolean':
      return { kind: 'boolean', value: Boolean(value) };
  }
}

export interface HarnessResult {
  cases: Array<CompareResult & { name: string }>;
  properties: PropertyVerdict[];
}

/** Judges `implementation` on every fixed case (against the expected outputs) and every property (by its relation). */
export async function judgePlain(id: string, implementation: PlainImplementation): Promise<HarnessResult> {
  const d = definition(id);
  const tf = await cpuTf();
  const cases = (await computeCases(d, DEFAULT_CHALLENGE_SEED)).map((c) => {
    try {
      const actual = fromPlain(implementation(...c.inputs.map(toPlain)), c.expected);
      return { name: c.name, ...compareValues(actual, c.expected, c.tolerance) };
    } catch (error) {
      return { name: c.name, pass: false, maxAbsError: null, message: String(error) };
    }
  });
  const properties = propertyCalls(d, DEFAULT_CHALLENGE_SEED);
  // The reference's output on a call only gives the form (kinds and shapes) to serialise into.
  const outputs = properties.flatMap((p) =>
    p.calls.map((inputs) => {
      try {
        return fromPlain(implementation(...inputs.map(toPlain)), runReference(tf, d, inputs));
      } catch {
        return null;
      }
    }),
  );
  return { cases, properties: judgeProperties(d.properties ?? [], properties, outputs) };
}

/** Names of the failed cases and properties, for readable expectations. */
export function failures(result: HarnessResult): string[] {
  return [...result.cases.filter((c) => !c.pass).map((c) => `case: ${c.name}`), ...result.properties.filter((p) => !p.pass).map((p) => `property: ${p.name}`)];
}

// ---- float64 building blocks for the implementations in the tests ---------------------------

export type Matrix = number[][];
export const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
export const matmul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
export const transpose = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
export function softmax(xs: readonly number[]): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}
export const logSumExp = (xs: readonly number[]) => {
  const max = Math.max(...xs);
  return max + Math.log(xs.reduce((s, x) => s + Math.exp(x - max), 0));
};
export const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
