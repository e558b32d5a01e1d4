/**
 * The one word and colour a run or check shows, everywhere it is shown (the live runs console,
 * replay's runs list and timeline markers). A check's outcome is the server's verdict and
 * nothing else: a check that ran without an error but failed cases is red ("failed"), never the
 * green "ok" of a run that finished (issue 13: "0/6 cases passed" once showed a green OK badge).
 * Pure, so every view and its tests share it.
 */
import type { Verdict } from './challenge.js';
import type { RunRecord } from './doc.js';

/** pass = green, fail = red, pending = still going or waiting on the server, muted = ended without a result (stopped, declined, interrupted) */
export type OutcomeTone = 'pass' | 'fail' | 'pending' | 'muted';

export interface RunOutcome {
  /** the badge's word: "ok", "passed", "failed", "error", "timed out", … */
  word: string;
  tone: OutcomeTone;
  /** for a judged check: "2/6 cases passed" */
  detail?: string;
  /** for a judged check: cases passed and in all */
  passed?: number;
  total?: number;
}

export interface OutcomeOptions {
  /** the browser that ran it left before it finished: it can never report */
  orphaned?: boolean;
}

/** The verdict that belongs to this run (same run, same challenge), or null. */
export function verdictFor(run: Pick<RunRecord, 'id' | 'challengeId'>, verdict: Verdict | null | undefined): Verdict | null {
  return verdict && verdict.runId === run.id && verdict.challengeId === run.challengeId ? verdict : null;
}

export function runOutcome(run: Pick<RunRecord, 'id' | 'kind' | 'status' | 'challengeId'>, verdict: Verdict | null | undefined, options: OutcomeOptions = {}): RunOutcome {
  switch (run.status) {
    case 'requested':
    case 'running':
      if (options.orphaned) return { word: 'interrupted', tone: 'muted' };
      return { word: run.status === 'requested' ? 'waiting' : 'running', tone: 'pending' };
    case 'error':
      return { word: 'error', tone: 'fail' };
    case 'timeout':
      return { word: 'timed out', tone: 'fail' };
    case 'stopped':
      return { word: 'stopped', tone: 'muted' };
    case 'declined':
      return { word: 'declined', tone: 'muted' };
    case 'ok':
      break;
    default:
      return { word: String(run.status), tone: 'muted' };
  }
  if (run.kind !== 'check') return { word: 'ok', tone: 'pass' };
  const judged = verdictFor(run, verdict);
  // The browser's own `checks` never decide: until the server answers, the check is unverified.
  if (!judged) return { word: 'unverified', tone: 'pending' };
  const passed = judged.cases.filter((c) => c.pass).length;
  const total = judged.cases.length;
  const pass = judged.pass && passed === total && (judged.properties ?? []).every((p) => p.pass);
  return { word: pass ? 'passed' : 'failed', tone: pass ? 'pass' : 'fail', detail: `${passed}/${total} cases passed`, passed, total };
}
