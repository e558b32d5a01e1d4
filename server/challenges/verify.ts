/**
 * The server's verdict on a check: the outputs a browser sent, compared with the expected
 * outputs only the server holds. The browser's own pass/fail never counts (snippet code runs in
 * the same worker as the comparison and can replace anything there).
 */
import { compareValues, exampleCaseCount, type CaseVerdict, type ChallengeCase, type FieldVerdict, type PropertyVerdict, type SerializedValue } from '../../shared/challenge.js';
import type { PropertySpec } from '../../questions/_lib/define.js';
import { callCount, judgeProperties, type PropertyCalls } from './properties.js';

/** A hidden case's message quotes the candidate's own values; clipped so a verdict stays small. */
const MAX_MESSAGE_CHARS = 300;

/** Why a case without an output failed; the browser's run record holds the thrown error itself. */
export const NO_OUTPUT_MESSAGE = 'the function threw or returned nothing that can be checked (see the run)';

/**
 * Judges every case. `outputs` must hold one entry per case (the route checks the count).
 *
 * A hidden case's max abs error is rounded to one significant digit: the verdict lands in the
 * board doc the candidate reads, and an exact |actual - expected| for a scalar output would give
 * the expected value away in two tries. One digit still says "close" or "way off".
 */
export function judgeOutputs(cases: readonly ChallengeCase[], outputs: ReadonlyArray<SerializedValue | null>): { pass: boolean; cases: CaseVerdict[] } {
  if (outputs.length !== cases.length) throw new RangeError(`judgeOutputs: ${outputs.length} outputs for ${cases.length} cases`);
  const examples = exampleCaseCount(cases.length);
  const judged = cases.map((c, i): CaseVerdict => {
    const example = i < examples;
    const tolerance = { abs: c.tolerance.abs, rel: c.tolerance.rel };
    const output = outputs[i];
    if (output === null || output === undefined) return { name: c.name, example, pass: false, maxAbsError: null, tolerance, message: NO_OUTPUT_MESSAGE };
    const compared = compareValues(output, c.expected, c.tolerance, 'output', example);
    const maxAbsError = example ? compared.maxAbsError : roundToOneDigit(compared.maxAbsError);
    const fields = c.expected.kind === 'record' ? judgeFields(output, c.expected.entries, c, example) : undefined;
    return {
      name: c.name,
      example,
      pass: compared.pass,
      maxAbsError,
      tolerance,
      ...(compared.message ? { message: clip(compared.message) } : {}),
      ...(fields ? { fields } : {}),
    };
  });
  return { pass: judged.every((c) => c.pass), cases: judged };
}

/**
 * Each top-level field of a record output on its own (PPO's loss vs advantages vs returns), with
 * the same rules as the whole case: a hidden case's messages quote no expected value and its
 * errors keep one significant digit.
 */
function judgeFields(output: SerializedValue, expected: Record<string, SerializedValue>, c: ChallengeCase, example: boolean): FieldVerdict[] {
  return Object.keys(expected).map((field): FieldVerdict => {
    const path = `output.${field}`;
    if (output.kind !== 'record' || !Object.hasOwn(output.entries, field)) return { field, pass: false, maxAbsError: null, message: `${path}: missing` };
    const compared = compareValues(output.entries[field]!, expected[field]!, c.tolerance, path, example);
    const maxAbsError = example ? compared.maxAbsError : roundToOneDigit(compared.maxAbsError);
    return { field, pass: compared.pass, maxAbsError, ...(compared.message ? { message: clip(compared.message) } : {}) };
  });
}

/** What the server holds to judge one challenge: fixed cases, and each property's calls with its relation. */
export interface ChallengeChecks {
  cases: readonly ChallengeCase[];
  properties: readonly PropertyCalls[];
  specs: readonly PropertySpec[];
}

/** One output per entry of the case list: the fixed cases, then every property's calls. */
export const expectedOutputCount = (checks: ChallengeChecks) => checks.cases.length + callCount(checks.properties);

/**
 * The whole verdict on a check: the fixed cases against their expected outputs, then each
 * property by its relation. `properties` is present only for challenges that declare some, so a
 * verdict on any other challenge is exactly what it was before properties existed.
 */
export function judgeCheck(checks: ChallengeChecks, outputs: ReadonlyArray<SerializedValue | null>): { pass: boolean; cases: CaseVerdict[]; properties?: PropertyVerdict[] } {
  if (outputs.length !== expectedOutputCount(checks)) throw new RangeError(`judgeCheck: ${outputs.length} outputs for ${expectedOutputCount(checks)} cases and calls`);
  const fixed = judgeOutputs(checks.cases, outputs.slice(0, checks.cases.length));
  if (checks.properties.length === 0) return fixed;
  const properties = judgeProperties(checks.specs, checks.properties, outputs.slice(checks.cases.length));
  return { pass: fixed.pass && properties.every((p) => p.pass), cases: fixed.cases, properties };
}

function roundToOneDigit<T extends number | null>(x: T): T {
  return x !== null && Number.isFinite(x) && x !== 0 ? (Number(x.toPrecision(1)) as T) : x;
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
