import { describe, expect, expectTypeOf, it } from 'vitest';
import { SUB_CRITERION_IDS, type SubCriterionId as QuestionSubCriterionId } from '../../shared/question.js';
import {
  ALPHA_NULL_REASONS,
  CRITERION_IDS,
  RUBRIC,
  RUBRIC_SUB_CRITERION_IDS,
  coverageLabel,
  coveragePercent,
  overallCoverage,
  overallCoverageLabel,
  questionCoverage,
  isScore,
  krippendorffAlpha,
  overallScore,
  panelSummary,
  spread,
  toPercent,
  weightedScore,
  type PanelScores,
  type QuestionScores,
  type Score,
  type SubCriterionId,
} from '../../shared/rubric.js';

const _ = null;

/** Every sub-criterion rated `score`. */
function all(score: Score): QuestionScores {
  return Object.fromEntries(RUBRIC_SUB_CRITERION_IDS.map((id) => [id, score])) as QuestionScores;
}

/** Every sub-criterion of one criterion rated `score`. */
function criterion(id: (typeof CRITERION_IDS)[number], score: Score): QuestionScores {
  const c = RUBRIC.find((x) => x.id === id)!;
  return Object.fromEntries(c.subCriteria.map((s) => [s.id, score])) as QuestionScores;
}

/** Throws if an AlphaResult is null; narrows it for the assertions that follow. */
function alphaOf(result: ReturnType<typeof krippendorffAlpha>): number {
  if (result.alpha === null) throw new Error(`alpha is null: ${result.reason}`);
  return result.alpha;
}

