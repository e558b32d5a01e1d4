/**
 * Loads the question bank: one folder per question, `<dir>/<slug>/`, holding `question.md` (a YAML
 * front matter block followed by exactly two sections, `## Prompt` and `## Interviewer guide`) and
 * optional attachments: `listing.yaml` (spot the bug), `<id>.challenge.ts|.mjs|.js` and
 * `<id>.diagram.ts` (built-in bank) or `<id>.diagram.json` (custom bank). Folders whose name starts with `_` or `.` are helpers (questions/_lib/),
 * not questions. Challenge and diagram modules load in ./bank.ts; the links between a question and
 * its attachments are checked in ./attachments.ts.
 *
 * The bank is read once at start-up, so a bad file must stop the server with one line a question
 * author can act on: `<file>: <field>: <problem>`. The first problem found is reported; authors
 * fix and rerun, and a precise first error beats a pile of consequential ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ListingSchema, listingLineProblem, type Listing } from '../../shared/listing.js';
import {
  GUIDE_HEADING,
  PROMPT_HEADING,
  QuestionFrontMatterSchema,
  redactForCandidate,
  type CandidateQuestion,
  type Question,
} from '../../shared/question.js';
import { REPO_ROOT } from '../paths.js';

export class QuestionBankError extends Error {
  override name = 'QuestionBankError';
  constructor(
    /** File name relative to the bank's directory (or the directory itself for bank-wide problems). */
    readonly file: string,
    /** Front matter key (`minutes`, `followUps[2]`), `front matter`, `body`, or a section heading. */
    readonly field: string,
    readonly problem: string,
  ) {
    // One line, always: start-up prints it as is and tests match it with a single regex.
    super(`${file}: ${field}: ${problem}`.replace(/\s*[\r\n]+\s*/g, ' '));
  }
}

export interface QuestionBank {
  /** Every question, in file-name order (q01…, q02…): the order the interviewer's picker shows. */
  list(): Question[];
  get(id: string): Question | undefined;
  /** The candidate's view (id, title, prompt), or undefined for an unknown id. */
  forCandidate(id: string): CandidateQuestion | undefined;
}

/** `<repo>/questions`. QUESTIONS_DIR overrides it; server/config.ts decides which applies. */
export function defaultQuestionsDir(): string {
  return path.join(REPO_ROOT, 'questions');
}

/** The question's own file inside its folder. */
export const QUESTION_FILE = 'question.md';
/** The spot-the-bug attachment inside a question's folder. */
export const LISTING_FILE = 'listing.yaml';

/** Reads, validates and indexes every question folder in `dir`. Throws QuestionBankError. */
export function loadQuestionBank(dir: string): QuestionBank {
  const folders = listQuestionFolders(dir);
  const questions = folders.map((folder) => {
    const file = `${folder}/${QUESTION_FILE}`;
    const question = parseQuestionFile(file, readText(dir, file));
    const listingFile = `${folder}/${LISTING_FILE}`;
    if (!isFile(path.join(dir, listingFile))) return question;
    return { ...question, listing: parseListingFile(listingFile, readText(dir, listingFile)) };
  });
  return questionBankFrom(questions);
}

/** Parses a `listing.yaml`: language, code, and defects whose lines point into the code. */
export function parseListingFile(file: string, raw: string): Listing {
  const fail = (field: string, problem: string): never => {
    throw new QuestionBankError(file, field, problem);
  };
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const data = parseYaml(text, fail, 0, 'listing');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail('listing', 'must be a YAML mapping with language, code and defects');
  }
  const parsed = ListingSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') fail(fieldName([...issue.path, issue.keys[0]!]), 'unknown key');
    fail(fieldName(issue.path), issue.message);
  }
  const listing = parsed.data!;
  const problem = listingLineProblem(listing);
  if (problem) fail(...problem);
  return listing;
}

