// The question-bank loader's contract: a valid bank loads in file-name order, and every kind of
// bad file stops it with exactly one line, `<file>: <field>: <problem>`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  QuestionBankError,
  defaultQuestionsDir,
  loadQuestionBank,
  parseQuestionFile,
} from '../../server/questions/load.js';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures');
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'attn-questions-'));
afterAll(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

const FRONT_MATTER = [
  'id: sample',
  'title: A sample question',
  'topic: transformers',
  'difficulty: senior',
  'minutes: 10',
  'followUps:',
  '  - Why?',
  'probing:',
  '  - How would you test it?',
  'rubricHints:',
  '  - math-understanding',
];
const BODY = ['', '## Prompt', '', 'Explain it.', '', '## Interviewer guide', '', 'The answer.', ''];

/** A valid question file, with the given lines swapped in. */
function questionText(
  opts: { frontMatter?: string[]; body?: string[]; replace?: Record<string, string> } = {},
): string {
  let text = ['---', ...(opts.frontMatter ?? FRONT_MATTER), '---', ...(opts.body ?? BODY)].join('\n');
  for (const [from, to] of Object.entries(opts.replace ?? {})) {
    if (!text.includes(from)) throw new Error(`test bug: "${from}" is not in the template`);
    text = text.replace(from, to);
  }
  return text;
}

let bankCount = 0;
/**
 * Writes a bank into a fresh temp directory. Keys are paths inside it; a bare `<slug>.md` (the
 * old flat layout, kept as shorthand) becomes the question folder `<slug>/question.md`.
 */
function bankDir(files: Record<string, string>): string {
  const dir = path.join(tempRoot, `bank-${++bankCount}`);
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    const file = /^[^/]+\.md$/.test(name) && name !== 'README.md' ? `${name.slice(0, -3)}/question.md` : name;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Loads a one-file bank and returns the error it must throw. */
function failure(text: string, file = 'q01-bad.md'): QuestionBankError {
  return failureOf(() => loadQuestionBank(bankDir({ [file]: text })));
}

function failureOf(load: () => unknown): QuestionBankError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(QuestionBankError);
    const e = err as QuestionBankError;
    expect(e.name).toBe('QuestionBankError');
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message).toBe(`${e.file}: ${e.field}: ${e.problem}`);
    return e;
  }
  throw new Error('expected the bank to be rejected');
}