describe('RUBRIC', () => {
  it('weights sum to 100 in the seed order 40/30/20/10', () => {
    expect(RUBRIC.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    expect(RUBRIC.map((c) => [c.id, c.weight])).toEqual([
      ['technical-depth', 40],
      ['problem-solving', 30],
      ['communication', 20],
      ['innovation', 10],
    ]);
  });

  it('has 4 criteria of 4 sub-criteria: 16 unique ids', () => {
    expect(RUBRIC).toHaveLength(4);
    for (const c of RUBRIC) expect(c.subCriteria).toHaveLength(4);
    expect(RUBRIC_SUB_CRITERION_IDS).toHaveLength(16);
    expect(new Set(RUBRIC_SUB_CRITERION_IDS).size).toBe(16);
    expect(new Set(CRITERION_IDS).size).toBe(4);
  });

  it('gives every sub-criterion a label and a 1/3/5 anchor', () => {
    for (const c of RUBRIC) {
      for (const s of c.subCriteria) {
        expect(s.label.length).toBeGreaterThan(0);
        for (const text of [s.anchors[1], s.anchors[3], s.anchors[5]]) expect(text.length).toBeGreaterThan(0);
      }
    }
  });

  it("has the same sub-criterion ids as shared/question.ts's SUB_CRITERION_IDS", () => {
    expect(new Set(SUB_CRITERION_IDS)).toEqual(new Set(RUBRIC_SUB_CRITERION_IDS));
    expect(SUB_CRITERION_IDS).toHaveLength(RUBRIC_SUB_CRITERION_IDS.length);
    expectTypeOf<QuestionSubCriterionId>().toEqualTypeOf<SubCriterionId>();
  });
});

describe('scores', () => {
  it('accepts only the integers 1-5', () => {
    for (const s of [1, 2, 3, 4, 5]) expect(isScore(s)).toBe(true);
    for (const s of [0, 6, 2.5, Number.NaN, '3', null, undefined]) expect(isScore(s)).toBe(false);
  });

  it('maps 1-5 onto 0-100 linearly', () => {
    expect([1, 2, 3, 4, 5].map(toPercent)).toEqual([0, 25, 50, 75, 100]);
  });
});

describe('weightedScore', () => {
  it('all 5 -> 100, all 1 -> 0, all 3 -> 50, fully covered', () => {
    expect(weightedScore(all(5))).toMatchObject({ score: 100, coverage: 1, weightCovered: 1, scored: 16, total: 16 });
    expect(weightedScore(all(1)).score).toBe(0);
    expect(weightedScore(all(3)).score).toBe(50);
  });

  it('returns null with zero coverage when nothing is scored', () => {
    const r = weightedScore({});
    expect(r.score).toBeNull();
    expect(r.coverage).toBe(0);
    expect(r.weightCovered).toBe(0);
    for (const id of CRITERION_IDS) expect(r.perCriterion[id]).toEqual({ score: null, scored: 0, total: 4 });
  });

  it('renormalises weights over the criteria that were scored: only technical depth -> its own score', () => {
    const r = weightedScore({
      'math-understanding': 5,
      'implementation-details': 4,
      'system-design': 3,
      'optimization-awareness': 4,
    });
    // mean 4 -> 75; the other 60% of weight is absent, not zero.
    expect(r.perCriterion['technical-depth']).toEqual({ score: 75, scored: 4, total: 4 });
    expect(r.score).toBe(75);
    expect(r.coverage).toBe(4 / 16);
    expect(r.weightCovered).toBeCloseTo(0.4, 12);
    expect(r.perCriterion['problem-solving'].score).toBeNull();
  });

  it('treats unscored as missing, not zero: one 5 alone is 100 at 1/16 coverage, not 6.25', () => {
    const r = weightedScore({ 'critical-thinking': 5 });
    expect(r.score).toBe(100);
    expect(r.coverage).toBe(1 / 16);
    // critical thinking is a quarter of innovation's 10%.
    expect(r.weightCovered).toBeCloseTo(0.025, 12);
    expect(r.perCriterion.innovation).toEqual({ score: 100, scored: 1, total: 4 });
  });

  it('averages only the scored sub-criteria within a criterion', () => {
    // 2 and 4 scored in communication: mean 3 -> 50, whatever the other two would have been.
    const r = weightedScore({ 'clear-explanations': 2, 'code-readability': 4 });
    expect(r.perCriterion.communication).toEqual({ score: 50, scored: 2, total: 4 });
    expect(r.score).toBe(50);
    expect(r.weightCovered).toBeCloseTo(0.1, 12);
  });

  it('weights the criteria 40/30/20/10 when all are present', () => {
    const r = weightedScore({
      ...criterion('technical-depth', 5), // 100
      ...criterion('problem-solving', 3), // 50
      ...criterion('communication', 1), // 0
      ...criterion('innovation', 4), // 75
    });
    expect(r.score).toBeCloseTo((40 * 100 + 30 * 50 + 20 * 0 + 10 * 75) / 100, 12); // 62.5
  });

  it('renormalises over two present criteria', () => {
    // technical depth 100 (w 40), communication 0 (w 20): 40*100 / 60 = 66.67.
    const r = weightedScore({ 'math-understanding': 5, 'visual-aids': 1 });
    expect(r.score).toBeCloseTo(200 / 3, 12);
    expect(r.coverage).toBe(2 / 16);
    expect(r.weightCovered).toBeCloseTo(0.15, 12);
  });

  it('throws on a value that is not a 1-5 integer (a bug upstream, not a missing score)', () => {
    expect(() => weightedScore({ 'edge-cases': 0 as Score })).toThrow(RangeError);
    expect(() => weightedScore({ 'edge-cases': 6 as Score })).toThrow(/edge-cases/);
  });

  it('ignores keys that are not rubric sub-criteria', () => {
    const r = weightedScore({ 'edge-cases': 4, bogus: 1 } as QuestionScores);
    expect(r.score).toBe(75);
    expect(r.scored).toBe(1);
  });
});

describe('overallScore', () => {
  it('is the unweighted mean of the scored questions, each counting once regardless of coverage', () => {
    const r = overallScore({
      q1: all(5), // 100 at coverage 1
      q2: { 'math-understanding': 1 }, // 0 at coverage 1/16
    });
    // Coverage-weighting would give (1*100 + 1/16*0) / (17/16) = 94.1; we report 50.
    expect(r.score).toBe(50);
    expect(r.questionsScored).toBe(2);
    expect(r.questionsTotal).toBe(2);
    expect(r.coverage).toBe(17 / 32);
    expect(r.perQuestion.q2!.coverage).toBe(1 / 16);
  });

  it('counts listed but unscored questions as missing, and against coverage', () => {
    const r = overallScore({ q1: all(4) }, ['q1', 'q2', 'q3']);
    expect(r.score).toBe(75);
    expect(r.questionsScored).toBe(1);
    expect(r.questionsTotal).toBe(3);
    expect(r.coverage).toBeCloseTo(1 / 3, 12);
    expect(r.weightCovered).toBeCloseTo(1 / 3, 12);
    expect(r.perQuestion.q3!.score).toBeNull();
  });

  it('ignores questions not in questionIds', () => {
    const r = overallScore({ q1: all(5), dropped: all(1) }, ['q1']);
    expect(r.score).toBe(100);
    expect(Object.keys(r.perQuestion)).toEqual(['q1']);
  });

  it('is null when nothing is scored', () => {
    expect(overallScore({}).score).toBeNull();
    expect(overallScore({}, ['q1']).coverage).toBe(0);
    expect(overallScore({ q1: {} }).questionsScored).toBe(0);
  });
});

describe('spread', () => {
  it('reports mean, min-max range and the sample standard deviation', () => {
    const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.range).toBe(7);
    // sum of squared deviations 32; sample sd sqrt(32/7), not the population sd of 2.
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });

  it('has no range or sd with one value, and nothing with none', () => {
    expect(spread([70])).toEqual({ n: 1, mean: 70, min: 70, max: 70, range: null, sd: null });
    expect(spread([])).toEqual({ n: 0, mean: null, min: null, max: null, range: null, sd: null });
  });
});

