/** How scores, spreads, agreement and signals read on screen and in print. */
import type { Signal } from '../../shared/doc.js';
import { fileDay, fileSlug } from './download.js';

/** Shown for anything not scored yet: never a zero. */
export const NO_VALUE = '—';

/** 0-100 scores as whole numbers; the rubric's resolution does not support decimals. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? NO_VALUE : String(Math.round(score));
}

const MINUS = '\u2212';

function signed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? MINUS + text : text;
}

/** A statistic with fixed decimals, or the dash when it is undefined (fewer than two raters). */
export function formatNumber(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? NO_VALUE : value.toFixed(digits);
}

/** "sd 8.5 · range 12", or the dash when fewer than two interviewers scored. */
export function formatSpread(sd: number | null | undefined, range: number | null | undefined): string {
  if (sd === null || sd === undefined || range === null || range === undefined) return NO_VALUE;
  return `sd ${sd.toFixed(1)} · range ${Math.round(range)}`;
}

/** Krippendorff's alpha with two decimals and a real minus sign (alpha can be negative). */
export function formatAlpha(alpha: number | null | undefined): string {
  return alpha === null || alpha === undefined || !Number.isFinite(alpha) ? NO_VALUE : signed(alpha, 2);
}

export { coveragePercent as percent } from '../../shared/rubric.js';

/** Coverage is worded once, in shared/rubric.ts, for the panel and the scorecard exports alike. */
export { coverageLabel as formatCoverage, overallCoverageLabel as formatOverallCoverage } from '../../shared/rubric.js';

const numberFormat = new Intl.NumberFormat('en');

export function signalLabel(signal: Pick<Signal, 'kind' | 'chars'>): string {
  switch (signal.kind) {
    case 'paste':
      return signal.chars === undefined ? 'Pasted a large block of text' : `Pasted ${numberFormat.format(signal.chars)} characters`;
    case 'hidden':
      return 'Left the interview tab';
    case 'visible':
      return 'Came back to the interview tab';
  }
}

/** Wall-clock time of day, with seconds: signals are read against the interview's own timeline. */
export function formatTimeOfDay(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "attn-scorecard-attention-mechanisms-2025-03-04.md": readable, filesystem-safe, sortable. */
export function scorecardFilename(title: string, roomId: string, extension: 'md' | 'json', now: Date): string {
  const slug = fileSlug(title) || roomId;
  const day = fileDay(now);
  return `attn-scorecard-${slug}-${day}.${extension}`;
}
