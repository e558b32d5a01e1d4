/**
 * The server's verdict on a check: the outputs a browser sent, compared with the expected
 * outputs only the server holds. The browser's own pass/fail never counts (snippet code runs in
 * the same worker as the comparison and can replace anything there).
 */
import { compareValues, exampleCaseCount, type CaseVerdict, type ChallengeCase, type SerializedValue } from '../../shared/challenge.js';

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
    const maxAbsError = example || compared.maxAbsError === null ? compared.maxAbsError : roundToOneDigit(compared.maxAbsError);
    return {
      name: c.name,
      example,
      pass: compared.pass,
      maxAbsError,
      tolerance,
      ...(compared.message ? { message: clip(compared.message) } : {}),
    };
  });
  return { pass: judged.every((c) => c.pass), cases: judged };
}

function roundToOneDigit(x: number): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(1)) : x;
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
