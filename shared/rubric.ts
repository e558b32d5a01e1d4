/**
 * The interview rubric and the arithmetic behind the scorecard: weighted scores, panel mean and
 * spread, and inter-rater agreement (Krippendorff's alpha).
 *
 * Pure data and functions (no Node, no DOM): the server uses it for the scorecard export and
 * the client panel for live totals, so both always compute the same numbers.
 *
 * The one rule everything here follows: an unscored item is MISSING, never zero. A zero would
 * drag a half-finished scorecard down and make "not yet scored" indistinguishable from "poor".
 * Instead every result carries its coverage, so a partial scorecard is never mistaken for a
 * full one.
 */

// ---- the rubric ---------------------------------------------------------------------------

/** What a 1, a 3 and a 5 look like for one sub-criterion; 2 and 4 sit between them. */
export interface ScoreAnchors {
  readonly 1: string;
  readonly 3: string;
  readonly 5: string;
}

interface SubCriterionDef {
  readonly id: string;
  readonly label: string;
  readonly anchors: ScoreAnchors;
}

interface CriterionDef {
  readonly id: string;
  readonly label: string;
  /** Percent of the overall score; the four criteria sum to 100. */
  readonly weight: number;
  readonly subCriteria: readonly SubCriterionDef[];
}

/**
 * The seed's Answer Quality Framework. The ids are defined here and are the source of truth for
 * the rubric's structure; shared/question.ts keeps its own SUB_CRITERION_IDS and a unit test
 * checks the two lists are the same set. The anchor texts are ours.
 */
