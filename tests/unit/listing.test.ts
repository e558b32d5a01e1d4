// Spot-the-bug listings (shared/listing.ts) and the bank's own: every defect points at a real line,
// the candidate's slice carries no defect, and a bad listing.yaml stops the bank with one line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listingForCandidate, listingLineProblem, listingLines, type Listing } from '../../shared/listing.js';
import { QuestionBankError, defaultQuestionsDir, loadQuestionBank, parseListingFile } from '../../server/questions/load.js';

const bank = loadQuestionBank(defaultQuestionsDir());
const listed = bank.list().filter((q) => q.listing);

describe("the bank's spot-the-bug questions", () => {
  it('are several questions with at least 18 defects between them, each with line, severity, fix and follow-up', () => {
    expect(listed.length).toBeGreaterThanOrEqual(4);
    const defects = listed.flatMap((q) => q.listing!.defects);
    expect(defects.length).toBeGreaterThanOrEqual(18);
    for (const d of defects) {
      expect(d.defect.length).toBeGreaterThan(40);
      expect(d.fix.length).toBeGreaterThan(20);
      expect(d.followUp).toMatch(/\?$/);
    }
    expect(new Set(listed.map((q) => q.topic)).size).toBeGreaterThanOrEqual(4);
  });

  it('point every defect at a non-blank line inside its listing', () => {
    for (const q of listed) {
      const lines = listingLines(q.listing!.code);
      for (const d of q.listing!.defects) {
        expect(d.line, `${q.id}: line ${d.line}`).toBeGreaterThanOrEqual(1);
        expect(d.line, `${q.id}: line ${d.line}`).toBeLessThanOrEqual(lines.length);
        expect(lines[d.line - 1]!.trim(), `${q.id}: line ${d.line}`).not.toBe('');
      }
      expect(listingLineProblem(q.listing!)).toBeNull();
    }
  });

  it("q15: the key-mismatch defect says what each dropout pattern really does (one crashes, the rest are silent)", () => {
    const listing = bank.get('q15')!.listing!;
    const lines = listingLines(listing.code);
    const defect = listing.defects.find((d) => lines[d.line - 1]!.includes('if k in keep'))!;
    // Replay the listing's filter: patterns name modalities, the batch is keyed by data names.
    const patterns = JSON.parse(lines.find((l) => l.trim().startsWith('patterns = '))!.split('= ')[1]!) as string[][];
    const batchKeys = ['images', 'text', 'audio', 'labels'];
    const kept = patterns.map((p) => p.filter((k) => batchKeys.includes(k)));
    // Nothing kept: the model concatenates an empty token list, which raises rather than degrades.
    expect(kept.filter((k) => k.length === 0)).toHaveLength(1);
    expect(patterns[kept.findIndex((k) => k.length === 0)]).toEqual(['vision']);
    expect(defect.defect).toMatch(/crash/);
    expect(defect.defect).toMatch(/one in five/);
    expect(defect.defect).not.toMatch(/every pattern silently/);
  });

  it('hand a candidate the code and nothing else', () => {
    for (const q of listed) {
      const view = listingForCandidate(q.listing!);
      expect(Object.keys(view).sort()).toEqual(['code', 'language']);
      const sent = JSON.stringify(view);
      for (const d of q.listing!.defects) {
        // A fix may start like the line it corrects, so it is matched whole; the prose by its start.
        for (const secret of [d.defect.slice(0, 40), d.fix, d.followUp.slice(0, 40)]) expect(sent).not.toContain(secret);
      }
    }
  });
});

describe('listing.yaml validation', () => {
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-listing-'));
  afterAll(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

  const yaml = (line: number | string, extra = '') =>
    ['language: python', 'code: |', '  a = 1', '', '  b = a / 0', 'defects:', `  - line: ${line}`, '    severity: major', '    defect: divides by zero', '    fix: divide by something else', '    followUp: why?', extra].join('\n');
  const error = (text: string): QuestionBankError => {
    try {
      parseListingFile('q9-x/listing.yaml', text);
    } catch (err) {
      expect(err).toBeInstanceOf(QuestionBankError);
      return err as QuestionBankError;
    }
    throw new Error('expected the listing to be rejected');
  };

  it('parses a good listing, keeping the code as written', () => {
    const listing = parseListingFile('q9-x/listing.yaml', yaml(3));
    expect(listing.code).toBe('a = 1\n\nb = a / 0\n');
    expect(listing.defects[0]).toEqual({ line: 3, severity: 'major', defect: 'divides by zero', fix: 'divide by something else', followUp: 'why?' });
  });

  it('rejects a line outside the listing, a blank line, and a bad field, naming file and field', () => {
    expect(error(yaml(4)).message).toBe('q9-x/listing.yaml: defects[0].line: is 4 but the listing has 3 lines');
    expect(error(yaml(2)).message).toBe('q9-x/listing.yaml: defects[0].line: points at blank line 2');
    expect(error(yaml('two')).message).toBe('q9-x/listing.yaml: defects[0].line: must be a line number');
    expect(error(yaml(3).replace('severity: major', 'severity: awful')).message).toMatch(/^q9-x\/listing\.yaml: defects\[0\]\.severity: must be one of critical, major, minor$/);
    expect(error(yaml(3, 'hint: nope')).message).toBe('q9-x/listing.yaml: hint: unknown key');
    expect(error('language: cobol\ncode: x\ndefects: []').message).toMatch(/^q9-x\/listing\.yaml: language: must be one of python, typescript$/);
  });

  it('is loaded from a question folder, and a bad one stops the bank', () => {
    const dir = path.join(tempRoot, 'bank');
    const question = fs.readFileSync(path.join(defaultQuestionsDir(), 'q13-bug-rlhf-step', 'question.md'), 'utf8');
    fs.mkdirSync(path.join(dir, 'q1-x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'q1-x', 'question.md'), question);
    fs.writeFileSync(path.join(dir, 'q1-x', 'listing.yaml'), yaml(3));
    expect((loadQuestionBank(dir).list()[0]!.listing as Listing).defects).toHaveLength(1);
    fs.writeFileSync(path.join(dir, 'q1-x', 'listing.yaml'), yaml(9));
    expect(() => loadQuestionBank(dir)).toThrow(/^q1-x\/listing\.yaml: defects\[0\]\.line: is 9 but the listing has 3 lines$/);
  });
});
