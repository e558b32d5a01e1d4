/**
 * "Spot the bug" listings: a code listing a candidate reviews, and the defects planted in it.
 * A question folder's `listing.yaml` holds both; the server slices them apart, so a candidate
 * receives `CandidateListing` (language and code) and never a defect, fix or follow-up.
 *
 * Messages finish the sentence "<file>: <field>: ..." like shared/question.ts.
 */
import { z } from 'zod';

export const LISTING_LANGUAGES = ['python', 'typescript'] as const;
export type ListingLanguage = (typeof LISTING_LANGUAGES)[number];

/** How much a defect costs when it ships: critical = wrong results silently, minor = waste or style. */
export const DEFECT_SEVERITIES = ['critical', 'major', 'minor'] as const;
export type DefectSeverity = (typeof DEFECT_SEVERITIES)[number];

/** A listing longer than this does not fit a pad screen; split it into two questions. */
export const MAX_LISTING_LINES = 120;

const text = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what} written as text`) })
    .trim()
    .min(1, 'must not be empty');

export const ListingDefectSchema = z.strictObject({
  /** 1-based line of the listing where the defect shows (the pad's own line numbers) */
  line: z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a line number') })
    .int('must be a whole line number')
    .min(1, 'must be a line number from 1'),
  severity: z.enum(DEFECT_SEVERITIES, { error: `must be one of ${DEFECT_SEVERITIES.join(', ')}` }),
  /** what is wrong, in a sentence the interviewer can read aloud */
  defect: text('the defect'),
  /** the corrected code or the change to make */
  fix: text('the fix'),
  /** what to ask once the candidate has found it */
  followUp: text('a follow-up question'),
});
export type ListingDefect = z.infer<typeof ListingDefectSchema>;

export const ListingSchema = z.strictObject({
  language: z.enum(LISTING_LANGUAGES, { error: `must be one of ${LISTING_LANGUAGES.join(', ')}` }),
  // Not trimmed: leading indentation and blank lines are part of the listing and of its line numbers.
  code: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be the listing written as text') })
    .refine((code) => code.trim() !== '', 'must not be empty'),
  defects: z.array(ListingDefectSchema, { error: 'must be a list of defects' }).min(1, 'must list at least one defect'),
});
export type Listing = z.infer<typeof ListingSchema>;

/** What a candidate may receive: the code to review, nothing about what is wrong with it. */
export interface CandidateListing {
  language: ListingLanguage;
  code: string;
}

/** Built field by field, like redactForCandidate: a spread would carry the defects along. */
export function listingForCandidate(listing: Listing): CandidateListing {
  return { language: listing.language, code: listing.code };
}

export function listingLines(code: string): string[] {
  return code.replace(/\n+$/, '').split('\n');
}

/**
 * The first problem with a parsed listing's line references, as [field, problem], or null. Every
 * defect must point at a non-blank line of the listing, since the interviewer reads the line
 * number off the pad.
 */
export function listingLineProblem(listing: Listing): [string, string] | null {
  const lines = listingLines(listing.code);
  if (lines.length > MAX_LISTING_LINES) return ['code', `has ${lines.length} lines; at most ${MAX_LISTING_LINES} fit a screen`];
  for (const [i, d] of listing.defects.entries()) {
    const at = lines[d.line - 1];
    if (at === undefined) return [`defects[${i}].line`, `is ${d.line} but the listing has ${lines.length} lines`];
    if (at.trim() === '') return [`defects[${i}].line`, `points at blank line ${d.line}`];
  }
  return null;
}
