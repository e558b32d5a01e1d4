/**
 * Level-calibrated interviewer guides: every question's guide ends with the same sections in the
 * same order (GUIDE_SECTIONS), its time plan adds up to the question's `minutes`, and its rubric
 * anchors say what a 2 and a 4 look like for every sub-criterion the question names in
 * `rubricHints`.
 */
import { describe, expect, it } from 'vitest';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';
import { GUIDE_SECTIONS } from '../../shared/question.js';

const questions = loadQuestionBank(defaultQuestionsDir()).list();

/** The `###` sections of a guide, in order, with their bodies. */
function sections(guide: string): { heading: string; body: string }[] {
  const out: { heading: string; body: string }[] = [];
  let fenced = false;
  for (const line of guide.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^### (.+?)\s*$/.exec(line);
    if (m) out.push({ heading: m[1]!, body: '' });
    else if (out.length > 0) out[out.length - 1]!.body += line + '\n';
  }
  return out;
}

/** The top-level `- ` items of a section, each with its indented continuation lines joined. */
function items(body: string): string[] {
  const out: string[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('- ')) out.push(line);
    else if (/^\s+\S/.test(line) && out.length > 0) out[out.length - 1] += ' ' + line.trim();
  }
  return out;
}

/** Minutes of each `- N min: …` item of a time plan. */
const planMinutes = (body: string) => [...body.matchAll(/^- \*\*(\d+) min\*\*/gm)].map((m) => Number(m[1]));

describe('level-calibrated guides', () => {
  it('parses sections and time plans', () => {
    const s = sections('### A\nx\n```\n### not a heading\n```\n### B\n- **3 min** a\n- **4 min** b\n');
    expect(s.map((x) => x.heading)).toEqual(['A', 'B']);
    expect(planMinutes(s[1]!.body)).toEqual([3, 4]);
    expect(items('- a\n  b\n- c\n')).toEqual(['- a b', '- c']);
  });

  it('covers the whole bank', () => {
    expect(questions.length).toBeGreaterThanOrEqual(12);
  });

  for (const q of questions) {
    describe(q.id, () => {
      const all = sections(q.guide);
      const byName = new Map(all.map((s) => [s.heading, s.body]));

      it('has the calibration sections, in order, at the end of the guide', () => {
        expect(all.slice(-GUIDE_SECTIONS.length).map((s) => s.heading)).toEqual([...GUIDE_SECTIONS]);
        for (const name of GUIDE_SECTIONS) expect(byName.get(name)!.trim().length, name).toBeGreaterThan(80);
      });

      it(`has a time plan that sums to its ${q.minutes} minutes`, () => {
        const minutes = planMinutes(byName.get('Time plan') ?? '');
        expect(minutes.length).toBeGreaterThanOrEqual(3);
        expect(minutes.reduce((a, b) => a + b, 0)).toBe(q.minutes);
      });

      it('anchors a 2 and a 4 for every rubric hint', () => {
        const anchors = byName.get('Rubric anchors') ?? '';
        for (const hint of q.rubricHints) {
          const line = items(anchors).find((l) => l.includes(`(${hint})`));
          expect(line, hint).toBeDefined();
          expect(line, hint).toMatch(/\b2: .+\b4: .+/);
        }
      });

      it('has at least three wrong answers, each with a nudge', () => {
        const wrong = items(byName.get('Common wrong answers') ?? '');
        expect(wrong.length).toBeGreaterThanOrEqual(3);
        for (const item of wrong) expect(item, item).toMatch(/Nudge: /);
      });
    });
  }
});
