/**
 * The challenge registry: every challenge module of the bank, validated once at start-up,
 * with test vectors computed on first request and kept for the life of the process.
 *
 * What a browser receives is built here field by field (forClient): inputs and tolerances, and
 * expected outputs only where the viewer may see them (every case for interviewers and
 * observers; the example cases for candidates), never the reference implementation. Its source is
 * served separately, and only to interviewers and observers (server/http/challenges.ts). The full
 * cases stay here for the server's verdict (verify.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { exampleCaseCount, type ChallengeCase, type ClientCase, type ChallengeForClient, type Tolerance } from '../../shared/challenge.js';
import type { ChallengeSummary } from '../../shared/challengeSpec.js';
import { MAX_QUESTION_TITLE_CHARS, MAX_SLUG_CHARS, SLUG_PATTERN } from '../../shared/question.js';
import type { ChallengeDefinition } from '../../questions/_lib/define.js';
import { BUILT_IN_CHALLENGES, NON_CHALLENGE_MODULES } from '../../questions/index.js';
import { REPO_ROOT } from '../paths.js';
import { propertyCalls, type PropertyCalls } from './properties.js';
import type { ChallengeChecks } from './verify.js';
import { computeCases } from './vectors.js';

/** One seed for every room: vectors are then computed once per process, not once per interview. */
export const DEFAULT_CHALLENGE_SEED = 20250117;

/** `<repo>/questions`: the built-in challenge modules live in its question folders. */
const BUILT_IN_DIR = path.join(REPO_ROOT, 'questions');

const FUNCTION_NAME = /^[A-Za-z_$][\w$]*$/;
const MIN_CASES = 3;
const MAX_CASES = 8;