/** Indexes already-parsed questions; ids must be unique. Exported so tests can build small banks. */
export function questionBankFrom(questions: readonly Question[]): QuestionBank {
  const byId = new Map<string, Question>();
  for (const q of questions) {
    const first = byId.get(q.id);
    if (first) throw new QuestionBankError(q.file, 'id', `"${q.id}" is already used by ${first.file}`);
    byId.set(q.id, deepFreeze({ ...q }));
  }
  const ordered = [...byId.values()];
  return {
    list: () => [...ordered],
    get: (id) => byId.get(id),
    forCandidate: (id) => {
      const q = byId.get(id);
      return q && redactForCandidate(q);
    },
  };
}

/** Parses one question file's text. `file` only labels errors and the result. */
export function parseQuestionFile(file: string, raw: string): Question {
  const fail = (field: string, problem: string): never => {
    throw new QuestionBankError(file, field, problem);
  };
  // Editors on Windows save CRLF and some prepend a BOM; neither should change the meaning.
  const text = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');

  if (lines[0]?.trimEnd() !== '---') {
    fail('front matter', 'missing: the file must start with a "---" line, then YAML, then a closing "---" line');
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (close < 0) fail('front matter', 'no closing "---" line after the YAML that starts on line 1');

  const data = parseYaml(lines.slice(1, close).join('\n'), fail, 1, 'front matter');
  const meta = parseFrontMatter(data, fail);
  // Body line numbers are 1-based file lines, so messages point where an editor jumps.
  const { prompt, guide } = parseBody(lines.slice(close + 1), close + 2, fail);
  return { ...meta, prompt, guide, file };
}

type Fail = (field: string, problem: string) => never;

/** `lineOffset`: lines in the file before the YAML starts (1 for front matter after its "---"). */
function parseYaml(source: string, fail: Fail, lineOffset: number, field: string): unknown {
  const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    // yaml's message is "<what> at line L, column C:" plus a multi-line code frame; keep the what,
    // and re-number the line from the file's top (the YAML starts after the opening "---").
    const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?\s*$/, '');
    const pos = error.linePos?.[0];
    const where = pos ? ` (line ${pos.line + lineOffset}, column ${pos.col})` : '';
    const text = pos ? source.split('\n')[pos.line - 1]?.trim() : undefined;
    const quoted = text ? `: ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}` : '';
    fail(field, `YAML syntax error${where}: ${what}${quoted}`);
  }
  return doc.toJS();
}

function parseFrontMatter(data: unknown, fail: Fail): z.infer<typeof QuestionFrontMatterSchema> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail('front matter', 'must be a YAML mapping of keys to values (id: ..., title: ..., ...)');
  }
  const parsed = QuestionFrontMatterSchema.safeParse(data);
  if (parsed.success) return parsed.data;

  // A misspelt key also shows up as a missing required one; naming the misspelling is the useful
  // half, so unknown keys are reported first.
  const issues = [...parsed.error.issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  const issue = issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const allowed = Object.keys(QuestionFrontMatterSchema.shape);
    const key = issue.keys[0]!;
    const near = allowed.find((k) => k.toLowerCase() === key.toLowerCase());
    const hint = near ? ` (did you mean ${near}?)` : '';
    fail(key, `unknown key${hint}; allowed keys are ${allowed.join(', ')}`);
  }
  return fail(fieldName(issue.path), issue.message);
}

