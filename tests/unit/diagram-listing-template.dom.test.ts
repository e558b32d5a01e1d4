// The listing's board view (client/diagrams/listingTemplate.ts): one monospace text element with
// the numbers the defect table uses, built from the candidate's slice only.
import { describe, expect, it } from 'vitest';
import { FONT_FAMILY, convertToExcalidrawElements } from '@excalidraw/excalidraw';
import type { ExcalidrawElementSkeleton } from '@excalidraw/excalidraw/data/transform';
import { LISTING_FONT_FAMILY, listingTemplate, numberedListing } from '../../client/diagrams/listingTemplate.js';
import type { CurrentQuestion } from '../../shared/doc.js';
import { listingForCandidate, listingLines } from '../../shared/listing.js';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';

const q16 = loadQuestionBank(defaultQuestionsDir()).get('q16')!;
const current: CurrentQuestion = { id: q16.id, title: q16.title, prompt: q16.prompt, minutes: q16.minutes, startedAt: 0, listing: listingForCandidate(q16.listing!) };

describe('listingTemplate', () => {
  it('numbers every line so that each defect line reads the same on the board', () => {
    const lines = numberedListing(q16.listing!.code).split('\n');
    const code = q16.listing!.code.trimEnd().split('\n');
    expect(lines).toHaveLength(code.length);
    expect(lines).toHaveLength(listingLines(q16.listing!.code).length);
    for (const d of q16.listing!.defects) expect(lines[d.line - 1]).toBe(`${String(d.line).padStart(2)}  ${code[d.line - 1]}`);
  });

  it('is one monospace text element for the current listing question, and nothing otherwise', () => {
    const template = listingTemplate(current)!;
    expect(template.id).toBe('listing-q16');
    expect(template.elements).toHaveLength(1);
    const [text] = convertToExcalidrawElements(template.elements as ExcalidrawElementSkeleton[]);
    expect(LISTING_FONT_FAMILY).toBe(FONT_FAMILY['Comic Shanns']);
    expect(text).toMatchObject({ type: 'text', fontFamily: FONT_FAMILY['Comic Shanns'] });
    expect(JSON.stringify(template)).not.toContain(q16.listing!.defects[0]!.defect.slice(0, 40));
    expect(listingTemplate({ ...current, listing: undefined })).toBeNull();
    expect(listingTemplate(null)).toBeNull();
  });
});