export const RUBRIC = [
  {
    id: 'technical-depth',
    label: 'Technical depth',
    weight: 40,
    subCriteria: [
      {
        id: 'math-understanding',
        label: 'Mathematical understanding',
        anchors: {
          1: 'Misstates or cannot state the underlying math (objective, gradients, shapes).',
          3: 'Core equations are right, but why they hold or the finer details are shaky.',
          5: 'Derives the math fluently, checks shapes and scales, knows where approximations enter.',
        },
      },
      {
        id: 'implementation-details',
        label: 'Implementation details',
        anchors: {
          1: 'Describes the idea only; cannot turn it into code or concrete steps.',
          3: 'Mostly correct implementation with gaps (numerics, batching, masking).',
          5: 'Complete, correct implementation that handles numerical stability and shapes unprompted.',
        },
      },
      {
        id: 'system-design',
        label: 'System design considerations',
        anchors: {
          1: 'Ignores how the piece fits into a training or serving system.',
          3: 'Names the main components (data, compute, memory, serving) but not how they interact.',
          5: 'Places the solution in a realistic system: data flow, budgets, failures, deployment.',
        },
      },
      {
        id: 'optimization-awareness',
        label: 'Optimization awareness',
        anchors: {
          1: 'No sense of cost; cannot say what is slow or memory-hungry.',
          3: 'Knows the asymptotic cost and one or two standard optimizations.',
          5: 'Finds the real bottleneck (compute, memory, bandwidth) and targets it.',
        },
      },
    ],
  },
  {
    id: 'problem-solving',
    label: 'Problem-solving approach',
    weight: 30,
    subCriteria: [
      {
        id: 'structured-thinking',
        label: 'Structured thinking',
        anchors: {
          1: 'Jumps between ideas without a plan; hard to tell where the answer is going.',
          3: 'Has a plan and mostly follows it, with nudges to get back on track.',
          5: 'Clarifies the problem, decomposes it and works through the parts in a deliberate order.',
        },
      },
      {
        id: 'tradeoff-analysis',
        label: 'Trade-off analysis',
        anchors: {
          1: 'Presents one option as the only one; no alternatives weighed.',
          3: 'Mentions alternatives and some pros and cons, not tied to the requirements.',
          5: 'Weighs options against the stated constraints and says what the choice gives up.',
        },
      },
      {
        id: 'edge-cases',
        label: 'Edge case consideration',
        anchors: {
          1: 'Considers only the happy path.',
          3: 'Handles the obvious edge cases (empty input, zeros, padding) when asked.',
          5: 'Raises edge and failure cases unprompted (overflow, degenerate inputs, shift) and handles them.',
        },
      },
      {
        id: 'scalability',
        label: 'Scalability planning',
        anchors: {
          1: 'Works at toy size only; no thought about growth.',
          3: 'Sees what breaks at scale, but the plan to address it is vague.',
          5: 'Quantifies how cost grows and lays out a concrete path to 10x (sharding, batching, approximation).',
        },
      },
    ],
  },
  {
    id: 'communication',
    label: 'Communication',
    weight: 20,
    subCriteria: [
      {
        id: 'clear-explanations',
        label: 'Clear explanations',
        anchors: {
          1: 'Explanations confuse or skip essential steps.',
          3: 'Understandable with follow-up questions; some steps left implicit.',
          5: 'Clear, well-paced explanation a peer could reproduce; checks the listener is following.',
        },
      },
      {
        id: 'technical-language',
        label: 'Appropriate technical language',
        anchors: {
          1: 'Misuses or avoids core terms; vague wording hides gaps.',
          3: 'Mostly correct terminology with occasional imprecision.',
          5: 'Precise terms used correctly and defined when needed; no jargon for its own sake.',
        },
      },
      {
        id: 'visual-aids',
        label: 'Visual aids and diagrams',
        anchors: {
          1: 'No diagram where one would clearly help, or drawings that confuse.',
          3: 'Helpful but incomplete diagrams (missing labels, shapes or flow).',
          5: 'Labelled diagrams of shapes and data flow that carry the explanation.',
        },
      },
      {
        id: 'code-readability',
        label: 'Code readability',
        anchors: {
          1: 'Hard to follow: unclear names, no structure.',
          3: 'Readable, with some unclear names or tangled sections.',
          5: 'Clean, well-named, well-structured code that reads like the explanation.',
        },
      },
    ],
  },
  {
    id: 'innovation',
    label: 'Innovation & research mindset',
    weight: 10,
    subCriteria: [
      {
        id: 'novel-approaches',
        label: 'Novel approaches',
        anchors: {
          1: 'Recites the textbook answer only; no ideas of their own.',
          3: 'Suggests a sensible variation on the standard approach.',
          5: 'Proposes an original, well-reasoned approach and sketches how to test it.',
        },
      },
      {
        id: 'research-awareness',
        label: 'Research awareness',
        anchors: {
          1: 'Unaware of relevant recent work or standard baselines.',
          3: 'Knows the main papers or techniques by name and their gist.',
          5: 'Relates the problem to current research accurately, limitations and open questions included.',
        },
      },
      {
        id: 'future-directions',
        label: 'Future directions',
        anchors: {
          1: 'Cannot say what they would try next.',
          3: 'Names plausible next steps without prioritising them.',
          5: 'Proposes prioritised next steps and how each would be validated.',
        },
      },
      {
        id: 'critical-thinking',
        label: 'Critical thinking',
        anchors: {
          1: 'Takes claims, and their own results, at face value.',
          3: 'Questions some assumptions when prompted.',
          5: 'Challenges assumptions, spots failure modes, asks how a claim would be validated.',
        },
      },
    ],
  },
] as const satisfies readonly CriterionDef[];

export type Criterion = (typeof RUBRIC)[number];
export type CriterionId = Criterion['id'];
export type SubCriterion = Criterion['subCriteria'][number];
export type SubCriterionId = SubCriterion['id'];

export const CRITERION_IDS: readonly CriterionId[] = RUBRIC.map((c) => c.id);

/** All 16 sub-criterion ids in rubric order. */
export const RUBRIC_SUB_CRITERION_IDS: readonly SubCriterionId[] = RUBRIC.flatMap((c) =>
  c.subCriteria.map((s) => s.id),
);

const TOTAL_WEIGHT = RUBRIC.reduce((sum, c) => sum + c.weight, 0);

