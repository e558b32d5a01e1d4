/**
 * A whole bank: the question folders (./load.ts) plus the code attachments that live beside them,
 * challenge modules and diagram templates. `QUESTIONS_DIR` replaces all three together.
 *
 * The built-in bank's modules (challenges and diagrams) are TypeScript, registered by static
 * import in questions/index.ts, so the compiled server (plain node on dist/) and tsx load them
 * alike. A custom bank's modules are found by name in each folder and loaded by dynamic import:
 * `<id>.challenge.mjs` or `.js` always, `<id>.challenge.ts` only when the server itself runs
 * under tsx (`npm run dev`); a diagram is data, `<id>.diagram.json`. questions/README.md
 * documents both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChallengeDefinition } from '../../questions/_lib/define.js';
import type { DiagramTemplateView } from '../../shared/api.js';
import type { DiagramTemplate } from '../../questions/_lib/diagrams/index.js';
import { BUILT_IN_CHALLENGES, templates as builtInTemplates } from '../../questions/index.js';
import { QuestionBankError, defaultQuestionsDir, loadQuestionBank, type QuestionBank } from './load.js';

export interface BankChallenge {
  definition: ChallengeDefinition;
  /** absolute path of the module, whose text is the reference source interviewers may open */
  sourceFile: string;
}

export interface LoadedBank {
  dir: string;
  questions: QuestionBank;
  challenges: BankChallenge[];
  diagrams: readonly DiagramTemplate[];
}

const CHALLENGE_MODULE = /^([a-z0-9-]+)\.challenge\.(mjs|js|ts)$/;
const DIAGRAM_FILE = /^([a-z0-9-]+)\.diagram\.json$/;

/** Loads `dir` with everything in it; throws QuestionBankError naming the file for the first problem. */
export async function loadBank(dir: string): Promise<LoadedBank> {
  const questions = loadQuestionBank(dir);
  if (path.resolve(dir) === defaultQuestionsDir()) {
    return {
      dir,
      questions,
      challenges: BUILT_IN_CHALLENGES.map((c) => ({ definition: c.definition, sourceFile: path.join(dir, c.file) })),
      diagrams: builtInTemplates,
    };
  }
  const challenges: BankChallenge[] = [];
  const diagrams: DiagramTemplate[] = [];
  for (const q of questions.list()) {
    const folder = path.dirname(q.file);
    for (const name of fs.readdirSync(path.join(dir, folder)).sort()) {
      const file = `${folder}/${name}`;
      const challengeMatch = CHALLENGE_MODULE.exec(name);
      if (challengeMatch) challenges.push(await importChallenge(dir, file, challengeMatch[1]!));
      const diagramMatch = DIAGRAM_FILE.exec(name);
      if (diagramMatch) diagrams.push(readDiagram(dir, file, diagramMatch[1]!, q.file));
    }
  }
  return { dir, questions, challenges, diagrams };
}

async function importChallenge(dir: string, file: string, id: string): Promise<BankChallenge> {
  const sourceFile = path.join(dir, file);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(sourceFile).href)) as { default?: unknown };
  } catch (err) {
    const hint = file.endsWith('.ts') ? '; .ts modules load only when the server runs under tsx, use .mjs otherwise' : '';
    throw new QuestionBankError(file, 'module', `cannot be loaded (${firstLine(err)})${hint}`);
  }
  const definition = mod.default as ChallengeDefinition | undefined;
  if (typeof definition !== 'object' || definition === null) throw new QuestionBankError(file, 'default export', 'must be the challenge definition object');
  if (definition.id !== id) throw new QuestionBankError(file, 'id', `is "${String(definition.id)}" but the file is named for "${id}"`);
  return { definition, sourceFile };
}

function readDiagram(dir: string, file: string, id: string, questionFile: string): DiagramTemplate {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (err) {
    throw new QuestionBankError(file, 'file', `is not JSON (${firstLine(err)})`);
  }
  const t = data as Partial<DiagramTemplate> | null;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new QuestionBankError(file, 'file', 'must be a JSON object with title and elements');
  if (typeof t.title !== 'string' || t.title.trim() === '') throw new QuestionBankError(file, 'title', 'must be a non-empty string');
  if (!Array.isArray(t.elements) || t.elements.length === 0) throw new QuestionBankError(file, 'elements', 'must be a non-empty list of Excalidraw element skeletons');
  t.elements.forEach((element: unknown, i) => {
    const problem = skeletonProblem(element);
    if (problem) throw new QuestionBankError(file, `elements[${i}]${problem[0]}`, problem[1]);
  });
  return { id, question: questionFile, title: t.title, elements: t.elements };
}

/**
 * The element types a bank's diagram may use: shapes, connectors and text. Not images (a bank has
 * no way to ship the file) nor embeds (a template would put an arbitrary URL on every board).
 */
export const SKELETON_TYPES = ['rectangle', 'ellipse', 'diamond', 'arrow', 'line', 'text', 'freedraw'] as const;

/**
 * What the board's insert needs of each element (client/diagrams/insertTemplate.ts places a
 * template by its elements' x and y), checked at start-up so a bad file fails there and not in an
 * interviewer's browser mid-interview. Returns [field suffix, problem] or null.
 */
function skeletonProblem(element: unknown): [string, string] | null {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return ['', 'must be an object'];
  const e = element as Record<string, unknown>;
  if (!(SKELETON_TYPES as readonly unknown[]).includes(e.type)) return ['.type', `must be one of ${SKELETON_TYPES.join(', ')}`];
  for (const axis of ['x', 'y'] as const) {
    if (typeof e[axis] !== 'number' || !Number.isFinite(e[axis])) return [`.${axis}`, 'must be a finite number'];
  }
  if (e.type === 'text' && typeof e.text !== 'string') return ['.text', 'must be a string'];
  return null;
}

/**
 * What GET /diagrams serves: each template's id, title, the id of the question whose folder holds
 * it, and its elements. Picked field by field, so nothing else a template or its question carries
 * (a file path, a guide) can reach a candidate.
 */
export function templateViews(diagrams: readonly DiagramTemplate[], questions: QuestionBank): DiagramTemplateView[] {
  const idByFile = new Map(questions.list().map((q) => [q.file, q.id]));
  return diagrams.map((t) => ({
    id: t.id,
    title: t.title,
    question: idByFile.get(t.question) ?? null,
    elements: t.elements as unknown as Record<string, unknown>[],
  }));
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
