/**
 * What the runs console shows for a check. A pass is only ever the server's: it comes from the
 * board's server-only `verdicts` map, never from the run record's `checks`, which the browser that
 * ran the check wrote (and snippet code in that browser's worker can forge).
 */
import type { FieldVerdict, PropertyVerdict, Tolerance, Verdict } from '../../shared/challenge.js';
import type { RunRecord } from '../../shared/doc.js';
import { verdictFor } from '../../shared/runOutcome.js';

export interface VerifiedCase {
  name: string;
  example: boolean;
  pass: boolean;
  maxAbsError: number | null;
  tolerance: Tolerance;
  /** the browser's timing, when its record has the case: informative only */
  ms: number | null;
  message?: string;
  /** a record output's fields judged one by one (PPO's loss, advantages, returns…), when it has several */
  fields?: FieldVerdict[];
}

export interface UnverifiedCase {
  name: string;
  ms: number | null;
  message?: string;
}

export type CheckView =
  /** not a check, or nothing to show yet */
  | { state: 'none' }
  | { state: 'verified'; pass: boolean; passed: number; total: number; by: Verdict['by']; cases: VerifiedCase[]; properties: PropertyVerdict[] }
  /** a result with no verdict from the server: shown as such, with no pass or fail */
  | { state: 'unverified'; reason: string; cases: UnverifiedCase[] };

export const UNVERIFIED_REASON = 'Not verified by the server: no verdict for this run, so no case counts as passed.';

export function checkView(run: RunRecord, verdict: Verdict | null | undefined): CheckView {
  if (run.kind !== 'check') return { state: 'none' };
  const local = Array.isArray(run.checks) ? run.checks : [];
  const msOf = (name: string, i: number): number | null => {
    const c = local[i];
    return c && c.name === name && typeof c.ms === 'number' ? c.ms : null;
  };
  const judged = verdictFor(run, verdict);
  if (judged) {
    const verdict = judged;
    const cases = verdict.cases.map((c, i): VerifiedCase => ({
      name: c.name,
      example: c.example,
      pass: c.pass,
      maxAbsError: c.maxAbsError,
      tolerance: c.tolerance,
      ms: msOf(c.name, i),
      ...(c.message ? { message: c.message } : {}),
      ...(c.fields && c.fields.length > 0 ? { fields: c.fields } : {}),
    }));
    const passed = cases.filter((c) => c.pass).length;
    // A property that fails fails the check even when every fixed case passed.
    const properties = verdict.properties ?? [];
    const pass = verdict.pass && passed === cases.length && properties.every((p) => p.pass);
    return { state: 'verified', pass, passed, total: cases.length, by: verdict.by, cases, properties };
  }
  if (local.length === 0) return { state: 'none' };
  return {
    state: 'unverified',
    reason: UNVERIFIED_REASON,
    cases: local.map((c, i) => ({ name: String(c?.name ?? `case ${i + 1}`), ms: typeof c?.ms === 'number' ? c.ms : null, ...(typeof c?.message === 'string' ? { message: c.message } : {}) })),
  };
}
