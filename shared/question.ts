/**
 * The question bank's shapes: a question file's YAML front matter, the parsed question, and the
 * redacted view a candidate receives. questions/<slug>/question.md files are checked against these at start-up
 * (server/questions/load.ts) and by tests/unit/questions*.test.ts.
 *
 * Error messages are written to finish the sentence "<file>: <field>: ..." because the loader
 * reports exactly that one line; keep them short, lower-case and free of newlines.
 */
import { z } from 'zod';
import { ListingSchema } from './listing.js';

export const TOPICS = ['transformers', 'llms', 'diffusion', 'multimodal', 'research', 'optimization'] as const;
export type Topic = (typeof TOPICS)[number];

/**
 * The seniority a question is pitched at, easiest first, so the UI can sort by index. It is the
 * level at which a complete answer is expected, not a gate: juniors may still be asked staff
 * questions, and are then scored against the same rubric.
 */
export const DIFFICULTIES = ['junior', 'mid', 'senior', 'staff'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

/**
 * The rubric's sixteen sub-criteria, four per criterion in the seed's order: technical depth,
 * problem solving, communication, innovation & research mindset. shared/rubric.ts groups and
 * weights them; questions name the ones they exercise best (`rubricHints`). Renaming an id
 * orphans stored scores, so ids are append-only.
 */
export const SUB_CRITERION_IDS = [
  // Technical depth (40%)
  'math-understanding',
  'implementation-details',
  'system-design',
  'optimization-awareness',
  // Problem-solving approach (30%)
  'structured-thinking',
  'tradeoff-analysis',
  'edge-cases',
  'scalability',
  // Communication (20%)
  'clear-explanations',
  'technical-language',
  'visual-aids',
  'code-readability',
  // Innovation & research mindset (10%)
  'novel-approaches',
  'research-awareness',
  'future-directions',
  'critical-thinking',
] as const;
export type SubCriterionId = (typeof SUB_CRITERION_IDS)[number];

/** Question, diagram-template and challenge ids: they appear in URLs, file names and Y.Doc keys. */
export const SLUG_PATTERN = /^[a-z0-9-]+$/;
export const MAX_SLUG_CHARS = 64;
export const MAX_QUESTION_TITLE_CHARS = 120;
/** A question longer than this is two questions. */
export const MAX_QUESTION_MINUTES = 120;

/** The two body sections, spelled exactly as in the Markdown files. */
export const PROMPT_HEADING = '## Prompt';
export const GUIDE_HEADING = '## Interviewer guide';
/**
 * The level-calibrated sections every guide ends with, as `###` headings in this order (plain
 * Markdown inside the guide, no schema of their own; tests/unit/questions-guide.test.ts holds
 * the bank to it): what a junior, senior and staff answer contain, wrong answers each with a
 * `Nudge:`, a time plan of `- **N min**` items summing to the question's `minutes`, and rubric
 * anchors with a `2:` and a `4:` for every sub-criterion in its `rubricHints`.
 */
export const GUIDE_SECTIONS = ['Junior answer', 'Senior answer', 'Staff answer', 'Common wrong answers', 'Time plan', 'Rubric anchors'] as const;

const oneOf = (values: readonly string[]) => `must be one of ${values.join(', ')}`;

/**
 * zod calls this with the offending input; an absent key arrives as `undefined`, which deserves
 * "is required" rather than a type complaint about undefined.
 */
const unlessMissing =
  (problem: string | ((input: unknown) => string)) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : typeof problem === 'string' ? problem : problem(issue.input);

const slug = (what: string) =>
  z
    .string({ error: unlessMissing(`must be a ${what} such as "q1" (lowercase letters, digits, dashes)`) })
    .max(MAX_SLUG_CHARS, `must be at most ${MAX_SLUG_CHARS} characters`)
    .regex(SLUG_PATTERN, `must be a ${what} of lowercase letters, digits and dashes only`);

const line = (what: string) =>
  z
    .string({ error: unlessMissing(`must be ${what} written as text`) })
    .trim()
    .min(1, 'must not be empty');

const lines = (what: string) =>
  z
    .array(line(`a ${what}`), { error: unlessMissing(`must be a list of ${what}s ("- ..." lines)`) })
    .min(1, `must list at least one ${what}`);

export const QuestionFrontMatterSchema = z.strictObject({
  id: slug('question id'),
  title: line('a title').max(MAX_QUESTION_TITLE_CHARS, `must be at most ${MAX_QUESTION_TITLE_CHARS} characters`),
  topic: z.enum(TOPICS, { error: unlessMissing(oneOf(TOPICS)) }),
  difficulty: z.enum(DIFFICULTIES, { error: unlessMissing(oneOf(DIFFICULTIES)) }),
  /** Suggested time on the question, follow-ups included. */
  minutes: z
    .number({ error: unlessMissing(`must be a whole number of minutes from 1 to ${MAX_QUESTION_MINUTES}`) })
    .int(`must be a whole number of minutes from 1 to ${MAX_QUESTION_MINUTES}`)
    .min(1, `must be a whole number of minutes from 1 to ${MAX_QUESTION_MINUTES}`)
    .max(MAX_QUESTION_MINUTES, `must be a whole number of minutes from 1 to ${MAX_QUESTION_MINUTES}`),
  /** Questions that go deeper into this topic, asked once the main answer is on the board. */
  followUps: lines('follow-up question'),
  /** Questions that test the candidate's own answer: scale, failure modes, testing, production. */
  probing: lines('probing question'),
  /** Sub-criteria this question exercises best; the panel highlights them while it is asked. */
  rubricHints: z
    .array(
      z.enum(SUB_CRITERION_IDS, {
        error: unlessMissing((input) => `${JSON.stringify(input)} is not a rubric sub-criterion; ${oneOf(SUB_CRITERION_IDS)}`),
      }),
      { error: unlessMissing('must be a list of rubric sub-criterion ids') },
    )
    .min(1, 'must name at least one rubric sub-criterion')
    .refine((ids) => new Set(ids).size === ids.length, 'names the same sub-criterion twice'),
  /** Diagram template (a <id>.diagram.ts module in the question's folder) the interviewer can drop onto the canvas. */
  diagram: slug('diagram template id').optional(),
  /** Coding challenge (a <id>.challenge.ts module in the question's folder) with server-side test vectors. */
  challenge: slug('challenge id').optional(),
});
export type QuestionFrontMatter = z.infer<typeof QuestionFrontMatterSchema>;

export const QuestionSchema = QuestionFrontMatterSchema.extend({
  /** Markdown under `## Prompt`: all a candidate ever sees besides the title. */
  prompt: z.string().min(1),
  /** Markdown under `## Interviewer guide`: expected answer, red flags. Never sent to a candidate. */
  guide: z.string().min(1),
  /** The file it came from, relative to the bank's directory (`<slug>/question.md`); for error messages and editors. */
  file: z.string().min(1),
  /** The folder's `listing.yaml`, for "spot the bug" questions: code plus defects. Interviewers only; candidates get the code. */
  listing: ListingSchema.optional(),
});
export type Question = z.infer<typeof QuestionSchema>;

/** What a candidate may receive about a question: nothing that helps answer it. */
export const CandidateQuestionSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  prompt: z.string(),
});
export type CandidateQuestion = z.infer<typeof CandidateQuestionSchema>;

/**
 * The candidate's view of a question. Built field by field on purpose: spreading the question
 * and deleting keys would leak any field added to Question later.
 */
export function redactForCandidate(q: Question): CandidateQuestion {
  return { id: q.id, title: q.title, prompt: q.prompt };
}
