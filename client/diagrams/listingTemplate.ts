/**
 * A spot-the-bug listing as a board template: one monospace text element holding the numbered
 * code, so the interviewer (or a candidate, when templates are allowed) can put the listing on
 * the board and everyone can draw arrows and notes around the lines. It is built from the
 * candidate's slice in the board doc (the code only), so it can never carry a defect.
 */
import type { BoardTemplate } from './insertTemplate.js';
import type { CurrentQuestion } from '../../shared/doc.js';

/**
 * Excalidraw's monospace font, FONT_FAMILY['Comic Shanns'] (a test holds the two together). A
 * number rather than an import: this module is pure data and stays out of Excalidraw's bundle.
 */
export const LISTING_FONT_FAMILY = 8;

/** The listing's lines, as shared/listing.ts counts them (without importing its zod schemas into the canvas). */
function listingLines(code: string): string[] {
  return code.replace(/\n+$/, '').split('\n');
}

/** Right-aligned line numbers, as the question strip and the panel's defect table count them. */
export function numberedListing(code: string): string {
  const lines = listingLines(code);
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)}  ${line}`).join('\n');
}

export function listingTemplate(current: CurrentQuestion | null): BoardTemplate | null {
  if (!current?.listing) return null;
  // A short title: the menu is narrow beside the panel, and marks the current question's entry anyway.
  return {
    id: `listing-${current.id}`,
    title: `Code listing (${listingLines(current.listing.code).length} lines)`,
    elements: [{ type: 'text', x: 0, y: 0, text: numberedListing(current.listing.code), fontSize: 16, fontFamily: LISTING_FONT_FAMILY }],
  };
}