describe('loading a valid bank', () => {
  const bank = loadQuestionBank(path.join(FIXTURES, 'questions-valid'));

  it('reads every question folder (not README.md, not _helpers), in folder-name order', () => {
    expect(bank.list().map((q) => [q.id, q.file])).toEqual([
      ['alpha', '01-alpha/question.md'],
      ['beta', '02-beta/question.md'],
    ]);
  });

  it('parses front matter and both sections', () => {
    const alpha = bank.get('alpha')!;
    expect(alpha).toMatchObject({
      title: 'First question',
      topic: 'transformers',
      difficulty: 'mid',
      minutes: 10,
      followUps: ['What is the complexity?'],
      probing: ['How would this scale?'],
      rubricHints: ['math-understanding', 'clear-explanations'],
      diagram: 'alpha-diagram',
      challenge: 'alpha-challenge',
      prompt: 'Explain attention.',
    });
    // A "## " line inside a fenced block is code, not a new section.
    expect(alpha.guide).toMatch(/^### Expected points\n/);
    expect(alpha.guide).toContain('## Not a section: this heading is inside a code fence');
    expect(alpha.guide).toMatch(/The end\.$/);

    const beta = bank.get('beta')!;
    expect(beta.title).toBe('Second question: with a quoted colon');
    expect(beta.diagram).toBeUndefined();
    expect(beta.challenge).toBeUndefined();
    expect(bank.forCandidate('beta')).toEqual({ id: 'beta', title: beta.title, prompt: 'What is a diffusion model?' });
  });

  it('accepts CRLF line endings, a byte-order mark and a closing-hash heading', () => {
    const text = '\uFEFF' + questionText({ replace: { '## Prompt': '## Prompt ##' } }).replace(/\n/g, '\r\n');
    const q = parseQuestionFile('crlf.md', text);
    expect(q.prompt).toBe('Explain it.');
    expect(q.guide).toBe('The answer.');
    expect(q.file).toBe('crlf.md');
  });

  it('defaults to the repository questions/ directory', () => {
    expect(defaultQuestionsDir()).toBe(path.resolve(import.meta.dirname, '..', '..', 'questions'));
  });
});

describe('rejecting a bad bank with one line: file, field, problem', () => {
  it('missing front matter', () => {
    const e = failure(BODY.join('\n'));
    expect(e.message).toMatch(/^q01-bad\/question\.md: front matter: missing: the file must start with a "---" line/);
  });

  it('front matter that is never closed', () => {
    const e = failure(['---', ...FRONT_MATTER, ...BODY].join('\n'));
    expect(e.message).toMatch(/^q01-bad\/question\.md: front matter: no closing "---" line/);
  });

  it('a YAML syntax error, with the line counted from the top of the file', () => {
    const e = failure(questionText({ replace: { 'title: A sample question': 'title: A sample: question' } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: front matter: YAML syntax error \(line 3, column \d+\): .+: "title: A sample: question"$/);
  });

  it('front matter that is not a mapping', () => {
    const e = failure(questionText({ frontMatter: ['- just', '- a list'] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: front matter: must be a YAML mapping/);
  });

  it('an unknown key', () => {
    const e = failure(questionText({ frontMatter: [...FRONT_MATTER, 'answer: 42'] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: answer: unknown key; allowed keys are id, title, topic, .*challenge$/);
  });

  it('a misspelt key is named before the missing one it causes', () => {
    const e = failure(questionText({ replace: { 'followUps:': 'followups:' } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: followups: unknown key \(did you mean followUps\?\); allowed keys/);
  });

  it('a missing required key', () => {
    const e = failure(questionText({ frontMatter: FRONT_MATTER.filter((l) => !l.startsWith('difficulty')) }));
    expect(e.message).toBe('q01-bad/question.md: difficulty: is required');
  });

  it('a bad topic', () => {
    const e = failure(questionText({ replace: { 'topic: transformers': 'topic: robotics' } }), 'q03-alignment.md');
    expect(e.message).toBe(
      'q03-alignment/question.md: topic: must be one of transformers, llms, diffusion, multimodal, research, optimization',
    );
  });

  it('a bad difficulty', () => {
    const e = failure(questionText({ replace: { 'difficulty: senior': 'difficulty: 3' } }));
    expect(e.message).toBe('q01-bad/question.md: difficulty: must be one of junior, mid, senior, staff');
  });

  it.each([['12.5'], ['"15"'], ['0'], ['600']])('minutes: %s is not a whole number in range', (value) => {
    const e = failure(questionText({ replace: { 'minutes: 10': `minutes: ${value}` } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: minutes: must be a whole number of minutes from 1 to 120$/);
  });

  it('an id that is not a slug', () => {
    const e = failure(questionText({ replace: { 'id: sample': 'id: Sample Q' } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: id: must be a question id of lowercase letters, digits and dashes only$/);
  });

  it('an empty follow-up, by its index', () => {
    const e = failure(questionText({ replace: { '  - Why?': '  - Why?\n  - ""' } }));
    expect(e.message).toBe('q01-bad/question.md: followUps[1]: must not be empty');
  });

  it('a bad rubric hint id, by its index', () => {
    const e = failure(questionText({ replace: { '  - math-understanding': '  - math-understanding\n  - vibes' } }));
    expect(e.message).toMatch(
      /^q01-bad\/question\.md: rubricHints\[1\]: "vibes" is not a rubric sub-criterion; must be one of math-understanding, .*critical-thinking$/,
    );
  });

  it('a repeated rubric hint', () => {
    const e = failure(
      questionText({ replace: { '  - math-understanding': '  - math-understanding\n  - math-understanding' } }),
    );
    expect(e.message).toBe('q01-bad/question.md: rubricHints: names the same sub-criterion twice');
  });

  it('a missing ## Prompt', () => {
    const e = failure(questionText({ body: ['', '## Interviewer guide', '', 'The answer.'] }));
    expect(e.message).toBe('q01-bad/question.md: ## Prompt: section is missing');
  });

  it('a missing ## Interviewer guide', () => {
    const e = failure(questionText({ body: ['', '## Prompt', '', 'Explain it.'] }));
    expect(e.message).toBe('q01-bad/question.md: ## Interviewer guide: section is missing');
  });

  it('an empty section', () => {
    const e = failure(questionText({ replace: { 'The answer.': '   ' } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: ## Interviewer guide: section is empty \(line \d+\)$/);
  });

  it('an extra section, with its line', () => {
    const e = failure(questionText({ body: [...BODY, '## Notes', '', 'Private.'] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: ## Notes: unexpected heading at line 23; the body has exactly two sections/);
  });

  it('a level-one heading is not a section either', () => {
    const e = failure(questionText({ body: ['', '# Title', ...BODY] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: # Title: unexpected heading at line 15;/);
  });

  it('text before ## Prompt', () => {
    const e = failure(questionText({ body: ['', 'Stray intro.', ...BODY] }));
    expect(e.message).toBe(
      'q01-bad/question.md: body: text at line 15 comes before "## Prompt"; the body must start with that section',
    );
  });

  it('sections in the wrong order', () => {
    const e = failure(questionText({ body: ['## Interviewer guide', 'A.', '## Prompt', 'Q.'] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: ## Prompt: must come before "## Interviewer guide"/);
  });

  it('a section given twice', () => {
    const e = failure(questionText({ body: [...BODY, '## Prompt', 'Again.'] }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: ## Prompt: appears twice \(lines 15 and 23\)$/);
  });

  it('a code fence that is never closed', () => {
    const e = failure(questionText({ replace: { 'Explain it.': '```ts\nconst x = 1;' } }));
    expect(e.message).toMatch(/^q01-bad\/question\.md: ## Prompt: code fence opened at line 17 is never closed$/);
  });

  it('a duplicate id across files, naming both', () => {
    const dir = bankDir({ 'q01-first.md': questionText(), 'q02-second.md': questionText() });
    const e = failureOf(() => loadQuestionBank(dir));
    expect(e.message).toBe('q02-second/question.md: id: "sample" is already used by q01-first/question.md');
  });

  it('the first bad file in name order, even when others are fine', () => {
    const dir = bankDir({
      'q01-ok.md': questionText(),
      'q02-bad.md': questionText({ replace: { 'id: sample': 'id: other', 'minutes: 10': 'minutes: ten' } }),
    });
    expect(failureOf(() => loadQuestionBank(dir)).message).toMatch(/^q02-bad\/question\.md: minutes: /);
  });

  it('a file that is not UTF-8', () => {
    const dir = bankDir({});
    fs.mkdirSync(path.join(dir, 'q01-latin1'));
    fs.writeFileSync(path.join(dir, 'q01-latin1', 'question.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0x0a]));
    expect(failureOf(() => loadQuestionBank(dir)).message).toBe('q01-latin1/question.md: file: is not valid UTF-8 text');
  });

  it('a loose question file from the flat layout, saying where to move it', () => {
    const dir = bankDir({ 'q01-ok.md': questionText() });
    fs.writeFileSync(path.join(dir, 'q02-flat.md'), questionText());
    expect(failureOf(() => loadQuestionBank(dir)).message).toBe('q02-flat.md: file: each question is a folder now: move it to q02-flat/question.md');
  });

  it('a question folder without question.md (helper folders start with "_")', () => {
    const dir = bankDir({ 'q01-ok.md': questionText(), '_lib/define.ts': 'export {};', 'q02-empty/listing.yaml': 'language: python' });
    expect(failureOf(() => loadQuestionBank(dir)).message).toBe(
      'q02-empty/: question.md: missing: every question folder holds one (helper folders start with "_")',
    );
  });

  it('a directory that does not exist, or holds no questions', () => {
    const missing = path.join(tempRoot, 'nowhere');
    expect(failureOf(() => loadQuestionBank(missing)).message).toBe(`${missing}: directory: does not exist`);
    const empty = bankDir({ 'README.md': '# only docs' });
    expect(failureOf(() => loadQuestionBank(empty)).message).toMatch(/: directory: holds no question folders/);
  });
});