/** ['followUps', 2] -> "followUps[2]". */
function fieldName(issuePath: readonly PropertyKey[]): string {
  if (issuePath.length === 0) return 'front matter';
  return issuePath
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

const SECTIONS = [PROMPT_HEADING, GUIDE_HEADING] as const;
// ATX headings of level 1 or 2 split the body (deeper ones belong to a section). CommonMark lets
// a heading be indented up to three spaces and end with a run of #s, which is not part of it.
const HEADING = /^ {0,3}(#{1,2})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

interface Section {
  heading: string;
  line: number;
  body: string[];
}

function parseBody(body: string[], firstLine: number, fail: Fail): { prompt: string; guide: string } {
  const sections: Section[] = [];
  let fence: { marker: string; line: number } | undefined;

  body.forEach((text, i) => {
    const lineNo = firstLine + i;
    const current = sections.at(-1);
    // A "## " inside a fenced block is code (a shell comment, a Markdown sample), not a section.
    if (fence) {
      const closing = FENCE.exec(text)?.[1];
      if (closing && closing[0] === fence.marker[0] && closing.length >= fence.marker.length && text.trim() === closing) {
        fence = undefined;
      }
    } else {
      const opening = FENCE.exec(text)?.[1];
      if (opening) fence = { marker: opening, line: lineNo };
      const heading = opening ? null : HEADING.exec(text);
      if (heading) {
        const written = `${heading[1]} ${heading[2] ?? ''}`.trim();
        if (!(SECTIONS as readonly string[]).includes(written)) {
          fail(
            written,
            `unexpected heading at line ${lineNo}; the body has exactly two sections, "${PROMPT_HEADING}" ` +
              `and "${GUIDE_HEADING}" (use ### and deeper inside them)`,
          );
        }
        const seen = sections.find((s) => s.heading === written);
        if (seen) fail(written, `appears twice (lines ${seen.line} and ${lineNo})`);
        sections.push({ heading: written, line: lineNo, body: [] });
        return;
      }
    }
    if (current) {
      current.body.push(text);
    } else if (text.trim() !== '') {
      fail('body', `text at line ${lineNo} comes before "${PROMPT_HEADING}"; the body must start with that section`);
    }
  });

  const open = sections.at(-1)?.heading ?? 'body';
  if (fence) fail(open, `code fence opened at line ${fence.line} is never closed`);

  const byHeading = new Map(sections.map((s) => [s.heading, s]));
  for (const heading of SECTIONS) {
    if (!byHeading.has(heading)) fail(heading, 'section is missing');
  }
  if (sections[0]!.heading !== PROMPT_HEADING) {
    fail(PROMPT_HEADING, `must come before "${GUIDE_HEADING}" (the prompt is what the candidate reads first)`);
  }
  const content = (heading: string): string => {
    const s = byHeading.get(heading)!;
    // Drop blank lines around the section but keep leading spaces: they may start a code block.
    const textOf = s.body.join('\n').replace(/^(?:[ \t]*\n)+/, '').trimEnd();
    if (textOf.trim() === '') fail(heading, `section is empty (line ${s.line})`);
    return textOf;
  };
  return { prompt: content(PROMPT_HEADING), guide: content(GUIDE_HEADING) };
}

function listQuestionFolders(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    throw new QuestionBankError(dir, 'directory', describeFsError(err));
  }
  // Code-unit order, not locale order: the bank's order must not depend on the machine.
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const loose = names.find((name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md' && isFile(path.join(dir, name)));
  if (loose) {
    // The flat layout of older banks: say how to move, rather than silently skipping the file.
    const slug = loose.slice(0, -3);
    throw new QuestionBankError(loose, 'file', `each question is a folder now: move it to ${slug}/${QUESTION_FILE}`);
  }
  const folders = names.filter((name) => !/^[_.]/.test(name) && isDirectory(path.join(dir, name)));
  for (const folder of folders) {
    if (!isFile(path.join(dir, folder, QUESTION_FILE))) {
      throw new QuestionBankError(`${folder}/`, QUESTION_FILE, 'missing: every question folder holds one (helper folders start with "_")');
    }
  }
  if (folders.length === 0) throw new QuestionBankError(dir, 'directory', `holds no question folders (<slug>/${QUESTION_FILE})`);
  return folders;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false; // a dangling link is not a question
  }
}

function readText(dir: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(dir, file));
  } catch (err) {
    throw new QuestionBankError(file, 'file', describeFsError(err));
  }
  try {
    // fatal: a stray Latin-1 byte would otherwise become U+FFFD silently in front of a candidate.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new QuestionBankError(file, 'file', 'is not valid UTF-8 text');
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${err instanceof Error ? err.message : String(err)})`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