/** A challenge module that breaks the rules in questions/_lib/define.ts. One line: `<id>: <field>: <problem>`. */
export class ChallengeDefinitionError extends Error {
  override name = 'ChallengeDefinitionError';
  constructor(
    readonly challengeId: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${challengeId}: ${field}: ${problem}`);
  }
}

export interface ChallengeRegistry {
  readonly seed: number;
  /** In registration order. */
  list(): ChallengeSummary[];
  get(id: string): ChallengeDefinition | undefined;
  /**
   * What a link may receive: `candidate` gets the expected outputs of the example cases only,
   * `panel` (interviewers, observers) those of every case. Vectors are computed on the first call
   * and memoised.
   */
  forClient(id: string, audience: ClientAudience): Promise<ChallengeForClient | undefined>;
  /** Every case with its expected output: for the server's verdict, never sent to a candidate. */
  cases(id: string): Promise<ChallengeCase[] | undefined>;
  /** The fixed cases plus each property's calls and relation: everything the verdict needs. */
  checks(id: string): Promise<ChallengeChecks | undefined>;
  /** The module's TypeScript text, reference implementation included (interviewers and observers only). */
  referenceSource(id: string): Promise<string | undefined>;
}

export type ClientAudience = 'candidate' | 'panel';

export interface ChallengeRegistryOptions {
  seed?: number;
  /** Defaults to the built-in bank's modules (questions/index.ts). */
  definitions?: readonly ChallengeDefinition[];
  /** Each challenge's module file (absolute), read for referenceSource; defaults to the built-in bank's. */
  sources?: ReadonlyMap<string, string>;
}

function builtInSources(): Map<string, string> {
  return new Map(BUILT_IN_CHALLENGES.map((c) => [c.definition.id, path.join(BUILT_IN_DIR, c.file)]));
}

export function createChallengeRegistry(options: ChallengeRegistryOptions = {}): ChallengeRegistry {
  const seed = options.seed ?? DEFAULT_CHALLENGE_SEED;
  const definitions = options.definitions ?? BUILT_IN_CHALLENGES.map((c) => c.definition);
  const sourceFiles = options.sources ?? builtInSources();
  validateChallenges(definitions);
  const byId = new Map(definitions.map((d) => [d.id, d]));
  const computed = new Map<string, Promise<ChallengeCase[]>>();
  const generated = new Map<string, PropertyCalls[]>();
  const sources = new Map<string, Promise<string>>();

  const casesOf = (id: string): Promise<ChallengeCase[]> | undefined => {
    const definition = byId.get(id);
    if (!definition) return undefined;
    let cases = computed.get(id);
    if (!cases) {
      cases = computeCases(definition, seed);
      // A failed computation is a bug to fix, but must not be cached as the answer forever.
      cases.catch(() => computed.delete(id));
      computed.set(id, cases);
    }
    return cases;
  };

  /** Plain JS and cheap, but memoised so every request sees the very same calls. */
  const propertiesOf = (definition: ChallengeDefinition): PropertyCalls[] => {
    let calls = generated.get(definition.id);
    if (!calls) {
      calls = propertyCalls(definition, seed);
      generated.set(definition.id, calls);
    }
    return calls;
  };

  return {
    seed,
    list: () => definitions.map(summaryOf),
    get: (id) => byId.get(id),
    async forClient(id, audience) {
      const cases = await casesOf(id);
      return cases && clientView(byId.get(id)!, seed, cases, audience, propertiesOf(byId.get(id)!));
    },
    cases: async (id) => casesOf(id),
    async checks(id) {
      const cases = await casesOf(id);
      if (!cases) return undefined;
      const definition = byId.get(id)!;
      return { cases, properties: propertiesOf(definition), specs: definition.properties ?? [] };
    },
    referenceSource(id) {
      const file = sourceFiles.get(id);
      if (!byId.has(id) || !file) return Promise.resolve(undefined);
      let source = sources.get(id);
      if (!source) {
        source = fs.readFile(file, 'utf8');
        source.catch(() => sources.delete(id));
        sources.set(id, source);
      }
      return source;
    },
  };
}

export function summaryOf(d: ChallengeDefinition): ChallengeSummary {
  return { id: d.id, title: d.title, questionId: d.questionId, functionName: d.functionName };
}

/**
 * The browser's view of a challenge. Built field by field on purpose: spreading the definition
 * would send `reference` (as source, once anything stringifies it) and any field added later, and
 * spreading a case would send a hidden case's expected output to a candidate.
 */
export function clientView(d: ChallengeDefinition, seed: number, cases: ChallengeCase[], audience: ClientAudience, properties: readonly PropertyCalls[] = []): ChallengeForClient {
  const examples = exampleCaseCount(cases.length);
  const tolerance = { abs: d.tolerance.abs, rel: d.tolerance.rel };
  // A property's calls have no expected output for anyone: the server judges their relation.
  const propertyCases = properties.flatMap((p) =>
    p.calls.map((inputs, i): ClientCase => ({ name: p.calls.length === 1 ? p.name : `${p.name} (call ${i + 1} of ${p.calls.length})`, inputs, tolerance, example: false, property: p.name })),
  );
  return {
    id: d.id,
    title: d.title,
    questionId: d.questionId,
    functionName: d.functionName,
    starter: d.starter,
    statement: d.statement,
    seed,
    cases: cases.map((c, i): ClientCase => {
      const example = i < examples;
      const tolerance = { abs: c.tolerance.abs, rel: c.tolerance.rel };
      return example || audience === 'panel' ? { name: c.name, inputs: c.inputs, expected: c.expected, tolerance, example } : { name: c.name, inputs: c.inputs, tolerance, example };
    }).concat(propertyCases),
  };
}

/** Throws ChallengeDefinitionError for the first rule a definition breaks. */
export function validateChallenges(definitions: readonly ChallengeDefinition[]): void {
  const seen = new Set<string>();
  for (const d of definitions) {
    const id = typeof d.id === 'string' ? d.id : String(d.id);
    const fail = (field: string, problem: string): never => {
      throw new ChallengeDefinitionError(id, field, problem);
    };
    if (!SLUG_PATTERN.test(id) || id.length > MAX_SLUG_CHARS) fail('id', `must be lowercase letters, digits and dashes, at most ${MAX_SLUG_CHARS} characters`);
    if ((NON_CHALLENGE_MODULES as readonly string[]).includes(id)) fail('id', `"${id}" is the name of a helper module`);
    if (seen.has(id)) fail('id', 'is used by two challenges');
    seen.add(id);
    if (!SLUG_PATTERN.test(d.questionId)) fail('questionId', 'must be a question id such as "q1"');
    if (!d.title?.trim() || d.title.length > MAX_QUESTION_TITLE_CHARS) fail('title', `must be 1 to ${MAX_QUESTION_TITLE_CHARS} characters`);
    if (!FUNCTION_NAME.test(d.functionName)) fail('functionName', 'must be a JavaScript identifier');
    if (!d.statement?.trim() || /\n/.test(d.statement)) fail('statement', 'must be one non-empty paragraph');
    if (!d.starter.includes(`export function ${d.functionName}(`)) fail('starter', `must declare "export function ${d.functionName}("`);
    checkTolerance(d.tolerance, 'tolerance', fail);
    if (typeof d.reference !== 'function') fail('reference', 'must be a function');
    if (d.cases.length < MIN_CASES || d.cases.length > MAX_CASES) fail('cases', `must have ${MIN_CASES} to ${MAX_CASES} cases, has ${d.cases.length}`);
    const names = new Set<string>();
    d.cases.forEach((c, i) => {
      if (!c.name?.trim()) fail(`cases[${i}].name`, 'must not be empty');
      if (names.has(c.name)) fail(`cases[${i}].name`, `"${c.name}" is used twice`);
      names.add(c.name);
      if (c.tolerance) checkTolerance(c.tolerance, `cases[${i}].tolerance`, fail);
    });
    const propertyNames = new Set<string>();
    (d.properties ?? []).forEach((p, i) => {
      if (!p.name?.trim() || propertyNames.has(p.name)) fail(`properties[${i}].name`, 'must be non-empty and unique');
      propertyNames.add(p.name);
      if (!p.description?.trim()) fail(`properties[${i}].description`, 'must not be empty');
      if (typeof p.make !== 'function' || typeof p.holds !== 'function') fail(`properties[${i}]`, 'must have make and holds functions');
    });
  }
}

function checkTolerance(t: Tolerance, field: string, fail: (field: string, problem: string) => never): void {
  const ok = (x: number) => Number.isFinite(x) && x >= 0;
  if (!ok(t.abs) || !ok(t.rel)) fail(field, 'abs and rel must be finite and at least 0');
}