// ---- scores -------------------------------------------------------------------------------

export const SCORE_VALUES = [1, 2, 3, 4, 5] as const;
export type Score = (typeof SCORE_VALUES)[number];
const MIN_SCORE = 1;
const MAX_SCORE = 5;

export function isScore(value: unknown): value is Score {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_SCORE && value <= MAX_SCORE;
}

/** One interviewer's ratings for one question; an absent key means "not scored". */
export type QuestionScores = Partial<Record<SubCriterionId, Score>>;
/** One interviewer's ratings: questionId -> ratings. */
export type ScoreSheet = Record<string, QuestionScores>;
/** The panel: interviewerId -> that interviewer's sheet. */
export type PanelScores = Record<string, ScoreSheet>;

/**
 * Reads a rating, treating absence as missing. Anything present must be a 1-5 integer: the types
 * promise it, so a 0 or a 7 here is a bug upstream (validation belongs where the Y.Doc is read),
 * and silently skipping it would hide that bug inside a plausible-looking score.
 */
function ratingOf(scores: QuestionScores, id: SubCriterionId): Score | undefined {
  const value: unknown = scores[id];
  if (value === undefined) return undefined;
  if (!isScore(value)) throw new RangeError(`score for ${id} must be an integer 1-5, got ${String(value)}`);
  return value;
}

/** Maps a 1-5 rating (or a mean of ratings) onto 0-100: 1 -> 0, 3 -> 50, 5 -> 100. */
export function toPercent(rating: number): number {
  return ((rating - MIN_SCORE) / (MAX_SCORE - MIN_SCORE)) * 100;
}

// ---- one question -------------------------------------------------------------------------

export interface CriterionResult {
  /** 0-100 from the mean of the scored sub-criteria; null when none of them is scored. */
  score: number | null;
  scored: number;
  total: number;
}

export interface WeightedScore {
  /** 0-100, or null when nothing is scored. */
  score: number | null;
  /** Fraction of the 16 sub-criteria that are scored (0-1). */
  coverage: number;
  /**
   * Fraction of the rubric's weight that is backed by a rating (0-1): each sub-criterion carries
   * its criterion's weight divided by the criterion's sub-criterion count (technical depth's
   * four carry 10% each). Only technical depth fully scored -> 0.4; one of its sub-criteria -> 0.1.
   */
  weightCovered: number;
  scored: number;
  total: number;
  perCriterion: Record<CriterionId, CriterionResult>;
}

/**
 * The 0-100 score of one interviewer's ratings for one question.
 *
 *   criterion score  s_c = (mean of the SCORED sub-criteria of c - 1) / 4 * 100
 *   overall          S   = sum_{c in P} w_c * s_c / sum_{c in P} w_c
 *
 * where P is the set of criteria with at least one scored sub-criterion and w_c the weights
 * (40/30/20/10). Renormalising the weights over P is deliberate: a question that only probes
 * technical depth is scored on technical depth, rather than losing the 60% it never asked about.
 * The cost is that a thinly scored question reads as a complete one, which is why `coverage` and
 * `weightCovered` travel with every score: show them next to it.
 */
export function weightedScore(scores: QuestionScores): WeightedScore {
  const perCriterion = {} as Record<CriterionId, CriterionResult>;
  let weightedSum = 0;
  let presentWeight = 0;
  let scoredTotal = 0;
  let weightCovered = 0;
  for (const criterion of RUBRIC) {
    const ratings: number[] = [];
    for (const sub of criterion.subCriteria) {
      const rating = ratingOf(scores, sub.id);
      if (rating !== undefined) ratings.push(rating);
    }
    const total = criterion.subCriteria.length;
    const mean = ratings.length > 0 ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null;
    const score = mean === null ? null : toPercent(mean);
    perCriterion[criterion.id] = { score, scored: ratings.length, total };
    scoredTotal += ratings.length;
    weightCovered += (criterion.weight * ratings.length) / total;
    if (score !== null) {
      weightedSum += criterion.weight * score;
      presentWeight += criterion.weight;
    }
  }
  const total = RUBRIC_SUB_CRITERION_IDS.length;
  return {
    score: presentWeight > 0 ? weightedSum / presentWeight : null,
    coverage: scoredTotal / total,
    weightCovered: weightCovered / TOTAL_WEIGHT,
    scored: scoredTotal,
    total,
    perCriterion,
  };
}

