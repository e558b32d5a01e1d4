// The shipped question bank (questions/<slug>/question.md): it loads, it is complete, and a candidate's view
// of it carries nothing from the interviewer guide.
import { describe, expect, it } from 'vitest';
import { defaultQuestionsDir, loadQuestionBank } from '../../server/questions/load.js';
import {
  CandidateQuestionSchema,
  SUB_CRITERION_IDS,
  TOPICS,
  redactForCandidate,
  type Question,
} from '../../shared/question.js';

const bank = loadQuestionBank(defaultQuestionsDir());
const questions = bank.list();

/** Diagram template and challenge each question ships with (issue 3); absent means none. */
const EXPECTED_ASSETS: Record<string, { diagram?: string; challenge?: string }> = {
  q1: { challenge: 'scaled-dot-product-attention' },
  q2: { diagram: 'long-sequence-transformer', challenge: 'sliding-window-mask' },
  q3: { challenge: 'dpo-loss' },
  q4: { diagram: 'rlhf-ppo-loop', challenge: 'ppo-clipped-gae' },
  q5: { diagram: 'ddpm-ddim-sampling', challenge: 'ddim-step' },
  q6: { challenge: 'cfg-combine' },
  q7: { diagram: 'multimodal-fusion' },
  q8: {},
  q9: { challenge: 'linear-attention-elu' },
  q10: { challenge: 'distinct-n' },
  q11: {},
  q12: { diagram: 'speculative-decoding', challenge: 'speculative-acceptance' },
  // Spot the bug (issue 16): a listing.yaml each, no diagram or challenge.
  q13: {},
  q14: {},
  q15: {},
  q16: {},
  q17: {},
};

/** An interviewer guide shorter than this cannot hold answer points, red flags and a strong/weak contrast. */
const MIN_GUIDE_CHARS = 2500;
/** A spot-the-bug guide is shorter: its answer points are the listing's defect table. */
const MIN_LISTING_GUIDE_CHARS = 1500;

// Python idioms that would mean seed code was pasted instead of rewritten in TypeScript.
const PYTHON_IDIOMS: RegExp[] = [
  /\bdef /,
  /\btorch\./,
  /import torch/,
  /\bself\./,
  /nn\.Module/,
  /__init__/,
  /```python/,
  /\bF\.softmax\b/,
  /\bnp\./,
];

describe('the shipped question bank', () => {
  it('holds exactly q1 to q17, in order', () => {
    expect(questions.map((q) => q.id)).toEqual(Array.from({ length: 17 }, (_, i) => `q${i + 1}`));
    for (const q of questions) expect(q.file).toMatch(/^q\d{2}-[a-z0-9-]+\/question\.md$/);
  });

  it('covers all six topics', () => {
    expect(new Set(questions.map((q) => q.topic))).toEqual(new Set(TOPICS));
  });

  it('gives every question a prompt, a substantial guide, follow-ups and probing questions', () => {
    for (const q of questions) {
      expect(q.prompt.trim().length, q.id).toBeGreaterThan(200);
      expect(q.guide.length, q.id).toBeGreaterThan(q.listing ? MIN_LISTING_GUIDE_CHARS : MIN_GUIDE_CHARS);
      expect(q.followUps.length, q.id).toBeGreaterThanOrEqual(3);
      expect(q.probing.length, q.id).toBeGreaterThanOrEqual(4);
      // The guide is the interviewer's checklist: it must say what to reward and what to worry about.
      expect(q.guide, q.id).toMatch(/### Red flags/);
      expect(q.guide, q.id).toMatch(/### Strong versus weak/);
    }
  });

  it('names only real rubric sub-criteria, and exercises every one somewhere', () => {
    const used = new Set<string>();
    for (const q of questions) {
      for (const hint of q.rubricHints) {
        expect(SUB_CRITERION_IDS, `${q.id}: ${hint}`).toContain(hint);
        used.add(hint);
      }
    }
    expect([...used].sort()).toEqual([...SUB_CRITERION_IDS].sort());
  });

  it('links the agreed diagram templates and challenges', () => {
    for (const q of questions) {
      const expected = EXPECTED_ASSETS[q.id];
      expect(expected, q.id).toBeDefined();
      expect({ diagram: q.diagram, challenge: q.challenge }, q.id).toEqual({
        diagram: expected?.diagram,
        challenge: expected?.challenge,
      });
    }
  });

  it('has its code in TypeScript, with no Python carried over from the seed', () => {
    for (const q of questions) {
      for (const text of [q.prompt, q.guide]) {
        for (const idiom of PYTHON_IDIOMS) expect(text, `${q.id} contains ${idiom}`).not.toMatch(idiom);
      }
      const fences = [...q.guide.matchAll(/^```(\w*)/gm)].map((m) => m[1]).filter((lang) => lang !== '');
      for (const lang of fences) expect(['ts', 'text'], q.id).toContain(lang);
    }
  });

  it('keeps answer material out of the prompts', () => {
    for (const q of questions) {
      // Reference code and red flags belong to the guide alone.
      expect(q.prompt, q.id).not.toMatch(/```ts|function \w+\(|red flag/i);
    }
  });
});

describe('redactForCandidate', () => {
  const sensitiveLines = (q: Question): string[] =>
    [q.guide, ...q.followUps, ...q.probing]
      .flatMap((text) => text.split('\n'))
      .map((line) => line.trim())
      // Short lines ("```", "| --- |", "- Pros: ...") can legitimately recur; long ones cannot.
      .filter((line) => line.length >= 40);

  it('returns exactly id, title and prompt', () => {
    for (const q of questions) {
      const view = redactForCandidate(q);
      expect(Object.keys(view).sort()).toEqual(['id', 'prompt', 'title']);
      expect(view).toEqual({ id: q.id, title: q.title, prompt: q.prompt });
      expect(CandidateQuestionSchema.safeParse(view).success).toBe(true);
    }
  });

  it('leaks no guide, follow-up or probing text into what is sent', () => {
    for (const q of questions) {
      const sent = JSON.stringify(redactForCandidate(q));
      expect(sent).not.toContain(JSON.stringify(q.guide).slice(1, -1));
      const lines = sensitiveLines(q);
      expect(lines.length).toBeGreaterThan(20);
      for (const line of lines) {
        expect(sent, `${q.id} leaks: ${line}`).not.toContain(line);
        expect(sent, `${q.id} leaks: ${line}`).not.toContain(JSON.stringify(line).slice(1, -1));
      }
      for (const key of ['guide', 'followUps', 'probing', 'rubricHints', 'challenge', 'diagram', 'file']) {
        expect(sent).not.toContain(`"${key}"`);
      }
    }
  });

  it('is what the bank hands out for a candidate, and unknown ids give nothing', () => {
    expect(bank.forCandidate('q7')).toEqual(redactForCandidate(bank.get('q7')!));
    expect(bank.forCandidate('q99')).toBeUndefined();
    expect(bank.get('q99')).toBeUndefined();
  });

  it('cannot be mutated through the bank', () => {
    const q = bank.get('q1')!;
    expect(Object.isFrozen(q)).toBe(true);
    expect(Object.isFrozen(q.followUps)).toBe(true);
    bank.list().pop();
    expect(bank.list()).toHaveLength(17);
  });
});