describe('krippendorffAlpha', () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers x 12 units with
  // missing values. Published: nominal .743, ordinal .815, interval .849, ratio .797.
  const KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
  ];

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('reproduces Krippendorff (2011) %s alpha = %s', (metric, published) => {
    expect(alphaOf(krippendorffAlpha(KRIPPENDORFF_2011, metric))).toBeCloseTo(published, 3);
  });

  it('drops the unpairable unit 12 (one value) and counts 40 pairable values in 11 units', () => {
    const r = krippendorffAlpha(KRIPPENDORFF_2011, 'nominal');
    expect(r.pairableUnits).toBe(11);
    expect(r.pairableValues).toBe(40);
    // Nominal: alpha = 1 - (n - 1) * (off-diagonal coincidences) / sum_{c != k} n_c n_k. Unit 6
    // (1,2,3,4) contributes 12 ordered pairs / 3 = 4, units 2 and 8 (three alike, one odd) 6 / 3 = 2
    // each: off-diagonal total 8. Marginals n_1..n_5 = 9, 13, 10, 5, 3, so
    // sum_{c != k} n_c n_k = 40^2 - (81 + 169 + 100 + 25 + 9) = 1216.
    expect(alphaOf(r)).toBeCloseTo(1 - (39 * 8) / 1216, 12);
  });

  it('defaults to the interval metric', () => {
    expect(alphaOf(krippendorffAlpha(KRIPPENDORFF_2011))).toBeCloseTo(0.849, 3);
  });

  // The Wikipedia article's computational example (3 coders x 15 units, missing values):
  // nominal 0.691, interval 0.811; the same figures appear in the test suite of the widely used
  // Python package `krippendorff` (0.691358, 0.810845).
  const WIKIPEDIA = [
    [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
    [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
    [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
  ];

  it('reproduces the Wikipedia example: nominal 0.691, interval 0.811', () => {
    expect(alphaOf(krippendorffAlpha(WIKIPEDIA, 'nominal'))).toBeCloseTo(0.691358, 6);
    expect(alphaOf(krippendorffAlpha(WIKIPEDIA, 'interval'))).toBeCloseTo(0.810845, 6);
  });

  it('reproduces Krippendorff (2011) binary data, two observers, no missing values: 0.095', () => {
    const binary = [
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ];
    // o_00 = 10, o_01 = o_10 = 4, o_11 = 2; n_0 = 14, n_1 = 6, n = 20: 1 - 19 * 4 / (14 * 6).
    const a = alphaOf(krippendorffAlpha(binary, 'nominal'));
    expect(a).toBeCloseTo(1 - 76 / 84, 12);
    expect(a).toBeCloseTo(0.095, 3);
    // Two values only: every metric but ratio reduces to the nominal one up to a constant factor.
    expect(alphaOf(krippendorffAlpha(binary, 'interval'))).toBeCloseTo(a, 12);
    expect(alphaOf(krippendorffAlpha(binary, 'ordinal'))).toBeCloseTo(a, 12);
  });

  it('is 1 on perfect agreement with variation, for every metric', () => {
    const data = [
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
      [1, 2, 3, _, 5],
    ];
    for (const metric of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      expect(krippendorffAlpha(data, metric).alpha).toBe(1);
    }
  });

  it('is null when no unit has values from two coders', () => {
    const r = krippendorffAlpha([
      [1, _, 3],
      [_, 2, _],
    ]);
    expect(r).toEqual({ alpha: null, reason: 'no-pairable-values', pairableValues: 0, pairableUnits: 0 });
    expect(krippendorffAlpha([[1, 2, 3]]).alpha).toBeNull();
    expect(krippendorffAlpha([]).alpha).toBeNull();
  });

  it('is null, with a reason, when expected disagreement is zero (every pairable value equal)', () => {
    const r = krippendorffAlpha([
      [4, 4, 4, 2],
      [4, 4, _, _],
    ]);
    // The 2 is unpairable, so the pairable values are all 4: alpha is 0/0.
    expect(r).toMatchObject({ alpha: null, reason: 'no-variation', pairableUnits: 2, pairableValues: 4 });
    expect(ALPHA_NULL_REASONS['no-variation']).toMatch(/expected disagreement is zero/);
    expect(krippendorffAlpha([[0, 0], [0, 0]], 'ratio').alpha).toBeNull();
  });

  it('goes negative for systematic disagreement', () => {
    expect(alphaOf(krippendorffAlpha([
      [1, 5, 1, 5],
      [5, 1, 5, 1],
    ]))).toBeLessThan(0);
  });

  it('does not depend on coder or unit order', () => {
    const reversed = KRIPPENDORFF_2011.map((row) => [...row].reverse()).reverse();
    for (const metric of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
      expect(alphaOf(krippendorffAlpha(reversed, metric))).toBeCloseTo(
        alphaOf(krippendorffAlpha(KRIPPENDORFF_2011, metric)),
        12,
      );
    }
  });

  it('rejects ragged rows, non-finite values and negative ratio values', () => {
    expect(() => krippendorffAlpha([[1, 2], [1]])).toThrow(RangeError);
    expect(() => krippendorffAlpha([[1, Number.NaN], [1, 2]])).toThrow(RangeError);
    expect(() => krippendorffAlpha([[-1, 2], [1, 2]], 'ratio')).toThrow(RangeError);
  });
});

describe('panelSummary', () => {
  it('reports each interviewer, the panel mean and spread per question and overall', () => {
    const panel: PanelScores = {
      alice: { q1: all(5), q2: all(3) }, // q1 100, q2 50, overall 75
      bob: { q1: all(4), q2: all(1) }, // q1 75, q2 0, overall 37.5
      carol: { q1: all(2) }, // q1 25, q2 unscored, overall 25
    };
    const s = panelSummary(panel, ['q1', 'q2']);

    const q1 = s.perQuestion.q1!;
    expect(q1.byInterviewer).toEqual({
      alice: { score: 100, coverage: 1 },
      bob: { score: 75, coverage: 1 },
      carol: { score: 25, coverage: 1 },
    });
    expect(q1.raters).toBe(3);
    expect(q1.mean).toBeCloseTo(200 / 3, 12);
    expect(q1.range).toBe(75);
    expect(q1.sd).toBeCloseTo(Math.sqrt(((100 - 200 / 3) ** 2 + (75 - 200 / 3) ** 2 + (25 - 200 / 3) ** 2) / 2), 12);

    const q2 = s.perQuestion.q2!;
    expect(q2.byInterviewer.carol).toEqual({ score: null, coverage: 0 });
    expect(q2.raters).toBe(2);
    expect(q2.mean).toBe(25);
    expect(q2.range).toBe(50);
    expect(q2.sd).toBeCloseTo(Math.sqrt(2 * 25 ** 2), 12);

    expect(s.overall.byInterviewer).toEqual({
      alice: { score: 75, coverage: 1 },
      bob: { score: 37.5, coverage: 1 },
      carol: { score: 25, coverage: 0.5 },
    });
    expect(s.overall.raters).toBe(3);
    expect(s.overall.mean).toBeCloseTo(137.5 / 3, 12);
    expect(s.overall.min).toBe(25);
    expect(s.overall.max).toBe(75);
    expect(s.overall.range).toBe(50);
  });

  it('computes agreement as interval alpha over (question, sub-criterion) items', () => {
    // Lay the Krippendorff (2011) data out as ratings: unit u is the u-th item of q1 then q2.
    const data = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    const items = ['q1', 'q2'].flatMap((q) => RUBRIC_SUB_CRITERION_IDS.map((sub) => [q, sub] as const));
    const panel: PanelScores = {};
    data.forEach((row, coder) => {
      const sheet: Record<string, QuestionScores> = {};
      row.forEach((value, u) => {
        if (value === null) return;
        const [q, sub] = items[u * 2]!; // spread the units over both questions
        (sheet[q] ??= {})[sub] = value as Score;
      });
      panel[`interviewer-${coder}`] = sheet;
    });
    const s = panelSummary(panel, ['q1', 'q2']);
    expect(s.agreement).toMatchObject({ metric: 'interval', coders: 4, pairableUnits: 11, pairableValues: 40 });
    expect(s.agreement.alpha).toBeCloseTo(0.849, 3);
  });

  it('has null agreement when only one interviewer scored, or none overlap', () => {
    const one = panelSummary({ alice: { q1: all(4) }, bob: {} }, ['q1']);
    expect(one.agreement).toMatchObject({ alpha: null, reason: 'no-pairable-values' });
    expect(one.perQuestion.q1!.raters).toBe(1);
    expect(one.perQuestion.q1!.range).toBeNull();
    expect(one.perQuestion.q1!.sd).toBeNull();

    const disjoint = panelSummary(
      { alice: { q1: criterion('technical-depth', 4) }, bob: { q1: criterion('communication', 2) } },
      ['q1'],
    );
    expect(disjoint.agreement.alpha).toBeNull();
    expect(disjoint.perQuestion.q1!.raters).toBe(2);
  });

  it('has null agreement with a reason when everyone gave the same score everywhere', () => {
    const s = panelSummary({ alice: { q1: all(4) }, bob: { q1: all(4) } }, ['q1']);
    expect(s.agreement).toEqual({
      alpha: null,
      metric: 'interval',
      reason: 'no-variation',
      message: ALPHA_NULL_REASONS['no-variation'],
    });
    expect(s.perQuestion.q1!.range).toBe(0);
    expect(s.perQuestion.q1!.sd).toBe(0);
  });

  it('counts as coders only the interviewers whose ratings overlap with another', () => {
    const s = panelSummary(
      {
        alice: { q1: { 'edge-cases': 2, scalability: 4 } },
        bob: { q1: { 'edge-cases': 3, scalability: 5 } },
        carol: { q1: { 'visual-aids': 1 } }, // rated an item nobody else rated
      },
      ['q1'],
    );
    expect(s.agreement).toMatchObject({ coders: 2, pairableUnits: 2, pairableValues: 4 });
    expect(s.overall.raters).toBe(3);
  });

  it('is perfect agreement (alpha 1) when interviewers match item by item with variation', () => {
    const sheet = { q1: { ...criterion('technical-depth', 5), ...criterion('communication', 2) } };
    expect(panelSummary({ alice: sheet, bob: sheet }, ['q1']).agreement.alpha).toBe(1);
  });
});

describe('coverage wording (one definition for the panel and the exports)', () => {
  it('is the share of the weight, with the count beside it', () => {
    // all four technical-depth sub-criteria (40% of the weight) vs all four innovation ones (10%)
    const depth = weightedScore(Object.fromEntries(RUBRIC[0]!.subCriteria.map((s) => [s.id, 3])));
    const innovation = weightedScore(Object.fromEntries(RUBRIC[RUBRIC.length - 1]!.subCriteria.map((s) => [s.id, 3])));
    expect(questionCoverage(depth)).toBe(`${RUBRIC[0]!.subCriteria.length}/16 · 40% of weight`);
    expect(questionCoverage(innovation)).toBe(`${RUBRIC[RUBRIC.length - 1]!.subCriteria.length}/16 · 10% of weight`);
    expect(questionCoverage(weightedScore({}))).toBe('0/16 · 0% of weight');
    expect(coverageLabel(16, 16, 1)).toBe('16/16 · 100% of weight');
  });

  it('overall: questions with a score, and the mean share of the weight over the listed questions', () => {
    const all = Object.fromEntries(RUBRIC_SUB_CRITERION_IDS.map((id) => [id, 4]));
    expect(overallCoverage(overallScore({ q1: all }, ['q1', 'q2']))).toBe('1/2 questions · 50% of weight');
    expect(overallCoverageLabel(1, 1, 0.999)).toBe('1/1 question · 100% of weight');
  });

  it('clamps and rounds the percentage', () => {
    expect(coveragePercent(0.004)).toBe('0%');
    expect(coveragePercent(0.995)).toBe('100%');
    expect(coveragePercent(1.5)).toBe('100%');
    expect(coveragePercent(Number.NaN)).toBe('0%');
  });
});