// ---- coverage: one definition, one wording ------------------------------------------------

/**
 * How much of the rubric a score rests on, said the same way everywhere it is shown (the live
 * panel, the scorecard page, the Markdown and JSON exports; issue 13 found "12/16 · 90% of
 * weight" in the panel and "75% scored" in the export for the same ratings). Coverage is the
 * share of the rubric's WEIGHT backed by a rating (`weightCovered`), with the count beside it:
 * a sub-criterion of technical depth (40% over 4) covers more than one of innovation (10% over 4),
 * so a plain item count would overstate thin evidence on the heavy criteria.
 */
export function coveragePercent(fraction: number): string {
  return `${Math.round(Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100)}%`;
}

/** One question: "12/16 · 90% of weight" (sub-criteria scored, share of the weight). */
export function coverageLabel(scored: number, total: number, weightCovered: number): string {
  return `${scored}/${total} · ${coveragePercent(weightCovered)} of weight`;
}

/** All questions: "2/3 questions · 40% of weight" (questions with a score, mean share of the weight). */
export function overallCoverageLabel(questionsScored: number, questionsTotal: number, weightCovered: number): string {
  return `${questionsScored}/${questionsTotal} question${questionsTotal === 1 ? '' : 's'} · ${coveragePercent(weightCovered)} of weight`;
}

export function questionCoverage(result: Pick<WeightedScore, 'scored' | 'total' | 'weightCovered'>): string {
  return coverageLabel(result.scored, result.total, result.weightCovered);
}

export function overallCoverage(result: Pick<OverallScore, 'questionsScored' | 'questionsTotal' | 'weightCovered'>): string {
  return overallCoverageLabel(result.questionsScored, result.questionsTotal, result.weightCovered);
}

// ---- one interviewer, all questions -------------------------------------------------------

export interface OverallScore {
  /** 0-100 mean of the per-question scores of the scored questions; null when none is scored. */
  score: number | null;
  /** Scored (question, sub-criterion) items over 16 x the number of questions (0-1). */
  coverage: number;
  /** Mean of the per-question weightCovered, unscored questions counting 0 (0-1). */
  weightCovered: number;
  questionsScored: number;
  questionsTotal: number;
  perQuestion: Record<string, WeightedScore>;
}

/**
 * One interviewer's score across questions.
 *
 *   S = mean over scored questions q of S_q      (S_q from weightedScore; unscored q are missing)
 *
 * Each scored question counts equally rather than by its coverage. Questions are the units the
 * interview is planned in, and an interviewer scores only the sub-criteria a question actually
 * probes (code readability means nothing on a pure derivation). Weighting by coverage would let
 * the question with the most applicable boxes dominate, and would make the total depend on how
 * many boxes were ticked rather than on how well the candidate did. Thin evidence shows up in
 * `coverage` and `questionsScored` instead of silently reshaping the score.
 *
 * `questionIds` is the interview's question list: listed questions nobody scored count against
 * coverage, and sheet entries for questions not listed (e.g. dropped from the interview) are
 * ignored. Without it, the sheet's own keys are the questions.
 */
export function overallScore(sheet: ScoreSheet, questionIds?: readonly string[]): OverallScore {
  const ids = questionIds ?? Object.keys(sheet);
  const perQuestion = Object.create(null) as Record<string, WeightedScore>;
  const questionScores: number[] = [];
  let scored = 0;
  let weightCovered = 0;
  for (const id of ids) {
    const result = weightedScore(Object.hasOwn(sheet, id) ? (sheet[id] ?? {}) : {});
    perQuestion[id] = result;
    scored += result.scored;
    weightCovered += result.weightCovered;
    if (result.score !== null) questionScores.push(result.score);
  }
  const items = ids.length * RUBRIC_SUB_CRITERION_IDS.length;
  return {
    score: mean(questionScores),
    coverage: items > 0 ? scored / items : 0,
    weightCovered: ids.length > 0 ? weightCovered / ids.length : 0,
    questionsScored: questionScores.length,
    questionsTotal: ids.length,
    perQuestion,
  };
}

// ---- mean and spread ----------------------------------------------------------------------

export interface Spread {
  n: number;
  /** Arithmetic mean; null when n = 0. */
  mean: number | null;
  /** Lowest and highest value; null when n = 0. */
  min: number | null;
  max: number | null;
  /** max - min; null when n < 2, because one rater has nobody to disagree with. */
  range: number | null;
  /**
   * Sample standard deviation, sqrt(sum (x - mean)^2 / (n - 1)): the raters are a sample of the
   * interviewers who could have scored. Null when n < 2, where it is undefined.
   */
  sd: number | null;
}

function mean(values: readonly number[]): number | null {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const m = mean(values);
  if (m === null) return { n, mean: null, min: null, max: null, range: null, sd: null };
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (n < 2) return { n, mean: m, min, max, range: null, sd: null };
  const squares = values.reduce((sum, x) => sum + (x - m) ** 2, 0);
  return { n, mean: m, min, max, range: max - min, sd: Math.sqrt(squares / (n - 1)) };
}

// ---- Krippendorff's alpha -----------------------------------------------------------------

export type AlphaMetric = 'interval' | 'nominal' | 'ordinal' | 'ratio';

/** Why alpha could not be computed, with a sentence for the panel. */
export const ALPHA_NULL_REASONS = {
  'no-pairable-values': 'No item was rated by two or more raters, so there is nothing to compare.',
  'no-variation':
    'Every paired rating has the same value, so the expected disagreement is zero and alpha is undefined.',
} as const;
export type AlphaNullReason = keyof typeof ALPHA_NULL_REASONS;

export type AlphaResult =
  | {
      alpha: number;
      /** D_o, the observed disagreement. */
      observed: number;
      /** D_e, the disagreement expected by chance. */
      expected: number;
      /** n, the number of pairable values (values in units with two or more values). */
      pairableValues: number;
      pairableUnits: number;
    }
  | { alpha: null; reason: AlphaNullReason; pairableValues: number; pairableUnits: number };

/**
 * Krippendorff's alpha by the coincidence-matrix method of Krippendorff (2011), "Computing
 * Krippendorff's Alpha-Reliability". `data` is coders x units; null is a missing value.
 *
 * Only units with m_u >= 2 values are pairable; the others are dropped. Over pairable units:
 *
 *   coincidences  o_ck = sum_u (number of ordered pairs (c, k) of values from different coders
 *                               in u) / (m_u - 1)
 *   marginals     n_c  = sum_k o_ck,   n = sum_c n_c   (= the number of pairable values)
 *   observed      D_o  = (1 / n) sum_c sum_k o_ck delta^2_ck
 *   expected      D_e  = (1 / (n (n - 1))) sum_c sum_k n_c n_k delta^2_ck
 *   alpha              = 1 - D_o / D_e
 *
 * Differences delta^2_ck by metric (c, k are values; for ordinal, g runs over the distinct values
 * in rank order between c and k inclusive):
 *
 *   nominal   0 if c = k, else 1
 *   ordinal   (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
 *   interval  (c - k)^2
 *   ratio     ((c - k) / (c + k))^2        (0 when c = k = 0; values must be >= 0)
 *
 * Returns alpha null with a reason when no unit is pairable, or when D_e = 0 (all pairable values
 * equal): agreement is then perfect in fact, but alpha is 0/0 and reporting 1 would claim a
 * reliability the data cannot show.
 */
export function krippendorffAlpha(
  data: readonly (readonly (number | null)[])[],
  metric: AlphaMetric = 'interval',
): AlphaResult {
  const unitCount = data[0]?.length ?? 0;
  for (const [coder, row] of data.entries()) {
    if (row.length !== unitCount) {
      throw new RangeError(`coder ${coder} has ${row.length} units, expected ${unitCount}`);
    }
    for (const value of row) {
      if (value === null) continue;
      if (!Number.isFinite(value)) throw new RangeError(`values must be finite numbers or null, got ${value}`);
      if (metric === 'ratio' && value < 0) throw new RangeError(`ratio values must be >= 0, got ${value}`);
    }
  }

  // Values per pairable unit.
  const units: number[][] = [];
  for (let u = 0; u < unitCount; u++) {
    const values: number[] = [];
    for (const row of data) {
      const value = row[u];
      if (value !== null && value !== undefined) values.push(value);
    }
    if (values.length >= 2) units.push(values);
  }

  // Distinct values in ascending order: the ordinal metric needs them ranked.
  const distinct = [...new Set(units.flat())].sort((a, b) => a - b);
  const index = new Map(distinct.map((v, i) => [v, i]));
  const v = distinct.length;

  const o: number[][] = distinct.map(() => new Array<number>(v).fill(0));
  for (const values of units) {
    const counts = new Array<number>(v).fill(0);
    for (const value of values) counts[index.get(value)!]! += 1;
    const m = values.length;
    for (let c = 0; c < v; c++) {
      const nc = counts[c]!;
      if (nc === 0) continue;
      for (let k = 0; k < v; k++) {
        // Pairs of different coders: a value cannot pair with itself, hence nc - 1 on the diagonal.
        const pairs = c === k ? nc * (nc - 1) : nc * counts[k]!;
        if (pairs > 0) o[c]![k]! += pairs / (m - 1);
      }
    }
  }

  const marginals = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = marginals.reduce((a, b) => a + b, 0);
  const pairableValues = units.reduce((sum, values) => sum + values.length, 0);
  const pairableUnits = units.length;
  if (pairableUnits === 0) {
    return { alpha: null, reason: 'no-pairable-values', pairableValues, pairableUnits };
  }

  const delta2 = differenceFunction(metric, distinct, marginals);
  let observedSum = 0;
  let expectedSum = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      const d = delta2(c, k);
      if (d === 0) continue;
      observedSum += o[c]![k]! * d;
      expectedSum += marginals[c]! * marginals[k]! * d;
    }
  }
  // With a single distinct value every delta is exactly 0 and expectedSum is exactly 0.
  if (expectedSum === 0) return { alpha: null, reason: 'no-variation', pairableValues, pairableUnits };
  const observed = observedSum / n;
  const expected = expectedSum / (n * (n - 1));
  return { alpha: 1 - observed / expected, observed, expected, pairableValues, pairableUnits };
}

/** delta^2 over value indices into `values` (ascending); see krippendorffAlpha for the formulas. */
function differenceFunction(
  metric: AlphaMetric,
  values: readonly number[],
  marginals: readonly number[],
): (c: number, k: number) => number {
  switch (metric) {
    case 'nominal':
      return (c, k) => (c === k ? 0 : 1);
    case 'interval':
      return (c, k) => (values[c]! - values[k]!) ** 2;
    case 'ratio':
      return (c, k) => {
        const a = values[c]!;
        const b = values[k]!;
        return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
      };
    case 'ordinal': {
      // cumulative[i] = n_0 + ... + n_{i-1}, so sum_{g=lo..hi} n_g = cumulative[hi+1] - cumulative[lo].
      const cumulative = [0];
      for (const nc of marginals) cumulative.push(cumulative[cumulative.length - 1]! + nc);
      return (c, k) => {
        if (c === k) return 0;
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        const between = cumulative[hi + 1]! - cumulative[lo]!;
        return (between - (marginals[c]! + marginals[k]!) / 2) ** 2;
      };
    }
  }
}

// ---- the panel ----------------------------------------------------------------------------

export interface RaterScore {
  /** 0-100, or null when this interviewer scored nothing here. */
  score: number | null;
  coverage: number;
}

export interface PanelStats extends Spread {
  /** Every interviewer in the panel, scored or not. */
  byInterviewer: Record<string, RaterScore>;
  /** Interviewers with a non-null score: the n of the mean and spread. */
  raters: number;
}

export type PanelAgreement =
  | {
      alpha: number;
      metric: 'interval';
      /** Interviewers who rated at least one item that another interviewer also rated. */
      coders: number;
      pairableUnits: number;
      pairableValues: number;
    }
  | { alpha: null; metric: 'interval'; reason: AlphaNullReason; message: string };

export interface PanelSummary {
  perQuestion: Record<string, PanelStats>;
  /** Over each interviewer's overallScore for questionIds. */
  overall: PanelStats;
  agreement: PanelAgreement;
}

function panelStats(byInterviewer: Record<string, RaterScore>): PanelStats {
  const scores = Object.values(byInterviewer)
    .map((r) => r.score)
    .filter((s): s is number => s !== null);
  return { ...spread(scores), byInterviewer, raters: scores.length };
}

/**
 * The panel's view of the candidate: per question and overall, each interviewer's score, the
 * panel mean and spread (see `spread`) over the interviewers who scored; and agreement.
 *
 * Agreement is Krippendorff's alpha, interval metric, on the raw 1-5 ratings: units are the
 * (question, sub-criterion) items of `questionIds`, coders are the interviewers, unscored items
 * are missing. Rating items rather than the 0-100 aggregates measures whether interviewers read
 * the rubric the same way, and gives alpha enough units to mean something. Interval, because the
 * scores are averaged as if equally spaced everywhere else in this file.
 */
export function panelSummary(panel: PanelScores, questionIds: readonly string[]): PanelSummary {
  // Every map here is keyed by ids from the panel doc: prototype-less, so an id like `__proto__`
  // is a key like any other instead of a way to reach Object.prototype (issue 12).
  const interviewers = Object.keys(panel).sort();
  const overallById = Object.create(null) as Record<string, OverallScore>;
  for (const id of interviewers) overallById[id] = overallScore(panel[id]!, questionIds);

  const perQuestion = Object.create(null) as Record<string, PanelStats>;
  for (const q of questionIds) {
    const byInterviewer = Object.create(null) as Record<string, RaterScore>;
    for (const id of interviewers) {
      const { score, coverage } = overallById[id]!.perQuestion[q]!;
      byInterviewer[id] = { score, coverage };
    }
    perQuestion[q] = panelStats(byInterviewer);
  }
  const overallBy = Object.create(null) as Record<string, RaterScore>;
  for (const id of interviewers) {
    const { score, coverage } = overallById[id]!;
    overallBy[id] = { score, coverage };
  }

  // coders x units, units in (question, sub-criterion) order.
  const data = interviewers.map((id) => {
    const sheet = panel[id]!;
    return questionIds.flatMap((q) => {
      const scores = Object.hasOwn(sheet, q) ? (sheet[q] ?? {}) : {};
      return RUBRIC_SUB_CRITERION_IDS.map((sub) => ratingOf(scores, sub) ?? null);
    });
  });
  const result = krippendorffAlpha(data, 'interval');
  let agreement: PanelAgreement;
  if (result.alpha === null) {
    agreement = { alpha: null, metric: 'interval', reason: result.reason, message: ALPHA_NULL_REASONS[result.reason] };
  } else {
    const coders = data.filter((row) =>
      row.some((value, u) => value !== null && data.some((other) => other !== row && other[u] !== null)),
    ).length;
    agreement = {
      alpha: result.alpha,
      metric: 'interval',
      coders,
      pairableUnits: result.pairableUnits,
      pairableValues: result.pairableValues,
    };
  }

  return { perQuestion, overall: panelStats(overallBy), agreement };
}
